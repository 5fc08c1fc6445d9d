"""One transaction per request: what a view saved is kept only when the whole request succeeded."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.core.models import AuditEvent
from portal.core.transaction import after_commit, atomic, transaction
from portal.extensions import db


class Refused(Exception):
    pass


def _note(action: str) -> None:
    db.session.add(AuditEvent(action=action))
    db.session.flush()


def _saved_actions(app) -> list[str]:
    with app.app_context():
        db.session.remove()
        return sorted(db.session.scalars(select(AuditEvent.action)))


@pytest.fixture()
def views(app):
    """Test-only views that write and then succeed, fail or refuse."""
    ran: list[str] = []

    def writes_and_succeeds():
        _note("test.kept")
        after_commit(lambda: ran.append("after-commit"))
        return "ok"

    def writes_and_crashes():
        _note("test.lost")
        after_commit(lambda: ran.append("after-commit"))
        raise RuntimeError("boom")

    def writes_and_answers_500():
        _note("test.lost")
        return "server error", 500

    def writes_then_a_service_refuses():
        _note("test.kept")

        @atomic()
        def refusing_service():
            _note("test.refused")
            raise Refused()

        try:
            refusing_service()
        except Refused:
            pass
        return "form shown again with the message"

    def aborts_with_404():
        _note("test.lost")
        from flask import abort

        abort(404)

    def adds_without_flushing():
        db.session.add(AuditEvent(action="test.added"))
        return "ok"

    def touches_no_data():
        after_commit(lambda: ran.append("after-commit"))
        return "ok"

    for view in (writes_and_succeeds, writes_and_crashes, writes_and_answers_500, writes_then_a_service_refuses,
                 aborts_with_404, adds_without_flushing, touches_no_data):
        app.add_url_rule(f"/_test/{view.__name__}", view.__name__, view)
    return ran


def test_a_view_that_succeeds_is_committed_and_its_after_commit_work_runs(app, client, views):
    assert client.get("/_test/writes_and_succeeds").status_code == 200
    assert _saved_actions(app) == ["test.kept"]
    assert views == ["after-commit"]


def test_an_object_only_added_is_committed_with_the_request(app, client, views):
    assert client.get("/_test/adds_without_flushing").status_code == 200
    assert _saved_actions(app) == ["test.added"]


def test_a_request_that_touches_no_data_opens_no_transaction(app, client, views):
    """The sign-in form and a view without data: no session transaction begun just to commit nothing, no
    statement sent; the after-commit work still runs. A view that reads still opens one."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    begun: list[str] = []
    sent: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_begin(session, transaction):
        if transaction.parent is None:
            begun.append("transaction")

    def on_statement(conn, cursor, statement, *args):
        sent.append(statement)

    event.listen(Session, "after_transaction_create", on_begin)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        assert client.get("/_test/touches_no_data").status_code == 200
        assert client.get("/login").status_code == 200
        assert (begun, sent, views) == ([], [], ["after-commit"])
        assert client.get("/register.json").status_code == 200
        assert begun and sent
    finally:
        event.remove(Session, "after_transaction_create", on_begin)
        event.remove(engine, "before_cursor_execute", on_statement)


@pytest.mark.parametrize("path, status", [("writes_and_crashes", 500), ("writes_and_answers_500", 500),
                                          ("aborts_with_404", 404)])
def test_a_view_that_fails_leaves_nothing_behind(app, client, views, path, status):
    assert client.get(f"/_test/{path}").status_code == status
    assert _saved_actions(app) == []
    assert views == []  # no after-commit work for a transaction that was rolled back


def test_a_refused_service_undoes_only_its_own_writes(app, client, views):
    """The savepoint: the refusal's writes are gone, the rest of the request is saved (on SQLite too)."""
    assert client.get("/_test/writes_then_a_service_refuses").status_code == 200
    assert _saved_actions(app) == ["test.kept"]


def test_a_refused_service_as_first_write_is_not_committed_by_its_savepoint(app, client):
    """pysqlite would make a first SAVEPOINT the outer transaction; a later failure must still undo it."""

    def savepoint_first_then_crash():
        with atomic():
            _note("test.lost")
        raise RuntimeError("after the service")

    app.add_url_rule("/_test/savepoint_first", "savepoint_first", savepoint_first_then_crash)
    assert client.get("/_test/savepoint_first").status_code == 500
    assert _saved_actions(app) == []


def test_commands_and_jobs_share_one_transaction_helper(app):
    with app.app_context():
        with pytest.raises(RuntimeError):
            with transaction():
                _note("test.lost")
                raise RuntimeError("job failed")
        with transaction():
            _note("test.kept")
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1
    assert _saved_actions(app) == ["test.kept"]
