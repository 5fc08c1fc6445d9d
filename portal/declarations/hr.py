"""What HR does to a declaration (called by the review area): view, review, ask, decide.

Nobody reviews, questions or decides their own declaration (``OwnDeclarationError``).
``expected_lock_version`` (from a hidden form field) refuses a decision made on an outdated
page; a race lost at flush time raises ``StaleDeclaration`` too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask import abort
from flask_babel import lazy_gettext as _l

from portal.core.access import has_role
from portal.core.audit import record_event
from portal.core.time import utcnow
from portal.declarations.lifecycle import (
    LOAD,
    StaleDeclaration,
    audit,
    ensure_not_own,
    guarded,
    is_blank,
    mail_owner,
    sync_status,
)
from portal.declarations.models import Declaration, DeclarationVersion, InformationRequest
from portal.declarations.states import APPROVALS, DECISIONS, DeclarationError, VersionStatus, check_transition
from portal.extensions import db


def get_declaration_for_review(declaration_id: int, reviewer) -> Declaration:
    """The declaration for an HR reviewer (404 for anyone else); records who viewed whose data."""
    if not has_role(reviewer, "reviewer"):
        abort(404)
    declaration = db.session.get(Declaration, declaration_id, options=LOAD)
    if declaration is None:
        abort(404)
    record_event("declaration.view", actor=reviewer, obj=declaration, subject_user_id=declaration.owner_id)
    return declaration


def ensure_lock_version(declaration: Declaration, expected: Optional[int]) -> None:
    """Refuse when the form was made from an older state of the declaration (no lost decisions)."""
    if expected is not None and int(expected) != declaration.lock_version:
        raise StaleDeclaration()


@guarded
def start_review(version: DeclarationVersion, reviewer, *, now: Optional[datetime] = None,
                 expected_lock_version: Optional[int] = None) -> None:
    """A reviewer picks up a submitted version (and becomes its assigned reviewer if none)."""
    declaration = version.declaration
    ensure_not_own(declaration, reviewer)
    ensure_lock_version(declaration, expected_lock_version)
    check_transition(version.status, VersionStatus.in_review)
    version.status = VersionStatus.in_review
    version.review_started_at = version.review_started_at or now or utcnow()
    if declaration.assigned_reviewer_id is None:
        declaration.assigned_reviewer_id = reviewer.id
    sync_status(declaration)
    audit("declaration.review_start", declaration, reviewer, version=version.number)
    db.session.flush()


@guarded
def request_information(version: DeclarationVersion, question: str, reviewer, *, now: Optional[datetime] = None,
                        expected_lock_version: Optional[int] = None) -> InformationRequest:
    """HR asks the employee a question; the employee sees it and answers at /declarations/<id>/answer."""
    declaration = version.declaration
    ensure_not_own(declaration, reviewer)
    ensure_lock_version(declaration, expected_lock_version)
    if is_blank(question):
        raise DeclarationError(_l("Schrijf de vraag aan de medewerker."))
    check_transition(version.status, VersionStatus.info_requested)
    request = InformationRequest(version=version, question=question, asked_by_id=reviewer.id, asked_at=now or utcnow())
    db.session.add(request)
    version.status = VersionStatus.info_requested
    if declaration.assigned_reviewer_id is None:
        declaration.assigned_reviewer_id = reviewer.id
    sync_status(declaration)
    db.session.flush()
    audit("declaration.info_request", declaration, reviewer, version=version.number, request=request.id)
    mail_owner(declaration, "info_requested", f"decl-{declaration.id}-v{version.number}-question-{request.id}")
    return request


@guarded
def decide_version(version: DeclarationVersion, outcome, actor, conditions: Optional[str] = None,
                   reason: Optional[str] = None, *, now: Optional[datetime] = None,
                   expected_lock_version: Optional[int] = None) -> None:
    """Approve (with or without conditions) or refuse a version; an approval takes the older one's place.

    A refused change leaves the approved version in force. Raises OwnDeclarationError for
    one's own declaration, StaleDeclaration when ``expected_lock_version`` is outdated (or
    another decision won the race at flush), InvalidTransition for an already decided one.
    """
    declaration = version.declaration
    ensure_not_own(declaration, actor)
    ensure_lock_version(declaration, expected_lock_version)
    outcome = VersionStatus(outcome)
    if outcome not in DECISIONS:
        raise ValueError(f"{outcome} is not a decision")
    check_transition(version.status, outcome)
    if outcome == VersionStatus.approved_with_conditions and is_blank(conditions):
        raise DeclarationError(_l("Schrijf de voorwaarden op die bij de goedkeuring horen."))
    if outcome == VersionStatus.refused and is_blank(reason):
        raise DeclarationError(_l("Schrijf de reden van de afwijzing op; de medewerker krijgt die te zien."))
    now = now or utcnow()
    version.status = outcome
    version.decided_at = now
    version.decided_by_id = actor.id
    version.conditions = conditions if outcome == VersionStatus.approved_with_conditions else None
    version.refusal_reason = reason if outcome == VersionStatus.refused else None
    previous = declaration.current_version
    if previous is None or outcome in APPROVALS or previous.status == VersionStatus.refused:
        if previous is not None and previous is not version:
            previous.status = check_transition(previous.status, VersionStatus.superseded)
            previous.superseded_at = now
        declaration.current_version = version
    if declaration.pending_version is version:
        declaration.pending_version = None
    sync_status(declaration)
    audit("declaration.decide", declaration, actor, version=version.number, outcome=outcome.value)
    mail_owner(declaration, "decided", f"decl-{declaration.id}-v{version.number}-decided")
    db.session.flush()
