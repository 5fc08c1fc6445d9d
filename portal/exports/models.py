"""An export asked for by one person and built by a worker."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.exports.states import ExportStatus
from portal.extensions import db


class ExportJob(db.Model):
    __tablename__ = "export_job"
    audit_type = "export_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a name from portal.exports.kinds, e.g. ``review.register_xlsx``
    kind: Mapped[str] = mapped_column(String(64))
    #: the filters the person chose, as the kind's builder reads them
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[ExportStatus] = mapped_column(enum_type(ExportStatus, "status", length=16),
                                                 default=ExportStatus.queued)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[Optional[int]]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_by: Mapped[Optional[str]] = mapped_column(String(128))
    locked_until: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: after this the file is deleted and the download refused
    expires_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: the file's name inside PORTAL_EXPORT_DIR (random, never from input)
    stored_name: Mapped[Optional[str]] = mapped_column(String(128))
    #: the name the browser saves it as
    download_name: Mapped[str] = mapped_column(String(128))
    size_bytes: Mapped[Optional[int]]
    error: Mapped[Optional[str]] = mapped_column(String(1000))

    requested_by = relationship("User", lazy="joined")

    __table_args__ = (
        Index("ix_export_job_status", "status", "locked_until"),
        Index("ix_export_job_requested_by", "requested_by_id", "requested_at"),
    )

    def __repr__(self) -> str:
        return f"<ExportJob {self.id} {self.kind} {self.status.value}>"

    @property
    def percent(self) -> Optional[int]:
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)
