"""HR overviews: who still has to take the oath or sign, signatures, reminders."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, Iterator, Optional

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.time import as_utc, local_zone, utcnow
from portal.extensions import db
from portal.notifications.jobs import each_on_its_own
from portal.oath import mails
from portal.oath.models import (
    ACTIVE_STATUSES,
    IntegrityStatementText,
    OathRecord,
    OathSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
    StatementSignature,
)
from portal.oath.services.statements import is_statement_user, statement_types

BATCH = 500


def _current_staff() -> list:
    return [User.is_enabled.is_(True), User.left_at.is_(None)]


def outstanding_query() -> Select:
    """Everyone who has neither taken the oath nor signed the statement, longest-serving first."""
    return (
        select(User)
        .where(
            *_current_staff(),
            ~exists().where(OathRecord.user_id == User.id),
            ~exists().where(StatementSignature.user_id == User.id),
        )
        .order_by(User.first_seen_at, User.id)
    )


def active_registrations_of(user_ids: Iterable[int]) -> dict[int, Registration]:
    """The confirmed or waitlisted registration of each user, with its session, in one query."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(Registration)
        .join(Registration.session)
        .options(contains_eager(Registration.session))
        .where(Registration.user_id.in_(ids), Registration.status.in_(ACTIVE_STATUSES))
    )
    return {registration.user_id: registration for registration in rows}


def iter_outstanding() -> Iterator[tuple[User, Optional[Registration]]]:
    """All outstanding people with their active registration, in batches (for CSV and reminders)."""
    after = None
    while True:
        query = outstanding_query()
        if after is not None:  # keyset, not OFFSET: every batch costs the same, however far in
            query = query.where(or_(User.first_seen_at > after[0],
                                    and_(User.first_seen_at == after[0], User.id > after[1])))
        users = list(db.session.scalars(query.limit(BATCH)))
        if not users:
            return
        registrations = active_registrations_of(u.id for u in users)
        for user in users:
            yield user, registrations.get(user.id)
        after = (users[-1].first_seen_at, users[-1].id)


def send_todo_reminders(actor, now: Optional[datetime] = None) -> tuple[int, int]:
    """Mail everyone outstanding who has no confirmed place; at most once a month each.

    Returns (queued, skipped): skipped are people without a mail address,
    with a confirmed place, or already reminded this month.
    """
    now = now or utcnow()
    month = now.astimezone(local_zone()).strftime("%Y-%m")
    # Written first so the transaction is open before the outbox's savepoints (SQLite would
    # otherwise commit each queued mail on its own); the counts are filled in at the end.
    event = record_event("oath.todo_reminders", actor=actor)
    db.session.flush()
    queued = skipped = 0
    for user, registration in iter_outstanding():
        confirmed = registration is not None and registration.status == RegistrationStatus.confirmed
        if not user.email or confirmed:
            skipped += 1
        elif mails.mail_todo_reminder(user, month, statement=is_statement_user(user)):
            queued += 1
        else:
            skipped += 1
    event.details = {"queued": queued, "skipped": skipped}
    return queued, skipped


def statement_overview_query() -> Select:
    """Everyone who signs the statement: those who have not signed yet first."""
    latest = (
        select(StatementSignature.user_id, func.max(StatementSignature.id).label("signature_id"))
        .group_by(StatementSignature.user_id)
        .subquery()
    )
    return (
        select(User)
        .outerjoin(latest, latest.c.user_id == User.id)
        .where(*_current_staff(), func.lower(User.employee_type).in_(statement_types()))
        .order_by(latest.c.signature_id.is_not(None), User.display_name, User.id)
    )


def latest_signatures_of(user_ids: Iterable[int]) -> dict[int, StatementSignature]:
    """Each user's most recent signature, with the text version, in one query."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = db.session.scalars(
        select(StatementSignature)
        .where(StatementSignature.user_id.in_(ids))
        .options(selectinload(StatementSignature.text_version))
        .order_by(StatementSignature.id)
    )
    return {signature.user_id: signature for signature in rows}  # later ids overwrite earlier ones


def statement_counts() -> tuple[int, int]:
    """(signed, not signed) among the people who sign the statement."""
    signed_flag = exists().where(StatementSignature.user_id == User.id)
    base = select(func.count(User.id)).where(*_current_staff(), func.lower(User.employee_type).in_(statement_types()))
    signed = db.session.scalar(base.where(signed_flag)) or 0
    unsigned = db.session.scalar(base.where(~signed_flag)) or 0
    return signed, unsigned


def current_statement_version() -> Optional[int]:
    return db.session.scalar(select(func.max(IntegrityStatementText.version)))


def send_ceremony_reminders(days: int, now: Optional[datetime] = None) -> int:
    """Remind confirmed registrants ``days`` before their ceremony; once per registration."""
    now = now or utcnow()
    registrations = db.session.scalars(
        select(Registration)
        .join(Registration.session)
        .options(contains_eager(Registration.session), selectinload(Registration.user))
        .where(
            Registration.status == RegistrationStatus.confirmed,
            OathSession.status == SessionStatus.scheduled,
            OathSession.starts_at > now,
            OathSession.starts_at <= now + timedelta(days=days),
        )
    ).all()

    def remind(registration: Registration) -> int:
        remind_from = as_utc(registration.session.starts_at) - timedelta(days=days)
        placed_at = as_utc(registration.promoted_at or registration.created_at)
        if placed_at >= remind_from:
            return 0  # they got their invitation inside the reminder window: no second mail
        return mails.mail_reminder(registration, registration.session, days)

    # one registration whose mail cannot be made is logged and skipped; the others are reminded
    return each_on_its_own(registrations, remind, job="oath-reminders",
                           describe=lambda registration: f"reminder for registration {registration.id}")
