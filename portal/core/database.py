"""How the portal's connections to its database are set up (SQLite for a first run, PostgreSQL in production).

- SQLite enforces foreign keys only when asked (``_enforce_sqlite_foreign_keys``).
- A pooled PostgreSQL connection is tested before use only after it sat idle (``_ping_idle_connections``).
- psycopg's cursors describe their result columns only when something reads the description
  (``LazyDescriptionCursor``).
- psycopg converts the placeholders of the portal's longest statements once, not on every
  execution (``keep_long_statement_conversions``).
- A row whose unique key may already be taken (a double click, a mail queued twice) is written
  with one statement that reports whether it was (``insert_unless_taken``).
- A statement's constants (a page size, the statuses a list shows) are written in its text, so that
  PostgreSQL plans it once (``fixed_limit``, ``fixed_in``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, Insert, Table, event, exc, literal, literal_column
from sqlalchemy.engine import make_url

from portal.extensions import db

#: a pooled connection unused for longer than this is tested before a request gets it
IDLE_PING_SECONDS = 10


def engine_options(url: str) -> dict[str, Any]:
    """The engine's settings for ``url`` (``SQLALCHEMY_ENGINE_OPTIONS`` unless the settings give their own)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return {}
    connect_args: dict[str, Any] = {"connect_timeout": 3}
    if parsed.get_dialect().driver == "psycopg":
        connect_args["cursor_factory"] = lazy_description_cursor()
        keep_long_statement_conversions()
    # One kept connection per gunicorn thread (gunicorn.conf.py: 8), so a busy worker does not open
    # and close overflow connections; two more for a job's or a command's own connection.
    return {"pool_size": 8, "max_overflow": 2, "pool_timeout": 5, "connect_args": connect_args}


def insert_unless_taken(table: Table, key: Sequence[str], *returning: str) -> Insert:
    """``INSERT INTO table … ON CONFLICT (key) DO NOTHING RETURNING …`` for the session's database.

    One statement instead of a SAVEPOINT around an INSERT: the columns come back only when the row
    was written, nothing when another request (or an earlier click) holds the key. Built once per
    database, table and key. An empty ``key``: ``ON CONFLICT DO NOTHING``, whichever unique key of the
    table holds the row (a partial unique index, which ``ON CONFLICT (columns)`` cannot name alone).
    """
    dialect = db.session.get_bind().dialect.name
    cache_key = (dialect, table.name, tuple(key), returning)
    statement = _INSERT_UNLESS_TAKEN.get(cache_key)
    if statement is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:  # pragma: no cover - the portal runs on PostgreSQL and SQLite only
            raise NotImplementedError(f"insert_unless_taken on {dialect}")
        conflict = [table.c[name] for name in key] or None  # None: any unique key (no conflict target)
        statement = (dialect_insert(table).on_conflict_do_nothing(index_elements=conflict)
                     .returning(*(table.c[name] for name in returning)))
        _INSERT_UNLESS_TAKEN[cache_key] = statement
    return statement


_INSERT_UNLESS_TAKEN: dict[tuple, Insert] = {}


def fixed_limit(count: int) -> ColumnElement:
    """A LIMIT written in the statement's text instead of sent as a parameter (``.limit(fixed_limit(50))``).

    psycopg prepares a statement run often, and PostgreSQL then runs it on a plan made once (a
    generic plan) only when that plan looks no dearer than one made for the values at hand. With the
    LIMIT a parameter it cannot see that a page reads a few rows, so it planned such a statement
    again on every execution: for HR's queue about 0.6 ms of the database's CPU per page.
    """
    return literal_column(str(int(count)))


def fixed_in(column: ColumnElement, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN (…)`` with constants written in the statement's text (see ``fixed_limit``).

    For a statement built once whose list never changes (the statuses of a history list): with the
    values as parameters PostgreSQL kept planning "my declarations"' history again on every view.
    """
    return column.in_([literal_column(str(literal(value, type_=column.type).compile(
        compile_kwargs={"literal_binds": True}))) for value in values])


def init_app(app: Flask) -> None:
    """After ``db.init_app``: the per-connection rules of the configured database."""
    _enforce_sqlite_foreign_keys(app)
    _ping_idle_connections(app)


def _enforce_sqlite_foreign_keys(app: Flask) -> None:
    """SQLite ignores foreign keys (and their ON DELETE rules) unless asked, unlike PostgreSQL."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():

        @event.listens_for(db.engine, "connect")
        def _foreign_keys_on(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()


def _ping_idle_connections(app: Flask) -> None:
    """Test a pooled PostgreSQL connection before use only when it has been idle a while.

    SQLAlchemy's ``pool_pre_ping`` tests every checkout: a round trip on every request. A
    connection that was used seconds ago is as good as a tested one; one that sat idle may have
    been closed by a database restart, and is replaced before the request sees it. A connection
    that breaks mid-request still gives the clear 503 page (core/errors.py).
    """
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "checkout")
        def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
            now = time.monotonic()
            last_used = record.info.get("portal_checked_in", now)
            if now - last_used > IDLE_PING_SECONDS:
                try:
                    with dbapi_connection.cursor() as cursor:
                        cursor.execute("SELECT 1")
                    dbapi_connection.rollback()
                except Exception as error:  # noqa: BLE001 - any failure: the pool takes a new connection
                    raise exc.DisconnectionError() from error

        @event.listens_for(engine, "checkin")
        def _note_checkin(_dbapi_connection, record) -> None:
            record.info["portal_checked_in"] = time.monotonic()


class LazyDescription(Sequence):
    """A cursor's ``description`` whose column entries are made when one is first read.

    SQLAlchemy asks every result's ``description`` but, for a statement it has run before, only
    looks whether it is ``None``: its result columns are cached with the compiled statement.
    psycopg's own ``description`` builds one ``Column`` (name decoded, type looked up) per result
    column every time, about 3 µs each: 0.1 ms for the signed-in person's 30 columns on every page.
    """

    __slots__ = ("_cursor", "_count", "_columns")

    def __init__(self, cursor, count: int) -> None:
        self._cursor = cursor
        self._count = count
        self._columns: list | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if self._columns is None:
            from psycopg import Column

            self._columns = [Column(self._cursor, position) for position in range(self._count)]
        return self._columns[index]

    def __repr__(self) -> str:
        return repr(list(self))


_LAZY_CURSOR = None


def lazy_description_cursor():
    """psycopg's client-side cursor with a ``LazyDescription`` (made once, on first use)."""
    global _LAZY_CURSOR
    if _LAZY_CURSOR is None:
        import psycopg
        from psycopg.pq import ExecStatus

        returns_rows = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)

        class LazyDescriptionCursor(psycopg.Cursor):
            @property
            def description(self):  # the same answers as psycopg's, column entries made on demand
                result = self.pgresult
                if result and (result.nfields or result.status in returns_rows):
                    return LazyDescription(self, result.nfields)
                return None

        _LAZY_CURSOR = LazyDescriptionCursor
    return _LAZY_CURSOR


#: psycopg keeps the conversion of statements up to this long (its own limit is 4,096 characters)
LONG_STATEMENT_CHARACTERS = 16384


def keep_long_statement_conversions() -> None:
    """Let psycopg keep the conversion of the portal's long statements, as it keeps the short ones.

    psycopg turns a statement's ``%(name)s`` placeholders into ``$1, $2`` with a regular expression
    over the whole text, and keeps the result for statements up to 4,096 characters. Longer ones
    are converted again on every execution. The dashboard's one statement (7,000 characters) and
    the review page's (5,900) are the same text on every request: converting them took about a
    fifth of the dashboard's CPU in-process. Up to 16,384 characters are kept now; psycopg's other
    limit, 50 parameters, stays, so a long multi-row INSERT is still not kept.
    """
    from psycopg import _queries

    _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH, LONG_STATEMENT_CHARACTERS)
