"""Signing in: directory authentication, throttling and the local user record."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

from flask import current_app
from limits import parse_many, storage, strategies
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from portal.auth.directory import (
    DirectoryUnavailable,
    DirectoryUser,
    InvalidCredentials,
    get_directory,
)
from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.cache import cached, define_cache
from portal.core.time import utcnow
from portal.extensions import db

log = logging.getLogger("portal.auth")

__all__ = [
    "DirectoryUnavailable",
    "InvalidCredentials",
    "TooManyAttempts",
    "sign_in",
    "sync_user",
]


class TooManyAttempts(Exception):
    """Too many failed sign-ins for this username or address."""


def _throttle():
    """The rate limiter and its limits, built once per app."""
    ext = current_app.extensions.get("portal.login_throttle")
    if ext is None:
        store = storage.storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        ext = (strategies.MovingWindowRateLimiter(store), parse_many(current_app.config["LOGIN_RATE_LIMIT"]))
        current_app.extensions["portal.login_throttle"] = ext
    return ext


def _throttle_keys(username: str, address: str) -> tuple[str, str]:
    return (f"user:{username.strip().lower()[:256]}", f"addr:{address}")


def _check_throttle(username: str, address: str) -> None:
    limiter, limits = _throttle()
    for key in _throttle_keys(username, address):
        for limit in limits:
            if not limiter.test(limit, "login", key):
                raise TooManyAttempts()


def _record_failure(username: str, address: str) -> None:
    limiter, limits = _throttle()
    for key in _throttle_keys(username, address):
        for limit in limits:
            limiter.hit(limit, "login", key)


def sign_in(username: str, password: str, address: str) -> User:
    """Authenticate against the directory and return the refreshed local user.

    Raises TooManyAttempts, InvalidCredentials or DirectoryUnavailable.
    """
    _check_throttle(username, address)
    try:
        entry = get_directory(current_app.config).authenticate(username, password)
    except InvalidCredentials:
        _record_failure(username, address)
        log.info("sign-in refused for a username from %s", address)
        raise
    except DirectoryUnavailable as exc:
        log.error("directory unavailable during sign-in: %s", exc)
        raise
    user = sync_user(entry)
    if not user.is_active:
        _record_failure(username, address)
        raise InvalidCredentials("account disabled")
    user.last_login_at = utcnow()
    record_event("auth.sign_in", actor=user, obj=user, subject_user_id=user.id)
    return user


def sync_user(entry: DirectoryUser) -> User:
    """Create or refresh the local user from a directory entry (roles included)."""
    user = _find_user(entry.username)
    if user is None:
        user = User(username=entry.username, dn=entry.dn, display_name=entry.display_name)
        try:
            with db.session.begin_nested():
                db.session.add(user)
        except IntegrityError:
            # The same person signed in twice at the same moment: use the other row.
            user = _find_user(entry.username)
            assert user is not None
    fresh = {
        "dn": entry.dn,
        "display_name": entry.display_name,
        "email": entry.email,
        "department": entry.department,
        "job_title": entry.job_title,
        "employee_type": entry.employee_type,
        "employee_number": entry.employee_number,
        "is_reviewer": "reviewer" in entry.roles,
        "is_admin": "admin" in entry.roles,
        "is_top_official": "top_official" in entry.roles,
        "is_high_risk": "high_risk" in entry.roles,
        "is_integrity_officer": "integrity_officer" in entry.roles,
        "is_confidential_adviser": "confidential_adviser" in entry.roles,
    }
    # Only what changed is set: most sign-ins change nothing, and then nothing is written.
    changed = {name: value for name, value in fresh.items() if getattr(user, name) != value}
    for name, value in changed.items():
        setattr(user, name, value)
    if changed:
        db.session.flush()
    return user


def _find_user(username: str) -> Optional[User]:
    return db.session.scalar(select(User).where(User.username == username.lower()))


def load_user(user_id: str) -> Optional[User]:
    """Flask-Login loader: the id carries the session generation."""
    try:
        pk, generation = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, pk)
    if user is None or user.session_generation != generation or not user.is_active:
        return None
    return user


def _department_changed(obj, session) -> bool:
    if not isinstance(obj, User):
        return False
    return obj in session.new or obj in session.deleted or inspect(obj).attrs.department.history.has_changes()


#: the department list changes when the directory moves someone; five minutes is soon enough elsewhere
define_cache("departments", 300, _department_changed)


def list_departments() -> list[str]:
    """Every department that someone belongs to, for filters and campaign scopes (cached)."""
    return cached("departments", None, lambda: list(db.session.scalars(
        select(User.department).where(User.department.is_not(None), User.department != "")
        .distinct().order_by(User.department)
    )))


def mark_left(user: User, when: datetime, *, reason: str = "manual") -> None:
    """Record that a person left; their sessions end and the retention period starts."""
    user.left_at = when
    user.session_generation += 1
    record_event("user.left", obj=user, subject_user_id=user.id,
                 details={"left_at": when.isoformat(), "reason": reason})


@dataclass(frozen=True)
class DirectorySyncReport:
    checked: int  #: people without a leaving date that were looked up
    missing: tuple[str, ...]  #: usernames without a directory entry
    marked_left: int
    refreshed: int  #: people with a role whose entry and groups were read again
    refused: bool = False  #: too many missing: nobody was marked (see DIRECTORY_SYNC_MAX_LEFT)


def sync_directory(now: datetime, *, force: bool = False) -> DirectorySyncReport:
    """Compare the people in the portal with the directory (the nightly job).

    Someone without a directory entry has left: ``left_at`` is set, their sessions end and
    the retention period starts. People with a role (reviewer, administrator, top official,
    high risk) get their entry and groups read again, so that a role taken away in the
    directory is gone here too without waiting for a sign-in. More than
    DIRECTORY_SYNC_MAX_LEFT missing at once is refused unless ``force``: that looks like a
    wrong base or filter, not like people leaving. A directory that cannot be read raises
    DirectoryUnavailable and changes nothing.
    """
    directory = get_directory(current_app.config)
    people = db.session.scalars(select(User).where(User.left_at.is_(None)).order_by(User.id)).all()
    present = directory.existing_usernames([person.username for person in people])
    missing = [person for person in people if person.username not in present]
    limit = int(current_app.config.get("DIRECTORY_SYNC_MAX_LEFT", 20))
    if len(missing) > limit and not force:
        log.error("directory sync refused: %d of %d people have no directory entry (limit %d)",
                  len(missing), len(people), limit)
        record_event("directory.sync_refused", details={"checked": len(people), "missing": len(missing),
                                                         "limit": limit})
        return DirectorySyncReport(len(people), tuple(p.username for p in missing), 0, 0, refused=True)
    for person in missing:
        mark_left(person, now, reason="directory")
    gone = {person.id for person in missing}
    refreshed = 0
    for person in people:
        if person.id in gone or not (person.is_reviewer or person.is_admin or person.is_top_official
                                     or person.is_high_risk or person.is_integrity_officer
                                     or person.is_confidential_adviser):
            continue
        try:
            entry = directory.entry_of(person.username)
        except InvalidCredentials:  # several entries: leave this person as they are
            log.warning("directory sync: several entries for %s; not refreshed", person.username)
            continue
        if entry is not None:
            sync_user(entry)
            refreshed += 1
    report = DirectorySyncReport(len(people), tuple(p.username for p in missing), len(missing), refreshed)
    record_event("directory.sync", details={"checked": report.checked, "marked_left": report.marked_left,
                                            "refreshed": report.refreshed})
    log.info("directory sync: %s", report)
    return report
