"""Who may open what in the review area: one helper per object, 404 for what is not theirs to see."""

from __future__ import annotations

from flask import abort

from portal.auth.queries import is_manager_of

from portal.core.access import has_role
from portal.core.audit import record_event
from sqlalchemy.orm import joinedload

from portal.declarations.models import Declaration, DeclarationVersion
from portal.declarations.states import DeclarationStatus
from portal.extensions import db
from portal.review.advice.models import AdviceRequest
from portal.review.advice.services import record_advice_view
from portal.review.advice.subjects import subject_for
from portal.review.models import PendingDecision


#: what an action (take, decide …) reads: the owner and the versions it moves, in the declaration's own SELECT
FOR_ACTION = (
    joinedload(Declaration.owner),
    joinedload(Declaration.current_version),
    joinedload(Declaration.pending_version),
)
#: what the review page shows: the owner, the assigned reviewer, every version with its questions (what changed);
#: the version in force and the pending one are among those versions, so they come from the session, not a join
FOR_PAGE = (
    joinedload(Declaration.owner),
    joinedload(Declaration.assigned_reviewer),
    # outer joins in the declaration's own SELECT (few versions, fewer questions): a second query cost more
    joinedload(Declaration.versions).joinedload(DeclarationVersion.information_requests),
)


def load_for_review(declaration_id: int, reviewer, *, record_view: bool = True, load=FOR_PAGE) -> Declaration:
    """The declaration for an HR reviewer; records who viewed whose data (GET).

    404 for anyone but a reviewer, for an unknown id and for a draft (the employee's own unsent
    work is not HR's business); 403 for the reviewer's own declaration (four eyes, administrators
    included).
    """
    if not has_role(reviewer, "reviewer"):
        abort(404)
    declaration = db.session.get(Declaration, declaration_id, options=load)
    if declaration is None or declaration.status == DeclarationStatus.draft:
        abort(404)
    if declaration.owner_id == reviewer.id:
        abort(403)
    if record_view:
        record_event("declaration.view", actor=reviewer, obj=declaration, subject_user_id=declaration.owner_id)
    return declaration


def get_proposal(declaration: Declaration, proposal_id: int) -> PendingDecision:
    """A proposal of an already authorised declaration, or 404."""
    proposal = db.session.get(PendingDecision, proposal_id)
    if proposal is None or proposal.declaration_id != declaration.id:
        abort(404)
    return proposal


def load_advice_for_manager(advice_id: int, user, *, record_view: bool = True) -> AdviceRequest:
    """An advice request for the manager it was addressed to; records the view (GET).

    404 for everyone else: other managers, reviewers, administrators, and always the employee it
    is about. A manager who has left (``is_active`` false) no longer sees it.
    """
    request = db.session.get(AdviceRequest, advice_id)
    if (request is None or not getattr(user, "is_authenticated", False) or not user.is_active
            or request.manager_id != user.id or request.employee_id == user.id
            or not is_manager_of(user, request.employee)):  # moved on: the new manager is asked next time
        abort(404)
    if record_view:
        record_advice_view(request, user)
    return request


def load_advice_for_reviewer(advice_id: int, user) -> tuple[AdviceRequest, object]:
    """An advice request and its subject for a reviewer of that subject; 404 for anyone else."""
    request = db.session.get(AdviceRequest, advice_id)
    subject = subject_for(request.subject_kind) if request is not None else None
    obj = subject.load(request.subject_id) if subject is not None else None
    if obj is None or not subject.may_manage(obj, user):
        abort(404)
    return request, obj
