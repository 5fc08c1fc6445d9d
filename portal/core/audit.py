"""Writing to the audit trail."""

from __future__ import annotations

import logging
from typing import Any, Optional

from portal.core.models import AuditEvent
from portal.extensions import db

log = logging.getLogger("portal.audit")


def record_event(
    action: str,
    *,
    actor=None,
    obj=None,
    object_type: Optional[str] = None,
    object_id: Optional[int] = None,
    subject_user_id: Optional[int] = None,
    details: Optional[dict[str, Any]] = None,
) -> AuditEvent:
    """Append one audit event to the current transaction and log one line."""
    if obj is not None:
        object_type = object_type or getattr(obj, "audit_type", obj.__class__.__name__.lower())
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=object_type,
        object_id=object_id,
        subject_user_id=subject_user_id,
        details=details or {},
    )
    db.session.add(event)
    log.info("%s actor=%s object=%s:%s", action, event.actor_id, object_type, object_id)
    return event
