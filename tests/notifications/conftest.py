"""Helpers for the mail tests: own SMTP servers with special behaviour, users, the outbox."""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import pytest
from sqlalchemy import select

from tests.conftest import Inbox
from tests.support.clock import child_env, clocked_command
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]




class ScriptedInbox(Inbox):
    """An inbox whose server can refuse recipients, hold a message, or go down mid-run."""

    def __init__(self):
        super().__init__()
        self.refuse: set[str] = set()  #: recipients answered with 550
        self.go_down_after: Optional[int] = None  #: accept this many, then close like a crashed server
        self.hold_first = threading.Event()  #: set: the first DATA is held until ``release`` is set
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.wait_for_peers = 0  #: hold every DATA until this many different connections were seen
        self.peers: set = set()
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        deadline = time.monotonic() + 40  # below the client's SMTP timeout in these tests
        while len(self.peers) < self.wait_for_peers and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        if self.hold_first.is_set() and not self.first_arrived.is_set():
            self.first_arrived.set()
            while not self.release.is_set():
                await asyncio.sleep(0.01)
        if self.go_down_after is not None and len(self.messages) >= self.go_down_after:
            self.controller.server.close()  # stop listening: reconnecting is refused
            server.transport.close()  # and drop this connection before answering
            return "421 going down"
        return await super().handle_DATA(server, session, envelope)


class MailServer:
    """An aiosmtpd server on loopback that a test can stop and start again on the same port."""

    def __init__(self, inbox: ScriptedInbox, port: Optional[int] = None):
        self.inbox = inbox
        self.port = port or free_port()
        self.controller = None

    def start(self) -> "MailServer":
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.inbox.controller = self.controller
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture()
def mail_server(app):
    """A scripted SMTP server the app sends to; stopped after the test."""
    server = MailServer(ScriptedInbox()).start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_STARTTLS=False)
    yield server
    server.stop()


def make_user(username: str, *, email: Optional[str] = "default", language: str = "nl", admin: bool = False):
    """A user row as sign-in would create it."""
    from portal.auth.models import User
    from portal.extensions import db

    user = User(
        username=username, dn=f"uid={username},ou=people,dc=example,dc=nl", display_name=username.title(),
        email=f"{username}@example.nl" if email == "default" else email, language=language, is_admin=admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


MARCH_12 = datetime(2026, 3, 12, 9, 30, tzinfo=timezone.utc)


def queue_test(to, requested_at=MARCH_12, **kwargs):
    """Queue the test notification (templates/mail/notifications/test.*)."""
    from portal.notifications.services import queue_mail

    context = {"requested_by": "Lotte Visser", "requested_at": requested_at}
    return queue_mail(to, "notifications/test", context, **kwargs)


def outbox_rows():
    from portal.extensions import db
    from portal.notifications.models import OutboxMessage

    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def flask_command(
    database_url: str, smtp_port: int, *args: str, env_extra: Optional[dict] = None, **popen
) -> subprocess.Popen:
    """``flask --app wsgi portal <args>`` in a new process against the test database."""
    env = dict(os.environ)
    env.update(
        PORTAL_DATABASE_URL=database_url,
        PORTAL_SMTP_HOST="127.0.0.1",
        PORTAL_SMTP_PORT=str(smtp_port),
        PORTAL_SMTP_STARTTLS="false",
        PORTAL_BASE_URL="http://portal.test",
        PORTAL_LOG_LEVEL="WARNING",
        PORTAL_ENV="development",
        **child_env(),  # the worker reads the same (possibly shifted) clock as the test
        **(env_extra or {}),
    )
    return subprocess.Popen(
        clocked_command("flask", "--app", "wsgi", "portal", *args), cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()

