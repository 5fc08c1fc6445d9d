"""The mail outbox and the record of scheduled job runs."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.states import Transitions
from portal.core.time import utcnow
from portal.extensions import db


class MailStatus(LabelledEnum):
    pending = "pending", _l("In de wachtrij")  #: waiting for its next attempt
    sending = "sending", _l("Wordt verstuurd")  #: claimed by a worker until ``locked_until``
    sent = "sent", _l("Verzonden")  #: accepted by the SMTP server
    failed = "failed", _l("Mislukt")  #: given up; an administrator may retry it


class InvalidTransition(ValueError):
    """A message cannot go from its current status to the requested one."""


#: the one table of allowed status changes; ``sending -> sending`` is a worker
#: taking over a message whose lease ran out (the previous worker died)
TRANSITIONS: dict[MailStatus, frozenset[MailStatus]] = {
    MailStatus.pending: frozenset({MailStatus.sending}),
    MailStatus.sending: frozenset(
        {MailStatus.sending, MailStatus.sent, MailStatus.pending, MailStatus.failed}
    ),
    MailStatus.failed: frozenset({MailStatus.pending}),
    MailStatus.sent: frozenset(),
}


def sources_of(target: MailStatus) -> list[MailStatus]:
    """The statuses from which ``target`` may be reached (for compare-and-set updates)."""
    return [source for source, targets in TRANSITIONS.items() if target in targets]


MAIL_FLOW = Transitions(MailStatus, TRANSITIONS, lambda current, target: InvalidTransition(
    f"a {current.value} message cannot become {target.value}"))


def ensure_transition(current: MailStatus, target: MailStatus) -> None:
    """Raise InvalidTransition unless ``current -> target`` is allowed."""
    MAIL_FLOW.check(current, target)


class OutboxMessage(db.Model):
    """One e-mail, written in the same transaction as the change that causes it."""

    __tablename__ = "outbox_message"
    #: mail is on no cached page
    audit_type = "outbox_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    recipient_user_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str] = mapped_column(String(2), default="nl")
    #: template name below templates/mail/, e.g. ``declarations/decided``
    template: Mapped[str] = mapped_column(String(128))
    subject: Mapped[str] = mapped_column(String(512))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: the same key is never queued twice (NULL: no deduplication)
    dedup_key: Mapped[Optional[str]] = mapped_column(String(255), unique=True)
    status: Mapped[MailStatus] = mapped_column(
        Enum(MailStatus, native_enum=False, length=16, create_constraint=True, name="status"),
        default=MailStatus.pending,
    )
    #: delivery attempts that ended (sent, temporary or permanent failure)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_attempt_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[Optional[str]] = mapped_column(String(1000))
    sent_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: claim lease: while ``status`` is sending, only ``locked_by`` may send it until ``locked_until``
    locked_until: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: the worker that claimed (and, once sent, sent) the message: ``host:pid:random``
    locked_by: Mapped[Optional[str]] = mapped_column(String(128))
    #: the bodies concern someone's declaration: shown to administrators only, on request
    is_sensitive: Mapped[bool] = mapped_column(Boolean, default=False)

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", order_by="OutboxAttachment.id"
    )

    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        Index("ix_outbox_message_status_created", "status", "created_at"),
        Index("ix_outbox_message_status_sent", "status", "sent_at"),
        CheckConstraint("attempts >= 0", name="attempts"),
        CheckConstraint("language in ('nl', 'en')", name="language"),
    )

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.status.value} {self.template} to {self.recipient}>"


class OutboxAttachment(db.Model):
    """A file sent with a message; the bytes live in the database with the message."""

    __tablename__ = "outbox_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("outbox_message.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    #: iTIP method for text/calendar parts: REQUEST (invitation) or CANCEL
    method: Mapped[Optional[str]] = mapped_column(String(16))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  #: loaded only to send

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")

    def __repr__(self) -> str:
        return f"<OutboxAttachment {self.id} {self.filename} ({self.content_type})>"


class JobRun(db.Model):
    """One run of a scheduled job in one time slot; the unique key makes runs idempotent."""

    __tablename__ = "job_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    #: start of the interval window the run belongs to
    slot: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: what the job returned, e.g. the number of mails queued
    result: Mapped[Optional[int]]

    __table_args__ = (
        UniqueConstraint("name", "slot", name="uq_job_run_name_slot"),
        Index("ix_job_run_started_at", "started_at"),
    )

    def __repr__(self) -> str:
        return f"<JobRun {self.name} {self.slot:%Y-%m-%d %H:%M}>"
