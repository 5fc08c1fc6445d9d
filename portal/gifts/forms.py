"""Forms of the gifts area: the report, the decision, and the register's filters."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired
from wtforms.validators import Optional as OptionalValidator

from portal.core.forms import DateField, MaxLength
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local
from portal.gifts.states import CATEGORY_LABELS, OUTCOME_LABELS, Decision, Response, band_choices, decision_problems, label_of
from portal.review.advice.forms import NOT_PREMATURELY_RED, AdviceQuestionForm
from portal.review.advice.models import QUESTION_MAX
from portal.review.forms import FilterForm

NOT_PREMATURELY_RED = {"required": False}
_DATE = _l("Vul een bestaande datum in, bijvoorbeeld 31-01-2026.")


def category_choices() -> list[tuple[str, str]]:
    return [(code, label_of(CATEGORY_LABELS, code)) for code in current_app.config["GIFT_CATEGORIES"]]


class GiftForm(FlaskForm):
    """Report a gift or invitation, or ask beforehand."""

    category = RadioField(_l("Wat is het?"), validate_choice=True,
                          validators=[InputRequired(message=_l("Kies wat het is."))])
    description = StringField(_l("Omschrijving"), render_kw=NOT_PREMATURELY_RED, validators=[
        DataRequired(message=_l("Beschrijf wat u kreeg of wat u werd aangeboden.")),
        MaxLength(500)],
        description=_l("Bijvoorbeeld: een fles wijn, kaarten voor een voetbalwedstrijd, een diner na een project."))
    giver_name = StringField(_l("Naam van de gever"), validators=[OptionalValidator(), MaxLength(256)])
    giver_organisation = StringField(_l("Organisatie van de gever"), validators=[
        OptionalValidator(), MaxLength(256)],
        description=_l("Vul een naam, een organisatie of allebei in."))
    work_relation = TextAreaField(_l("Wat heeft de gever met uw werk te maken?"), render_kw=NOT_PREMATURELY_RED,
        validators=[DataRequired(message=_l("Schrijf op wat de gever met uw werk te maken heeft.")),
                    MaxLength(2000)],
        description=_l("Bijvoorbeeld: leverancier van mijn afdeling, vraagt een vergunning aan die ik behandel, "
                       "of: niets."))
    value_band = RadioField(_l("Wat is het ongeveer waard?"), validate_choice=True,
                            validators=[InputRequired(message=_l("Kies de geschatte waarde."))])
    response = RadioField(_l("Wat heeft u gedaan?"), validate_choice=True, choices=Response.choices(),
                          validators=[InputRequired(message=_l("Kies wat u heeft gedaan."))])
    received_on = DateField(_l("Datum"), validators=[InputRequired(message=_DATE)], latest=today_local,
                            description=_l("De dag waarop u het kreeg of waarop het werd aangeboden."))
    explanation = TextAreaField(_l("Toelichting"), validators=[OptionalValidator(), MaxLength(4000)],
                                description=_l("Wat de beslisser verder moet weten, bijvoorbeeld wanneer het evenement is."))
    submit = SubmitField(_l("Melding versturen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = category_choices()
        self.value_band.choices = band_choices(current_app.config["GIFT_THRESHOLD"])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not ((self.giver_name.data or "").strip() or (self.giver_organisation.data or "").strip()):
            self.giver_organisation.errors = list(self.giver_organisation.errors) + [
                _l("Vul in van wie het komt: een naam, een organisatie of allebei.")]
            valid = False
        return valid


class DecisionForm(FlaskForm):
    """The manager's or HR's decision; what each decision needs is ``decision_problems``."""

    decision = RadioField(_l("Besluit"), validate_choice=True, choices=Decision.choices(),
                          validators=[InputRequired(message=_l("Kies een besluit."))])
    conditions = TextAreaField(_l("Voorwaarden"), validators=[OptionalValidator(), MaxLength(2000)],
                               description=_l("Verplicht bij „toegestaan onder voorwaarden”. Bijvoorbeeld: "
                                              "u deelt het met het team."))
    reason = TextAreaField(_l("Reden"), validators=[OptionalValidator(), MaxLength(2000)],
                           description=_l("Verplicht bij teruggeven of inleveren: de medewerker leest dit."))
    submit = SubmitField(_l("Besluit vastleggen"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision.errors:
            return False
        for name, message in decision_problems(self.decision.data, self.conditions.data, self.reason.data).items():
            self[name].errors = list(self[name].errors) + [message]
            valid = False
        return valid


_ANY = ("", _l("Alle"))


class RegisterFilterForm(FilterForm):
    q = StringField(_l("Zoek op naam of gever"), validators=[OptionalValidator(), MaxLength(100)])
    category = SelectField(_l("Soort"), default="", validate_choice=True)
    outcome = SelectField(_l("Uitkomst"), default="", validate_choice=True,
                          choices=[_ANY] + [(key, label) for key, label in OUTCOME_LABELS.items()])
    year = SelectField(_l("Jaar"), default="", validate_choice=True)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [_ANY] + category_choices()
        self.year.choices = [_ANY] + [(str(y), str(y)) for y in years]


class GiftAdviceQuestionForm(AdviceQuestionForm):
    """HR's question to the manager about a gift: says what the manager will see of it."""

    advice_question = TextAreaField(
        _l("Uw vraag aan de leidinggevende"),
        validators=[DataRequired(message=_l("Schrijf uw vraag aan de leidinggevende.")),
                    MaxLength(QUESTION_MAX)],
        description=_l("De leidinggevende ziet bij deze vraag uw vraag, de naam en functie van de medewerker en wat er "
                       "is gemeld: wat, van wie, de relatie met het werk, de geschatte waarde, wat de medewerker deed en "
                       "de datum. Als leidinggevende kan hij of zij de geschenken en uitnodigingen van de medewerker ook "
                       "zelf inzien; het register niet."),
        render_kw=NOT_PREMATURELY_RED,
    )
