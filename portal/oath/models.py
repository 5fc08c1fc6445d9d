"""Oath ceremonies: sessions, registrations, records and the integrity statement."""

from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.extensions import db
from portal.oath.states import ACTIVE_STATUSES, Formula, RegistrationStatus, SessionStatus



_ACTIVE_SQL = text("status IN ('confirmed', 'waitlisted')")



class OathSession(db.Model):
    """A ceremony at which new employees take the oath or affirmation."""

    __tablename__ = "oath_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location: Mapped[Optional[str]] = mapped_column(String(256))
    online_url: Mapped[Optional[str]] = mapped_column(String(512))
    capacity: Mapped[int] = mapped_column(Integer)
    #: who administers the oath, e.g. "wethouder P&O"
    official: Mapped[str] = mapped_column(String(256))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    notes: Mapped[Optional[str]] = mapped_column(Text)
    registration_deadline: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus, "session_status", length=16), default=SessionStatus.scheduled
    )
    #: iCalendar SEQUENCE of every invitation for this session; bumped at each change invitees must see
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: bumped by ``lock_session`` on SQLite: the write takes the database's write lock
    lock_counter: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("registration_deadline <= starts_at", name="deadline_before_start"),
        CheckConstraint("location IS NOT NULL OR online_url IS NOT NULL", name="has_place"),
        CheckConstraint("language IN ('nl', 'en')", name="language"),
        Index("ix_oath_session_status_starts_at", "status", "starts_at"),
    )

    def __repr__(self) -> str:
        return f"<OathSession {self.id} {self.starts_at:%Y-%m-%d %H:%M} {self.status}>"


class Registration(db.Model):
    """One person's place (or place in the queue) at one session."""

    __tablename__ = "oath_registration"
    #: seats left are shown to everyone

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("oath_session.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[RegistrationStatus] = mapped_column(enum_type(RegistrationStatus, "registration_status", length=16))
    formula: Mapped[Formula] = mapped_column(enum_type(Formula, "formula", length=16))
    accessibility_needs: Mapped[Optional[str]] = mapped_column(Text)
    #: place in the queue, taken inside the session lock: the waiting list is served by (joined_at, id)
    joined_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    cancelled_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    promoted_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: when HR marked attended / no-show
    marked_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    session: Mapped[OathSession] = relationship()
    user: Mapped[User] = relationship()

    __table_args__ = (
        Index(
            "uq_oath_registration_one_active_per_user",
            "user_id",
            unique=True,
            sqlite_where=_ACTIVE_SQL,
            postgresql_where=_ACTIVE_SQL,
        ),
        Index("ix_oath_registration_session_queue", "session_id", "status", "joined_at", "id"),
    )

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def __repr__(self) -> str:
        return f"<Registration {self.id} session={self.session_id} user={self.user_id} {self.status}>"


class OathRecord(db.Model):
    """On the employee's profile: they took the oath or affirmation, which one, and when."""

    __tablename__ = "oath_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    formula: Mapped[Formula] = mapped_column(enum_type(Formula, "formula", length=16))
    taken_on: Mapped[date] = mapped_column(Date, index=True)
    session_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("oath_session.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("oath_registration.id", ondelete="SET NULL"), unique=True
    )
    #: who administered it, copied from the session (the certificate names them)
    official: Mapped[str] = mapped_column(String(256))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: the words spoken, one sentence per line, the organisation's name filled in; kept as they were when the
    #: oath was taken (the certificate prints them). NULL when the portal does not know them (imported records).
    wording: Mapped[Optional[str]] = mapped_column(Text)
    #: the published text the wording was made from (NULL for records from before texts were stored)
    wording_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("oath_formula_text.id", ondelete="SET NULL"), index=True
    )

    wording_version: Mapped[Optional["OathFormulaText"]] = relationship()

    def __repr__(self) -> str:
        return f"<OathRecord {self.id} user={self.user_id} {self.formula} {self.taken_on}>"


class OathFormulaText(db.Model):
    """A published version of the oath's or the affirmation's wording in one language, as HR decided it."""

    __tablename__ = "oath_formula_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    formula: Mapped[Formula] = mapped_column(enum_type(Formula, "formula", length=16))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer)
    #: one sentence per line; ``{organisatie}`` stands for the organisation's name
    body: Mapped[str] = mapped_column(Text)
    #: published by ``load-content`` from the portal's model text, not (yet) by HR
    is_model_text: Mapped[bool] = mapped_column(default=False)
    published_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    published_by: Mapped[Optional[User]] = relationship()

    __table_args__ = (
        UniqueConstraint("formula", "language", "version", name="uq_oath_formula_text_formula_language_version"),
        CheckConstraint("language IN ('nl', 'en')", name="language"),
        CheckConstraint("version > 0", name="version_positive"),
    )

    def __repr__(self) -> str:
        return f"<OathFormulaText {self.formula} {self.language} v{self.version}>"


class IntegrityStatementText(db.Model):
    """A published version of the integrity statement; signatures point at the version signed."""

    __tablename__ = "oath_statement_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    #: CommonMark source of the statement
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    def __repr__(self) -> str:
        return f"<IntegrityStatementText v{self.version}>"


class StatementSignature(db.Model):
    """An intern's, temp's or hired worker's signature under one version of the statement."""

    __tablename__ = "oath_statement_signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    text_version_id: Mapped[int] = mapped_column(ForeignKey("oath_statement_text.id"), index=True)
    #: the full name as the person typed it
    signed_name: Mapped[str] = mapped_column(String(256))
    signed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    text_version: Mapped[IntegrityStatementText] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "text_version_id", name="uq_oath_statement_signature_user_version"),)

    def __repr__(self) -> str:
        return f"<StatementSignature {self.id} user={self.user_id} text={self.text_version_id}>"
