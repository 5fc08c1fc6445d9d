"""One transaction per request, per CLI command and per job.

The request wrapper (``init_app``) commits after a view has returned a response below 500 and
rolls back when it raised or answered with a server error; then it runs the work registered
with ``after_commit``. Views never commit or roll back themselves; services ``flush()``.

A service that checks a rule only after it has begun writing runs inside ``atomic()`` (a
SAVEPOINT): when it refuses, its own writes are undone and the rest of the request goes on,
so a view can catch the refusal and show the form again with the message.

CLI commands and jobs wrap their work in ``transaction()`` for the same guarantees.
"""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from flask import Flask, g

from portal.extensions import db

log = logging.getLogger(__name__)


def after_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the current request's (or command's) transaction is committed."""
    g.setdefault("portal_after_commit", []).append(callback)


def _run_after_commit() -> None:
    callbacks = g.pop("portal_after_commit", [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # noqa: BLE001 - the data is saved; a failed follow-up must not undo the answer
            log.exception("after-commit work %r failed", callback)


def _discard_after_commit() -> None:
    g.pop("portal_after_commit", None)


def commit(*, expire: bool = True) -> None:
    """Commit the session, then run the after-commit work (the wrapper's and ``transaction()``'s step).

    ``expire=False`` keeps what is loaded as it is: the request wrapper commits when the answer is
    already built, and a streamed answer (a CSV export) goes on reading the rows its view loaded.
    """
    # A request that never used the database (the sign-in form, a page read anonymously) has no
    # session or no transaction: nothing to commit, and no session made just to commit nothing.
    # Every use that could leave something to commit (a query, add, flush) begins a transaction.
    if db.session.registry.has() and (session := db.session()).in_transaction():
        before = session.expire_on_commit
        session.expire_on_commit = expire
        try:
            session.commit()
        finally:
            session.expire_on_commit = before
    _run_after_commit()


def rollback() -> None:
    """Roll the session back and forget the after-commit work."""
    _discard_after_commit()
    db.session.rollback()


def rollback_quietly() -> None:
    """Roll back on the way out of a failure; a dead connection must not hide the first error."""
    try:
        rollback()
    except Exception:  # noqa: BLE001 - the connection may already be gone
        log.debug("rollback failed", exc_info=True)


@contextmanager
def transaction() -> Iterator[None]:
    """For CLI commands and jobs: commit when the block succeeds, roll back when it raises."""
    try:
        yield
    except BaseException:
        rollback()
        raise
    commit()


class atomic:  # noqa: N801 - used like contextlib's lower-case context managers
    """A SAVEPOINT around a service: what it wrote is undone when it raises.

    Usable as ``with atomic():`` and as a decorator.
    """

    def __enter__(self) -> None:
        begin_on_sqlite()
        self._nested = db.session.begin_nested()
        self._nested.__enter__()

    def __exit__(self, *exc_info) -> bool:
        return bool(self._nested.__exit__(*exc_info))

    def __call__(self, func: Callable) -> Callable:
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with atomic():
                return func(*args, **kwargs)

        return wrapper


def begin_on_sqlite(*, immediate: bool = False) -> None:
    """On SQLite, begin the session's transaction now if none is open (elsewhere: nothing).

    pysqlite begins a transaction only before the first INSERT/UPDATE/DELETE. A SAVEPOINT issued
    before that would itself be the outermost transaction, and releasing it would commit at once:
    an explicit BEGIN first keeps the savepoint inside the request's transaction, as on PostgreSQL.
    ``immediate`` takes the write lock at once (``BEGIN IMMEDIATE``), for a read that must see every
    write committed before it and let none come between it and its own writes.
    """
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.driver_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    """Wrap every view in the request's transaction."""
    dispatch = app.dispatch_request

    def dispatch_in_transaction():
        try:
            response = app.make_response(dispatch())
        except BaseException:
            rollback_quietly()
            raise
        if response.status_code >= 500:
            rollback_quietly()
        else:
            commit(expire=False)
        return response

    app.dispatch_request = dispatch_in_transaction  # type: ignore[method-assign]
