"""A worker killed in the middle of a submission leaves nothing half-written."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from portal.declarations.models import Declaration, DeclarationVersion
from portal.extensions import db
from tests.declarations.helpers import SIDE_FORM
from tests.support.server import Browser, gunicorn

pytestmark = pytest.mark.postgres_only


def test_killed_worker_leaves_no_half_written_declaration(app, app_config, database_url):
    form = dict(SIDE_FORM, submit="Indienen", client_token="killed-once")
    with gunicorn(app_config, workers=1, threads=2) as server:
        browser = Browser(server)
        assert browser.login("jdevries")[0] == 302

        # Hold the audit log: the submission writes its declaration and version, then waits here.
        blocker = sa.create_engine(database_url)
        with blocker.connect() as conn:
            transaction = conn.begin()
            conn.execute(sa.text("LOCK TABLE audit_event IN EXCLUSIVE MODE"))
            result = {}
            request = threading.Thread(target=lambda: result.update(
                answer=_post(browser, form)), daemon=True)
            request.start()
            assert _wait_for_lock_waiter(conn), "the submission never reached the audit log"
            (worker,) = server.worker_pids()
            os.kill(worker, signal.SIGKILL)  # the worker dies mid-transaction
            time.sleep(0.5)
            transaction.rollback()
        blocker.dispose()
        request.join(15)

        with app.app_context():
            db.session.remove()
            assert db.session.scalar(select(func.count()).select_from(Declaration)) == 0
            assert db.session.scalar(select(func.count()).select_from(DeclarationVersion)) == 0

        # The master starts a new worker; the employee submits again and it is saved once.
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not server.worker_pids():
            time.sleep(0.2)
        time.sleep(1)
        status, _ = _post(browser, dict(form, client_token="second-try"))
        assert status == 302
        with app.app_context():
            db.session.remove()
            assert db.session.scalar(select(func.count()).select_from(Declaration)) == 1


def _post(browser, form):
    try:
        return browser.post("/declarations/new/side-activity", form, token_from="/declarations/new/side-activity",
                            timeout=30)
    except OSError as exc:  # the connection died with the worker
        return (0, str(exc))


def _wait_for_lock_waiter(conn, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    query = sa.text("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'audit_event'::regclass")
    while time.monotonic() < deadline:
        if conn.execute(query).scalar():
            return True
        time.sleep(0.1)
    return False
