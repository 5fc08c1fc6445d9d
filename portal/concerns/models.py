"""Reports of suspected breaches (concerns), their notes and files, and advisers' contacts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.concerns.states import (
    STATUS_TONES,
    Channel,
    ConcernStatus,
    InvestigationType,
    Outcome,
)
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.extensions import db


class Concern(db.Model):
    """One report of a suspected integrity breach; only integrity coordinators see it."""

    __tablename__ = "concern"
    audit_type = "concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel, "channel", length=24))
    #: the date the organisation received it: the deadlines count from here
    received_on: Mapped[date] = mapped_column(Date, index=True)
    #: the person who filed it in the portal; NULL for a registered report from an unknown person
    reporter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    #: name or contact of a reporter outside the portal (registered reports); may be empty
    reporter_name: Mapped[Optional[str]] = mapped_column(String(256))
    #: the reporter's name is not shared with the people involved
    is_anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    contact_preference: Mapped[Optional[str]] = mapped_column(String(500))
    what_happened: Mapped[str] = mapped_column(Text)
    happened_when: Mapped[Optional[str]] = mapped_column(String(256))
    people_involved: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[ConcernStatus] = mapped_column(
        enum_type(ConcernStatus, "status", length=16), default=ConcernStatus.received, index=True)
    #: a code from PORTAL_CONCERN_CATEGORIES, set by the coordinator
    category: Mapped[Optional[str]] = mapped_column(String(64))
    receipt_due_on: Mapped[date] = mapped_column(Date)
    assessment_due_on: Mapped[date] = mapped_column(Date)
    receipt_confirmed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    investigation_type: Mapped[Optional[InvestigationType]] = mapped_column(
        enum_type(InvestigationType, "investigation_type", length=16))
    investigation_started_on: Mapped[Optional[date]] = mapped_column(Date)
    investigation_ended_on: Mapped[Optional[date]] = mapped_column(Date)
    outcome: Mapped[Optional[Outcome]] = mapped_column(enum_type(Outcome, "outcome", length=16))
    #: the date of the assessment (the annual report counts outcomes and measures by it)
    outcome_on: Mapped[Optional[date]] = mapped_column(Date)
    #: a code from PORTAL_CONCERN_MEASURES
    measure: Mapped[Optional[str]] = mapped_column(String(64))
    closed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), index=True)
    registered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    reporter: Mapped[Optional[User]] = relationship(foreign_keys=[reporter_id])
    notes: Mapped[list["ConcernNote"]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ConcernNote.id")
    attachments: Mapped[list["ConcernAttachment"]] = relationship(
        back_populates="concern", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ConcernAttachment.id")

    __table_args__ = (
        Index("ix_concern_outcome_on", "outcome_on"),
        Index("ix_concern_investigation_started_on", "investigation_started_on"),
    )

    @property
    def reference(self) -> str:
        """The number the coordinator and the reporter use, e.g. M2026-0007."""
        return f"M{self.received_on.year}-{self.id:04d}"

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES[self.status]

    def __repr__(self) -> str:
        return f"<Concern {self.id} {self.status.value}>"


class ConcernNote(db.Model):
    """An internal note of a coordinator; never shown to the reporter."""

    __tablename__ = "concern_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="notes")
    author: Mapped[Optional[User]] = relationship()

    def __repr__(self) -> str:
        return f"<ConcernNote {self.id} on {self.concern_id}>"


class ConcernAttachment(db.Model):
    """A file kept with a concern, in the database; served only as a download."""

    __tablename__ = "concern_attachment"
    audit_type = "concern_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: decided from the bytes, never from the name or the browser's claim
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  #: loaded only to download
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="attachments")

    __table_args__ = (CheckConstraint("size >= 0", name="size"),)

    def __repr__(self) -> str:
        return f"<ConcernAttachment {self.id} {self.content_type}>"


class AdviserContact(db.Model):
    """One contact of a confidential adviser: date, nature, people; nothing that identifies anyone."""

    __tablename__ = "adviser_contact"
    audit_type = "adviser_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the adviser who logged it; the line stays (for the figures) when the adviser's account goes
    adviser_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    contact_on: Mapped[date] = mapped_column(Date, index=True)
    #: a code from CONTACT_NATURES
    nature: Mapped[str] = mapped_column(String(64))
    people: Mapped[int] = mapped_column(Integer, default=1)
    #: the person was referred to the reporting point
    is_referred: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the hidden token of the form that logged it: the same form sent twice (a double click) logs one line
    client_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)

    __table_args__ = (CheckConstraint("people >= 1 AND people <= 500", name="people"),)

    def __repr__(self) -> str:
        return f"<AdviserContact {self.id} {self.nature}>"
