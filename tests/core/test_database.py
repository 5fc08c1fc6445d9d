"""The portal's database connections answer as the driver's own would (portal/core/database.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from portal.auth.models import User
from portal.extensions import db


@pytest.fixture(autouse=True)
def _postgres_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("psycopg's cursors are PostgreSQL's (set PORTAL_TEST_DATABASE_URL)")


def test_a_cursor_describes_its_columns_as_psycopg_does(app):
    """Code that reads a result's column names and types gets what psycopg itself would give."""
    import psycopg

    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            ours = raw.cursor()
            ours.execute("SELECT 1 AS one, 'x'::text AS letter, now() AS moment")
            theirs = psycopg.Cursor(raw.driver_connection)
            theirs.execute("SELECT 1 AS one, 'x'::text AS letter, now() AS moment")
            assert type(ours).__name__ == "LazyDescriptionCursor"  # the portal's cursor is in use
            assert len(ours.description) == 3
            assert [tuple(column) for column in ours.description] == [tuple(column) for column in theirs.description]
            assert [column.name for column in ours.description] == ["one", "letter", "moment"]
            assert ours.description[-1].name == "moment"

            ours.execute("SELECT")  # a result without columns still has a description (psycopg: an empty one)
            assert ours.description is not None and len(ours.description) == 0
            ours.execute("CREATE TEMPORARY TABLE scratch (n int)")
            assert ours.description is None  # no result set
            raw.rollback()
        finally:
            raw.close()


def test_results_keep_their_column_names_through_sqlalchemy(app, auth):
    """Core and ORM results still map names to values, first time and from the statement cache."""
    auth.login("jdevries")
    with app.app_context():
        for _ in range(2):  # the second run uses SQLAlchemy's cached result columns
            row = db.session.execute(text("SELECT 41 + 1 AS answer, 'ja' AS word")).one()
            assert row._mapping["answer"] == 42 and row.word == "ja"
            person = db.session.execute(select(User.username, User.display_name).where(User.username == "jdevries")).one()
            assert person.display_name == "Jan de Vries"
        db.session.rollback()


def test_the_dashboard_statement_is_converted_once_not_on_every_page(app, client, auth):
    """psycopg keeps the conversion of the dashboard's long statement (over its own 4,096-character limit)."""
    from psycopg import _queries

    converted = []
    original = _queries._query2pg_nocache

    def counting(query, encoding):
        converted.append(len(query))
        return original(query, encoding)

    auth.login("jdevries")
    client.get("/")  # the statement's first conversion
    _queries._query2pg_nocache = counting  # called only when psycopg has not kept a conversion
    try:
        for _ in range(3):
            assert client.get("/").status_code == 200
    finally:
        _queries._query2pg_nocache = original
    assert converted == []
    with app.app_context():
        from portal.core.registry import _checklist_statement

        statement = str(_checklist_statement[0][0].compile(db.engine))
    assert len(statement) > 4096  # the case this is about: psycopg's own limit would convert it every time


@pytest.mark.parametrize("person, path, statement", [
    ("mjansen", "/review/", "%FROM declaration%submitted_at%LIMIT 51%"),  # HR's queue
    ("jdevries", "/declarations/", "%status IN ('ended', 'withdrawn')%LIMIT 20 OFFSET%"),  # my history
])
def test_a_list_is_planned_once_not_on_every_view(app, client, auth, person, path, statement):
    """PostgreSQL runs the list's prepared statement on one plan made once (its page size and fixed
    statuses are in the text, not parameters), instead of planning it again on every view (about
    0.6 ms of the database's CPU for HR's queue)."""
    auth.login(person)
    for _ in range(14):  # psycopg prepares a statement after five runs; PostgreSQL chooses after five more
        assert client.get(path).status_code == 200
    with app.app_context():
        plans = db.session.execute(text("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                                        "WHERE statement LIKE :statement"), {"statement": statement}).all()
        db.session.rollback()
    assert plans, "the statement was not prepared, or its constants are parameters again"
    assert any(generic > 0 for generic, _custom in plans), plans
