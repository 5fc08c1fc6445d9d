"""Real processes: two ``send-mail`` at once, and the worker stopped with SIGTERM."""

from __future__ import annotations

import signal
from collections import Counter

from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import MailStatus, OutboxMessage
from portal.notifications.rendering import message_id_for
from portal.notifications.services import queue_mail
from tests.notifications.conftest import flask_command, outbox_rows, wait_until

MESSAGES = 200


def test_two_send_mail_processes_deliver_every_message_exactly_once(app, mail_server, database_url):
    """Runs on SQLite (compare-and-set claims) and on PostgreSQL (FOR UPDATE SKIP LOCKED)."""
    # Hold every message until both processes are connected, so that they really overlap.
    mail_server.inbox.wait_for_peers = 2
    with app.app_context():
        for number in range(MESSAGES):
            queue_mail(f"person{number}@example.nl", "notifications/test",
                       {"requested_by": "test", "requested_at": None}, dedup_key=f"load-{number}")
        db.session.commit()
        expected = {message_id_for(m) for m in outbox_rows()}
        db.session.remove()

    # The held message must not time out on the client side (that would be a retry, not a test of claims).
    slow_ok = {"PORTAL_SMTP_TIMEOUT": "60"}
    processes = [
        flask_command(database_url, mail_server.port, "send-mail", env_extra=slow_ok) for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs

    received = Counter(message["Message-ID"] for _, message in mail_server.inbox.messages)
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert duplicates == {}
    assert set(received) == expected
    assert sum(received.values()) == MESSAGES
    with app.app_context():
        per_worker = dict(db.session.execute(
            select(OutboxMessage.locked_by, func.count()).where(OutboxMessage.status == MailStatus.sent)
            .group_by(OutboxMessage.locked_by)
        ).all())
    assert sum(per_worker.values()) == MESSAGES
    assert len(per_worker) == 2, f"both processes should have sent some: {per_worker}"
    print(f"\n{database_url.split(':')[0]}: {MESSAGES} messages, 2 processes, "
          f"{len(mail_server.inbox.messages)} received, {len(duplicates)} duplicates, "
          f"per process {sorted(per_worker.values())}")


def test_worker_finishes_the_current_message_on_sigterm_and_exits_0(app, mail_server, database_url):
    mail_server.inbox.hold_first.set()  # the first message stays "in transit" until released
    with app.app_context():
        for number in range(3):
            queue_mail(f"person{number}@example.nl", "notifications/test",
                       {"requested_by": "test", "requested_at": None})
        db.session.commit()
        db.session.remove()

    worker = flask_command(database_url, mail_server.port, "worker", "--interval", "0.5",
                           env_extra={"PORTAL_SMTP_TIMEOUT": "60"})
    try:
        assert mail_server.inbox.first_arrived.wait(30), "the worker sent nothing"
        worker.send_signal(signal.SIGTERM)
        assert wait_until(lambda: worker.poll() is not None, timeout=1.0) is False  # still finishing
        mail_server.inbox.release.set()
        _, stderr = worker.communicate(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, stderr
    assert "SIGTERM received" in stderr
    assert len(mail_server.inbox.messages) == 1
    with app.app_context():
        rows = outbox_rows()
        assert [r.status for r in rows].count(MailStatus.sent) == 1
        rest = [r for r in rows if r.status is not MailStatus.sent]
        # handed back untouched: due now, no attempt counted, no claim left behind
        assert [(r.status, r.attempts, r.locked_by) for r in rest] == [(MailStatus.pending, 0, None)] * 2
