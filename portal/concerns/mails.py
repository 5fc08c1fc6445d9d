"""Mails about concerns. They carry no content of the report: only its number, status and dates.

Every one is queued with a template below ``mail/concerns/``; the administrators' outbox hides those
from anyone who is not an integrity coordinator (portal.notifications.services).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.auth.models import User
from portal.concerns.models import Concern
from portal.extensions import db

TEMPLATE_PREFIX = "concerns/"


def queue_filed_confirmation(concern: Concern, reporter: User) -> None:
    """To the reporter: received, with the dates of the receipt confirmation and the assessment."""
    from portal.notifications.services import queue_mail

    queue_mail(reporter, "concerns/filed", {
        "name": reporter.display_name, "reference": concern.reference, "received_on": concern.received_on,
        "receipt_due_on": concern.receipt_due_on, "assessment_due_on": concern.assessment_due_on,
        "path": "/concerns/mine",
    }, dedup_key=f"concern-filed-{concern.id}", sensitive=True)


def queue_receipt_confirmed(concern: Concern) -> None:
    """To a reporter known in the portal: the coordinator confirmed the receipt."""
    from portal.notifications.services import queue_mail

    if concern.reporter is None:
        return
    queue_mail(concern.reporter, "concerns/confirmed", {
        "name": concern.reporter.display_name, "reference": concern.reference,
        "assessment_due_on": concern.assessment_due_on, "path": "/concerns/mine",
    }, dedup_key=f"concern-confirmed-{concern.id}", sensitive=True)


def coordinators() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.is_integrity_officer.is_(True), User.is_enabled.is_(True), User.left_at.is_(None))))


def queue_reminders(day: date, rows: list[dict]) -> int:
    """One mail per coordinator per day listing the cases whose deadline has passed or is near."""
    from portal.notifications.services import queue_mail

    queued = 0
    for person in coordinators():
        message = queue_mail(person, "concerns/reminder", {"name": person.display_name, "rows": rows,
                                                           "path": "/concerns/"},
                             dedup_key=f"concern-reminder-{person.id}-{day.isoformat()}", sensitive=True)
        queued += message is not None
    return queued
