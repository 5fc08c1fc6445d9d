"""Retention (AVG): personal data is kept no longer than needed.

* People who left (``User.left_at``) keep their declarations, signatures,
  registrations and acknowledgements for ``PORTAL_RETENTION_AFTER_LEAVING_DAYS``;
  after that the user row and everything hanging from it is deleted (the
  foreign keys cascade; audit entries keep their own period and lose the name).
* Audit entries are deleted after ``PORTAL_RETENTION_AUDIT_DAYS``.
* Sent mails: the ``mail-cleanup`` job (``PORTAL_RETENTION_MAIL_DAYS``).
* Reports of suspected breaches (concerns) are deleted with their notes and files
  ``PORTAL_RETENTION_CONCERN_DAYS`` after they were closed; advisers' contact lines the same
  period after their date. The annual report's frozen figures of closed years stay.
* Ended side activities leave the public register at once (the register only
  ever shows current, approved, not-ended activities).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select

from portal.auth.models import User
from portal.concerns.models import AdviserContact, Concern
from portal.core.audit import record_event
from portal.core.models import AuditEvent
from portal.declarations.models import CampaignTask, Declaration, NilStatement
from portal.extensions import db
from portal.notifications.jobs import scheduled_job

log = logging.getLogger("portal.retention")


def apply_retention(now: datetime) -> dict[str, int]:
    """Delete what is past its retention period; return the counts removed."""
    leaving_cutoff = now - timedelta(days=current_app.config["RETENTION_AFTER_LEAVING_DAYS"])
    audit_cutoff = now - timedelta(days=current_app.config["RETENTION_AUDIT_DAYS"])
    concern_cutoff = now - timedelta(days=current_app.config["RETENTION_CONCERN_DAYS"])
    leavers = select(User.id).where(User.left_at.is_not(None), User.left_at < leaving_cutoff)
    counts = {
        # notes and attachments go with their concern (ON DELETE CASCADE)
        "concerns": _delete(delete(Concern).where(Concern.closed_at.is_not(None), Concern.closed_at < concern_cutoff)),
        "adviser_contacts": _delete(delete(AdviserContact).where(AdviserContact.contact_on < concern_cutoff.date())),
        "nil_statements": _delete(delete(NilStatement).where(NilStatement.user_id.in_(leavers))),
        "campaign_tasks": _delete(delete(CampaignTask).where(CampaignTask.user_id.in_(leavers))),
        # versions, questions, assessments and internal notes go with their declaration (ON DELETE CASCADE)
        "declarations": _delete(delete(Declaration).where(Declaration.owner_id.in_(leavers))),
        # acknowledgements, oath registrations, records and signatures go with the user (ON DELETE CASCADE)
        "users": _delete(delete(User).where(User.id.in_(leavers))),
        "audit_events": _delete(delete(AuditEvent).where(AuditEvent.created_at < audit_cutoff)),
    }
    if any(counts.values()):
        record_event("retention.applied", details=counts)
    log.info("retention applied: %s", counts)
    return counts


def _delete(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0


@scheduled_job("retention", every=timedelta(days=1), offset=timedelta(hours=3))
def retention_job(now: datetime) -> int:
    """Daily: remove personal data past its retention period."""
    return sum(apply_retention(now).values())

