"""HR's rules and actions on a declaration: who may decide, what a decision needs, four eyes.

Every rule of reviewing is written here once: ``can_decide`` (who may act on a declaration),
``missing_decision_text`` (which outcomes need conditions or a reason), ``needs_second_approval``
(when a decision waits for a second reviewer) and ``decide_declaration`` (the one way a reviewer
decides). The declaration's own state machine is ``portal.declarations.states``.

No lost decisions: every action carries the ``lock_version`` the reviewer saw
(``ensure_lock_version``), and every change of the declaration row is an
``UPDATE … WHERE lock_version = :seen`` (SQLAlchemy's version counter), so the
second of two simultaneous decisions fails with ``StaleDeclaration`` instead of
overwriting the first.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask import current_app
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.access import has_role
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.declarations.lifecycle import (
    OwnDeclarationError,
    StaleDeclaration,
    audit,
    guarded,
    is_blank,
    link_versions,
    sync_status,
)
from portal.declarations.mails import mail_owner
from portal.declarations.models import Declaration, DeclarationVersion, InformationRequest
from portal.declarations.states import (
    APPROVALS,
    DECISIONS,
    DeclarationError,
    VersionStatus,
    check_transition,
)
from portal.extensions import db
from portal.review.advice.closing import close_open_advice
from portal.review.models import PendingDecision, ProposalStatus
from portal.review.queries import last_changed_by, open_proposal, version_under_review


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


class DecisionTextMissing(ReviewError):
    """Conditions or a reason are missing; ``field`` names the form field they belong in."""

    def __init__(self, field: str, message) -> None:
        super().__init__(message)
        self.field = field


# -- the rules ------------------------------------------------------------------------------


def can_decide(declaration: Declaration, actor) -> bool:
    """Whether ``actor`` may act as HR on ``declaration``: an active reviewer, never on their own."""
    return (actor is not None and has_role(actor, "reviewer") and getattr(actor, "is_active", False)
            and declaration.owner_id != actor.id)


def ensure_can_decide(declaration: Declaration, actor) -> None:
    if actor is None or declaration.owner_id == getattr(actor, "id", None):
        raise OwnDeclarationError()
    if not can_decide(declaration, actor):
        raise ReviewError(_l("Alleen een actieve beoordelaar kan dit doen."))


def missing_decision_text(outcome, conditions: Optional[str], reason: Optional[str]) -> Optional[DecisionTextMissing]:
    """Approval with conditions needs the conditions, a refusal needs its reason (the employee sees both)."""
    if outcome == VersionStatus.approved_with_conditions and is_blank(conditions):
        return DecisionTextMissing("conditions", _l("Schrijf de voorwaarden op die bij de goedkeuring horen."))
    if outcome == VersionStatus.refused and is_blank(reason):
        return DecisionTextMissing("reason", _l("Schrijf de reden van de afwijzing op; de medewerker krijgt die te zien."))
    return None


def needs_second_approval(declaration: Declaration, outcome: VersionStatus) -> bool:
    """Top officials' declarations and refusals need a second reviewer (each configurable)."""
    config = current_app.config
    if config["REVIEW_SECOND_APPROVAL_TOP_OFFICIALS"] and declaration.owner.is_top_official:
        return True
    return bool(config["REVIEW_SECOND_APPROVAL_REFUSALS"] and outcome == VersionStatus.refused)


#: a lost race against oneself: the same reviewer in another window, or a double click
STALE_BY_YOURSELF = _l("U heeft deze verklaring intussen zelf al behandeld, in een ander venster of met een dubbele "
                       "klik. Hieronder ziet u de stand van nu.")


def changed_by_yourself(declaration: Declaration, actor) -> bool:
    """After a StaleDeclaration: True when the newest change was ``actor``'s own, not a colleague's."""
    return last_changed_by(declaration) == actor.id


def ensure_lock_version(declaration: Declaration, expected: Optional[int]) -> None:
    """Refuse when the form was made from an older state of the declaration (no lost decisions)."""
    if expected is not None and int(expected) != declaration.lock_version:
        raise StaleDeclaration()


def _decision(outcome, conditions: Optional[str], reason: Optional[str]) -> VersionStatus:
    outcome = VersionStatus(outcome)
    if outcome not in DECISIONS:
        raise ValueError(f"{outcome} is not a decision")
    missing = missing_decision_text(outcome, conditions, reason)
    if missing is not None:
        raise missing
    return outcome


def _touch(declaration: Declaration, now: datetime) -> None:
    """Change the declaration row so that its lock_version moves: a concurrent action loses."""
    declaration.updated_at = now


def _under_review(declaration: Declaration, actor, expected_lock_version: Optional[int]) -> DeclarationVersion:
    ensure_can_decide(declaration, actor)
    ensure_lock_version(declaration, expected_lock_version)
    version = version_under_review(declaration)
    if version is None:
        raise NothingToReview()
    return version


# -- what happens to the version ---------------------------------------------------------------


@guarded
def start_review(version: DeclarationVersion, reviewer, *, now: Optional[datetime] = None,
                 expected_lock_version: Optional[int] = None) -> None:
    """A reviewer picks up a submitted version (and becomes its assigned reviewer if none)."""
    declaration = version.declaration
    ensure_can_decide(declaration, reviewer)
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
    ensure_can_decide(declaration, reviewer)
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
    """Put a decision into effect on a version; an approval takes the older one's place.

    ``decide_declaration`` is the reviewer's way in (it asks for a second approval where one is
    needed); this is its last step, also used by ``confirm_proposal`` and to load demo data.

    A refused change leaves the approved version in force. Raises OwnDeclarationError for
    one's own declaration, StaleDeclaration when ``expected_lock_version`` is outdated (or
    another decision won the race at flush), InvalidTransition for an already decided one.
    """
    declaration = version.declaration
    ensure_can_decide(declaration, actor)
    ensure_lock_version(declaration, expected_lock_version)
    outcome = _decision(outcome, conditions, reason)
    check_transition(version.status, outcome)
    now = now or utcnow()
    version.status = outcome
    version.decided_at = now
    version.decided_by_id = actor.id
    version.conditions = conditions if outcome == VersionStatus.approved_with_conditions else None
    version.refusal_reason = reason if outcome == VersionStatus.refused else None
    links = {}
    previous = declaration.current_version
    if previous is None or outcome in APPROVALS or previous.status == VersionStatus.refused:
        if previous is not None and previous is not version:
            previous.status = check_transition(previous.status, VersionStatus.superseded)
            previous.superseded_at = now
        links["current"] = version
    if declaration.pending_version is version:
        links["pending"] = None
    link_versions(declaration, **links)  # and the status that follows, in the declaration's one UPDATE
    audit("declaration.decide", declaration, actor, version=version.number, outcome=outcome.value)
    mail_owner(declaration, "decided", f"decl-{declaration.id}-v{version.number}-decided")
    close_open_advice("declaration", declaration.id, actor, now=now)  # the kind review.advice.subjects registers
    db.session.flush()


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
    outcome = _decision(outcome, conditions, reason)
    if not needs_second_approval(declaration, outcome):
        decide_version(version, outcome, actor, conditions, reason, now=now)  # runs in this service's savepoint
        return None
    return _propose(declaration, version, outcome, actor, conditions, reason, now or utcnow())


def _propose(declaration: Declaration, version: DeclarationVersion, outcome: VersionStatus, actor,
             conditions: Optional[str], reason: Optional[str], now: datetime) -> PendingDecision:
    if version.status == VersionStatus.submitted:
        start_review(version, actor, now=now)
    check_transition(version.status, outcome)
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
    ensure_can_decide(declaration, actor)
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
    ensure_can_decide(declaration, actor)
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
