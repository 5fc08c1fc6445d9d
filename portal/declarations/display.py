"""Showing answers to people: labels, readable values and the side-by-side comparison of two versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Optional

from flask_babel import format_date, format_datetime

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import to_local
from portal.declarations.models import (
    ANSWER_FIELDS,
    DeclarationVersion,
)

FIELD_LABELS = {
    "organisation_name": _l("Organisatie"),
    "organisation_kind": _l("Soort organisatie"),
    "role": _l("Rol of functie"),
    "description": _l("Wat u doet"),
    "is_paid": _l("Betaald"),
    "hours_per_month": _l("Uren per maand (ongeveer)"),
    "start_date": _l("Begindatum"),
    "end_date": _l("Einddatum"),
    "during_working_hours": _l("Onder werktijd"),
    "municipality_relation": _l("Relatie met de gemeente"),
    "touches_own_work": _l("Raakt aan eigen werk"),
    "touches_own_work_explanation": _l("Uitleg"),
    "conflict_assessment": _l("Eigen inschatting van (schijn van) belangenverstrengeling"),
    "interest_event": _l("Bezit of transactie"),
    "interest_kind": _l("Soort belang"),
    "entity": _l("Bedrijf of object"),
    "relation_to_work": _l("Verband met het werk"),
    "acquired_on": _l("Sinds"),
    "transaction_on": _l("Datum van de transactie"),
    "ended_on": _l("Tot"),
}

def readable(value: Any) -> str:
    """An answer as text for people: labels for choices, Ja/Nee, Dutch dates, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Ja") if value else _l("Nee"))
    if isinstance(value, date):
        return format_date(value, "d MMMM yyyy")
    if isinstance(value, LabelledEnum):
        return str(value.label)
    return str(value)


@dataclass(frozen=True)
class AnswerRow:
    name: str
    label: str
    value: str
    previous: Optional[str] = None  #: None when there is no previous version
    is_changed: bool = False


def answer_rows(version: DeclarationVersion, previous: Optional[DeclarationVersion] = None) -> list[AnswerRow]:
    """Each answer of ``version`` with the previous version's answer beside it."""
    rows = []
    before = previous.answers() if previous is not None else None
    for name in ANSWER_FIELDS[version.kind]:
        value = getattr(version, name)
        old = before[name] if before is not None else None
        rows.append(AnswerRow(
            name=name,
            label=str(FIELD_LABELS[name]),
            value=readable(value),
            previous=readable(old) if before is not None else None,
            is_changed=before is not None and old != value,
        ))
    return rows


def previous_version(version: DeclarationVersion) -> Optional[DeclarationVersion]:
    """The version before this one (by number), if any."""
    earlier = [v for v in version.declaration.versions if v.number < version.number]
    return max(earlier, key=lambda v: v.number) if earlier else None


def latest_refusal(declaration) -> Optional[DeclarationVersion]:
    """The refused version the employee should read about: the last decision, if it was a refusal."""
    decided = [v for v in declaration.versions if v.decided_at is not None]
    last = max(decided, key=lambda v: v.number) if decided else None
    return last if last is not None and last.refusal_reason else None


def json_value(value: Any) -> Any:
    """A value for the JSON export: times as ISO 8601 in local time with offset, days as ISO, enum values."""
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    return value


def page_value(value: Any) -> Any:
    """A value for the "my data" page: times and days written out in local time."""
    if isinstance(value, datetime):
        return format_datetime(to_local(value), "d MMMM yyyy, HH:mm")
    if isinstance(value, date):
        return format_date(value, "d MMMM yyyy")
    return value


#: headings for the keys of the "my data" export (other areas' keys are shown as they are)
DATA_LABELS = {
    **FIELD_LABELS,
    "declarations": _l("Verklaringen"),
    "policies": _l("Gedragscode en regelingen"),
    "oath": _l("Ambtseed, belofte en integriteitsverklaring"),
    "review": _l("Beoordeling door P&O"),
    "notifications": _l("E-mails aan u"),
    "auth": _l("Uw account"),
    "id": _l("Nummer"),
    "kind": _l("Soort"),
    "status": _l("Stand"),
    "status_label": _l("Stand"),
    "created_at": _l("Gemaakt"),
    "last_confirmed_at": _l("Laatst bevestigd"),
    "version_in_force": _l("Geldende versie"),
    "versions": _l("Versies"),
    "number": _l("Versie"),
    "answers": _l("Antwoorden"),
    "change_note": _l("Wat er veranderd is"),
    "submitted_at": _l("Ingediend"),
    "decided_at": _l("Besluit"),
    "conditions": _l("Voorwaarden"),
    "refusal_reason": _l("Reden van afwijzing"),
    "withdrawn_at": _l("Ingetrokken"),
    "information_requests": _l("Vragen van P&O"),
    "question": _l("Vraag"),
    "asked_at": _l("Gesteld"),
    "answer": _l("Antwoord"),
    "answered_at": _l("Beantwoord"),
    "nil_statements": _l("Verklaringen „niets te melden”"),
    "stated_at": _l("Verklaard"),
    "reconfirmation_tasks": _l("Jaarlijkse bevestigingen"),
    "year": _l("Jaar"),
    "due_on": _l("Uiterste datum"),
    "completed_at": _l("Bevestigd"),
    "reminders_sent": _l("Herinneringen"),
    "profile": _l("Uw gegevens uit de directory"),
    "display_name": _l("Naam"),
    "username": _l("Gebruikersnaam"),
    "email": _l("E-mailadres"),
    "department": _l("Afdeling"),
    "job_title": _l("Functie"),
    "employee_type": _l("Soort dienstverband"),
    "employee_number": _l("Personeelsnummer"),
    "roles": _l("Rollen in het portaal"),
    "language": _l("Taal"),
    "first_seen_at": _l("In het portaal sinds"),
    "last_login_at": _l("Laatst aangemeld"),
    "left_at": _l("Uit dienst"),
    "acknowledgements": _l("Gelezen en bevestigd"),
    "page": _l("Pagina"),
    "title": _l("Titel"),
    "version": _l("Versie"),
    "acknowledged_at": _l("Bevestigd op"),
    "registrations": _l("Aanmeldingen voor een bijeenkomst"),
    "session_starts_at": _l("Bijeenkomst op"),
    "formula": _l("Eed of belofte"),
    "accessibility_needs": _l("Toegankelijkheid"),
    "registered_at": _l("Aangemeld op"),
    "cancelled_at": _l("Afgemeld op"),
    "promoted_at": _l("Van de wachtlijst geplaatst op"),
    "marked_at": _l("Aanwezigheid vastgelegd op"),
    "oath_record": _l("Afgelegde eed of belofte"),
    "taken_on": _l("Afgelegd op"),
    "official": _l("Afgenomen door"),
    "statement_signatures": _l("Ondertekende integriteitsverklaringen"),
    "signed_name": _l("Getekend als"),
    "signed_at": _l("Getekend op"),
    "mails": _l("E-mails"),
    "subject": _l("Onderwerp"),
    "sent_at": _l("Verzonden op"),
}

#: keys whose value is a code: the page shows the Dutch text of the sibling key instead
CODE_LABEL_KEYS = {"status": "status_label", "formula": "formula_label", "page": "title", "language": "language_label"}


def data_label(key) -> str:
    label = DATA_LABELS.get(str(key))
    return str(label) if label is not None else str(key).replace("_", " ")


def is_published(owner, kind) -> bool:
    """Art. 5 Ambtenarenwet 2017: a top official's side activities go in the public register (HR's summary)."""
    from portal.declarations.models import DeclarationKind

    return kind == DeclarationKind.side_activity and bool(getattr(owner, "is_top_official", False))
