"""Forms of the concerns area: filing, registering, the case page's steps, advisers' contacts."""

from __future__ import annotations

from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.validators import Optional as OptionalValidator

from portal.core.forms import DateField, MaxLength
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local
from portal.concerns.states import (
    CATEGORY_LABELS,
    CONTACT_NATURES,
    MEASURE_LABELS,
    Channel,
    InvestigationType,
    Outcome,
    label_of,
)

NOT_PREMATURELY_RED = {"required": False}


def _required(message):
    return DataRequired(message=message)


class ConcernFieldsForm(FlaskForm):
    """What happened: the same fields for the employee and the coordinator."""

    what_happened = TextAreaField(_l("Wat is er gebeurd?"), render_kw=NOT_PREMATURELY_RED, validators=[
        _required(_l("Beschrijf wat er is gebeurd.")), MaxLength(10000)],
        description=_l("Beschrijf zo precies mogelijk wat u heeft gezien of gehoord."))
    happened_when = StringField(_l("Wanneer was dat?"), validators=[OptionalValidator(), MaxLength(256)],
                                description=_l("Een datum of periode, bijvoorbeeld „maart 2026” of „sinds vorig jaar”."))
    people_involved = TextAreaField(_l("Wie zijn erbij betrokken?"), validators=[
        OptionalValidator(), MaxLength(2000)],
        description=_l("Namen of functies, als u die weet."))
    is_anonymous = BooleanField(_l("Mijn naam niet delen met de betrokkenen"))
    contact_preference = StringField(_l("Hoe wilt u dat we contact met u opnemen?"), validators=[
        OptionalValidator(), MaxLength(500)],
        description=_l("Bijvoorbeeld: alleen per e-mail, of bel mij op een ander nummer."))


class FileConcernForm(ConcernFieldsForm):
    submit = SubmitField(_l("Melding versturen"))


class RegisterConcernForm(ConcernFieldsForm):
    channel = SelectField(_l("Hoe kwam de melding binnen?"), validate_choice=True, choices=[
        (c.value, c.label) for c in Channel if c != Channel.portal])
    received_on = DateField(_l("Datum van ontvangst"),
                            validators=[InputRequired(message=_l("Vul de datum van ontvangst in."))],
                            latest=today_local, description=_l("De termijnen tellen vanaf deze datum."))
    reporter_name = StringField(_l("Naam of contactgegevens van de melder"), validators=[
        OptionalValidator(), MaxLength(256)],
        description=_l("Leeg laten als de melder onbekend is of anoniem wil blijven."))
    submit = SubmitField(_l("Melding registreren"))

    field_order = ("channel", "received_on", "reporter_name", "what_happened", "happened_when", "people_involved",
                   "is_anonymous", "contact_preference")

    def ordered_fields(self) -> list:
        """How the channel comes first on the page (WTForms orders fields by creation)."""
        return [self[name] for name in self.field_order]


def _category_choices():
    return [("", _l("Nog niet ingedeeld"))] + [(code, label_of(CATEGORY_LABELS, code))
                                                for code in current_app.config["CONCERN_CATEGORIES"]]


def _measure_field(**kwargs) -> SelectField:
    """The measure: one from the list, or none yet."""
    return SelectField(_l("Maatregel"), validate_choice=True,
                       invalid_choice_message=_l("Kies een maatregel uit de lijst."), **kwargs)


def _measure_choices(blank):
    return [("", blank)] + [(code, label_of(MEASURE_LABELS, code)) for code in current_app.config["CONCERN_MEASURES"]]


class ClassifyForm(FlaskForm):
    """Category and measure: set, or corrected later."""

    category = SelectField(_l("Categorie"), validate_choice=True,
                           invalid_choice_message=_l("Kies een categorie uit de lijst."))
    measure = _measure_field(description=_l("Pas te kiezen na de beoordeling."))
    submit = SubmitField(_l("Indeling opslaan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = _category_choices()
        self.measure.choices = _measure_choices(_l("Nog geen maatregel"))


class InvestigationForm(FlaskForm):
    investigation_type = RadioField(_l("Wie doet het onderzoek?"), validate_choice=True, choices=[
        (t.value, t.label) for t in InvestigationType if t != InvestigationType.none],
        validators=[InputRequired(message=_l("Kies wie het onderzoek doet."))])
    started_on = DateField(_l("Start van het onderzoek"),
                           validators=[InputRequired(message=_l("Vul de startdatum van het onderzoek in."))],
                           latest=today_local)
    submit = SubmitField(_l("Onderzoek vastleggen"))


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Uitkomst"), validate_choice=True, choices=Outcome.choices(),
        validators=[InputRequired(message=_l("Kies de uitkomst."))])
    decided_on = DateField(_l("Datum van de beoordeling"),
                           validators=[InputRequired(message=_l("Vul de datum van de beoordeling in."))],
                           latest=today_local)
    #: left out of a post, it is "no measure yet", as the empty option (there is none to clear yet)
    measure = _measure_field(default="")
    submit = SubmitField(_l("Beoordeling vastleggen"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure.choices = _measure_choices(_l("Nog geen maatregel"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Interne notitie"), render_kw=NOT_PREMATURELY_RED, validators=[
        _required(_l("Schrijf een notitie.")), MaxLength(10000)],
        description=_l("Alleen integriteitscoördinatoren lezen dit; de melder nooit."))
    submit = SubmitField(_l("Notitie toevoegen"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("Bestand"), validators=[FileRequired(message=_l("Kies een bestand."))],
                     description=_l("PDF, PNG, JPEG of tekst."))
    submit = SubmitField(_l("Bestand toevoegen"))


class ContactForm(FlaskForm):
    #: one per rendered form (set by the view): sending the same form again logs nothing new
    client_token = HiddenField(validators=[OptionalValidator(), Length(max=64)])
    contact_on = DateField(_l("Datum van het contact"),
                           validators=[InputRequired(message=_l("Vul de datum van het contact in."))],
                           latest=today_local)
    nature = SelectField(_l("Aard van het contact"), validate_choice=True, choices=[
        ("", _l("Kies…"))] + list(CONTACT_NATURES.items()),
        validators=[DataRequired(message=_l("Kies de aard van het contact."))])
    people = IntegerField(_l("Aantal personen"), default=1, validators=[
        InputRequired(message=_l("Vul een aantal in.")),
        NumberRange(min=1, max=500, message=_l("Vul een aantal tussen 1 en 500 in."))])
    is_referred = BooleanField(_l("Doorverwezen naar het meldpunt"))
    submit = SubmitField(_l("Contact vastleggen"))
