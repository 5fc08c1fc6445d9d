"""The session lock and the queries that must run inside it.

Every change to who holds a place at a session (register, cancel, promote,
change capacity, cancel the session) runs in one transaction that first takes
this lock; the confirmed count read after it cannot change until commit, so
capacity is never exceeded however many requests arrive at once.
"""

from __future__ import annotations

from typing import Optional

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from portal.core.database import insert_unless_taken
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.oath.models import OathSession, Registration
from portal.oath.states import ACTIVE_STATUSES, RegistrationStatus
from portal.oath.states import OathError


class SessionNotFound(OathError):
    """The session does not exist (any more)."""


def lock_session(session_id: int) -> OathSession:
    """Lock the session row until the transaction ends and return it freshly loaded.

    PostgreSQL: ``SELECT … FOR UPDATE`` on the row. SQLite has no row locks:
    an UPDATE of the row is the first write, which takes the database's write
    lock; every other writer waits for it (busy timeout) until commit.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        bumped = db.session.execute(
            update(OathSession)
            .where(OathSession.id == session_id)
            .values(lock_counter=OathSession.lock_counter + 1)
            .execution_options(synchronize_session=False)
        )
        if bumped.rowcount == 0:
            raise SessionNotFound("session not found")
        stmt = select(OathSession).where(OathSession.id == session_id)
    else:
        stmt = select(OathSession).where(OathSession.id == session_id).with_for_update()
    session = db.session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
    if session is None:
        raise SessionNotFound("session not found")
    return session


def lock_registration(registration_id: int) -> tuple[Registration, OathSession]:
    """Lock the session of a registration and return both, freshly loaded."""
    current = db.session.get(Registration, registration_id)
    if current is None:
        raise OathError(_l("Deze aanmelding bestaat niet."))
    session = lock_session(current.session_id)
    return fresh_registration(registration_id) or current, session


def insert_or_refuse(obj, message) -> None:
    """Add ``obj`` and flush; a unique constraint that refuses it becomes OathError(message).

    The session is unusable afterwards until the caller rolls back, as every view does on OathError.
    """
    db.session.add(obj)
    try:
        db.session.flush()
    except IntegrityError:
        raise OathError(message) from None


def insert_registration(values: dict, message) -> Registration:
    """Write a registration and return it as written; OathError(message) when a unique index refuses it.

    One ``INSERT … ON CONFLICT DO NOTHING RETURNING`` statement (the one-active-registration index is
    partial: no conflict target): a refused row is no row, not an error, so the transaction stays
    usable and the caller needs no savepoint to show the form again.
    """
    table = Registration.__table__
    row = db.session.execute(insert_unless_taken(table, (), *table.c.keys()), values).one_or_none()
    if row is None:
        raise OathError(message)
    # the row as written, in the session without reading it back (as queue_mail does)
    registration = Registration(**row._mapping)
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def count_confirmed(session_id: int) -> int:
    """Confirmed places at the session (exact only inside ``lock_session``)."""
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == session_id, Registration.status == RegistrationStatus.confirmed
        )
    ) or 0


def fresh_registration(registration_id: int) -> Optional[Registration]:
    """The registration as committed now (call after taking the lock)."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    ).one_or_none()


def active_registration_for(user_id: int) -> Optional[Registration]:
    """The user's confirmed or waitlisted registration, if any (at most one exists)."""
    return db.session.scalars(
        select(Registration)
        .where(Registration.user_id == user_id, Registration.status.in_(ACTIVE_STATUSES))
        .execution_options(populate_existing=True)
    ).first()


def waiting_queue(session_id: int, limit: Optional[int] = None) -> list[Registration]:
    """The session's waiting list, first in line first."""
    stmt = (
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status == RegistrationStatus.waitlisted)
        .order_by(Registration.joined_at, Registration.id)
        .execution_options(populate_existing=True)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def waitlist_position(registration: Registration) -> Optional[int]:
    """1 for the first in line; None when the registration is not waitlisted."""
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == registration.session_id,
            Registration.status == RegistrationStatus.waitlisted,
            (Registration.joined_at < registration.joined_at)
            | ((Registration.joined_at == registration.joined_at) & (Registration.id < registration.id)),
        )
    )
    return (ahead or 0) + 1
