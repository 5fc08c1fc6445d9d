"""Closing open questions when their subject is decided, and the audit line every advice step writes.

Kept apart from ``services`` so that the areas whose decisions close a question (review, gifts)
need not import the subject registry, which imports them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.time import utcnow
from portal.extensions import db
from portal.review.advice import mails
from portal.review.advice.models import AdviceRequest
from portal.review.advice.queries import open_advice_request
from portal.review.advice.states import AdviceStatus, check_transition


def audit_advice(action: str, request: AdviceRequest, actor, **details) -> None:
    """On the subject, so that its own trail shows it; the request's id in the details."""
    record_event(action, actor=actor, object_type=request.subject_kind, object_id=request.subject_id,
                 subject_user_id=request.employee_id, details={"advice": request.id, **details})


def close_open_advice(kind: str, subject_id: int, actor: User, *, now: Optional[datetime] = None) -> int:
    """The subject is decided: an open question is withdrawn and the manager told that nothing is needed."""
    request = open_advice_request(kind, subject_id)
    if request is None:
        return 0
    request.status = check_transition(request.status, AdviceStatus.withdrawn)
    request.withdrawn_by_id = actor.id
    request.withdrawn_at = now or utcnow()
    audit_advice("advice.withdrawn", request, actor)
    mails.queue_advice_withdrawn(request)
    db.session.flush()
    return 1
