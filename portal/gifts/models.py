"""Gifts, invitations, trips and meals that employees report, and the decision on them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.extensions import db
from portal.gifts.states import (
    STATUS_TONES,
    Decision,
    GiftStatus,
    Response,
    ValueBand,
    band_label,
    outcome_of,
)


class Gift(db.Model):
    """One gift or invitation an employee received or was offered, or asks about beforehand."""

    __tablename__ = "gift"
    audit_type = "gift"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: a code from PORTAL_GIFT_CATEGORIES
    category: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(String(500))
    giver_name: Mapped[Optional[str]] = mapped_column(String(256))
    giver_organisation: Mapped[Optional[str]] = mapped_column(String(256))
    #: how the giver relates to the employee's work (supplier, applicant, none …)
    work_relation: Mapped[str] = mapped_column(Text)
    value_band: Mapped[ValueBand] = mapped_column(enum_type(ValueBand, "value_band", length=16))
    #: PORTAL_GIFT_THRESHOLD when it was reported: the band keeps meaning what the employee chose
    threshold: Mapped[int] = mapped_column(Integer)
    response: Mapped[Response] = mapped_column(enum_type(Response, "response", length=16))
    #: the day it was received or offered (the annual report counts by this day)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    explanation: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[GiftStatus] = mapped_column(enum_type(GiftStatus, "status", length=24), index=True)
    decision: Mapped[Optional[Decision]] = mapped_column(enum_type(Decision, "decision", length=32))
    conditions: Mapped[Optional[str]] = mapped_column(Text)
    decision_reason: Mapped[Optional[str]] = mapped_column(Text)
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        CheckConstraint("threshold >= 0", name="threshold"),
        Index("ix_gift_status_received_on", "status", "received_on"),
    )

    @property
    def reference(self) -> str:
        """The number people use, e.g. G2026-0012."""
        return f"G{self.received_on.year}-{self.id:04d}"

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[self.status]

    @property
    def band_label(self) -> str:
        return band_label(self.value_band, self.threshold)

    @property
    def outcome(self) -> str:
        return outcome_of(self.status, self.decision)

    @property
    def giver(self) -> str:
        return ", ".join(part for part in (self.giver_name, self.giver_organisation) if part)

    def __repr__(self) -> str:
        return f"<Gift {self.id} {self.status.value}>"
