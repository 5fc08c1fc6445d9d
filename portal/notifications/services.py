"""Queueing mail in the outbox, and what administrators do with it.

Every other area sends mail through ``queue_mail``: it writes an outbox row in
the caller's transaction, so a change that rolls back sends nothing. Delivery
is ``portal.notifications.delivery`` (``flask portal send-mail`` / ``worker``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional, Sequence, Union

from flask import abort, current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer, make_transient_to_detached

from portal.auth.models import User
from portal.core.access import has_role
from portal.core.audit import record_event
from portal.core.database import insert_unless_taken
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.notifications.models import MailStatus, OutboxAttachment, OutboxMessage, ensure_transition
from portal.notifications.rendering import render_mail

log = logging.getLogger("portal.notifications")

LANGUAGES = ("nl", "en")
TEST_TEMPLATE = "notifications/test"

__all__ = ["Attachment", "MailToQueue", "queue_mail", "queue_mails"]


@dataclass(frozen=True)
class Attachment:
    """A file to send with a mail; ``method`` is the iTIP method of a text/calendar part."""

    filename: str
    content_type: str
    data: bytes
    method: Optional[str] = None  #: "REQUEST" (invitation) or "CANCEL"; calendar parts only


def queue_mail(
    to: Union[User, str],
    template: str,
    context: Optional[Mapping[str, Any]] = None,
    *,
    dedup_key: Optional[str] = None,
    language: Optional[str] = None,
    attachments: Optional[Sequence[Attachment]] = None,
    sensitive: bool = False,
) -> Optional[OutboxMessage]:
    """Write one mail to the outbox in the current transaction; never commits.

    ``to`` is a User (its address and language are used) or an address.
    Returns None, and queues nothing, when the recipient has no address or
    ``dedup_key`` was queued before.
    """
    user = to if isinstance(to, User) else None
    address = (user.email if user is not None else to) or ""
    address = address.strip()
    if not address:
        log.warning("mail %s not queued: user %s has no e-mail address", template, getattr(user, "id", None))
        return None
    language = _language_for(language, user)
    rendered = render_mail(template, context or {}, language)
    now = utcnow()
    values = {
        "created_at": now, "recipient": address, "recipient_user_id": user.id if user is not None else None,
        "language": language, "template": template, "subject": rendered.subject, "text_body": rendered.text_body,
        "html_body": rendered.html_body, "dedup_key": dedup_key, "status": MailStatus.pending, "attempts": 0,
        "next_attempt_at": now, "last_attempt_at": None, "last_error": None, "sent_at": None, "locked_until": None,
        "locked_by": None, "is_sensitive": sensitive,
    }
    # One statement: the unique key decides, also when two transactions queue the same key at once
    # (the second waits for the first and then inserts nothing). No query before, no savepoint.
    message_id = db.session.execute(_insert_new_key(), values).scalar()
    if message_id is None:
        log.info("mail %s not queued: dedup key %s already queued", template, dedup_key)
        return None
    if attachments:
        db.session.execute(insert(OutboxAttachment.__table__), [
            {"message_id": message_id, "filename": a.filename, "content_type": a.content_type, "data": a.data,
             "method": a.method} for a in attachments])
    # The row as written, in the session without reading it back (its attachments load on first use).
    message = OutboxMessage(id=message_id, **values)
    make_transient_to_detached(message)
    db.session.add(message)
    return message


@dataclass(frozen=True)
class MailToQueue:
    """One mail of a batch for ``queue_mails``."""

    to: User
    template: str
    context: Mapping[str, Any]
    dedup_key: str


def queue_mails(mails: Sequence[MailToQueue]) -> int:
    """Write many mails to the outbox at once (a campaign's invitations); never commits.

    The same rules as ``queue_mail`` for each, in a fixed number of statements for the batch:
    one query for the dedup keys already taken and one multi-row INSERT (each mail on its own
    was a query, a savepoint and an INSERT: most of the time of a campaign for 10,000 people).
    A key taken concurrently by another transaction makes the batch fall back to one at a time.
    Returns how many were queued.
    """
    keys = [mail.dedup_key for mail in mails]
    taken = set(db.session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))))
    rows, seen = [], set()
    now = utcnow()
    for mail in mails:
        address = (mail.to.email or "").strip()
        if not address or mail.dedup_key in taken or mail.dedup_key in seen:
            if not address:
                log.warning("mail %s not queued: user %s has no e-mail address", mail.template, mail.to.id)
            continue
        seen.add(mail.dedup_key)
        language = _language_for(None, mail.to)
        rendered = render_mail(mail.template, mail.context, language)
        rows.append({
            "recipient": address, "recipient_user_id": mail.to.id, "language": language, "template": mail.template,
            "subject": rendered.subject, "text_body": rendered.text_body, "html_body": rendered.html_body,
            "dedup_key": mail.dedup_key, "status": MailStatus.pending, "attempts": 0, "next_attempt_at": now,
            "is_sensitive": False,
        })
    if not rows:
        return 0
    try:
        with db.session.begin_nested():
            db.session.execute(insert(OutboxMessage), rows)
    except IntegrityError:
        log.info("mail batch: a dedup key was taken concurrently; queueing one at a time")
        return sum(queue_mail(m.to, m.template, m.context, dedup_key=m.dedup_key) is not None
                   for m in mails if m.dedup_key in seen)
    return len(rows)


def _insert_new_key():
    """``INSERT INTO outbox_message … ON CONFLICT (dedup_key) DO NOTHING RETURNING id``: no autoflush,
    and the id comes back only when the row was written."""
    return insert_unless_taken(OutboxMessage.__table__, ("dedup_key",), "id")


def _language_for(language: Optional[str], user: Optional[User]) -> str:
    for candidate in (language, getattr(user, "language", None)):
        if candidate in LANGUAGES:
            return candidate
    return "nl"


# -- administrators ---------------------------------------------------------


#: mails about reports of suspected breaches: only integrity coordinators see them in the outbox
CONFIDENTIAL_TEMPLATE_PREFIX = "concerns/"


def _visible_to(statement, user: Optional[User]):
    """Leave out the mails about concerns for anyone who is not an integrity coordinator."""
    if user is not None and has_role(user, "integrity_officer"):
        return statement
    return statement.where(~OutboxMessage.template.startswith(CONFIDENTIAL_TEMPLATE_PREFIX, autoescape=True))


def count_by_status(for_user: Optional[User] = None) -> dict[MailStatus, int]:
    """Number of messages per status (every status present, zero included)."""
    rows = db.session.execute(_visible_to(select(OutboxMessage.status, func.count()), for_user)
                              .group_by(OutboxMessage.status))
    counts = {status: 0 for status in MailStatus}
    counts.update({status: number for status, number in rows})
    return counts


def select_messages(status: Optional[MailStatus], for_user: Optional[User] = None):
    """Newest first, bodies left out: the statement behind the administrator's list."""
    statement = _visible_to(select(OutboxMessage), for_user).options(
        defer(OutboxMessage.text_body), defer(OutboxMessage.html_body))
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    return statement.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())


@atomic()
def retry_message(message: OutboxMessage, actor: User, *, now: Optional[datetime] = None) -> None:
    """Put a failed message back in the queue for an attempt now (attempts are kept)."""
    ensure_transition(message.status, MailStatus.pending)
    message.status = MailStatus.pending
    message.next_attempt_at = now or utcnow()
    message.locked_until = None
    record_event(
        "outbox.retry", actor=actor, obj=message, subject_user_id=message.recipient_user_id,
        details={"attempts": message.attempts, "last_error": message.last_error},
    )
    db.session.flush()


def record_body_view(message: OutboxMessage, actor: User) -> None:
    """Log that an administrator opened the bodies of a sensitive message."""
    record_event("outbox.view_body", actor=actor, obj=message, subject_user_id=message.recipient_user_id)
    db.session.flush()


def queue_test_mail(address: str, actor: User) -> Optional[OutboxMessage]:
    """Queue the test notification an administrator sends to check the SMTP set-up."""
    message = queue_mail(
        address, TEST_TEMPLATE, {"requested_by": actor.display_name, "requested_at": utcnow()},
        language=actor.language,
    )
    if message is not None:
        record_event("outbox.test", actor=actor, obj=message, details={"recipient": address})
    return message


def delete_old_sent_messages(now: datetime) -> int:
    """Delete sent messages older than the retention period; returns how many."""
    old = select(OutboxMessage.id).where(
        OutboxMessage.status == MailStatus.sent,
        OutboxMessage.sent_at < now - timedelta(days=current_app.config["RETENTION_MAIL_DAYS"])
    )
    # SQLite does not enforce ON DELETE CASCADE unless asked to: remove the children explicitly.
    no_sync = {"synchronize_session": False}
    children = delete(OutboxAttachment).where(OutboxAttachment.message_id.in_(old))
    db.session.execute(children, execution_options=no_sync)
    messages = delete(OutboxMessage).where(OutboxMessage.id.in_(old))
    result = db.session.execute(messages, execution_options=no_sync)
    db.session.flush()
    return result.rowcount or 0


#: what a mail's status means to the person it was sent to (the "my data" page)
MAIL_STATUS_LABELS = {
    MailStatus.pending: _l("In de wachtrij"),
    MailStatus.sending: _l("Wordt verstuurd"),
    MailStatus.sent: _l("Verzonden"),
    MailStatus.failed: _l("Mislukt"),
}


def personal_mail_data(user: User) -> dict:
    """The mails sent to ``user`` (for the personal-data export): when, what, status."""
    rows = db.session.execute(
        select(OutboxMessage.created_at, OutboxMessage.subject, OutboxMessage.status, OutboxMessage.sent_at)
        .where(OutboxMessage.recipient_user_id == user.id)
        .order_by(OutboxMessage.created_at.desc())
    )
    return {
        "mails": [
            {"created_at": created, "subject": subject, "status": status.value,
             "status_label": str(MAIL_STATUS_LABELS[status]), "sent_at": sent}
            for created, subject, status, sent in rows
        ]
    }


def get_outbox_message(message_id: int, for_user: User) -> OutboxMessage:
    """The outbox row for an administrator; 404 when missing, 403 for anyone else."""
    if not has_role(for_user, "admin"):
        abort(403)
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        abort(404)
    if message.template.startswith(CONFIDENTIAL_TEMPLATE_PREFIX) and not has_role(for_user, "integrity_officer"):
        abort(404)  # a mail about a concern: not even its existence
    return message
