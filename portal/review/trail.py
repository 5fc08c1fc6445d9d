"""Reading the audit trail: filtered, newest first, paged by id (the trail is only ever appended to)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Optional

from sqlalchemy import Select, select
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


@dataclass
class AuditRow:
    event: AuditEvent
    actor: Optional[User]
    subject: Optional[User]


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=local_zone()).astimezone(timezone.utc)


def audit_statement(filters: AuditFilters) -> Select:
    """SELECT (event, actor, subject) newest first, filtered."""
    return _filtered(lambda actor, subject: [AuditEvent, actor, subject], filters)


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
    if filters.object_type:
        statement = statement.where(AuditEvent.object_type == filters.object_type,
                                    AuditEvent.object_id == filters.object_id)
    return statement


def audit_page(filters: AuditFilters, *, before: Optional[int] = None,
               per_page: Optional[int] = None) -> tuple[list[AuditRow], Optional[int]]:
    """One page of events (newest first) and the id to continue before, if there are more."""
    per_page = per_page or AUDIT_PAGE
    statement = audit_statement(filters).limit(per_page + 1)
    if before is not None:
        statement = statement.where(AuditEvent.id < before)
    rows = [AuditRow(*row) for row in db.session.execute(statement).all()]
    more = len(rows) > per_page
    rows = rows[:per_page]
    return rows, (rows[-1].event.id if more else None)
