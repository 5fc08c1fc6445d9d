"""Forms of the review area. GET filter forms have no CSRF token; every POST form has one.

Text the employee sees (conditions, reason, question) and text only reviewers see
(``internal_note``) are different fields of different forms, so one can never be
posted as the other.
"""

from __future__ import annotations

from typing import Iterable, Optional

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Regexp, ValidationError
from wtforms.validators import Optional as OptionalValidator

from portal.core.forms import DateField, MaxLength, PairSelectField
from portal.core.i18n import lazy_gettext as _l
from portal.declarations.models import TEXT_MAX, DeclarationKind
from portal.declarations.states import DECISIONS, QUEUE_STATUSES, DeclarationStatus, VersionStatus
from portal.review.models import (
    ASSESSMENT_POINTS,
    NOTE_MAX,
    SUMMARY_DESCRIPTION_MAX,
    SUMMARY_NAME_MAX,
    SUMMARY_RESTRICTIONS_MAX,
    Rating,
)
from portal.review.services import missing_decision_text
from portal.review.summaries import SummaryAnswers, summary_problem

#: required fields keep their "(verplicht)" mark and aria-required, but no HTML ``required``: the
#: stylesheet paints every empty :invalid field red before anyone typed (the server validates)
NOT_PREMATURELY_RED = {"required": False}
_ANY = ("", _l("Alle"))
YES_NO_ANY = [_ANY, ("yes", _l("Ja")), ("no", _l("Nee"))]
KIND_CHOICES = [_ANY] + DeclarationKind.choices()


def _blank(value: Optional[str]) -> bool:
    return value is None or not value.strip()


class FilterForm(FlaskForm):
    """A GET form: read from the query string, no CSRF token."""

    class Meta:
        csrf = False

    submit = SubmitField(_l("Filteren"))

    def active(self, name: str) -> Optional[str]:
        """The field's value if it validated and is not empty."""
        field = self[name]
        return field.data if field.data not in (None, "") and not field.errors else None

    def chosen(self) -> list[tuple[str, str]]:
        """The filters in use as (label, shown value): choices by their label."""
        result = []
        for field in self:
            if field.type in ("SubmitField", "CSRFTokenField") or self.active(field.name) is None:
                continue
            choices = {str(k): v for k, v in (getattr(field, "choices", None) or [])}
            result.append((str(field.label.text), str(choices.get(str(field.data), field.data))))
        return result


class QueueFilterForm(FilterForm):
    status = PairSelectField(_l("Status"), choices=[("", _l("Te beoordelen (ingediend en in behandeling)"))] + [
        (status.value, status.label) for status in DeclarationStatus if status in QUEUE_STATUSES
    ], validate_choice=True, default="")
    kind = PairSelectField(_l("Soort"), choices=KIND_CHOICES, default="")
    department = PairSelectField(_l("Afdeling"), choices=[_ANY], default="")
    high_risk = PairSelectField(_l("Functie met verhoogd risico"), choices=YES_NO_ANY, default="")
    top_official = PairSelectField(_l("Topfunctionaris"), choices=YES_NO_ANY, default="")
    waiting = PairSelectField(_l("Wachttijd"), choices=[
        _ANY, ("7", _l("Langer dan 1 week")), ("14", _l("Langer dan 2 weken")),
        ("overdue", _l("Over de termijn")),
    ], default="")
    assigned = PairSelectField(_l("Beoordelaar"), choices=[
        _ANY, ("me", _l("Aan mij toegewezen")), ("unassigned", _l("Nog niet toegewezen")),
    ], default="")

    def __init__(self, *args, departments: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.department.choices = [_ANY] + [(d, d) for d in departments]


class RegisterFilterForm(FilterForm):
    kind = PairSelectField(_l("Soort"), choices=KIND_CHOICES, default="")
    department = PairSelectField(_l("Afdeling"), choices=[_ANY], default="")
    paid = PairSelectField(_l("Betaald"), choices=YES_NO_ANY, default="")
    top_official = PairSelectField(_l("Topfunctionaris"), choices=YES_NO_ANY, default="")
    high_risk = PairSelectField(_l("Functie met verhoogd risico"), choices=YES_NO_ANY, default="")
    q = StringField(_l("Zoek op naam of organisatie"), validators=[OptionalValidator(), MaxLength(100)])
    summary = PairSelectField(_l("Openbare samenvatting"), choices=[
        _ANY, ("missing", _l("Samenvatting nog schrijven (topfunctionarissen)")),
    ], default="")

    def __init__(self, *args, departments: Iterable[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.department.choices = [_ANY] + [(d, d) for d in departments]


class AuditFilterForm(FilterForm):
    actor = StringField(_l("Door (gebruikersnaam)"), validators=[OptionalValidator(), MaxLength(256)])
    action = StringField(_l("Handeling"), validators=[OptionalValidator(), MaxLength(64)],
                         description=_l("Bijvoorbeeld declaration.view of review.confirm; een begin is genoeg."))
    subject = StringField(_l("Over wie (gebruikersnaam)"), validators=[OptionalValidator(), MaxLength(256)])
    date_from = DateField(_l("Vanaf (datum)"), validators=[OptionalValidator()],
                          description=_l("Bijvoorbeeld 31-01-2026."))
    date_to = DateField(_l("Tot en met (datum)"), validators=[OptionalValidator()])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("De einddatum ligt vóór de begindatum."))


# -- POST forms on the review page ----------------------------------------------------------


class LockedForm(FlaskForm):
    """A form that carries the lock_version of the declaration as it was shown."""

    lock_version = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])

    @property
    def seen_lock_version(self) -> int:
        return int(self.lock_version.data)


class TakeForm(LockedForm):
    submit = SubmitField(_l("Oppakken"))


class AssignForm(LockedForm):
    reviewer = PairSelectField(_l("Toewijzen aan"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Toewijzen"))

    def __init__(self, *args, reviewers: Iterable = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewer.choices = [(user.id, user.display_name) for user in reviewers]


class QuestionForm(LockedForm):
    question = TextAreaField(
        _l("Vraag aan de medewerker"),
        validators=[DataRequired(message=_l("Schrijf de vraag aan de medewerker.")), MaxLength(TEXT_MAX)],
        description=_l("De medewerker ziet deze vraag en beantwoordt hem in het portaal."),
        render_kw=NOT_PREMATURELY_RED,
    )
    submit = SubmitField(_l("Vraag versturen"))


DECISION_CHOICES = [
    (VersionStatus.approved.value, _l("Goedkeuren")),
    (VersionStatus.approved_with_conditions.value, _l("Goedkeuren met voorwaarden")),
    (VersionStatus.refused.value, _l("Afwijzen")),
]


class DecisionForm(LockedForm):
    outcome = RadioField(_l("Besluit"), choices=DECISION_CHOICES,
                         validators=[DataRequired(message=_l("Kies een besluit."))], render_kw=NOT_PREMATURELY_RED)
    conditions = TextAreaField(
        _l("Voorwaarden"), validators=[MaxLength(TEXT_MAX)],
        description=_l("Alleen bij goedkeuren met voorwaarden. De medewerker ziet deze tekst."),
    )
    reason = TextAreaField(
        _l("Reden van de afwijzing"), validators=[MaxLength(TEXT_MAX)],
        description=_l("Verplicht bij afwijzen. De medewerker ziet deze tekst."),
    )
    submit = SubmitField(_l("Besluit vastleggen"))

    def validate(self, extra_validators=None) -> bool:
        """The shape here; whether the outcome needs conditions or a reason is the review rule's to say."""
        valid = super().validate(extra_validators)
        if valid and self.outcome.data in {s.value for s in DECISIONS}:
            missing = missing_decision_text(VersionStatus(self.outcome.data), self.conditions.data, self.reason.data)
            if missing is not None:
                getattr(self, missing.field).errors.append(missing.message)
                return False
        return valid


class ProposalForm(LockedForm):
    confirm = SubmitField(_l("Besluit bevestigen"))
    reject = SubmitField(_l("Voorstel terugsturen"))


PAID_CHOICES = [("yes", _l("Ja, bezoldigd")), ("no", _l("Nee, onbezoldigd"))]


class PublicSummaryForm(FlaskForm):
    """HR's words for the public register; the version it was written for travels with it (a change loses)."""

    summary_version = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    summary_role = StringField(
        _l("Functie bij de organisatie"),
        validators=[DataRequired(message=_l("Vul de functie of rol in.")),
                    MaxLength(SUMMARY_NAME_MAX)],
        description=_l("Bijvoorbeeld: voorzitter van het bestuur, lid van de raad van toezicht."),
        render_kw=NOT_PREMATURELY_RED,
    )
    summary_organisation = StringField(
        _l("Organisatie"),
        validators=[DataRequired(message=_l("Vul de naam van de organisatie in.")),
                    MaxLength(SUMMARY_NAME_MAX)],
        description=_l("De volledige naam; het register maakt geen namen onleesbaar."),
        render_kw=NOT_PREMATURELY_RED,
    )
    summary_description = TextAreaField(
        _l("Korte omschrijving (niet verplicht)"), validators=[MaxLength(SUMMARY_DESCRIPTION_MAX)],
        description=_l("In uw eigen woorden, niet de tekst van de medewerker."),
    )
    summary_paid = RadioField(_l("Bezoldigd"), choices=PAID_CHOICES,
                              validators=[DataRequired(message=_l("Kies of de nevenwerkzaamheid betaald wordt."))],
                              render_kw=NOT_PREMATURELY_RED)
    summary_restrictions = TextAreaField(
        _l("Beperkingen in gewone woorden"), validators=[MaxLength(SUMMARY_RESTRICTIONS_MAX)],
        description=_l("Leeg als er geen beperkingen zijn. Niet de voorwaarden letterlijk overnemen: "
                       "schrijf wat ze voor het publiek betekenen."),
    )
    submit = SubmitField(_l("Samenvatting goedkeuren en publiceren"))

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._version = version

    @property
    def seen_version(self) -> int:
        return int(self.summary_version.data)

    def fill(self, values: dict, version_number: int) -> None:
        for name, value in values.items():
            self[f"summary_{'paid' if name == 'is_paid' else name}"].data = value
        self.summary_version.data = str(version_number)

    def answers(self) -> SummaryAnswers:
        return SummaryAnswers(role=self.summary_role.data, organisation=self.summary_organisation.data,
                              description=self.summary_description.data, is_paid=self.summary_paid.data == "yes",
                              restrictions=self.summary_restrictions.data)

    def validate(self, extra_validators=None) -> bool:
        """The shape here; the publication rules (not the employee's text, not the conditions) are the service's."""
        valid = super().validate(extra_validators)
        if valid and self._version is not None:
            problem = summary_problem(self._version, self.summary_description.data, self.summary_restrictions.data)
            if problem is not None:
                self[f"summary_{problem.field}"].errors.append(problem.message)
                return False
        return valid


class InternalNoteForm(FlaskForm):
    internal_note = TextAreaField(
        _l("Interne notitie"),
        validators=[DataRequired(message=_l("Schrijf de notitie.")), MaxLength(NOTE_MAX)],
        description=_l("Alleen zichtbaar voor beoordelaars. De medewerker ziet deze notitie nooit."),
        render_kw=NOT_PREMATURELY_RED,
    )
    submit = SubmitField(_l("Notitie toevoegen"))


RATING_CHOICES = [("", _l("Nog niet beoordeeld"))] + Rating.choices()


class AssessmentForm(FlaskForm):
    """A rating and a note for each point of the framework (fields added below)."""

    submit = SubmitField(_l("Afweging opslaan"))

    def answers(self) -> dict[str, tuple[Optional[str], Optional[str]]]:
        return {p: (self[f"{p}_rating"].data or None, self[f"{p}_note"].data) for p in ASSESSMENT_POINTS}

    def fill_from(self, assessment) -> None:
        if assessment is None:
            return
        for point, rating, note in assessment.points():
            self[f"{point}_rating"].data = rating.value if rating else ""
            self[f"{point}_note"].data = note or ""


for _point in ASSESSMENT_POINTS:
    setattr(AssessmentForm, f"{_point}_rating", PairSelectField(
        _point.label, choices=RATING_CHOICES, default="", validate_choice=True,
    ))
    setattr(AssessmentForm, f"{_point}_note", TextAreaField(
        _l("Toelichting bij: %(point)s", point=_point.label),
        validators=[MaxLength(NOTE_MAX)],
    ))
