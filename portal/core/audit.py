"""Writing to the audit trail."""

from __future__ import annotations

import logging
from typing import Any, Optional

from sqlalchemy import insert

from portal.core.models import AuditEvent
from portal.core.time import utcnow
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
    event = AuditEvent(**_values(action, actor, obj, object_type, object_id, subject_user_id, details))
    db.session.add(event)
    log.info("%s actor=%s object=%s:%s", action, event.actor_id, event.object_type, event.object_id)
    return event


def record_events(*events: dict[str, Any]) -> None:
    """Append several audit events at once: ``record_event``'s arguments as one dict per event.

    For a service whose objects are already flushed: one INSERT of the rows, in the order given,
    without a flush of the unit of work and without reading the ids back. Logs the same lines.
    """
    db.session.execute(insert(AuditEvent.__table__), [event_row(**event) for event in events])


def event_row(action: str, **event: Any) -> dict[str, Any]:
    """The ``audit_event`` row of ``record_event``'s arguments, its line logged: for a service that
    writes the row within a statement of its own (``record_events``, the sign-in's one statement)."""
    row = _values(action, **event)
    row["created_at"] = utcnow()
    log.info("%s actor=%s object=%s:%s", row["action"], row["actor_id"], row["object_type"], row["object_id"])
    return row


def _values(action: str, actor=None, obj=None, object_type: Optional[str] = None, object_id: Optional[int] = None,
            subject_user_id: Optional[int] = None, details: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    if obj is not None:
        object_type = object_type or getattr(obj, "audit_type", obj.__class__.__name__.lower())
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    return {"action": action, "actor_id": getattr(actor, "id", None), "object_type": object_type,
            "object_id": object_id, "subject_user_id": subject_user_id, "details": details or {}}
