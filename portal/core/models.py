"""Shared tables: the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.time import utcnow
from portal.extensions import db


class AuditEvent(db.Model):
    """One line of the audit trail. The application only ever inserts rows."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: dotted verb, e.g. ``auth.sign_in``, ``declaration.submit``, ``declaration.view``
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[Optional[str]] = mapped_column(String(32))
    object_id: Mapped[Optional[int]]
    #: whose personal data the event concerns (for "who saw whose data")
    subject_user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    #: one object's trail, newest first and paged by id (review page)
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id", "id"),)

    def __repr__(self) -> str:
        return f"<AuditEvent {self.id} {self.action} {self.object_type}:{self.object_id}>"

