"""Reading the audit trail: filtered, newest first, paged by id (the trail is only ever appended to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Any, Optional

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.core.time import local_zone
from portal.extensions import db

AUDIT_PAGE = 100
#: actions about reports of suspected breaches and advisers' contacts: only integrity coordinators see them
CONFIDENTIAL_ACTION_PREFIXES = ("concern.", "adviser_contact.")


@dataclass(frozen=True)
class AuditFilters:
    actor: Optional[str] = None
    action: Optional[str] = None
    subject: Optional[str] = None
    date_from: Optional[date] = None
    date_to: Optional[date] = None
    object_type: Optional[str] = None
    object_id: Optional[int] = None
    #: show the events about concerns and advisers' contacts (integrity coordinators only)
    include_confidential: bool = False

    @classmethod
    def from_form(cls, form, *, include_confidential: bool = False) -> "AuditFilters":
        return cls(
            include_confidential=include_confidential,
            actor=(form.active("actor") or "").strip().lower() or None,
            action=(form.active("action") or "").strip() or None,
            subject=(form.active("subject") or "").strip().lower() or None,
            date_from=form.active("date_from"), date_to=form.active("date_to"),
        )


@dataclass(frozen=True, slots=True)
class TrailEvent:
    """The columns of an event that a trail page shows or turns into a sentence (not the ORM object)."""

    id: int
    created_at: datetime
    action: str
    object_type: Optional[str]
    object_id: Optional[int]
    details: Any


@dataclass(frozen=True, slots=True)
class TrailPerson:
    """The actor or subject of an event, as a sentence names them."""

    username: str
    display_name: Optional[str]


@dataclass(frozen=True, slots=True)
class AuditRow:
    event: TrailEvent
    actor: Optional[TrailPerson]
    subject: Optional[TrailPerson]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(timezone.utc)


def audit_statement(filters: AuditFilters) -> Select:
    """SELECT the shown columns of (event, actor, subject) newest first, filtered (see ``AuditRow``)."""
    return _filtered(lambda actor, subject: [
        AuditEvent.id, AuditEvent.created_at, AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
        AuditEvent.details, actor.username, actor.display_name, subject.username, subject.display_name], filters)


def audit_export_statement(filters: AuditFilters) -> Select:
    """The export's columns only: (id, created_at, actor's username, action, object type and id, subject's
    username, details, actor's and subject's display names), newest first, filtered."""
    return _filtered(lambda actor, subject: [
        AuditEvent.id, AuditEvent.created_at, actor.username, AuditEvent.action, AuditEvent.object_type,
        AuditEvent.object_id, subject.username, AuditEvent.details, actor.display_name, subject.display_name],
        filters)


#: made once: an alias built per request costs SQLAlchemy a copy of every column of the table
_ACTOR, _SUBJECT = aliased(User, name="actor"), aliased(User, name="subject")


def _filtered(columns, filters: AuditFilters) -> Select:
    actor, subject = _ACTOR, _SUBJECT
    statement = (
        select(*columns(actor, subject))
        .select_from(AuditEvent)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_user_id)
        .order_by(AuditEvent.id.desc())
    )
    if filters.actor:
        statement = statement.where(actor.username == filters.actor)
    if filters.subject:
        statement = statement.where(subject.username == filters.subject)
    if filters.action:
        statement = statement.where(AuditEvent.action.startswith(filters.action, autoescape=True))
    if filters.date_from:
        statement = statement.where(AuditEvent.created_at >= _local_midnight(filters.date_from))
    if filters.date_to:
        statement = statement.where(AuditEvent.created_at < _local_midnight(filters.date_to + timedelta(days=1)))
    if not filters.include_confidential:
        for prefix in CONFIDENTIAL_ACTION_PREFIXES:
            statement = statement.where(~AuditEvent.action.startswith(prefix, autoescape=True))
    if filters.object_type is not None:  # a value, or a bind parameter (_object_trail_statement)
        statement = statement.where(AuditEvent.object_type == filters.object_type,
                                    AuditEvent.object_id == filters.object_id)
    return statement


def _audit_row(event_id, created_at, action, object_type, object_id, details,
               actor_username, actor_name, subject_username, subject_name) -> AuditRow:
    # a row of columns, not three ORM objects: a trail page only shows them
    return AuditRow(
        TrailEvent(event_id, created_at, action, object_type, object_id, details),
        TrailPerson(actor_username, actor_name) if actor_username is not None else None,
        TrailPerson(subject_username, subject_name) if subject_username is not None else None,
    )


def audit_page(filters: AuditFilters, *, before: Optional[int] = None,
               per_page: Optional[int] = None) -> tuple[list[AuditRow], Optional[int]]:
    """One page of events (newest first) and the id to continue before, if there are more."""
    per_page = per_page or AUDIT_PAGE
    statement = audit_statement(filters).limit(per_page + 1)
    if before is not None:
        statement = statement.where(AuditEvent.id < before)
    return _page_of([_audit_row(*row) for row in db.session.execute(statement).all()], per_page)


def object_trail(object_type: str, object_id: int, *, per_page: int,
                 include_confidential: bool = False) -> tuple[list[AuditRow], Optional[int]]:
    """The newest events about one object (the review page's trail), as ``audit_page`` pages them."""
    statement = _object_trail_statement(include_confidential, per_page + 1)
    rows = db.session.execute(statement, {"object_type": object_type, "object_id": object_id}).all()
    return _page_of([_audit_row(*row) for row in rows], per_page)


@lru_cache(maxsize=None)
def _object_trail_statement(include_confidential: bool, limit: int) -> Select:
    # built once (every review page shows its trail), bound with :object_type and :object_id
    filters = AuditFilters(object_type=bindparam("object_type"), object_id=bindparam("object_id"),  # type: ignore[arg-type]
                           include_confidential=include_confidential)
    return audit_statement(filters).limit(limit)


def _page_of(rows: list[AuditRow], per_page: int) -> tuple[list[AuditRow], Optional[int]]:
    """The page's rows and the id to continue before, if there are more (``rows`` holds one extra)."""
    more = len(rows) > per_page
    rows = rows[:per_page]
    return rows, (rows[-1].event.id if more else None)
