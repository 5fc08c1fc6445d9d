"""Forms of the oath area; every message in Dutch, next to its field."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from typing import Optional

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
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Regexp, ValidationError
from wtforms.validators import Optional as Opt

from portal.core.forms import DateField, HttpsUrl, MaxLength, years_from_today
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import as_utc, to_local, utcnow
from portal.oath.display import NonexistentLocalTime, local_to_utc
from portal.oath.formulas import MAX_LENGTH as MAX_FORMULA_LENGTH
from portal.oath.formulas import formula_problems
from portal.oath.models import OathSession
from portal.oath.states import Formula, RegistrationStatus
from portal.oath.services.sessions import SessionData

#: a ceremony is an event of hours; an end time before the start time is the next morning only within this
MAX_SESSION_LENGTH = timedelta(hours=12)

#: the form's times and the session's columns they are stored in
_STORED = {"starts_at": "starts_at", "ends_at": "ends_at", "deadline": "registration_deadline"}

LANGUAGES = [SelectChoice("nl", _l("Nederlands")), SelectChoice("en", _l("Engels"))]


class SessionForm(FlaskForm):
    """Plan or change a ceremony; times are entered in local time and stored in UTC."""

    day = DateField(_l("Datum"), latest=years_from_today(2), validators=[InputRequired(_l("Vul de datum in."))])
    start_time = TimeField(_l("Begintijd"), validators=[InputRequired(_l("Vul de begintijd in."))])
    end_time = TimeField(
        _l("Eindtijd"), validators=[InputRequired(_l("Vul de eindtijd in."))],
        description=_l("Ligt de eindtijd vóór de begintijd, dan eindigt de bijeenkomst de volgende dag."),
    )
    location = StringField(
        _l("Locatie"), validators=[Opt(), Length(max=256)],
        description=_l("Bijvoorbeeld: Raadzaal, gemeentehuis. Laat leeg bij een bijeenkomst die alleen online is."),
    )
    online_url = StringField(
        _l("Link voor online deelname"), validators=[Opt(), Length(max=512), HttpsUrl()],
        description=_l("Een adres dat begint met https://. Laat leeg als de bijeenkomst niet online is."),
    )
    capacity = IntegerField(
        _l("Aantal plaatsen"),
        validators=[InputRequired(_l("Vul het aantal plaatsen in.")),
                    NumberRange(min=1, max=1000, message=_l("Kies een aantal tussen 1 en 1000."))],
    )
    official = StringField(
        _l("Afgenomen door"),
        validators=[DataRequired(_l("Vul in wie de eed of belofte afneemt.")), Length(max=256)],
        description=_l("Bijvoorbeeld: wethouder P&O."),
    )
    language = SelectField(_l("Voertaal"), choices=LANGUAGES, default="nl")
    deadline_day = DateField(_l("Aanmelden kan tot (datum)"), latest=years_from_today(2),
                             validators=[InputRequired(_l("Vul de datum in."))])
    deadline_time = TimeField(_l("Aanmelden kan tot (tijd)"), validators=[InputRequired(_l("Vul de tijd in."))])
    notes = TextAreaField(_l("Opmerkingen"), validators=[Opt(), MaxLength(4000)],
                          description=_l("Zichtbaar voor medewerkers bij het aanmelden."))
    submit = SubmitField(_l("Opslaan"))

    def __init__(self, *args, existing: Optional[OathSession] = None, **kwargs):
        if existing is not None and not kwargs.get("formdata") and "data" not in kwargs:
            kwargs["data"] = self._data_of(existing)
        super().__init__(*args, **kwargs)
        self.existing = existing
        self._times: dict[str, datetime] = {}

    @staticmethod
    def _data_of(session: OathSession) -> dict:
        start, end, deadline = (to_local(v) for v in (session.starts_at, session.ends_at, session.registration_deadline))
        return {
            "day": start.date(), "start_time": start.time(), "end_time": end.time(),
            "location": session.location, "online_url": session.online_url, "capacity": session.capacity,
            "official": session.official, "language": session.language, "notes": session.notes,
            "deadline_day": deadline.date(), "deadline_time": deadline.time(),
        }

    def _utc(self, key: str, day_field, time_field, *, next_day: bool = False) -> Optional[datetime]:
        if day_field.data is None or time_field.data is None or day_field.errors or time_field.errors:
            return None
        day = day_field.data + timedelta(days=1) if next_day else day_field.data
        kept = self._unchanged(key, day, time_field.data)
        if kept is not None:
            self._times[key] = kept
            return kept
        try:
            self._times[key] = local_to_utc(day, time_field.data)
        except NonexistentLocalTime:
            time_field.errors.append(_l("Dit tijdstip bestaat niet: de klok wordt die nacht een uur vooruitgezet."))
            return None
        return self._times[key]

    def _unchanged(self, key: str, day, at) -> Optional[datetime]:
        """The stored instant when the form shows it unchanged: the second 02:30 of the October night reads
        the same as the first, and saving other changes must not move the session an hour."""
        if self.existing is None:
            return None
        stored = as_utc(getattr(self.existing, _STORED[key]))
        local = to_local(stored)
        return stored if (local.date(), local.time().replace(second=0, microsecond=0)) == (day, at) else None

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)  # the checks across fields still run: every message at once
        starts_at = self._utc("starts_at", self.day, self.start_time)
        # An evening ceremony may end after midnight: an end time before the start time is the next day.
        overnight = bool(self.start_time.data and self.end_time.data and self.end_time.data < self.start_time.data)
        ends_at = self._utc("ends_at", self.day, self.end_time, next_day=overnight)
        deadline = self._utc("deadline", self.deadline_day, self.deadline_time)
        if starts_at and ends_at and ends_at <= starts_at:
            self.end_time.errors.append(_l("De eindtijd moet na de begintijd liggen."))
        elif starts_at and ends_at and ends_at - starts_at > MAX_SESSION_LENGTH:
            # 12:00-11:00 reads as a session of 23 hours (ending the next day): say that, not "end before start"
            self.end_time.errors.append(_l(
                "Een bijeenkomst duurt hoogstens %(hours)d uur. Een eindtijd vóór de begintijd valt op de volgende dag.",
                hours=MAX_SESSION_LENGTH // timedelta(hours=1)))
        start_changed = self.existing is None or (starts_at and starts_at != to_local(self.existing.starts_at))
        if starts_at and start_changed and starts_at <= utcnow():
            self.day.errors.append(_l("Kies een datum en tijd in de toekomst."))
        if starts_at and deadline and deadline > starts_at:
            self.deadline_day.errors.append(_l("De aanmelddatum moet vóór het begin van de bijeenkomst liggen."))
        if not (self.location.data or "").strip() and not (self.online_url.data or "").strip():
            self.location.errors.append(_l("Vul een locatie of een link voor online deelname in."))
        return not any(f.errors for f in self)

    def session_data(self) -> SessionData:
        return SessionData(
            starts_at=self._times["starts_at"],
            ends_at=self._times["ends_at"],
            registration_deadline=self._times["deadline"],
            capacity=self.capacity.data,
            official=self.official.data.strip(),
            location=(self.location.data or "").strip() or None,
            online_url=(self.online_url.data or "").strip() or None,
            language=self.language.data,
            notes=(self.notes.data or "").strip() or None,
        )


class RegisterForm(FlaskForm):
    """Sign up for a session (or its waiting list)."""

    formula = RadioField(
        _l("Wat legt u af?"),
        choices=[SelectChoice(Formula.oath.value, _l("De eed (ambtseed)")),
                 SelectChoice(Formula.affirmation.value, _l("De belofte (ambtsbelofte)"))],
        validators=[InputRequired(_l("Kies de eed of de belofte."))],
        description=_l("De eed en de belofte hebben dezelfde waarde; alleen de slotzin verschilt."),
    )
    accessibility_needs = TextAreaField(
        _l("Toegankelijkheid (niet verplicht)"),
        validators=[Opt(), MaxLength(2000)],
        description=_l("Heeft u iets nodig om goed mee te kunnen doen, bijvoorbeeld een rolstoelplek of een tolk? "
                       "Alleen P&O ziet dit."),
    )
    submit = SubmitField(_l("Inschrijven"))

    def offer_waiting_list(self) -> None:
        """The session is full: the button puts one on the waiting list."""
        self.submit.label.text = _l("Op de wachtlijst zetten")


class StatementForm(FlaskForm):
    """Sign the integrity statement."""

    #: the version the person read; a newer one published meanwhile is refused
    text_id = HiddenField(validators=[Regexp(r"^[0-9]{1,9}$")])
    signed_name = StringField(
        _l("Uw volledige naam"),
        validators=[DataRequired(_l("Vul uw volledige naam in.")), Length(min=2, max=256)],
        render_kw={"autocomplete": "name"},
    )
    agree = BooleanField(
        _l("Ik heb de verklaring gelezen en onderteken deze"),
        validators=[DataRequired(_l("Vink aan dat u de verklaring heeft gelezen en ondertekent."))],
    )
    submit = SubmitField(_l("Ondertekenen"))


class CancelSessionForm(FlaskForm):
    """HR cancels a whole session."""

    note = TextAreaField(
        _l("Toelichting voor de aangemelde medewerkers (niet verplicht)"),
        validators=[Opt(), MaxLength(1000)],
        description=_l("Deze tekst komt in de e-mail aan iedereen die is aangemeld of op de wachtlijst staat."),
    )
    confirm = BooleanField(
        _l("Ja, annuleer deze bijeenkomst en bericht iedereen die is aangemeld"),
        validators=[DataRequired(_l("Vink aan dat u de bijeenkomst wilt annuleren."))],
    )
    submit = SubmitField(_l("Bijeenkomst annuleren"))


class MarkForm(FlaskForm):
    """Attended / no-show: the value comes from the button pressed."""

    status = StringField(validators=[AnyOf([RegistrationStatus.attended.value, RegistrationStatus.no_show.value])])


class OathImportForm(FlaskForm):
    """HR's list of oaths taken before the portal (CSV); checked first, recorded after confirmation."""

    file = FileField(_l("CSV-bestand met eden en beloften"),
                     validators=[FileRequired(message=_l("Kies een CSV-bestand."))],
                     description=_l("Kolommen: gebruikersnaam (of personeelsnummer); datum; eed of belofte; "
                                    "certificaatnummer (mag leeg). Gescheiden door ; of , — zoals Excel opslaat."))
    submit = SubmitField(_l("Bestand controleren"))


class ConfirmOathImportForm(FlaskForm):
    """The checked file, carried to the confirmation (it is checked again before anything is recorded)."""

    content = HiddenField(validators=[DataRequired()])
    file_name = HiddenField()
    submit = SubmitField(_l("Eden en beloften vastleggen"))

    @staticmethod
    def encode(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode("ascii")

    def file_data(self) -> Optional[bytes]:
        """The file's bytes, or None when the field was not what this page wrote."""
        try:
            return base64.b64decode((self.content.data or "").encode("ascii"), altchars=b"-_", validate=True)
        except (ValueError, UnicodeEncodeError):
            return None
class FormulaTextForm(FlaskForm):
    """HR publishes a new version of the oath's or the affirmation's wording in one language."""

    body = TextAreaField(
        _l("Tekst"),
        validators=[DataRequired(_l("Vul de tekst in.")), MaxLength(MAX_FORMULA_LENGTH)],
        description=_l("Zet elke zin op een eigen regel, de slotzin als laatste. Schrijf {organisatie} waar de naam "
                       "van de organisatie komt: het portaal vult die in."),
        render_kw={"rows": 10},
    )
    submit = SubmitField(_l("Nieuwe versie publiceren"))

    def __init__(self, *args, formula: Formula, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._formula = formula
        self._language = language
        self.body.label.text = (
            (_l("Tekst van de eed (Nederlands)") if language == "nl" else _l("Tekst van de eed (Engels)"))
            if formula == Formula.oath
            else (_l("Tekst van de belofte (Nederlands)") if language == "nl" else _l("Tekst van de belofte (Engels)"))
        )

    def validate_body(self, field) -> None:
        problems = formula_problems(self._formula, self._language, field.data or "")
        if problems:
            raise ValidationError(problems[0])
