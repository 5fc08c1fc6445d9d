"""Forms of the policies area: editing a page, acknowledging it, comparing versions, search, advisers."""

from __future__ import annotations

from typing import Optional

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
    ValidationError,
)
from wtforms.validators import Optional as OptionalValue

from portal.core.forms import DateField, MaxLength
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local
from portal.policies.advisers import MAX_PHOTO_BYTES, detect_image_type
from portal.policies.models import LANGUAGES
from portal.policies.services import MAX_BODY_CHARS


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _unix_newlines(value):
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _int_or_none(value) -> Optional[int]:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class PolicyEditForm(FlaskForm):
    """Write a new version of a page: preview, save as draft, or publish."""

    language = RadioField(
        _l("Taal van deze tekst"),
        choices=[SelectChoice("nl", _l("Nederlands")), SelectChoice("en", _l("Engels"))],
        default="nl",
        validators=[DataRequired(_l("Kies de taal van de tekst."))],
    )
    title = StringField(
        _l("Titel"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Vul een titel in.")),
            Length(max=200, message=_l("De titel mag hoogstens %(max)d tekens lang zijn.")),
        ],
    )
    description = StringField(
        _l("Korte omschrijving"),
        filters=[_strip],
        description=_l("Eén of twee zinnen voor het overzicht van alle pagina's."),
        validators=[Length(max=500, message=_l("De omschrijving mag hoogstens %(max)d tekens lang zijn."))],
    )
    body = TextAreaField(
        _l("Tekst (Markdown)"),
        filters=[_unix_newlines],
        description=_l(
            "Kopjes met ## en ###, lijsten met - of 1., vet met **tekst**, links met [tekst](https://…). "
            "HTML wordt niet overgenomen."
        ),
        validators=[
            DataRequired(_l("Vul de tekst in.")),
            MaxLength(
                MAX_BODY_CHARS,
                message=_l("De tekst is te lang: hoogstens %(max)d tekens, deze tekst heeft er %(length)d."),
            ),
        ],
        render_kw={"rows": 24, "spellcheck": "true"},
    )
    summary = StringField(
        _l("Samenvatting van de wijziging"),
        filters=[_strip],
        description=_l("Wat is er veranderd en waarom? Verplicht bij publiceren."),
        validators=[Length(max=500, message=_l("De samenvatting mag hoogstens %(max)d tekens lang zijn."))],
    )
    effective_at = DateField(
        _l("Geldig vanaf"),
        # InputRequired, not DataRequired: a typed date that does not exist (30-02) must keep
        # the field's own message instead of "fill in the date"
        validators=[InputRequired(_l("Vul de datum in waarop deze versie gaat gelden."))],
    )
    requires_acknowledgement = BooleanField(_l("Medewerkers moeten deze versie opnieuw bevestigen"))
    base_version_id = HiddenField()
    preview = SubmitField(_l("Voorbeeld"))
    save_draft = SubmitField(_l("Opslaan als concept"))
    publish = SubmitField(_l("Publiceren"))

    @property
    def base_id(self) -> Optional[int]:
        return _int_or_none(self.base_version_id.data)

    def validate_summary(self, field) -> None:
        if self.publish.data and not field.data:
            raise ValidationError(_l("Beschrijf kort wat er is veranderd; dat ziet iedereen bij de versies."))

    def validate_effective_at(self, field) -> None:
        if field.data and field.data < today_local():
            raise ValidationError(_l("De datum mag niet in het verleden liggen."))


class NewPageForm(FlaskForm):
    slug = StringField(
        _l("Adres van de pagina"),
        description=_l("Komt na /policies/ in de link. Kleine letters, cijfers en koppeltekens, "
                       "bijvoorbeeld: regeling-geschenken. Dit kunt u later niet meer wijzigen."),
        filters=[_strip, lambda value: value.lower() if value else value],
        validators=[
            DataRequired(message=_l("Vul het adres van de pagina in.")),
            Length(min=3, max=64, message=_l("Het adres heeft 3 tot 64 tekens.")),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l(
                "Gebruik alleen kleine letters, cijfers en koppeltekens (niet aan het begin of eind), "
                "bijvoorbeeld: regeling-geschenken.")),
        ],
    )
    is_public = BooleanField(
        _l("Leesbaar zonder aan te melden"),
        description=_l("Alleen voor hulp die iedereen moet kunnen vinden, zoals meldroutes."),
    )
    submit = SubmitField(_l("Pagina aanmaken"))


class AcknowledgeForm(FlaskForm):
    """"Ik heb de gedragscode gelezen" for the version on screen."""

    version_id = HiddenField()
    submit = SubmitField(_l("Ik heb deze pagina gelezen"))

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.submit.label.text = label

    @property
    def version(self) -> Optional[int]:
        return _int_or_none(self.version_id.data)


class LanguageChoiceForm(FlaskForm):
    """?language=nl|en: read or edit the text in that language (GET)."""

    class Meta:
        csrf = False

    language = HiddenField(validators=[AnyOf(LANGUAGES)])


class DiffForm(FlaskForm):
    """Choose two versions to compare (a GET form: no CSRF)."""

    class Meta:
        csrf = False

    from_ = SelectField(_l("Oude versie"), name="from", coerce=int, validate_choice=True)
    to = SelectField(_l("Nieuwe versie"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Vergelijken"), name="compare")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.from_.choices = [SelectChoice(value, label) for value, label in choices]
        self.to.choices = [SelectChoice(value, label) for value, label in choices]


class SearchForm(FlaskForm):
    """Search the policy pages (GET)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Zoeken in de regels en afspraken"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Vul een zoekwoord in.")),
            Length(min=2, max=200, message=_l("Gebruik een zoekwoord van 2 tot 200 tekens.")),
        ],
    )
    submit = SubmitField(_l("Zoeken"), name="search")


class DepartmentFilterForm(FlaskForm):
    """Narrow the list of people who have not acknowledged to one department (GET)."""

    class Meta:
        csrf = False

    department = SelectField(_l("Afdeling"), validate_choice=True, default="")  # first load: everyone
    submit = SubmitField(_l("Tonen"), name="show")

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        everyone = SelectChoice("", _l("Alle afdelingen"))
        self.department.choices = [everyone] + [SelectChoice(d, d) for d in departments]


class AdviserForm(FlaskForm):
    """A confidential adviser or other contact."""

    name = StringField(
        _l("Naam"), filters=[_strip], validators=[DataRequired(_l("Vul de naam in.")), Length(max=200)]
    )
    role = StringField(
        _l("Rol"),
        filters=[_strip],
        description=_l("Bijvoorbeeld: vertrouwenspersoon integriteit."),
        validators=[DataRequired(_l("Vul de rol in.")), Length(max=200)],
    )
    organisation = StringField(_l("Organisatie"), filters=[_strip], validators=[Length(max=200)])
    is_external = BooleanField(_l("Extern (buiten de gemeente)"))
    phone = StringField(
        _l("Telefoonnummer"),
        filters=[_strip],
        validators=[
            OptionalValue(),
            Length(max=40),
            Regexp(
                r"^\+?[0-9 ()\-]{6,}$",
                message=_l("Vul een telefoonnummer in met alleen cijfers, spaties, - of +."),
            ),
        ],
        render_kw={"autocomplete": "off", "inputmode": "tel"},
    )
    email = StringField(
        _l("E-mailadres"),
        filters=[_strip],
        validators=[OptionalValue(), Length(max=320), Email(_l("Vul een geldig e-mailadres in."))],
    )
    availability = TextAreaField(
        _l("Bereikbaarheid"), filters=[_strip], validators=[MaxLength(1000)], render_kw={"rows": 3}
    )
    introduction = TextAreaField(
        _l("Korte introductie"), filters=[_strip], validators=[MaxLength(2000)], render_kw={"rows": 5}
    )
    photo = FileField(
        _l("Foto (optioneel)"),
        description=_l("PNG of JPEG, hoogstens 1 MB. Na een foutmelding kiest u de foto opnieuw."),
        render_kw={"accept": "image/png,image/jpeg"},
    )
    photo_alt = StringField(
        _l("Beschrijving van de foto"),
        filters=[_strip],
        description=_l("Voor wie de foto niet kan zien, bijvoorbeeld: portret van Anouk Modelman."),
        validators=[Length(max=300)],
    )
    remove_photo = BooleanField(_l("Foto verwijderen"))
    last_checked_at = DateField(
        _l("Laatst gecontroleerd op"),
        validators=[OptionalValue()],
    )
    sort_order = IntegerField(
        _l("Volgorde"),
        default=100,
        validators=[NumberRange(0, 10000, _l("Vul een getal van 0 tot 10000 in."))],
        description=_l("Lager staat eerder op de pagina."),
    )
    submit = SubmitField(_l("Opslaan"))

    def __init__(self, *args, has_photo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_photo = has_photo
        self.photo_bytes: Optional[bytes] = None
        if not has_photo:
            del self.remove_photo

    def validate_photo(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        data = upload.read(MAX_PHOTO_BYTES + 1)
        if len(data) > MAX_PHOTO_BYTES:
            raise ValidationError(_l("De foto is groter dan 1 MB. Kies een kleinere foto."))
        if detect_image_type(data) is None:
            raise ValidationError(_l("Dit is geen PNG- of JPEG-afbeelding. Kies een andere foto."))
        self.photo_bytes = data

    def validate_photo_alt(self, field) -> None:
        removing = "remove_photo" in self._fields and self.remove_photo.data
        will_have_photo = self.photo_bytes is not None or (self.has_photo and not removing)
        if will_have_photo and not field.data:
            raise ValidationError(_l("Beschrijf de foto voor wie hem niet kan zien."))
