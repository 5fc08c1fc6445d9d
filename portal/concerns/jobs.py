"""Daily reminders to the integrity coordinators about the receipt and assessment deadlines."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.concerns.mails import queue_reminders
from portal.concerns.queries import assessment_deadline, due_for_reminder, receipt_deadline
from portal.concerns.states import ConcernStatus
from portal.core.time import local_zone
from portal.notifications.jobs import scheduled_job


def reminder_rows(today) -> list[dict]:
    """What the reminder lists: number, which deadline, its date, and whether it has passed."""
    rows = []
    for concern in due_for_reminder(today):
        if concern.status == ConcernStatus.received:
            deadline, kind = receipt_deadline(concern), "receipt"
        else:
            deadline, kind = assessment_deadline(concern), "assessment"
        rows.append({"id": concern.id, "reference": concern.reference, "kind": kind, "due_on": deadline.due_on,
                     "is_overdue": deadline.is_overdue(today)})
    return rows


@scheduled_job("concern-reminders", every=timedelta(days=1), offset=timedelta(hours=6, minutes=30))
def send_concern_reminders(now: datetime) -> int:
    """Daily: one mail per coordinator when a concern's deadline has passed or is within days."""
    today = now.astimezone(local_zone()).date()
    rows = reminder_rows(today)
    return queue_reminders(today, rows) if rows else 0
