"""Shared fixtures: real slapd, SQLite and PostgreSQL, SMTP on loopback, Chromium.

The database fixture is parametrised: every test that uses ``app`` runs on
SQLite, and also on PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` points at a
server (a throw-away database is created there and dropped afterwards).
"""

from __future__ import annotations

import os
import re
import threading
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url

# the clock fixture, and PORTAL_TEST_CLOCK's shifted session (hooks)
from tests.support.clock_plugin import (  # noqa: F401
    clock,
    pytest_configure,
    pytest_report_header,
    pytest_unconfigure,
)
from tests.support.slapd import SlapdServer

TESTS = Path(__file__).parent
LDIF = TESTS / "data" / "directory.ldif"
SECRET = "test-secret-key-that-is-long-enough-0123456789"
PG_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def password_for(username: str) -> str:
    """Every account in the test directory has this password."""
    return f"Welkom-{username}-2026"


# -- directory --------------------------------------------------------------


@pytest.fixture(scope="session")
def slapd() -> Iterator[SlapdServer]:
    """A real OpenLDAP server loaded from tests/data/directory.ldif."""
    server = SlapdServer(LDIF)
    server.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def samba_dc():
    """A real Active Directory (Samba's AD DC) with the people and groups of tests/data/directory.ldif."""
    from tests.support.samba import SambaDC

    server = SambaDC(LDIF)
    server.start()
    yield server
    server.close()


# -- databases --------------------------------------------------------------


def _pg_admin_engine() -> sa.Engine:
    url = make_url(PG_URL).set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def create_database(backend: str, tmp_path_factory) -> str:
    """A new, empty database for ``backend``; returns its URL."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal.sqlite3'}"
    name = f"portal_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    admin.dispose()


def migrate_database(url: str) -> None:
    """Create the schema the only supported way: the migrations."""
    from flask_migrate import upgrade

    from portal import create_app

    app = create_app(_base_config(url, {}))
    with app.app_context():
        upgrade(revision="heads")
        from portal.extensions import db

        db.engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    url = create_database(request.param, tmp_path_factory)
    migrate_database(url)
    yield url
    drop_database(url)


def _base_config(url: str, ldap: dict) -> dict:
    config = {
        "TESTING": True,
        "ENV": "development",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "DATABASE_URL": url,
        "LDAP_URL": "ldap://127.0.0.1:1",
        "SERVER_NAME": None,
        "BASE_URL": "http://portal.test",
        "LOG_LEVEL": "WARNING",
    }
    config.update(ldap)
    return config


def _empty_tables() -> None:
    from portal.extensions import db

    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture(autouse=True)
def _skip_postgres_only_on_sqlite(request):
    """Tests marked ``postgres_only`` need row locks; on SQLite they are skipped with that reason."""
    if request.node.get_closest_marker("postgres_only") and "database_url" in request.fixturenames:
        if not request.getfixturevalue("database_url").startswith("postgresql"):
            pytest.skip("needs PostgreSQL row locks (set PORTAL_TEST_DATABASE_URL)")


@pytest.fixture()
def app_config(database_url, slapd) -> dict:
    """The configuration of the app under test; tests may change it before using ``app``."""
    return _base_config(database_url, slapd.config())


def make_app(config: dict):
    """A new app on the test database, its tables emptied: nothing an earlier test left behind counts.

    For a test that needs its own settings (a directory that is down, a wrong service password). A
    second app server on the same data (``create_app`` again) is what a test of sharing wants instead.
    """
    from portal import create_app

    app = create_app(config)
    with app.app_context():
        _empty_tables()
    return app


@pytest.fixture()
def app(app_config):
    app = make_app(app_config)
    yield app
    with app.app_context():
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()


class PortalClient(FlaskClient):
    """A test client that fills in the CSRF token as the browser form would."""

    def csrf_token(self) -> str:
        for path in ("/login", "/"):
            html = self.get(path, follow_redirects=True).get_data(as_text=True)
            match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            if match:
                return match.group(1)
        raise AssertionError("no CSRF token found on the sign-in page or the dashboard")

    def submit(self, url: str, data: dict | None = None, **kwargs):
        """POST ``data`` to ``url`` with a valid CSRF token."""
        data = dict(data or {})
        if "csrf_token" not in data:
            data["csrf_token"] = self.csrf_token()
        return self.post(url, data=data, **kwargs)


@pytest.fixture()
def client(app) -> PortalClient:
    app.test_client_class = PortalClient
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: PortalClient):
        self._client = client

    def login(self, username: str = "jdevries", password: str | None = None, **kwargs):
        return self._client.submit(
            "/login",
            {"username": username, "password": password if password is not None else password_for(username)},
            **kwargs,
        )

    def logout(self):
        return self._client.submit("/logout")


@pytest.fixture()
def auth(client) -> AuthActions:
    return AuthActions(client)


# -- mail -------------------------------------------------------------------


class Inbox:
    """Messages received by the loopback SMTP server."""

    def __init__(self):
        self.messages: list = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd)."""
    from aiosmtpd.controller import Controller

    from tests.support.net import free_port

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    controller.inbox = inbox
    yield controller
    controller.stop()


@pytest.fixture()
def smtp(smtp_server, app_config):
    """Point the app's mail at the loopback SMTP server; an empty inbox per test."""
    smtp_server.inbox.clear()
    app_config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_STARTTLS=False)
    return smtp_server.inbox


# -- browser ----------------------------------------------------------------


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        from tests.support.net import free_port

        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture()
def live_server(app):
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_browser():
    from tests.support.browser import launch_chromium

    with launch_chromium() as browser:
        yield browser


@pytest.fixture()
def page(playwright_browser, live_server):
    """A fresh browser tab (own cookies) on the live server."""
    context = playwright_browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
