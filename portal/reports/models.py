"""The annual report's stored parts: the coordinator's explanations and the frozen figures of closed years."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.time import utcnow
from portal.extensions import db


class ReportYear(db.Model):
    """A year of the annual report; when closed, its figures are frozen here and never recomputed."""

    __tablename__ = "report_year"
    audit_type = "report_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: set while the year is closed; NULL when open (never closed, or reopened)
    closed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: {section: {row key: count}} as computed at closing; kept after reopening until the next close
    figures: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def __repr__(self) -> str:
        return f"<ReportYear {self.year} {'closed' if self.is_closed else 'open'}>"


class ReportExplanation(db.Model):
    """The coordinator's explanation (duiding) of one section of one year's report."""

    __tablename__ = "report_explanation"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    section: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (UniqueConstraint("year", "section", name="uq_report_explanation_year_section"),)

    def __repr__(self) -> str:
        return f"<ReportExplanation {self.year} {self.section}>"
