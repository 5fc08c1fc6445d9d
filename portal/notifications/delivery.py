"""Delivering the outbox over SMTP: every message once, however many workers run.

A worker first *claims* due messages: status ``sending`` with a lease
(``locked_until``) in its own name (``locked_by``), committed before anything
is sent. On PostgreSQL the claim reads with ``FOR UPDATE SKIP LOCKED``; on
SQLite the claim takes the write lock first (``BEGIN IMMEDIATE``), then reads
the due rows and claims each with a compare-and-set ``UPDATE … WHERE status =
'pending'`` whose row count says who won. A message is only sent while the
worker's lease on it has at least RENEW_MARGIN left (far longer than one send
can take); when it has less, the worker first renews its lease with another
compare-and-set. It records the result only where it still holds the claim;
so two live workers never send the same message.

A batch costs one claim and one SMTP connection; each message then costs one
commit (its result), not two: no lease renewal while the lease is young. The
result of a sent message is committed without waiting for the disk flush
(PostgreSQL ``synchronous_commit = off``): a worker that dies right after it
loses nothing; only a crash of the database server itself within a fraction
of a second could forget that a message went out, which the lease then turns
into a resend, the same as a worker dying in the middle of a send.

If a worker dies while sending, the message becomes due again when the lease
runs out and is sent again: at-least-once in that crash case only (the SMTP
server may have accepted it just before the crash). The stable Message-ID
lets mail clients fold such a rare duplicate.

This module commits: it is the transaction boundary of the CLI and worker.
"""

from __future__ import annotations

import enum
import logging
import os
import secrets
import smtplib
import socket
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable, Optional
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.exc import OperationalError

from portal.core.time import as_utc, utcnow
from portal.core.transaction import begin_on_sqlite
from portal.extensions import db
from portal.notifications.errors import smtp_error_text
from portal.notifications.models import MailStatus, OutboxAttachment, OutboxMessage, ensure_transition
from portal.notifications.rendering import build_email, valid_address

log = logging.getLogger("portal.mail")

#: how long a claim protects a message; far longer than one send can take (SMTP timeouts)
LEASE = timedelta(minutes=10)
#: a message is sent only while its lease has this much left; else the lease is renewed first
RENEW_MARGIN = LEASE / 2
BATCH_SIZE = 20
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=6)
#: temporary failures (server down, 4xx) are retried this long after queueing, then the message fails
TEMPORARY_GIVE_UP_AFTER = timedelta(days=5)


class FailureKind(enum.Enum):
    temporary = "temporary"  #: 4xx: try again later
    permanent = "permanent"  #: 5xx: try again until MAIL_MAX_ATTEMPTS, then failed
    invalid_address = "invalid_address"  #: failed at once: no attempt can succeed
    connection = "connection"  #: server unreachable or refusing us: temporary, and stop this run


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0  #: claimed, then handed back unsent because the worker was stopped

    def __str__(self) -> str:
        return (f"sent {self.sent}, retry later {self.retrying}, failed {self.failed}, "
                f"released {self.released}")


def backoff(attempts: int) -> timedelta:
    """Delay after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most 6 hours."""
    return min(BACKOFF_BASE * 2 ** min(max(attempts - 1, 0), 20), BACKOFF_CAP)


def classify(exc: BaseException, config=None) -> tuple[FailureKind, str]:
    """What a sending error means for the message, and the Dutch sentence shown to administrators."""
    text = smtp_error_text(exc, config if config is not None else current_app.config)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, _reply = next(iter(exc.recipients.values()))
        return _kind_for_code(code), text
    if isinstance(exc, (smtplib.SMTPAuthenticationError, smtplib.SMTPConnectError, smtplib.SMTPHeloError)):
        return FailureKind.connection, text
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = FailureKind.connection if exc.smtp_code == 421 else _kind_for_code(exc.smtp_code)
        return kind, text
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPNotSupportedError, OSError)):
        return FailureKind.connection, text
    return FailureKind.temporary, text


def _kind_for_code(code: int) -> FailureKind:
    return FailureKind.permanent if 500 <= code < 600 else FailureKind.temporary


class SmtpSession:
    """One SMTP connection, opened when the first message needs it and reused."""

    def __init__(self, config) -> None:
        self._config = config
        self._smtp: Optional[smtplib.SMTP] = None

    def send(self, email, recipient: str) -> None:
        if self._smtp is None:
            self._smtp = self._open()
        self._smtp.send_message(email, from_addr=self._config["MAIL_FROM"], to_addrs=[recipient])

    def _open(self) -> smtplib.SMTP:
        config = self._config
        local_name = urlsplit(config["BASE_URL"]).hostname or "localhost"
        smtp = smtplib.SMTP(
            config["SMTP_HOST"], config["SMTP_PORT"], local_hostname=local_name,
            timeout=config["SMTP_TIMEOUT"],
        )
        try:
            smtp.ehlo()
            if config["SMTP_STARTTLS"]:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if config["SMTP_USER"]:
                smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        except BaseException:
            smtp.close()
            raise
        return smtp

    def close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (smtplib.SMTPException, OSError):
            self._smtp.close()
        self._smtp = None


_worker_id: Optional[str] = None


def worker_id() -> str:
    """This process's name in ``locked_by``: host, pid and a random part (pids are reused)."""
    global _worker_id
    if _worker_id is None or _worker_id.split(":")[1] != str(os.getpid()):
        _worker_id = f"{socket.gethostname()[:80]}:{os.getpid()}:{secrets.token_hex(4)}"
    return _worker_id


# -- claiming ------------------------------------------------------------------


def _due(now: datetime):
    return or_(
        and_(OutboxMessage.status == MailStatus.pending, OutboxMessage.next_attempt_at <= now),
        # a worker died while holding these: their lease ran out
        and_(OutboxMessage.status == MailStatus.sending, OutboxMessage.locked_until < now),
    )


def _candidates(now: datetime, limit: int, only_id: Optional[int], lock: bool) -> list[int]:
    """Due ids, oldest first: messages whose lease ran out, then pending ones.

    Two queries, not one with ``OR``: each is an index range scan on (status, next_attempt_at); the
    ``OR`` made PostgreSQL read and sort every pending row (tens of ms per batch with a campaign queued).
    """
    ids: list[int] = []
    for condition in (and_(OutboxMessage.status == MailStatus.sending, OutboxMessage.locked_until < now),
                      and_(OutboxMessage.status == MailStatus.pending, OutboxMessage.next_attempt_at <= now)):
        if len(ids) >= limit:
            break
        query = select(OutboxMessage.id).where(condition)
        if only_id is not None:
            query = query.where(OutboxMessage.id == only_id)
        query = query.order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit - len(ids))
        if lock:
            query = query.with_for_update(skip_locked=True)
        ids += db.session.scalars(query)
    return ids


def claim_due(
    now: datetime, worker: str, limit: int = BATCH_SIZE, only_id: Optional[int] = None
) -> list[int]:
    """Claim up to ``limit`` due messages for ``worker`` and commit; returns their ids.

    The lease runs until ``now + LEASE``."""
    claim = dict(status=MailStatus.sending, locked_until=now + LEASE, locked_by=worker)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = _candidates(now, limit, only_id, lock=True)
        if ids:
            _update(OutboxMessage.id.in_(ids), **claim)
    else:
        # The write lock before reading the candidates, not at the first compare-and-set: otherwise
        # two processes can read the same due rows, and the one that writes second claims nothing
        # although other messages are due, ending its run as if the outbox were empty.
        begin_on_sqlite(immediate=True)
        # Compare-and-set per row: of two processes, only one sees a row count of 1.
        ids = [
            i for i in _candidates(now, limit, only_id, lock=False)
            if _update(and_(OutboxMessage.id == i, _due(now)), **claim)
        ]
    db.session.commit()
    return ids


def _update(condition, **values) -> bool:
    result = db.session.execute(
        update(OutboxMessage).where(condition).values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _settle(message_id: int, worker: str, target: MailStatus, *, flush_to_disk: bool = True, **values) -> bool:
    """Move a message this worker holds out of ``sending`` (or renew it); commit. False: not ours anymore.

    ``flush_to_disk=False`` (a message sent): the commit does not wait for PostgreSQL's WAL flush
    (see the module's docstring); it is visible to every other worker at once all the same."""
    ensure_transition(MailStatus.sending, target)
    held = and_(
        OutboxMessage.id == message_id,
        OutboxMessage.status == MailStatus.sending,
        OutboxMessage.locked_by == worker,
    )
    if not flush_to_disk and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL synchronous_commit = off"))
    ours = _update(held, status=target, **values)
    db.session.commit()
    if not ours:
        log.warning("outbox message %s: the claim of %s was lost", message_id, worker)
    return ours


# -- sending -------------------------------------------------------------------


def deliver_due(
    now: Optional[datetime] = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> DeliveryReport:
    """Send every due message and return what happened; ``now`` fixes the clock (tests)."""
    clock = (lambda: now) if now is not None else utcnow
    worker = worker_id()
    report = DeliveryReport()
    smtp = SmtpSession(current_app.config)
    try:
        while not should_stop():
            claimed_at = clock()
            ids = claim_due(claimed_at, worker)
            if not ids:
                break
            if not _deliver_batch(ids, claimed_at + LEASE, smtp, worker, clock, report, should_stop):
                break
    finally:
        smtp.close()
    return report


def deliver_one(message_id: int, now: Optional[datetime] = None) -> Optional[OutboxMessage]:
    """Try to send one message right away (the administrator's test mail); None if not due."""
    clock = (lambda: now) if now is not None else utcnow
    worker = worker_id()
    claimed_at = clock()
    ids = claim_due(claimed_at, worker, limit=1, only_id=message_id)
    smtp = SmtpSession(current_app.config)
    try:
        _deliver_batch(ids, claimed_at + LEASE, smtp, worker, clock, DeliveryReport(), lambda: False)
    finally:
        smtp.close()
    return db.session.get(OutboxMessage, message_id) if ids else None


@dataclass(frozen=True)
class _Attachment:
    filename: str
    content_type: str
    data: bytes
    method: Optional[str]


@dataclass(frozen=True)
class _Outgoing:
    """What sending a claimed message needs of its row (``build_email`` reads these names)."""

    id: int
    created_at: datetime
    recipient: str
    language: str
    subject: str
    text_body: str
    html_body: str
    attempts: int
    attachments: tuple[_Attachment, ...]


def _load(ids: list[int]) -> dict[int, _Outgoing]:
    """The claimed messages with their attachments in two queries, as plain values: each message's
    result is committed on its own, and ORM objects would be expired (and read again) by every commit."""
    files: dict[int, list[_Attachment]] = {}
    for message_id, *values in db.session.execute(
            select(OutboxAttachment.message_id, OutboxAttachment.filename, OutboxAttachment.content_type,
                   OutboxAttachment.data, OutboxAttachment.method)
            .where(OutboxAttachment.message_id.in_(ids)).order_by(OutboxAttachment.id)):
        files.setdefault(message_id, []).append(_Attachment(*values))
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.created_at, OutboxMessage.recipient, OutboxMessage.language,
               OutboxMessage.subject, OutboxMessage.text_body, OutboxMessage.html_body, OutboxMessage.attempts)
        .where(OutboxMessage.id.in_(ids)))
    return {row.id: _Outgoing(*row, attachments=tuple(files.get(row.id, ()))) for row in rows}


def _deliver_batch(ids, held_until: datetime, smtp, worker, clock, report: DeliveryReport, should_stop) -> bool:
    """Send claimed messages in order; False when the run should end (stopped, server down).

    ``held_until`` is the end of this worker's lease on them (renewed here when it draws near)."""
    messages = _load(ids)
    for index, message_id in enumerate(ids):
        if should_stop():
            report.released += _release(ids[index:], worker)
            return False
        now = clock()
        if now + RENEW_MARGIN > held_until:
            # a slow server: renew the lease on what is left of the batch before sending on
            held_until = now + LEASE
            kept = {i for i in ids[index:] if _settle(i, worker, MailStatus.sending, locked_until=held_until)}
            messages = {i: m for i, m in messages.items() if i in kept}
        message = messages.get(message_id)
        if message is None:
            continue  # not ours anymore (or gone)
        failure = _send_one(message, smtp, worker, clock, report)
        if failure is not None and failure[0] is FailureKind.connection:
            # The server is unreachable: the rest of the batch waits too, without a pointless connect each.
            for rest in ids[index + 1:]:
                if rest in messages:
                    _record_failure(rest, worker, clock(), FailureKind.temporary, failure[1], report)
            return False
    return True


def _send_one(message: _Outgoing, smtp: SmtpSession, worker, clock, report) -> Optional[tuple[FailureKind, str]]:
    """Send one message this worker holds with a lease of at least RENEW_MARGIN, and record the result."""
    now = clock()
    message_id = message.id
    if not valid_address(message.recipient):
        failure = (FailureKind.invalid_address, f"ongeldig e-mailadres: {message.recipient!r}")
    else:
        try:
            smtp.send(build_email(message, now=now), message.recipient)
        except Exception as exc:  # noqa: BLE001 - every error is recorded on the message
            log.info("outbox message %s: %s: %s", message_id, type(exc).__name__, exc)
            failure = classify(exc)
            if failure[0] is FailureKind.connection:
                smtp.close()
        else:
            if _settle(message_id, worker, MailStatus.sent, flush_to_disk=False, sent_at=clock(),
                       last_attempt_at=now, attempts=message.attempts + 1, locked_until=None, last_error=None):
                report.sent += 1
            return None
    log.warning("outbox message %s to %s not sent: %s", message_id, message.recipient, failure[1])
    _record_failure(message_id, worker, now, failure[0], failure[1], report)
    return failure


def _record_failure(message_id, worker, now: datetime, kind: FailureKind, error: str, report) -> None:
    message = db.session.get(OutboxMessage, message_id, populate_existing=True)
    attempts = message.attempts + 1
    if kind is FailureKind.invalid_address:
        give_up = True
    elif kind is FailureKind.permanent:
        give_up = attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    else:
        give_up = now - as_utc(message.created_at) > TEMPORARY_GIVE_UP_AFTER
    values = dict(attempts=attempts, last_attempt_at=now, last_error=error[:1000], locked_until=None)
    if give_up:
        if _settle(message_id, worker, MailStatus.failed, **values):
            report.failed += 1
    elif _settle(message_id, worker, MailStatus.pending, next_attempt_at=now + backoff(attempts),
                 locked_by=None, **values):
        report.retrying += 1


def _release(ids: Iterable[int], worker: str) -> int:
    """Hand claimed messages back unsent (the worker is stopping): no attempt is counted."""
    return sum(_settle(i, worker, MailStatus.pending, locked_until=None, locked_by=None) for i in ids)


# -- the long-running worker -------------------------------------------------


def run_worker(should_stop: Callable[[], bool], interval: float = 5.0,
               also: Optional[Callable[[Callable[[], bool]], object]] = None) -> None:
    """Deliver, run ``also`` (the exports), sleep ``interval`` seconds, repeat until ``should_stop()``;
    survives a database outage."""
    while not should_stop():
        try:
            report = deliver_due(should_stop=should_stop)
            if report.sent or report.retrying or report.failed:
                log.info("mail: %s", report)
            if also is not None and not should_stop():
                also(should_stop)
        except OperationalError as exc:
            db.session.rollback()
            log.error("mail worker: database unavailable (%s); trying again", exc.orig)
        deadline = time.monotonic() + interval
        while not should_stop() and time.monotonic() < deadline:
            time.sleep(0.2)
