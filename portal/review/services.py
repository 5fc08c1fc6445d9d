"""Rules of reviewing: access, taking and assigning, questions, decisions with four eyes (notes: notes.py).

State changes of declarations and versions go through ``portal.declarations.services`` (its
state machine, mails to the employee and audit events); this module adds what only HR has:
who works on an item, the second approval, internal notes and the assessment.

No lost decisions: every action carries the ``lock_version`` the reviewer saw
(``ensure_lock_version``), and every change of the declaration row is an
``UPDATE … WHERE lock_version = :seen`` (SQLAlchemy's version counter), so the
second of two simultaneous decisions fails with ``StaleDeclaration`` instead of
overwriting the first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.access import ensure_found, has_role
from portal.core.time import utcnow
from portal.declarations.lifecycle import audit, ensure_not_own, guarded, is_blank
from portal.declarations.models import Declaration, DeclarationVersion
from portal.declarations.services import (
    decide_version,
    ensure_lock_version,
    get_declaration_for_review,
    request_information,
    start_review,
)
from portal.declarations.states import (
    DECISIONS,
    UNDECIDED,
    DeclarationError,
    DeclarationStatus,
    VersionStatus,
    check_transition,
)
from portal.extensions import db
from portal.review.models import PendingDecision, ProposalStatus

#: defaults of the settings the lead may add to portal/config.py
SECOND_APPROVAL_TOP_OFFICIALS = True
SECOND_APPROVAL_REFUSALS = True


class ReviewError(DeclarationError):
    """A review rule refused an action; ``exc.message`` is Dutch and can be flashed as is."""


class NothingToReview(ReviewError):
    default_message = _l("Bij deze verklaring wacht niets op een beoordeling.")


class ProposalWaiting(ReviewError):
    default_message = _l(
        "Er ligt al een besluit klaar dat op bevestiging door een tweede beoordelaar wacht. "
        "Bevestig of verwerp dat eerst."
    )


class FourEyesError(ReviewError):
    default_message = _l("U heeft dit besluit zelf voorgesteld. Een andere beoordelaar moet het bevestigen.")


class ProposalClosed(ReviewError):
    default_message = _l("Over dit voorstel is al beslist.")


# -- access ---------------------------------------------------------------------------------


def load_for_review(declaration_id: int, reviewer, *, record_view: bool = True) -> Declaration:
    """The declaration for a reviewer: 404 when unknown, 403 for their own; records the view (GET)."""
    if record_view:
        declaration = get_declaration_for_review(declaration_id, reviewer)
    else:
        declaration = ensure_found(db.session.get(Declaration, declaration_id))
    if declaration.status == DeclarationStatus.draft:
        abort(404)  # never submitted: the employee's own unsent work is not HR's business
    if declaration.owner_id == reviewer.id:
        abort(403)  # four eyes: nobody reviews their own declaration, administrators included
    return declaration


def get_proposal(declaration: Declaration, proposal_id: int) -> PendingDecision:
    """A proposal of an already authorised declaration, or 404."""
    proposal = db.session.get(PendingDecision, proposal_id)
    if proposal is None or proposal.declaration_id != declaration.id:
        abort(404)
    return proposal


def version_under_review(declaration: Declaration) -> Optional[DeclarationVersion]:
    """The pending version if it waits for HR (submitted, in review or with a question open)."""
    version = declaration.pending_version
    return version if version is not None and version.status in UNDECIDED else None


def open_proposal(version: Optional[DeclarationVersion]) -> Optional[PendingDecision]:
    if version is None:
        return None
    return db.session.scalar(
        select(PendingDecision).where(
            PendingDecision.version_id == version.id, PendingDecision.status == ProposalStatus.pending
        )
    )


def eligible_reviewers():
    """SELECT of the people an item can be assigned to (active reviewers), by name."""
    return (
        select(User)
        .where(User.is_reviewer.is_(True), User.is_enabled.is_(True), User.left_at.is_(None))
        .order_by(User.display_name, User.id)
    )


def needs_second_approval(declaration: Declaration, outcome: VersionStatus) -> bool:
    """Top officials' declarations and refusals need a second reviewer (each configurable)."""
    config = current_app.config
    if config.get("REVIEW_SECOND_APPROVAL_TOP_OFFICIALS", SECOND_APPROVAL_TOP_OFFICIALS) and declaration.owner.is_top_official:
        return True
    return bool(
        config.get("REVIEW_SECOND_APPROVAL_REFUSALS", SECOND_APPROVAL_REFUSALS) and outcome == VersionStatus.refused
    )


# -- internals ------------------------------------------------------------------------------


def _touch(declaration: Declaration, now: datetime) -> None:
    """Change the declaration row so that its lock_version moves: a concurrent action loses."""
    declaration.updated_at = now


def _under_review(declaration: Declaration, actor, expected_lock_version: Optional[int]) -> DeclarationVersion:
    ensure_not_own(declaration, actor)
    ensure_lock_version(declaration, expected_lock_version)
    version = version_under_review(declaration)
    if version is None:
        raise NothingToReview()
    return version


# -- taking and assigning -------------------------------------------------------------------


@guarded
def assign_declaration(declaration: Declaration, assignee: User, actor, *,
                       expected_lock_version: Optional[int] = None) -> None:
    """Make ``assignee`` the reviewer of the item (``actor`` may assign to themselves or to a colleague)."""
    version = _under_review(declaration, actor, expected_lock_version)
    if not has_role(assignee, "reviewer") or not assignee.is_active:
        raise ReviewError(_l("Alleen een actieve beoordelaar kan deze verklaring krijgen."))
    if assignee.id == declaration.owner_id:
        raise ReviewError(_l("Deze verklaring is van %(name)s zelf; wijs haar toe aan een andere beoordelaar.",
                             name=assignee.display_name))
    previous = declaration.assigned_reviewer_id
    if previous != assignee.id:
        declaration.assigned_reviewer_id = assignee.id
        audit("declaration.assign", declaration, actor, version=version.number, to=assignee.id, previous=previous)
    db.session.flush()


@guarded
def take_declaration(declaration: Declaration, actor, *, expected_lock_version: Optional[int] = None) -> None:
    """The reviewer takes the item: assigned to them, and in review if it was only submitted."""
    assign_declaration(declaration, actor, actor, expected_lock_version=expected_lock_version)
    version = version_under_review(declaration)
    if version is not None and version.status == VersionStatus.submitted:
        start_review(version, actor)


# -- questions and decisions ----------------------------------------------------------------


@guarded
def ask_question(declaration: Declaration, question: str, actor, *,
                 expected_lock_version: Optional[int] = None) -> None:
    """Ask the employee for more information; the item leaves the queue until they answer."""
    version = _under_review(declaration, actor, expected_lock_version)
    if open_proposal(version) is not None:
        raise ProposalWaiting()
    request_information(version, question, actor)


@guarded
def decide_declaration(declaration: Declaration, outcome, actor, *, conditions: Optional[str] = None,
                       reason: Optional[str] = None, expected_lock_version: Optional[int] = None,
                       now: Optional[datetime] = None) -> Optional[PendingDecision]:
    """Decide, or, where a second approval is required, propose the decision.

    Returns the proposal when the decision waits for a second reviewer, None when it took effect.
    """
    version = _under_review(declaration, actor, expected_lock_version)
    if open_proposal(version) is not None:
        raise ProposalWaiting()
    outcome = VersionStatus(outcome)
    if outcome not in DECISIONS:
        raise ValueError(f"{outcome} is not a decision")
    if not needs_second_approval(declaration, outcome):
        decide_version(version, outcome, actor, conditions, reason, now=now)
        return None
    return _propose(declaration, version, outcome, actor, conditions, reason, now or utcnow())


def _propose(declaration: Declaration, version: DeclarationVersion, outcome: VersionStatus, actor,
             conditions: Optional[str], reason: Optional[str], now: datetime) -> PendingDecision:
    if version.status == VersionStatus.submitted:
        start_review(version, actor, now=now)
    check_transition(version.status, outcome)
    if outcome == VersionStatus.approved_with_conditions and is_blank(conditions):
        raise ReviewError(_l("Schrijf de voorwaarden op die bij de goedkeuring horen."))
    if outcome == VersionStatus.refused and is_blank(reason):
        raise ReviewError(_l("Schrijf de reden van de afwijzing op; de medewerker krijgt die te zien."))
    proposal = PendingDecision(
        declaration_id=declaration.id, version_id=version.id, outcome=outcome.value,
        conditions=conditions if outcome == VersionStatus.approved_with_conditions else None,
        reason=reason if outcome == VersionStatus.refused else None,
        status=ProposalStatus.pending, proposed_by_id=actor.id, proposed_at=now,
    )
    _touch(declaration, now)
    try:
        with db.session.begin_nested():
            db.session.add(proposal)
            db.session.flush()
    except IntegrityError as exc:  # another reviewer proposed at the same moment
        raise ProposalWaiting() from exc
    audit("review.propose", declaration, actor, version=version.number, outcome=outcome.value, proposal=proposal.id)
    return proposal


@guarded
def confirm_proposal(proposal: PendingDecision, actor, *, expected_lock_version: Optional[int] = None,
                     now: Optional[datetime] = None) -> None:
    """A second reviewer (not the proposer, not the owner) confirms: the decision takes effect."""
    declaration = proposal.declaration
    ensure_not_own(declaration, actor)
    if not proposal.is_pending:
        raise ProposalClosed()
    if proposal.proposed_by_id == actor.id:
        raise FourEyesError()
    now = now or utcnow()
    decide_version(proposal.version, proposal.outcome, actor, proposal.conditions, proposal.reason,
                   now=now, expected_lock_version=expected_lock_version)
    proposal.status = ProposalStatus.confirmed
    proposal.confirmed_by_id = actor.id
    proposal.confirmed_at = now
    audit("review.confirm", declaration, actor, version=proposal.version.number, outcome=proposal.outcome,
           proposal=proposal.id, proposed_by=proposal.proposed_by_id)
    db.session.flush()


@guarded
def reject_proposal(proposal: PendingDecision, actor, *, expected_lock_version: Optional[int] = None,
                    now: Optional[datetime] = None) -> None:
    """A reviewer sends the proposal back (the proposer may withdraw it); the item stays in review."""
    declaration = proposal.declaration
    ensure_not_own(declaration, actor)
    ensure_lock_version(declaration, expected_lock_version)
    if not proposal.is_pending:
        raise ProposalClosed()
    now = now or utcnow()
    proposal.status = ProposalStatus.rejected
    proposal.rejected_by_id = actor.id
    proposal.rejected_at = now
    _touch(declaration, now)
    audit("review.reject_proposal", declaration, actor, version=proposal.version.number, proposal=proposal.id)
    db.session.flush()
