"""Two app servers and two mail workers on one PostgreSQL: no state on a node, every mail once."""

from __future__ import annotations

import signal
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from portal.declarations.models import NilStatement
from portal.extensions import db
from portal.notifications.models import MailStatus, OutboxMessage
from portal.notifications.services import queue_mail
from tests.notifications.conftest import flask_command, wait_until
from tests.support.server import Browser, gunicorn

pytestmark = pytest.mark.postgres_only
MESSAGES = 120


def test_user_continues_on_another_server_and_every_mail_goes_out_once(smtp, app, app_config, database_url):
    with gunicorn(app_config, workers=1, threads=2) as server_a, gunicorn(app_config, workers=1, threads=2) as server_b:
        on_a = Browser(server_a)
        assert on_a.login("jdevries")[0] == 302
        assert "Welkom, Jan de Vries" in on_a.get("/")[1]

        # The same browser (same cookie) now reaches the other node: still signed in, and it can write.
        on_b = Browser(server_b)
        on_b.cookies, on_b.opener = on_a.cookies, on_a.opener
        status, html = on_b.get("/")
        assert status == 200 and "Welkom, Jan de Vries" in html
        status, _ = on_b.post("/declarations/nil", {"kind": "side_activity"}, token_from="/declarations/nil")
        assert status == 302
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(NilStatement)) == 1

    with app.app_context():
        for number in range(MESSAGES):
            queue_mail(f"person{number}@example.nl", "notifications/test",
                       {"requested_by": "scale-out test", "requested_at": None}, dedup_key=f"scale-{number}")
        db.session.commit()
        db.session.remove()

    workers = [flask_command(database_url, app_config["SMTP_PORT"], "worker", "--interval", "0.2") for _ in range(2)]
    try:
        assert wait_until(lambda: len(smtp.messages) >= MESSAGES, timeout=90)
        time.sleep(1)  # a late duplicate would arrive now
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(30) for worker in workers]
    assert codes == [0, 0]

    received = Counter(message["Message-ID"] for _, message in smtp.messages)
    assert len(received) == MESSAGES
    assert [mid for mid, n in received.items() if n > 1] == []
    with app.app_context():
        db.session.expire_all()
        senders = db.session.scalars(
            select(OutboxMessage.locked_by).where(OutboxMessage.status == MailStatus.sent).distinct()
        ).all()
        assert db.session.scalar(select(func.count()).where(OutboxMessage.status != MailStatus.sent)) == 0
    assert len(senders) == 2, "both workers should have delivered part of the mail"
