"""Declaration forms: two validation sets, "save as draft" (formats and lengths) and "submit" (everything).

Every message is Dutch and shown next to its field; the typed input is always rendered back.
"""

from __future__ import annotations

from typing import Any, Optional

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, ValidationError
from wtforms.validators import Optional as OptionalValidator

from portal.core.forms import DateField, MaxLength, years_from_today
from portal.core.i18n import lazy_gettext as _l
from portal.declarations.fields import (
    YES,
    YES_NO_CHOICES,
    ChoiceField,
    WholeNumberField,
    options,
    server_side_limits,
    to_bool,
    yes_no,
)
from portal.core.enums import LabelledEnum
from portal.declarations.models import (
    ANSWER_FIELDS,
    ENTITY_MAX,
    NAME_MAX,
    NOTE_MAX,
    TEXT_MAX,
    DeclarationKind,
    DeclarationVersion,
    InterestEvent,
    InterestKind,
    MunicipalityRelation,
    OrganisationKind,
)

MAX_HOURS = 744  #: hours in a month of 31 days
BOOLEAN_FIELDS = {"is_paid", "during_working_hours", "touches_own_work"}


def _choices(kind: type[LabelledEnum]) -> list:
    return options(kind.choices())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class DeclarationForm(FlaskForm):
    """Common behaviour: which answers are required to submit, and converting to/from a version."""

    kind: DeclarationKind
    #: field name → Dutch message when it is missing at submission
    REQUIRED: dict[str, Any] = {}

    change_note = TextAreaField(
        _l("Wat is er veranderd ten opzichte van de vorige versie?"),
        validators=[OptionalValidator(), MaxLength(NOTE_MAX)],
        description=_l("Schrijf kort op wat er anders is. P&O ziet dit bij de beoordeling."),
    )
    #: one-time token: a double click on "submit" creates one declaration
    client_token = HiddenField(validators=[OptionalValidator(), Length(max=64)])
    save_draft = SubmitField(_l("Opslaan als concept"))
    submit = SubmitField(_l("Indienen"))

    def __init__(self, *args, is_change: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        server_side_limits(self, required=tuple(self.REQUIRED))
        if not is_change:
            del self["change_note"]

    @property
    def is_submit(self) -> bool:
        """True when the "submit" button was used (else: save as draft)."""
        return bool(self.submit.data)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.is_submit:
            for name, message in self.REQUIRED.items():
                field = self[name]
                if not field.errors and _blank(field.data):
                    field.errors.append(str(message))
                    ok = False
        return ok

    def answers(self) -> dict[str, Any]:
        """The answers for the service: booleans converted, blank text as None, typed text kept as typed."""
        result: dict[str, Any] = {}
        for name in ANSWER_FIELDS[self.kind]:
            value = self[name].data
            if name in BOOLEAN_FIELDS:
                value = to_bool(value)
            elif _blank(value):
                value = None
            result[name] = value
        if "change_note" in self:
            result["change_note"] = None if _blank(self.change_note.data) else self.change_note.data
        return result

    @classmethod
    def data_from(cls, version: Optional[DeclarationVersion]) -> dict[str, Any]:
        """Form data pre-filled from a version (``data=`` of the constructor)."""
        if version is None:
            return {}
        data: dict[str, Any] = {}
        for name, value in version.answers().items():
            if name in BOOLEAN_FIELDS:
                value = yes_no(value)
            elif hasattr(value, "value"):
                value = value.value
            data[name] = value
        data["change_note"] = version.change_note
        return data


class SideActivityForm(DeclarationForm):
    kind = DeclarationKind.side_activity
    REQUIRED = {
        "organisation_name": _l("Vul de naam van de organisatie in."),
        "organisation_kind": _l("Kies wat voor organisatie het is."),
        "role": _l("Vul uw rol of functie in."),
        "description": _l("Beschrijf kort wat u doet."),
        "is_paid": _l("Kies of u er een vergoeding voor krijgt."),
        "hours_per_month": _l("Vul in hoeveel uur per maand het ongeveer is (0 mag ook)."),
        "start_date": _l("Vul de begindatum in."),
        "during_working_hours": _l("Kies of u dit (soms) onder werktijd doet."),
        "municipality_relation": _l("Kies of de organisatie met de gemeente te maken heeft."),
        "touches_own_work": _l("Kies of het uw eigen werk raakt."),
        "conflict_assessment": _l("Schrijf uw eigen inschatting op, ook als u denkt dat er geen risico is."),
    }

    organisation_name = StringField(
        _l("Naam van de organisatie"), validators=[OptionalValidator(), MaxLength(NAME_MAX)],
        description=_l("Bijvoorbeeld de vereniging, stichting, het bedrijf of uw eigen onderneming."),
    )
    organisation_kind = ChoiceField(
        _l("Wat voor organisatie is het?"), choices=_choices(OrganisationKind),
        validators=[OptionalValidator()],
    )
    role = StringField(
        _l("Uw rol of functie daar"), validators=[OptionalValidator(), MaxLength(NAME_MAX)],
        description=_l("Bijvoorbeeld bestuurslid, penningmeester, vrijwilliger, adviseur of eigenaar."),
    )
    description = TextAreaField(
        _l("Wat doet u daar?"), validators=[OptionalValidator(), MaxLength(TEXT_MAX)],
        description=_l("Beschrijf in een paar zinnen wat uw werkzaamheden zijn."),
    )
    is_paid = ChoiceField(
        _l("Krijgt u er geld of een andere vergoeding voor?"), choices=YES_NO_CHOICES,
        validators=[OptionalValidator()],
        description=_l("Ook een vrijwilligersvergoeding of een vergoeding in natura telt als betaald."),
    )
    hours_per_month = WholeNumberField(
        _l("Hoeveel uur per maand besteedt u eraan, ongeveer?"),
        example=8, validators=[OptionalValidator(), NumberRange(min=0, max=MAX_HOURS, message=_l(
            "Vul een aantal uren van 0 tot en met 744 in (een maand heeft hoogstens 744 uur)."))],
        description=_l("Een schatting is genoeg. Een heel getal, bijvoorbeeld 8."),
    )
    # a working life back, a little ahead: 1900 or 2099 is a typing error, not a side activity
    start_date = DateField(
        _l("Begindatum"), validators=[OptionalValidator()], earliest=years_from_today(-60), latest=years_from_today(2),
        description=_l("Wanneer bent u begonnen, of wanneer begint u? Weet u de dag niet precies, kies dan de eerste van de maand."),
    )
    end_date = DateField(
        _l("Einddatum (alleen als die al bekend is)"), validators=[OptionalValidator()],
        earliest=years_from_today(-60), latest=years_from_today(10),
        description=_l("Laat dit leeg als de nevenwerkzaamheid doorloopt."),
    )
    during_working_hours = ChoiceField(
        _l("Doet u dit (soms) onder werktijd?"), choices=YES_NO_CHOICES, validators=[OptionalValidator()],
    )
    municipality_relation = ChoiceField(
        _l("Heeft de organisatie te maken met de gemeente?"), choices=_choices(MunicipalityRelation),
        validators=[OptionalValidator()],
        description=_l("Bijvoorbeeld als klant, leverancier, ontvanger van subsidie of aanvrager van een vergunning."),
    )
    touches_own_work = ChoiceField(
        _l("Raakt dit aan uw eigen werk bij de gemeente?"), choices=YES_NO_CHOICES,
        validators=[OptionalValidator()],
        description=_l("Bijvoorbeeld als u in uw werk te maken kunt krijgen met deze organisatie of de mensen die erbij horen."),
    )
    touches_own_work_explanation = TextAreaField(
        _l("Leg uit hoe het uw werk raakt"), validators=[OptionalValidator(), MaxLength(TEXT_MAX)],
        description=_l("Nodig als u bij de vorige vraag 'Ja' koos."),
    )
    conflict_assessment = TextAreaField(
        _l("Kan er (de schijn van) belangenverstrengeling ontstaan? Wat denkt u zelf?"),
        validators=[OptionalValidator(), MaxLength(TEXT_MAX)],
        description=_l("Wat zou een inwoner of collega ervan vinden? Hoe voorkomt u problemen? "
                       "Denkt u dat er geen risico is, schrijf dan op waarom."),
    )

    def validate_end_date(self, field) -> None:
        _check_order(self.start_date.data, field, _l("De einddatum ligt vóór de begindatum. Kies een einddatum op of na de begindatum."))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        explanation = self.touches_own_work_explanation
        if self.is_submit and self.touches_own_work.data == YES and not explanation.errors and _blank(explanation.data):
            explanation.errors.append(str(_l("Leg uit hoe het uw werk raakt; u koos 'Ja' bij de vorige vraag.")))
            ok = False
        return ok


class FinancialInterestForm(DeclarationForm):
    kind = DeclarationKind.financial_interest
    REQUIRED = {
        "interest_kind": _l("Kies wat voor belang het is."),
        "entity": _l("Vul in om welk bedrijf of object het gaat."),
        "relation_to_work": _l("Beschrijf of het belang te maken heeft met uw werk; schrijf ook op als dat niet zo is."),
    }
    #: the date each case needs before it can be submitted (art. 8 lid 2 Aw: holdings and transactions)
    REQUIRED_DATE = {
        InterestEvent.holding: ("acquired_on", _l("Vul in sinds wanneer u dit belang heeft.")),
        InterestEvent.bought: ("transaction_on", _l("Vul in op welke dag u de effecten kocht.")),
        InterestEvent.sold: ("transaction_on", _l("Vul in op welke dag u de effecten verkocht.")),
    }

    interest_event = ChoiceField(
        _l("Wat geeft u op?"), choices=_choices(InterestEvent), default=InterestEvent.holding.value,
        validators=[OptionalValidator()],
        description=_l("Werkt u in een aangewezen functie? Dan geeft u ook elke aankoop of verkoop van effecten op "
                       "die de belangen van de gemeente kan raken. Bedragen vragen wij niet."),
    )
    interest_kind = ChoiceField(
        _l("Wat voor belang is het?"), choices=_choices(InterestKind), validators=[OptionalValidator()],
    )
    entity = StringField(
        _l("Om welk bedrijf, welke onderneming of welk object gaat het?"),
        validators=[OptionalValidator(), MaxLength(ENTITY_MAX)],
        description=_l("Bijvoorbeeld de naam van het bedrijf, of de plaats en soort van het onroerend goed. "
                       "Bedragen vragen wij niet."),
    )
    relation_to_work = TextAreaField(
        _l("Heeft dit belang te maken met uw werk of met partijen waar de gemeente mee te maken heeft?"),
        validators=[OptionalValidator(), MaxLength(TEXT_MAX)],
        description=_l("Bijvoorbeeld een leverancier van de gemeente of een bedrijf dat een vergunning aanvraagt. "
                       "Is er geen verband, schrijf dat dan op."),
    )
    acquired_on = DateField(
        _l("Sinds wanneer heeft u dit belang?"), validators=[OptionalValidator()],
        description=_l("Alleen bij bezit. Weet u de dag niet precies, kies dan de eerste van de maand."),
    )
    transaction_on = DateField(
        _l("Op welke dag kocht of verkocht u?"), validators=[OptionalValidator()],
        description=_l("Alleen bij een transactie."),
    )
    ended_on = DateField(
        _l("Tot wanneer (alleen als die datum al bekend is)"), validators=[OptionalValidator()],
        description=_l("Laat dit leeg als u het belang nog heeft."),
    )

    def validate_ended_on(self, field) -> None:
        _check_order(self.acquired_on.data, field, _l("Deze datum ligt vóór de datum waarop u het belang kreeg."))

    @property
    def event(self) -> InterestEvent:
        """The case chosen; a form without the question (older clients) means a holding."""
        value = self.interest_event.data
        return InterestEvent(value) if value in InterestEvent.__members__ else InterestEvent.holding

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        name, message = self.REQUIRED_DATE[self.event]
        if self.is_submit and not self[name].errors and self[name].data is None:
            self[name].errors.append(str(message))
            ok = False
        return ok

    def answers(self) -> dict[str, Any]:
        """A holding keeps its dates, a transaction only its own date: no stray answers from the other case."""
        result = super().answers()
        result["interest_event"] = self.event.value
        if self.event == InterestEvent.holding:
            result["transaction_on"] = None
        else:
            result["acquired_on"] = result["ended_on"] = None
        return result


def _check_order(start, end_field, message) -> None:
    if start is not None and end_field.data is not None and end_field.data < start:
        raise ValidationError(str(message))


FORMS = {DeclarationKind.side_activity: SideActivityForm, DeclarationKind.financial_interest: FinancialInterestForm}


class EndForm(FlaskForm):
    ended_on = DateField(
        _l("Op welke dag is het beëindigd?"),
        validators=[DataRequired(_l("Vul de datum in waarop het beëindigd is."))],
        description=_l("Dit kan vandaag zijn of een dag in het verleden."),
    )
    submit = SubmitField(_l("Beëindigen"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(
        _l("Uw antwoord"),
        validators=[DataRequired(_l("Schrijf uw antwoord op de vraag.")), MaxLength(TEXT_MAX)],
    )
    submit = SubmitField(_l("Antwoord versturen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        server_side_limits(self)


class NilStatementForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf([k.value for k in DeclarationKind])])
    submit = SubmitField(_l("Bevestigen"))
