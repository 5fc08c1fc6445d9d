"""Rendered pages, kept per person until something they show changes.

A signed-in page such as the dashboard costs 5 to 40 ms to build (queries and the layout);
served again unchanged it costs one small query. Correctness rests on version stamps in the
database, so that every app server, not only the one that wrote, sees a change at once:

- ``user.page_version``: bumped when anything of one person changes (their row, their
  declarations, acknowledgements, registrations …), also when someone else (HR) changes it;
- ``page_version`` rows ``site`` (everything shared: policies, campaigns, ceremonies …) and
  ``review`` (anything in HR's queue).

A cached page is stored under the stamps read *before* it was built, together with the
session's CSRF secret, the language and the local date; a write anywhere bumps the stamps it
affects right after its commit, so the next request builds the page afresh. Which stamps a
write bumps is declared on its model (``__page_scopes__``); a model that declares nothing
bumps ``site`` (safe: everyone's pages are rebuilt). Bulk UPDATE/DELETE/INSERT statements
bump ``site`` as well. Entries also expire after ``PAGE_CACHE_SECONDS`` (a minute), which
bounds what a lost bump (a crash between commit and bump) or a change of time can leave.

The check is one SELECT per request (the person's session generation and state, and the
stamps), on a connection per request thread in autocommit (``StampReader``); the page is
built the normal way whenever the check cannot be made. Each worker keeps at most ``PAGE_CACHE_MB`` of pages.

Only pages that record nothing when viewed may be cached: a cached answer writes nothing.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, Callable, Hashable, Iterable, Optional

from flask import Flask, Response, current_app, g, has_request_context, request, session
from sqlalchemy import Engine, Select, bindparam, create_engine, event, insert, inspect, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.pool import NullPool

from portal.core.time import today_local

log = logging.getLogger(__name__)

SITE = "site"
REVIEW = "review"
GLOBAL_SCOPES = (SITE, REVIEW)
#: how long other requests are served an expired page while one request builds it again
REBUILD_PATIENCE_SECONDS = 10.0

_engine_lock = threading.Lock()

#: scope kind -> ids -> a SELECT of the owners' user ids (declarations register "declaration" …)
_owner_resolvers: dict[str, Callable[[list[int]], Select]] = {}


def register_owner_resolver(kind: str, resolver: Callable[[list[int]], Select]) -> None:
    """``(kind, id)`` scopes name a record whose owner is found by ``resolver(ids)`` at bump time."""
    _owner_resolvers[kind] = resolver


def user_scope(user_id: Optional[int]) -> tuple[str, int] | str:
    return ("user", user_id) if user_id is not None else SITE


def scopes_of(obj: object) -> Iterable[Hashable]:
    """What writing ``obj`` makes stale: ``__page_scopes__`` of its class; ``site`` when undeclared."""
    declared = getattr(type(obj), "__page_scopes__", SITE)
    if declared is None:
        return ()
    if declared == SITE:
        return (SITE,)
    return declared(obj)


# -- the store ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    mimetype: str
    expires: float


class PageStore:
    """A least-recently-used store bounded in bytes, one per app (per worker process)."""

    def __init__(self, max_bytes: int, seconds: float) -> None:
        self.max_bytes = max_bytes
        self.seconds = seconds
        self.size = 0
        self._pages: OrderedDict[Hashable, CachedPage] = OrderedDict()
        self._rebuilding: dict[Hashable, float] = {}  #: expired pages being built again, since when
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Optional[CachedPage]:
        """The page to serve, or None: then build it and ``put`` it (``release`` the key in any case).

        A page past its lifetime is built again by one request; until that one is done, the
        others get the expired page (built under the same stamps, so only its age differs). An
        expiry thus never has every thread of a worker build the same page at once.
        """
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            now = time.monotonic()
            if page.expires <= now:
                since = self._rebuilding.get(key)
                if since is None or now - since > REBUILD_PATIENCE_SECONDS:
                    self._rebuilding[key] = now
                    return None
            self._pages.move_to_end(key)
            return page

    def release(self, key: Hashable) -> None:
        """The request that was building ``key`` again is done (stored or not)."""
        if self._rebuilding:
            with self._lock:
                self._rebuilding.pop(key, None)

    def put(self, key: Hashable, body: bytes, mimetype: str) -> None:
        if len(body) > self.max_bytes // 8:
            return
        with self._lock:
            if key in self._pages:
                self._remove(key)
            self._pages[key] = CachedPage(body, mimetype, time.monotonic() + self.seconds)
            self.size += len(body)
            while self.size > self.max_bytes:
                self._remove(next(iter(self._pages)))

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._rebuilding.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._pages)

    def _remove(self, key: Hashable) -> None:
        self.size -= len(self._pages.pop(key).body)


def page_store(app: Flask | None = None) -> Optional[PageStore]:
    return (app or current_app).extensions.get("portal_page_store")


# -- serving --------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _versions_statement(scopes: tuple[str, ...]) -> Select:
    """One statement for the check: the person's session generation, state, stamp, and the shared stamps."""
    from portal.auth.models import User
    from portal.core.models import PageVersion

    stamps = [
        select(PageVersion.version).where(PageVersion.scope == scope).scalar_subquery()
        for scope in (SITE, *scopes)
    ]
    return select(User.session_generation, User.is_enabled, User.left_at, User.language,
                  User.page_version, *stamps).where(User.id == bindparam("user_id"))


@lru_cache(maxsize=None)
def _compiled_check(dialect, scopes: tuple[str, ...]) -> tuple[str, dict, Optional[tuple[str, ...]]]:
    """The check's SQL text for ``dialect``, its fixed parameters and, for positional styles, their order."""
    compiled = _versions_statement(scopes).compile(dialect=dialect)
    return compiled.string, dict(compiled.params), compiled.positiontup


@lru_cache(maxsize=None)
def _libpq_check(dialect, scopes: tuple[str, ...]) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    """The check for libpq: a statement name, its SQL with ``$n`` placeholders (``$1`` the user id)
    and the fixed parameters."""
    sql, fixed, _positions = _compiled_check(dialect, scopes)
    names = ["user_id", *(key for key in fixed if key != "user_id")]
    for number, parameter in enumerate(names, start=1):
        sql = sql.replace(f"%({parameter})s", f"${number}")
    name = "portal_stamps_" + "_".join(scopes)
    return name.encode(), sql.encode(), tuple(str(fixed[key]).encode() for key in names[1:])


def _checked(pgconn, result):
    """``result`` if the statement succeeded; psycopg's error for it otherwise."""
    import psycopg
    from psycopg import pq

    if result.status not in (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK):
        message = (result.error_message or pgconn.error_message or b"").decode(errors="replace")
        raise psycopg.OperationalError(message or "the page cache check failed")
    return result


def _decoded_stamps(values: list[Optional[bytes]]) -> tuple:
    """The check's row from libpq's text values, as ``_versions_statement`` orders its columns:
    session generation, enabled, left at (only whether it is set matters), language, the
    person's stamp, then the shared stamps."""
    generation, enabled, left_at, language, page_version, *stamps = values
    return (int(generation), enabled == b"t", left_at, language.decode() if language is not None else None,
            int(page_version), *(int(stamp) if stamp is not None else None for stamp in stamps))


class StampReader:
    """Runs the check: on PostgreSQL (psycopg) over a connection each thread holds, as a prepared statement.

    The check is one SELECT on every cached page. Through the ORM session it would also cost
    the pool's ping, a BEGIN and a ROLLBACK (four round trips instead of one); through a pooled
    SQLAlchemy connection the checkout and the execution layers cost three times the query
    itself (130 µs against 42 µs of CPU, measured). So each request thread keeps one
    connection in autocommit and runs the check as a prepared statement through libpq itself
    (psycopg's ``pgconn``: 30 instead of 58 µs of CPU again), which releases the GIL while it
    waits, as psycopg does.
    A connection that fails is dropped and the page is built the normal way (which pings);
    the next check connects afresh, so a database that comes back is used again without a
    restart. When statement listeners are attached (the benchmark's query counter, debugging)
    the check goes through SQLAlchemy, so that they see it. Other databases (SQLite) use the
    app's engine.
    """

    def __init__(self, main: Engine, options: dict[str, Any]) -> None:
        self.main = main
        self.engine: Optional[Engine] = None
        if main.dialect.name == "postgresql" and main.dialect.driver == "psycopg":
            self.engine = create_engine(main.url, isolation_level="AUTOCOMMIT", poolclass=NullPool,
                                        connect_args=options.get("connect_args", {}))
        self._local = threading.local()
        self._held: "weakref.WeakSet" = weakref.WeakSet()
        self._lock = threading.Lock()

    def read(self, scopes: tuple[str, ...], user_id: int) -> Optional[tuple]:
        engine = self.engine
        if engine is None or engine.dispatch.before_cursor_execute:
            return self._read_through(engine or self.main, scopes, user_id)
        name, sql, fixed = _libpq_check(engine.dialect, scopes)
        dbapi_error = engine.dialect.loaded_dbapi.Error
        held = getattr(self._local, "connection", None)
        try:
            if held is None:
                held = engine.raw_connection()  # the driver's own error when it cannot connect
                self._local.connection = held
                self._local.prepared = set()
                with self._lock:
                    self._held.add(held)
            pgconn = held.driver_connection.pgconn
            if name not in self._local.prepared:
                _checked(pgconn, pgconn.prepare(name, sql))
                self._local.prepared.add(name)
            result = _checked(pgconn, pgconn.exec_prepared(name, [str(user_id).encode(), *fixed]))
            if not result.ntuples:
                return None
            return _decoded_stamps([result.get_value(0, column) for column in range(result.nfields)])
        except dbapi_error as exc:
            if held is not None:
                self._drop(held)
            raise DBAPIError.instance(sql.decode(), None, exc, dbapi_error) from exc

    def _read_through(self, engine: Engine, scopes: tuple[str, ...], user_id: int) -> Optional[tuple]:
        sql, fixed, positions = _compiled_check(engine.dialect, scopes)
        parameters: Any = {**fixed, "user_id": user_id}
        if positions is not None:
            parameters = tuple(parameters[name] for name in positions)
        with engine.connect() as connection:
            return connection.exec_driver_sql(sql, parameters).fetchone()

    def _drop(self, held) -> None:
        self._local.connection = None
        with self._lock:
            self._held.discard(held)
        _invalidate(held)

    def close(self) -> None:
        with self._lock:
            held, self._held = list(self._held), weakref.WeakSet()
        for connection in held:
            _invalidate(connection)
        self._local = threading.local()
        if self.engine is not None:
            self.engine.dispose()


def _invalidate(connection) -> None:
    try:
        connection.invalidate()
    except Exception:  # noqa: BLE001 - it is being thrown away
        pass


def _stamp_reader(app: Flask) -> StampReader:
    from portal.extensions import db

    reader = app.extensions.get("portal_stamp_reader")
    if reader is None:
        with _engine_lock:  # the worker's threads start at once: one reader, not one per thread
            reader = app.extensions.get("portal_stamp_reader")
            if reader is None:
                reader = StampReader(db.engine, app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}))
                app.extensions["portal_stamp_reader"] = reader
    return reader


def dispose(app: Flask) -> None:
    """Close the check's connections (tests, which build many apps)."""
    reader = app.extensions.pop("portal_stamp_reader", None)
    if reader is not None:
        reader.close()


def _lookup_key(endpoint: str, scopes: tuple[str, ...]) -> Optional[tuple]:
    """The key of this request's page, or None when it must not come from (or go into) the cache."""
    if request.method != "GET" or "_flashes" in session:
        return None
    user_ref = session.get("_user_id")
    if not user_ref:
        return None
    try:
        user_id, generation = (int(part) for part in user_ref.split(":"))
    except ValueError:
        return None
    try:
        row = _stamp_reader(current_app._get_current_object()).read(scopes, user_id)
    except SQLAlchemyError:
        log.warning("page cache check failed; building the page", exc_info=True)
        return None
    if row is None:
        return None
    session_generation, is_enabled, left_at, user_language, page_version, *stamps_read = row
    if session_generation != generation or not is_enabled or left_at is not None:
        return None  # the normal path signs them out
    stamps = tuple(stamps_read)
    if None in stamps:
        return None  # a stamp row is missing; the next bump creates it
    g.portal_page_stamps = (page_version, stamps)
    language = session.get("lang") or user_language
    return (endpoint, request.full_path, language, user_id, generation, page_version, stamps,
            today_local(), _csrf_secret())


def request_stamps() -> Optional[tuple]:
    """The stamps this request's page is kept under (None: not a cached page).

    For shorter-lived caches inside such a page: keyed by these too, they are never older than
    what the stamps say, whichever server made the change.
    """
    return g.get("portal_page_stamps") if has_request_context() else None


def _csrf_secret() -> str:
    """The session's CSRF secret (hashed): tokens in a stored page are only valid in their session."""
    secret = session.get("csrf_token", "")
    return _hashed_secret(secret) if secret else ""


@lru_cache(maxsize=4096)
def _hashed_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def cached_page(*scopes: str) -> Callable:
    """Serve a signed-in GET page from the store while the stamps it depends on are unchanged.

    Every page depends on the person's own stamp and ``site``; ``scopes`` adds ``review``.
    Put it above ``login_required``/``role_required``: a page is only ever stored after the
    full checks passed for that person, and its key holds their id, session generation and
    stamps, so a change of role, a sign-out everywhere or leaving makes it unreachable.
    """
    unknown = set(scopes) - set(GLOBAL_SCOPES)
    if unknown:
        raise ValueError(f"unknown page scopes {unknown}")

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            store = page_store()
            key = _lookup_key(request.endpoint or view.__name__, scopes) if store is not None else None
            if key is not None:
                page = store.get(key)
                if page is not None:
                    g.portal_user_id = str(key[3])
                    g.portal_page_cache = "hit"
                    return Response(page.body, mimetype=page.mimetype)
            try:
                response = current_app.make_response(view(*args, **kwargs))
                if key is not None and _storable(response):
                    store.put(key[:-1] + (_csrf_secret(),), response.get_data(), response.mimetype)
                    g.portal_page_cache = "miss"
            finally:
                if key is not None:
                    store.release(key)
            return response

        wrapper.page_cache_scopes = scopes  # type: ignore[attr-defined]
        return wrapper

    return decorator


def _storable(response: Response) -> bool:
    return (response.status_code == 200 and not response.is_streamed and "_flashes" not in session
            and response.mimetype in ("text/html", "application/json"))


# -- bumping --------------------------------------------------------------------------------


def _pending(session_: Session) -> set:
    return session_.info.setdefault("portal_page_scopes", set())


def _note_flushed(session_: Session, _context) -> None:
    written = [*session_.new, *session_.dirty, *session_.deleted]
    if not written:
        return
    pending = _pending(session_)
    for obj in written:
        if obj in session_.dirty and not _shown_change(obj, session_):
            continue
        pending.update(scopes_of(obj))


def _shown_change(obj: object, session_: Session) -> bool:
    """Whether an update changed a column that a page may show.

    Not when only a relationship collection changed (the other side says what it means), nor
    when only columns the model lists in ``__page_unshown__`` changed (the time of the last
    sign-in: otherwise every sign-in would rebuild that person's pages for nothing).
    """
    if not session_.is_modified(obj, include_collections=False):
        return False
    unshown = getattr(type(obj), "__page_unshown__", ())
    if not unshown:
        return True
    state = inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs if attr.key not in unshown)


def _note_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and getattr(mapper.class_, "__page_scopes__", SITE) is None:
        return
    _pending(state.session).add(SITE)


def _bump_after_commit(session_: Session) -> None:
    # A savepoint's commit is not the data's commit: keep the scopes for the outer one. A
    # rollback keeps them too: bumping for nothing only costs a rebuild, missing one costs truth.
    if session_.in_nested_transaction():
        return
    scopes = session_.info.pop("portal_page_scopes", None)
    if not scopes:
        return
    try:
        bind = session_.get_bind()
    except SQLAlchemyError:
        return
    try:
        bump_scopes(bind, scopes)
    except SQLAlchemyError:
        # The change is saved; the stamps are not. Pages expire within PAGE_CACHE_SECONDS anyway,
        # and this process forgets its own at once.
        log.exception("page versions could not be bumped after a commit; cached pages may be stale "
                      "for up to a minute")
        try:
            store = page_store()
        except RuntimeError:
            store = None
        if store is not None:
            store.clear()


def bump_scopes(bind, scopes: Iterable[Hashable]) -> None:
    """Bump the stamps of ``scopes`` in one short transaction of its own (after the data's commit)."""
    from portal.auth.models import User
    from portal.core.models import PageVersion

    globals_ = sorted(s for s in scopes if isinstance(s, str))
    by_kind: dict[str, set[int]] = {}
    for scope in scopes:
        if isinstance(scope, tuple) and scope[1] is not None:
            by_kind.setdefault(scope[0], set()).add(scope[1])
    with bind.begin() as connection:
        if globals_:
            bumped = connection.execute(update(PageVersion).where(PageVersion.scope.in_(globals_))
                                        .values(version=PageVersion.version + 1)).rowcount
            if bumped != len(globals_):
                _create_missing_stamps(connection, globals_)
        user_ids = by_kind.pop("user", set())
        for kind, ids in by_kind.items():
            resolver = _owner_resolvers.get(kind)
            if resolver is None:
                raise LookupError(f"no owner resolver for page scope kind {kind!r}")
            user_ids.update(connection.scalars(resolver(sorted(ids))))
        if user_ids:
            connection.execute(update(User).where(User.id.in_(sorted(user_ids)))
                               .values(page_version=User.page_version + 1))


def _create_missing_stamps(connection, scopes: list[str]) -> None:
    from portal.core.models import PageVersion

    present = set(connection.scalars(select(PageVersion.scope).where(PageVersion.scope.in_(scopes))))
    for scope in scopes:
        if scope not in present:
            try:
                with connection.begin_nested():
                    connection.execute(insert(PageVersion).values(scope=scope, version=1))
            except IntegrityError:
                pass  # created at the same moment by another process


def init_app(app: Flask) -> None:
    megabytes = app.config.get("PAGE_CACHE_MB", 16)
    if megabytes:
        app.extensions["portal_page_store"] = PageStore(int(megabytes * 1024 * 1024),
                                                        float(app.config.get("PAGE_CACHE_SECONDS", 60)))
    for target, name, listener in ((Session, "after_flush", _note_flushed),
                                   (Session, "after_commit", _bump_after_commit),
                                   (Session, "do_orm_execute", _note_bulk)):
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)
