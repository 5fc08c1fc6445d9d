"""Read-only queries for the oath pages (lists without a query per row)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Iterable, Optional

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import DateTime, Row, Select, and_, bindparam, case, func, select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.core.pagination import paginate
from portal.core.time import utcnow
from portal.extensions import db
from portal.oath.models import OathRecord, OathSession, Registration
from portal.oath.states import ACTIVE_STATUSES, RegistrationStatus, SessionStatus


def open_sessions_page(per_page: int) -> tuple[Pagination, dict[int, dict[str, int]]]:
    """The page (``?page=``) of sessions an employee can still sign up for, soonest first, and their
    place counts (``place_counts``): one statement for both."""
    page = paginate(_open_sessions_statement(), per_page, rows=True, params={"now": utcnow()})
    counts = {row[0].id: _counts(row[1:]) for row in page.items}
    page.items = [row[0] for row in page.items]
    return page, counts


@cache
def _open_sessions_statement() -> Select:
    """open_sessions_page's statement, built once: :now."""
    now = bindparam("now", type_=DateTime(timezone=True))
    return (
        select(OathSession, *_place_columns())
        .where(
            OathSession.status == SessionStatus.scheduled,
            OathSession.starts_at >= now,
            OathSession.registration_deadline > now,
        )
        .order_by(OathSession.starts_at, OathSession.id)
    )


def admin_sessions_query(now: Optional[datetime] = None) -> Select:
    """Every session: upcoming ones first (soonest first), then past ones (latest first)."""
    now = now or utcnow()
    is_past = case((OathSession.starts_at < now, 1), else_=0)
    upcoming_key = case((OathSession.starts_at >= now, OathSession.starts_at), else_=None)
    return select(OathSession).order_by(is_past, upcoming_key, OathSession.starts_at.desc(), OathSession.id)


#: the registrations a session's place counts are made of, in the order of ``_place_columns``
COUNTED = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted, RegistrationStatus.attended)


def place_counts(session_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Per session: its confirmed, waitlisted and attended registrations, in one query."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(_place_counts_statement(), {"session_ids": ids})
    return {row[0]: _counts(row[1:]) for row in rows}


def _place_columns() -> list:
    """One count per status of ``COUNTED``, of the session of the enclosing statement."""
    return [
        select(func.count(Registration.id))
        .where(Registration.session_id == OathSession.id, Registration.status == status)
        .correlate(OathSession).scalar_subquery()
        for status in COUNTED
    ]


def _counts(values) -> dict[str, int]:
    return {status.value: value for status, value in zip(COUNTED, values)}


@cache
def _place_counts_statement() -> Select:
    """place_counts' statement, built once (the HR list and every session page ask it): :session_ids."""
    return select(OathSession.id, *_place_columns()).where(
        OathSession.id.in_(bindparam("session_ids", expanding=True)))


def free_places(session: OathSession, counts: dict[str, int]) -> int:
    return max(session.capacity - counts.get("confirmed", 0), 0)


def session_registrations(session_id: int) -> list[Registration]:
    """All registrations of a session with their people, queue order."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.session_id == session_id)
            .options(selectinload(Registration.user))
            .order_by(Registration.joined_at, Registration.id)
        )
    )


def attendance_list(session_id: int) -> list[Registration]:
    """The people expected or marked at a session, by name (for the printed list and CSV)."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Registration.user)
            .where(
                Registration.session_id == session_id,
                Registration.status.in_(
                    [RegistrationStatus.confirmed, RegistrationStatus.attended, RegistrationStatus.no_show]
                ),
            )
            .options(selectinload(Registration.user))
            .order_by(func.lower(User.display_name), Registration.id)
        )
    )


def registrations_of(user_id: int) -> list[Registration]:
    """A person's registrations with their sessions, newest first."""
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.user_id == user_id)
            .options(selectinload(Registration.session))
            .order_by(Registration.created_at.desc(), Registration.id.desc())
        )
    )


def record_of(user_id: int) -> Optional[OathRecord]:
    return db.session.scalars(_record_statement(), {"user_id": user_id}).first()


@cache
def _record_statement() -> Select:
    """record_of's statement, built once (the ceremony list and the oath page ask it): :user_id."""
    return select(OathRecord).where(OathRecord.user_id == bindparam("user_id"))


def standing_of(user_id: int) -> Row:
    """What the ceremony list says of the person, in one statement: the oath record's formula and day
    (``record_id`` set), else the confirmed or waitlisted registration's status and its session's start
    (``registration_status`` set); each is at most one per person (unique constraints)."""
    return db.session.execute(standing_statement(), {"user_id": user_id}).one()


@cache
def standing_statement() -> Select:
    """standing_of's statement, built once (also a part of the dashboard's checklist): :user_id."""
    return (
        select(OathRecord.id.label("record_id"), OathRecord.formula, OathRecord.taken_on,
               Registration.status.label("registration_status"), OathSession.starts_at)
        .select_from(User)
        .outerjoin(OathRecord, OathRecord.user_id == User.id)
        .outerjoin(Registration, and_(Registration.user_id == User.id, Registration.status.in_(ACTIVE_STATUSES)))
        .outerjoin(OathSession, OathSession.id == Registration.session_id)
        .where(User.id == bindparam("user_id"))
    )
