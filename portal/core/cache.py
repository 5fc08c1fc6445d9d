"""Short-lived, per-process caches for shared figures that many pages show.

Only for values that are the same for everyone who may see them and that may be a few
seconds old without harm (the counts above the review queue, the list of departments).
Nothing personal goes in here. Each app has its own caches (tests build many apps). A commit
in this process that wrote something a cache depends on (``define_cache``'s ``stale_after``)
clears that cache at once; other processes, and bulk UPDATEs that bypass the ORM's unit of
work, are seen within the cache's lifetime.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable, Hashable, TypeVar

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")


class TTLCache:
    def __init__(self, seconds: float, max_entries: int = 512) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        entry = self._values.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = compute()
        with self._lock:
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[key] = (now + self.seconds, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


#: name -> (lifetime in seconds, predicate on a flushed object that makes the cache stale)
_DEFINITIONS: dict[str, tuple[float, Callable[[object, Session], bool]]] = {}


def define_cache(name: str, seconds: float, stale_after: Callable[[object, Session], bool]) -> None:
    """Declare a cache; ``stale_after(obj, session)`` tells whether writing ``obj`` invalidates it."""
    _DEFINITIONS[name] = (seconds, stale_after)


def cache(name: str) -> TTLCache:
    caches = current_app.extensions["portal_caches"]
    found = caches.get(name)
    if found is None:
        seconds, _ = _DEFINITIONS[name]
        found = caches.setdefault(name, TTLCache(seconds))
    return found


def cached(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    return cache(name).get_or_compute(key, compute)


def mark_stale(session: Session, name: str) -> None:
    """Clear cache ``name`` after the commit: for writes the flush does not see (bulk statements)."""
    session.info.setdefault("portal_stale_caches", set()).add(name)


def _note_stale_caches(session: Session, _context) -> None:
    """After a flush: remember which caches the written objects make stale."""
    written = [*session.new, *session.dirty, *session.deleted]  # still the pre-flush state here
    if not written:
        return
    stale = session.info.setdefault("portal_stale_caches", set())
    for name, (_, stale_after) in _DEFINITIONS.items():
        if name not in stale and any(stale_after(obj, session) for obj in written):
            stale.add(name)


def _clear_stale_caches(session: Session) -> None:
    """After the commit: clear them, so that the next request reads the committed figures."""
    stale = session.info.pop("portal_stale_caches", None)
    if not stale:
        return
    try:
        caches = current_app.extensions["portal_caches"]
    except (RuntimeError, KeyError):  # outside an app (scripts), or an app without caches
        return
    for name in stale:
        if name in caches:
            caches[name].clear()


def _forget_stale_caches(session: Session) -> None:
    session.info.pop("portal_stale_caches", None)


def init_app(app: Flask) -> None:
    app.extensions["portal_caches"] = {}
    for name, listener in (("after_flush", _note_stale_caches), ("after_commit", _clear_stale_caches),
                           ("after_rollback", _forget_stale_caches)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
