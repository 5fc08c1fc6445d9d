"""Signing in and out, the local user record, leaving and returning."""

from __future__ import annotations

import logging
import secrets
import time
from datetime import datetime, timedelta
from typing import Optional

from flask import current_app
from sqlalchemy import and_, bindparam, func, insert, inspect, or_, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from portal.auth.directory import (
    Account,
    AccountUnusable,
    Directory,
    DirectoryUnavailable,
    DirectoryUser,
    InvalidCredentials,
    ServiceAccountRefused,
    get_directory,
    name_key,
)
from portal.auth.models import User, UserSession
from portal.auth.refusal import record_refusal, refusal_for
from portal.auth.throttle import TooManyAttempts, check_account, check_address, record_failure
from portal.auth.timing import refusal_padding
from portal.core.audit import event_row, record_event
from portal.core.models import AuditEvent
from portal.core.cache import cached, define_cache
from portal.core.time import utcnow
from portal.core.transaction import atomic
from portal.extensions import db

log = logging.getLogger("portal.auth")

__all__ = [
    "AccountUnusable", "DirectoryUnavailable", "InvalidCredentials", "TooManyAttempts",
    "directory_in_use", "directory_values", "end_all_sessions", "end_session", "load_user", "mark_left",
    "mark_returned", "match_user", "open_session", "sign_in", "sync_user",
]

#: leaving reasons the directory decides; a person marked by hand is only brought back by hand
DIRECTORY_REASONS = ("directory", "disabled", "account_expired")


def directory_in_use() -> Directory:
    """The configured directory; DirectoryUnavailable at once when its service account was refused."""
    config = current_app.config
    refusal = refusal_for(config)
    if refusal is not None:
        raise ServiceAccountRefused(f"not tried: {refusal}")
    return get_directory(config)


def sign_in(username: str, password: str, address: str) -> tuple[User, str]:
    """Authenticate against the directory, refresh the local user and record the sign-in.

    Returns the person and the id of their new session (``open_session``). Raises TooManyAttempts,
    InvalidCredentials (the one generic refusal), AccountUnusable (the password was right, the
    account cannot be used: the person may be told why) or DirectoryUnavailable. Every refusal
    that does not prove the password costs the same work.
    """
    check_address(address)
    directory = directory_in_use()
    started = time.perf_counter()
    seen: dict = {}

    typed_key = name_key(username)

    def before_bind(key: str, account: Optional[Account]) -> None:
        # Counted under the entry and under the typed name folded, so that no spelling of a name
        # has a budget of its own, whether or not the directory maps it to the entry.
        seen["keys"] = keys = (key,) if key == typed_key else (key, typed_key)
        for each in keys:
            check_account(each)
        # Looked up on every path (also for a wrong password), so that a refusal of someone who
        # left does the same work as any other.
        seen["user"] = match_user(account.directory_id if account else None,
                                   account.username if account else username.strip().lower())

    def after_bind(account: Account) -> None:
        user = seen.get("user")
        if user is not None and user.left_at is not None and user.left_reason not in DIRECTORY_REASONS:
            raise InvalidCredentials("marked as left by hand", reason="left")

    try:
        entry = directory.authenticate(username, password, before_bind=before_bind, after_bind=after_bind)
    except InvalidCredentials as exc:
        record_failure(seen.get("keys") or (typed_key,), address)
        log.info("sign-in refused (%s) from %s", exc.reason, address)
        refusal_padding().hold(started)
        raise
    except AccountUnusable as exc:
        log.info("sign-in refused with the right password (%s) from %s", exc.reason, address)
        user = seen.get("user")
        if exc.reason in ("disabled", "account_expired") and user is not None and user.left_at is None:
            mark_left(user, utcnow(), reason=exc.reason)
        raise
    except ServiceAccountRefused as exc:
        record_refusal(current_app.config, str(exc))
        raise
    except DirectoryUnavailable as exc:
        log.error("directory unavailable during sign-in: %s", exc)
        raise
    user = sync_user(entry, user=seen.get("user"))
    if not user.is_active:  # disabled in the portal itself
        record_failure(seen["keys"], address)
        refusal_padding().hold(started)
        raise InvalidCredentials("account disabled in the portal", reason="portal_disabled")
    return user, open_session(user)


def match_user(directory_id: Optional[str], username: str) -> Optional[User]:
    """The local row of a directory account: by its stable id, else (before the id is known) by name.

    One query whatever the case, so that looking someone up costs the same for everyone.
    """
    if not directory_id:
        return db.session.scalar(_USER_BY_NAME, {"username": username})
    rows = db.session.scalars(_USER_BY_ID, {"directory_id": directory_id, "username": username}).all()
    return next((row for row in rows if row.directory_id == directory_id), rows[0] if rows else None)


#: ``match_user``'s two queries, built once (each sign-in asks one of them)
_USER_BY_NAME = select(User).where(User.username == bindparam("username"))
_USER_BY_ID = select(User).where(
    or_(User.directory_id == bindparam("directory_id"),
        and_(User.username == bindparam("username"), User.directory_id.is_(None))))


def _free_username(username: str, keep: Optional[User]) -> None:
    """Move a stale row off ``username``: its account was renamed away (and the sync will rename it)."""
    holder = db.session.scalar(select(User).where(User.username == username))
    if holder is not None and holder is not keep:
        holder.username = f"{username}~{holder.id}"
        db.session.flush()


def sync_user(entry: DirectoryUser, *, user: Optional[User] = None) -> User:
    """Create or refresh the local user from a directory entry (roles included).

    The person is found by the directory's stable id, so that a renamed account keeps its
    history (login name and DN are updated); someone who left because the directory said so
    and is back in it is restored.
    """
    user = user or match_user(entry.directory_id, entry.username)
    if user is None:
        _free_username(entry.username, None)
        user = User(username=entry.username, dn=entry.dn, display_name=entry.display_name,
                    directory_id=entry.directory_id)
        try:
            with atomic():
                db.session.add(user)
        except IntegrityError:
            # The same person signed in twice at the same moment: use the other row.
            user = match_user(entry.directory_id, entry.username)
            assert user is not None
    elif user.username != entry.username:
        record_event("user.renamed", obj=user, subject_user_id=user.id,
                     details={"from": user.username, "to": entry.username})
        _free_username(entry.username, user)
    fresh = {
        "username": entry.username,
        "directory_id": entry.directory_id or user.directory_id,
        "dn": entry.dn,
        **directory_values(entry),
    }
    # Only what changed is set: most sign-ins change nothing, and then nothing is written.
    changed = {name: value for name, value in fresh.items() if getattr(user, name) != value}
    for name, value in changed.items():
        setattr(user, name, value)
    if user.left_at is not None and user.left_reason in DIRECTORY_REASONS:
        mark_returned(user, reason="directory")
    if changed:
        db.session.flush()
    return user


def directory_values(entry: DirectoryUser) -> dict:
    """The columns the directory decides besides identity (sign-in and the nightly sync write the same)."""
    return {
        "display_name": entry.display_name,
        "email": entry.email,
        "department": entry.department,
        "job_title": entry.job_title,
        "employee_type": entry.employee_type,
        "employee_number": entry.employee_number,
        "manager_dn": entry.manager_dn,
        "is_reviewer": "reviewer" in entry.roles,
        "is_admin": "admin" in entry.roles,
        "is_top_official": "top_official" in entry.roles,
        "is_high_risk": "high_risk" in entry.roles,
        "is_integrity_officer": "integrity_officer" in entry.roles,
        "is_confidential_adviser": "confidential_adviser" in entry.roles,
    }


def mark_left(user: User, when: datetime, *, reason: str = "manual") -> None:
    """Record that a person left; their sessions end and the retention period starts."""
    user.left_at = when
    user.left_reason = reason
    end_all_sessions(user)
    record_event("user.left", obj=user, subject_user_id=user.id,
                 details={"left_at": when.isoformat(), "reason": reason})


def mark_returned(user: User, *, actor: Optional[User] = None, reason: str = "manual") -> None:
    """Record that a person who left is back: ``left_at`` cleared, so the retention countdown stops."""
    left_at = user.left_at
    user.left_at = None
    user.left_reason = None
    record_event("user.returned", actor=actor, obj=user, subject_user_id=user.id,
                 details={"left_at": left_at.isoformat() if left_at else None, "reason": reason})
    db.session.flush()


# -- sessions -----------------------------------------------------------------


def open_session(user: User) -> str:
    """Record a sign-in of ``user`` and open its session; returns the session id the cookie carries.

    The records: ``last_login_at``, the audit line, this person's stale sessions removed (ended,
    or past their absolute lifetime: of no use to anyone, so the table holds little more than the
    open sessions) and the new session. Table statements, not the ORM's unit of work: nobody
    reads these rows back in this request. On PostgreSQL they go as one statement, and the
    transaction commits without waiting for the disk (below).
    """
    now = utcnow()
    session_id = secrets.token_urlsafe(32)
    params = {
        "user_id": user.id, "now": now, "session_id": session_id,
        "cutoff": now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"]),
        **{f"audit_{name}": value for name, value in
           event_row("auth.sign_in", actor=user, obj=user, subject_user_id=user.id).items()},
    }
    db.session.flush()  # what the sign-in wrote through the ORM (a rename's audit line) comes first
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Decided for issue 14: the sign-in's transaction does not wait for PostgreSQL's WAL flush
        # (about 3 ms, as long as the directory's whole part of a sign-in). A crash can lose the
        # last fraction of a second of what it wrote: a session (the person signs in again) and
        # its "signed in" audit line, with whatever the sign-in refreshed from the directory
        # (written again at the next sign-in or sync). Only this transaction, which writes
        # nothing else: no declaration, decision, report or audit of a view of sensitive data is
        # ever committed this way. SQLite has no such setting; it stays as it is.
        # The statement's RETURNING is that `SET LOCAL synchronous_commit = off` (set_config with
        # is_local: for this transaction only), so that it costs no round trip of its own.
        connection.execute(_sign_in_statements()[0], params)
    else:
        for statement in _sign_in_statements()[1]:
            connection.execute(statement, params)
    set_committed_value(user, "last_login_at", now)
    return session_id


def _sign_in_statements():
    """``open_session``'s writes: as one statement (PostgreSQL: data-modifying WITH clauses, and
    ``SET LOCAL synchronous_commit = off`` as ``set_config`` in its RETURNING) and as four (SQLite).
    Built once; every value is a bound parameter."""
    global _SIGN_IN_STATEMENTS
    if _SIGN_IN_STATEMENTS is None:
        users, sessions, audit = User.__table__, UserSession.__table__, AuditEvent.__table__
        user_id = bindparam("user_id")
        signed_in = update(users).where(users.c.id == user_id).values(last_login_at=bindparam("now"))
        audited = insert(audit).values({column.name: bindparam(f"audit_{column.name}")
                                        for column in audit.columns if column.name != "id"})
        stale = sessions.delete().where(
            sessions.c.user_id == user_id,
            or_(sessions.c.ended_at.is_not(None), sessions.c.started_at < bindparam("cutoff")))
        opened = sessions.insert().values(id=bindparam("session_id"), user_id=user_id,
                                          started_at=bindparam("now"))
        together = (opened.add_cte(signed_in.cte("signed_in"), audited.cte("audited"), stale.cte("stale"))
                    .returning(func.set_config("synchronous_commit", "off", true())))
        _SIGN_IN_STATEMENTS = (together, (signed_in, audited, stale, opened))
    return _SIGN_IN_STATEMENTS


_SIGN_IN_STATEMENTS = None


def end_session(session_id: Optional[str]) -> None:
    """End one session (sign-out): its cookie opens nothing any more, on any app server."""
    if session_id:
        db.session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow()))


def end_all_sessions(user: User, *, actor: Optional[User] = None) -> None:
    """End every session of ``user`` (sign out everywhere, leaving, disabling)."""
    user.session_generation += 1
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
                       .values(ended_at=utcnow()))
    if actor is not None:
        record_event("auth.sign_out_everywhere", actor=actor, obj=user, subject_user_id=user.id)


def _load_user_statement():
    """The one query of ``load_user``: the person, their session, and the layout's facts about them.

    Built once (after every area has registered its facts); the cookie's values are bound
    parameters, so SQLAlchemy's compiled-statement cache serves every request.
    """
    global _LOAD_USER_STATEMENT
    if _LOAD_USER_STATEMENT is None:
        from portal.core.registry import user_facts

        facts = user_facts()
        _LOAD_USER_STATEMENT = (
            facts,
            select(User, UserSession.ended_at, UserSession.id,
                   *(expression(User).label(f"fact_{name}") for name, expression in facts.items()))
            .outerjoin(UserSession, and_(UserSession.user_id == User.id, UserSession.id == bindparam("session_id")))
            .where(User.id == bindparam("user_pk")),
        )
    return _LOAD_USER_STATEMENT


_LOAD_USER_STATEMENT = None


def load_user(user_id: str) -> Optional[User]:
    """Flask-Login loader: the person, if the cookie's session is still open (one query).

    The same query brings the facts the layout shows on every page (``register_user_fact``);
    they are kept on the person as ``session_facts``.
    """
    from flask import session

    try:
        pk, generation = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    session_id = session.get("sid")
    facts, statement = _load_user_statement()
    row = db.session.execute(
        statement, {"user_pk": pk, "session_id": session_id if isinstance(session_id, str) else ""}
    ).first()
    if row is None:
        return None
    user, ended_at, found_id = row[0], row[1], row[2]
    if found_id is None or ended_at is not None:
        return None  # signed out (here or everywhere), or a cookie from before server-side sessions
    if user.session_generation != generation or not user.is_active:
        return None
    user.session_facts = {name: value for name, value in zip(facts, row[3:])}
    return user


# -- departments ----------------------------------------------------------------


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
