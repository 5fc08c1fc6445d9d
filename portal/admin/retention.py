"""Retention (AVG): personal data is kept no longer than needed.

* People who left (``User.left_at``) keep everything for ``PORTAL_RETENTION_AFTER_LEAVING_DAYS``.
  After that they are *anonymised*, as the privacy statement says: the name, user name, DN,
  e-mail, job title and employee number are erased, and so is every free text they or HR wrote
  (answers, conditions, reasons, notes, questions, the signed name). Rows that only served the
  person (nil statements, ceremony registrations, acknowledgements, information requests,
  assessments, internal notes, proposed decisions, their manager's advice, public summaries) are deleted. What the annual report counts
  stays, without anything that points to the person: kind, status and dates of declarations and
  versions, department, campaign tasks, oath records and statement signatures, and the kind, value band,
  status and decision of reported gifts (their descriptions, givers and reasons are erased).
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
from sqlalchemy import delete, select, update

from portal.auth.models import User, UserSession
from portal.concerns.models import AdviserContact, Concern
from portal.core.audit import record_event
from portal.core.models import AuditEvent
from portal.declarations.models import Declaration, DeclarationVersion, InformationRequest, NilStatement
from portal.extensions import db
from portal.gifts.models import Gift
from portal.notifications.jobs import scheduled_job
from portal.oath.models import Registration, StatementSignature
from portal.policies.models import Acknowledgement
from portal.review.advice.models import AdviceRequest
from portal.review.models import InternalNote, PendingDecision, PublicSummary, ReviewAssessment

log = logging.getLogger("portal.retention")

#: free texts of a version; emptied, not nulled, so that the database's completeness checks still hold
#: and the annual report still tells "approved with conditions" from "approved"
VERSION_TEXTS = ("organisation_name", "role", "description", "touches_own_work_explanation", "conflict_assessment",
                 "entity", "relation_to_work", "change_note", "conditions", "refusal_reason")
#: free texts of a reported gift (the giver is a third party's name too); kind, band, status and dates stay
GIFT_TEXTS = ("description", "giver_name", "giver_organisation", "work_relation", "explanation", "conditions",
              "decision_reason")
#: the name shown for an anonymised person (not personal data: the same for everyone)
ANONYMOUS_NAME = "(geanonimiseerd)"


def apply_retention(now: datetime) -> dict[str, int]:
    """Anonymise leavers and delete audit entries past their period; return the counts."""
    leaving_cutoff = now - timedelta(days=current_app.config["RETENTION_AFTER_LEAVING_DAYS"])
    audit_cutoff = now - timedelta(days=current_app.config["RETENTION_AUDIT_DAYS"])
    concern_cutoff = now - timedelta(days=current_app.config["RETENTION_CONCERN_DAYS"])
    leavers = list(db.session.scalars(
        select(User.id).where(User.left_at.is_not(None), User.left_at < leaving_cutoff, User.anonymised_at.is_(None))
    ))
    counts = anonymise_users(leavers, now) if leavers else {"users": 0}
    # notes and attachments go with their concern (ON DELETE CASCADE); the frozen annual figures stay
    counts["concerns"] = _run(delete(Concern).where(Concern.closed_at.is_not(None), Concern.closed_at < concern_cutoff))
    counts["adviser_contacts"] = _run(delete(AdviserContact).where(AdviserContact.contact_on < concern_cutoff.date()))
    counts["audit_events"] = _run(delete(AuditEvent).where(AuditEvent.created_at < audit_cutoff))
    if any(counts.values()):
        record_event("retention.applied", details=counts)
    log.info("retention applied: %s", counts)
    return counts


def anonymise_users(user_ids: list[int], now: datetime) -> dict[str, int]:
    """Erase what identifies these people and every free text about them; keep what the annual report counts."""
    declarations = select(Declaration.id).where(Declaration.owner_id.in_(user_ids))
    versions = select(DeclarationVersion.id).where(DeclarationVersion.declaration_id.in_(declarations))
    counts = {
        "nil_statements": _run(delete(NilStatement).where(NilStatement.user_id.in_(user_ids))),
        "registrations": _run(delete(Registration).where(Registration.user_id.in_(user_ids))),
        "acknowledgements": _run(delete(Acknowledgement).where(Acknowledgement.user_id.in_(user_ids))),
        "information_requests": _run(delete(InformationRequest).where(InformationRequest.version_id.in_(versions))),
        "assessments": _run(delete(ReviewAssessment).where(ReviewAssessment.version_id.in_(versions))),
        "internal_notes": _run(delete(InternalNote).where(InternalNote.declaration_id.in_(declarations))),
        "pending_decisions": _run(delete(PendingDecision).where(PendingDecision.declaration_id.in_(declarations))),
        # the manager's advice about them, whatever it was about (a side activity or a gift)
        "advice_requests": _run(delete(AdviceRequest).where(AdviceRequest.employee_id.in_(user_ids))),
        # HR's public words about a top official: out of the register when they left, gone with the rest now
        "public_summaries": _run(delete(PublicSummary).where(PublicSummary.declaration_id.in_(declarations))),
    }
    for column in VERSION_TEXTS:
        attribute = getattr(DeclarationVersion, column)
        _run(update(DeclarationVersion).where(DeclarationVersion.id.in_(versions), attribute.is_not(None))
             .values({column: ""}))
    counts["declarations"] = _run(update(Declaration).where(Declaration.id.in_(declarations))
                                  .values(client_token=None))
    _run(update(StatementSignature).where(StatementSignature.user_id.in_(user_ids)).values(signed_name=""))
    counts["gifts"] = _run(update(Gift).where(Gift.owner_id.in_(user_ids)).values(
        {column: "" for column in GIFT_TEXTS}))
    for user_id in user_ids:
        # the user name must stay unique; this one can never be a directory name that signs in
        _run(update(User).where(User.id == user_id).values(
            username=f"geanonimiseerd-{user_id}", directory_id=None, dn="", dn_key=None, manager_dn=None, display_name=ANONYMOUS_NAME, email=None,
            job_title=None, employee_number=None, is_enabled=False, is_reviewer=False, is_admin=False,
            is_top_official=False, is_high_risk=False, is_integrity_officer=False, is_confidential_adviser=False,
            last_login_at=None, session_generation=User.session_generation + 1, anonymised_at=now,
        ))
    _run(delete(UserSession).where(UserSession.user_id.in_(user_ids)))
    counts["users"] = len(user_ids)
    return counts


def _run(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0


@scheduled_job("retention", every=timedelta(days=1), offset=timedelta(hours=3))
def retention_job(now: datetime) -> int:
    """Daily: anonymise leavers past their retention period and delete old audit entries."""
    return sum(apply_retention(now).values())
