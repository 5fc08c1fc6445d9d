"""Who may open what in the review area: one helper per object, 404 for what is not theirs to see."""

from __future__ import annotations

from flask import abort

from portal.core.access import has_role
from portal.core.audit import record_event
from portal.declarations.lifecycle import LOAD
from portal.declarations.models import Declaration
from portal.declarations.states import DeclarationStatus
from portal.extensions import db
from portal.review.models import PendingDecision


def load_for_review(declaration_id: int, reviewer, *, record_view: bool = True) -> Declaration:
    """The declaration for an HR reviewer; records who viewed whose data (GET).

    404 for anyone but a reviewer, for an unknown id and for a draft (the employee's own unsent
    work is not HR's business); 403 for the reviewer's own declaration (four eyes, administrators
    included).
    """
    if not has_role(reviewer, "reviewer"):
        abort(404)
    declaration = db.session.get(Declaration, declaration_id, options=LOAD)
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
