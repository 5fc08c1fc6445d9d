"""Rules for reports of suspected breaches (concerns) and advisers' contacts.

Every service sets state, actor and time, writes one audit entry and flushes; none commits.
Audit entries carry no personal data of the reporter or the people involved (only ids and codes),
and they are shown only to integrity coordinators (portal.review.trail hides them from others).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

import calendar
from datetime import timedelta
from flask import current_app
from flask_babel import format_decimal

from portal.auth.models import User
from portal.concerns.files import FileRefused, sniff_content_type
from portal.concerns.models import AdviserContact, Concern, ConcernAttachment, ConcernNote
from portal.concerns.states import (
    Channel,
    ConcernError,
    ConcernStatus,
    InvestigationType,
    Outcome,
    check_transition,
)
from portal.core.audit import record_event
from portal.core.database import insert_unless_taken
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local, utcnow
from portal.extensions import db

__all__ = ["ConcernError", "FileRefused", "file_concern", "register_concern"]


@dataclass(frozen=True)
class ConcernData:
    what_happened: str
    happened_when: Optional[str] = None
    people_involved: Optional[str] = None
    is_anonymous: bool = False
    contact_preference: Optional[str] = None


def deadlines_for(received_on: date) -> tuple[date, date]:
    """(receipt confirmed by, assessment by): 7 days and 3 months after receipt (Wbk)."""
    config = current_app.config
    return (received_on + timedelta(days=config.get("CONCERN_RECEIPT_DAYS", 7)),
            add_months(received_on, config.get("CONCERN_ASSESSMENT_MONTHS", 3)))


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; the month's last day when it is shorter (31 May + 3 → 31 Aug, 30 Nov → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _new_concern(data: ConcernData, channel: Channel, received_on: date, **extra) -> Concern:
    receipt_due, assessment_due = deadlines_for(received_on)
    concern = Concern(
        channel=channel, received_on=received_on, receipt_due_on=receipt_due, assessment_due_on=assessment_due,
        what_happened=data.what_happened.strip(), happened_when=(data.happened_when or "").strip() or None,
        people_involved=(data.people_involved or "").strip() or None, is_anonymous=data.is_anonymous,
        contact_preference=(data.contact_preference or "").strip() or None, status=ConcernStatus.received,
        **extra,
    )
    db.session.add(concern)
    db.session.flush()
    return concern


def file_concern(data: ConcernData, reporter: User) -> Concern:
    """An employee reports a suspected breach in the portal; the confirmation mail is queued."""
    from portal.concerns.mails import queue_filed_confirmation

    concern = _new_concern(data, Channel.portal, today_local(), reporter_id=reporter.id)
    record_event("concern.file", actor=reporter, obj=concern, details={"channel": Channel.portal.value})
    queue_filed_confirmation(concern, reporter)
    return concern


def register_concern(data: ConcernData, channel: Channel, received_on: date, reporter_name: Optional[str],
                     actor: User) -> Concern:
    """A coordinator registers a report that reached a manager, an adviser or the coordinator directly."""
    if channel == Channel.portal:
        raise ConcernError(_l("Kies hoe de melding binnenkwam."))
    if received_on > today_local():
        raise ConcernError(_l("De datum van ontvangst ligt in de toekomst."))
    concern = _new_concern(data, channel, received_on, reporter_name=(reporter_name or "").strip() or None,
                           registered_by_id=actor.id)
    record_event("concern.register", actor=actor, obj=concern, details={"channel": channel.value})
    return concern


def _move(concern: Concern, target: ConcernStatus, actor: User, action: str, **details) -> None:
    previous = concern.status
    concern.status = check_transition(concern.status, target)
    record_event(action, actor=actor, obj=concern,
                 details={"from": previous.value, "to": target.value, **details})


def confirm_receipt(concern: Concern, actor: User) -> None:
    """The coordinator confirms the receipt to the reporter (the 7-day deadline is met)."""
    from portal.concerns.mails import queue_receipt_confirmed

    _move(concern, ConcernStatus.confirmed, actor, "concern.confirm_receipt")
    concern.receipt_confirmed_at = utcnow()
    queue_receipt_confirmed(concern)
    db.session.flush()


def _check_category(category: Optional[str]) -> Optional[str]:
    if category and category not in current_app.config["CONCERN_CATEGORIES"]:
        raise ConcernError(_l("Kies een categorie uit de lijst."))
    return category or None


def _check_measure(measure: Optional[str]) -> Optional[str]:
    if measure and measure not in current_app.config["CONCERN_MEASURES"]:
        raise ConcernError(_l("Kies een maatregel uit de lijst."))
    return measure or None


def classify_concern(concern: Concern, category: Optional[str], measure: Optional[str], actor: User) -> None:
    """Set or correct the category and the measure (also after closing; the correction is audited)."""
    category, measure = _check_category(category), _check_measure(measure)
    if measure and concern.outcome is None:
        raise ConcernError(_l("Een maatregel kan pas na de beoordeling."))
    changes = {}
    if category != concern.category:
        changes["category"] = [concern.category, category]
        concern.category = category
    if measure != concern.measure:
        changes["measure"] = [concern.measure, measure]
        concern.measure = measure
    if changes:
        record_event("concern.classify", actor=actor, obj=concern, details=changes)
    db.session.flush()


def start_investigation(concern: Concern, kind: InvestigationType, started_on: date, actor: User) -> None:
    """Record who investigates and from when."""
    if kind == InvestigationType.none:
        raise ConcernError(_l("Kies wie het onderzoek doet."))
    if started_on < concern.received_on or started_on > today_local():
        raise ConcernError(_l("De startdatum ligt tussen de ontvangst en vandaag."))
    _move(concern, ConcernStatus.investigating, actor, "concern.investigate", investigation=kind.value)
    concern.investigation_type, concern.investigation_started_on = kind, started_on
    db.session.flush()


def record_outcome(concern: Concern, outcome: Outcome, decided_on: date, measure: Optional[str],
                   actor: User) -> None:
    """The assessment: substantiated or not, with the measure taken (the 3-month deadline is met)."""
    measure = _check_measure(measure)
    if decided_on < concern.received_on or decided_on > today_local():
        raise ConcernError(_l("De datum van de beoordeling ligt tussen de ontvangst en vandaag."))
    if concern.investigation_started_on and decided_on < concern.investigation_started_on:
        raise ConcernError(_l("De beoordeling kan niet vóór de start van het onderzoek liggen."))
    was_investigating = concern.status == ConcernStatus.investigating
    _move(concern, ConcernStatus.assessed, actor, "concern.assess", outcome=outcome.value, measure=measure)
    if was_investigating:
        concern.investigation_ended_on = decided_on
    elif concern.investigation_type is None:
        concern.investigation_type = InvestigationType.none
    concern.outcome, concern.outcome_on, concern.measure = outcome, decided_on, measure
    db.session.flush()


def close_concern(concern: Concern, actor: User) -> None:
    """Close the case (after the assessment, or without one when it is not taken up)."""
    _move(concern, ConcernStatus.closed, actor, "concern.close")
    concern.closed_at = utcnow()
    db.session.flush()


def add_note(concern: Concern, body: str, actor: User) -> ConcernNote:
    """An internal note; only coordinators ever read it."""
    note = ConcernNote(concern=concern, author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    record_event("concern.note", actor=actor, obj=concern, details={"note_id": note.id})
    return note


def add_attachment(concern: Concern, filename: str, data: bytes, actor: User) -> ConcernAttachment:
    """Keep a file with the concern: size-limited and type-checked by its content."""
    limit = current_app.config["CONCERN_ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        # in the reader's language: "1,5 MB" in Dutch, "1.5 MB" in English
        raise FileRefused(_l("Het bestand is te groot (hoogstens %(mb)s MB).",
                             mb=format_decimal(limit / 1_000_000, format="#,##0.#")))
    content_type = sniff_content_type(data)
    attachment = ConcernAttachment(concern=concern, filename=_safe_name(filename, content_type),
                                   content_type=content_type, size=len(data), data=data, uploaded_by_id=actor.id)
    db.session.add(attachment)
    db.session.flush()
    record_event("concern.attach", actor=actor, obj=concern,
                 details={"attachment_id": attachment.id, "type": content_type, "size": len(data)})
    return attachment


EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "text/plain": ".txt"}


def _safe_name(filename: str, content_type: str) -> str:
    """The name without folders or odd characters, ending in the extension of its real type."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    base = "".join(ch for ch in base if ch.isascii() and (ch.isalnum() or ch in " -_"))[:100].strip() or "bijlage"
    return base + EXTENSIONS[content_type]


def record_view(concern: Concern, actor: User, what: str = "case") -> None:
    """Every look at a concern is in the audit trail."""
    record_event("concern.view", actor=actor, obj=concern, details={"what": what})
    db.session.flush()


def log_contact(adviser: User, contact_on: date, nature: str, people: int, is_referred: bool,
                client_token: Optional[str] = None) -> bool:
    """A confidential adviser logs one contact (no names); False when the form with the same
    ``client_token`` was already logged (sent twice), and nothing new is written.

    The unique token decides in the INSERT itself, concurrent requests included.
    """
    from portal.concerns.states import CONTACT_NATURES

    if nature not in CONTACT_NATURES:
        raise ConcernError(_l("Kies de aard van het contact."))
    if contact_on > today_local():
        raise ConcernError(_l("De datum ligt in de toekomst."))
    contact_id = db.session.execute(
        insert_unless_taken(AdviserContact.__table__, ("client_token",), "id"),
        {"adviser_id": adviser.id, "contact_on": contact_on, "nature": nature, "people": people,
         "is_referred": is_referred, "created_at": utcnow(), "client_token": client_token or None},
    ).scalar()
    if contact_id is None:
        return False
    record_event("adviser_contact.log", actor=adviser, object_type=AdviserContact.audit_type, object_id=contact_id,
                 details={"nature": nature, "people": people})
    return True
