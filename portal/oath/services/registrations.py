"""Signing up, cancelling and the waiting list: every step inside the session lock."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple, Optional

from sqlalchemy import DateTime, bindparam, exists, func, select

from portal.core.audit import record_event, record_events
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import as_utc, utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.notifications.jobs import each_on_its_own
from portal.oath import mails
from portal.oath.access import is_hr
from portal.oath.models import (
    Formula,
    OathRecord,
    OathSession,
    Registration,
    RegistrationStatus,
    SessionStatus,
)
from portal.oath.services.locking import (
    count_confirmed,
    insert_registration,
    lock_registration,
    lock_session,
    waiting_queue,
)
from portal.oath.queries import record_of
from portal.oath.services.statements import is_statement_user
from portal.oath.states import ACTIVE_STATUSES, OathError, move_registration


def has_oath_record(user_id: int) -> bool:
    return record_of(user_id) is not None


def is_open_for_registration(session: OathSession, now: Optional[datetime] = None) -> bool:
    now = now or utcnow()
    return session.status == SessionStatus.scheduled and as_utc(session.registration_deadline) > now


def register_for_session(session_id: int, user, formula: Formula | str, accessibility_needs: str = "",
                         now: Optional[datetime] = None) -> Registration:
    """Take a free place, or a place on the waiting list when the session is full.

    Every refusal comes before the first write (on SQLite: after the lock's own UPDATE of
    ``lock_counter``), and the INSERT refuses without an error: no savepoint is needed.
    """
    if is_statement_user(user):
        raise OathError(_l("U ondertekent de integriteitsverklaring; u hoeft geen eed of belofte af te leggen."))
    session = lock_session(session_id)
    now = now or utcnow()  # read the clock inside the lock: times follow the order of the queue
    facts = _sign_up_facts(session.id, user.id, now)
    if facts.has_record:
        raise OathError(_l("U heeft de eed of belofte al afgelegd."))
    if not is_open_for_registration(session, now):
        raise OathError(_l("Aanmelden voor deze bijeenkomst kan niet meer."))
    if facts.has_active_registration:
        raise OathError(_l("U bent al aangemeld voor een bijeenkomst. Meld u daar eerst af als u een andere datum wilt."))
    is_full = facts.confirmed >= session.capacity
    # The one-active-registration index catches a simultaneous sign-up for another session.
    registration = insert_registration(dict(
        session_id=session.id,
        user_id=user.id,
        status=RegistrationStatus.waitlisted if is_full else RegistrationStatus.confirmed,
        formula=Formula(formula),
        accessibility_needs=(accessibility_needs or "").strip() or None,
        joined_at=now,  # taken inside the lock: the queue order is the order of commit
    ), _l("U bent al aangemeld voor een bijeenkomst."))
    record_events(dict(action="oath.register", actor=user, obj=registration, subject_user_id=user.id,
                       details={"session_id": session.id, "status": registration.status.value}))
    if is_full:
        # waitlist_position(registration): everyone waiting joined at or before ``now`` (inside this
        # lock) and has a lower id than the row just inserted, so they are all ahead of it
        mails.mail_waitlisted(registration, session, facts.waiting + 1)
    else:
        mails.mail_confirmed(registration, session)
    return registration


class _SignUpFacts(NamedTuple):
    has_record: bool
    has_active_registration: bool
    confirmed: int  #: confirmed places at the session
    waiting: int  #: waitlisted at the session who joined at or before ``now``


def _sign_up_facts(session_id: int, user_id: int, now: datetime) -> _SignUpFacts:
    """What register_for_session checks, read in one query inside the session lock.

    The same conditions as ``has_oath_record``, ``active_registration_for``, ``count_confirmed``
    and (for a new last place in the queue) ``waitlist_position``.
    """
    row = db.session.execute(_sign_up_facts_statement(),
                             {"session_id": session_id, "user_id": user_id, "now": now}).one()
    return _SignUpFacts(bool(row[0]), bool(row[1]), row[2] or 0, row[3] or 0)


@cache
def _sign_up_facts_statement():
    user_id, session_id = bindparam("user_id"), bindparam("session_id")

    def count(status, *where):
        return (select(func.count(Registration.id))
                .where(Registration.session_id == session_id, Registration.status == status, *where)
                .scalar_subquery())

    return select(
        exists().where(OathRecord.user_id == user_id),
        exists().where(Registration.user_id == user_id, Registration.status.in_(ACTIVE_STATUSES)),
        count(RegistrationStatus.confirmed),
        count(RegistrationStatus.waitlisted, Registration.joined_at <= bindparam("now", type_=DateTime(timezone=True))),
    )


@atomic()
def cancel_registration(registration_id: int, actor, now: Optional[datetime] = None,
                        note: str = "") -> Registration:
    """Give up a place (or leave the waiting list); the first in line moves up."""
    registration, session = lock_registration(registration_id)
    now = now or utcnow()
    by_hr = is_hr(actor) and actor.id != registration.user_id
    was_confirmed = registration.status == RegistrationStatus.confirmed
    refusal = cancel_refusal(registration, session, actor, now)
    if refusal:
        raise OathError(refusal)
    move_registration(registration, RegistrationStatus.cancelled)
    registration.cancelled_at = now
    if was_confirmed:
        session.sequence += 1  # the CANCEL must outrank every invitation sent before it
    record_event("oath.cancel_registration", actor=actor, obj=registration, subject_user_id=registration.user_id,
                 details={"session_id": session.id, "was_confirmed": was_confirmed, "by_hr": by_hr})
    mails.mail_cancelled(registration, session, was_confirmed=was_confirmed, reason="hr" if by_hr else "self",
                         note=note)
    if was_confirmed:
        fill_free_places(session, now)
    return registration


def cancel_refusal(registration: Registration, session: OathSession, actor,
                   now: Optional[datetime] = None):
    """Why ``actor`` may not cancel this registration now, or None when they may."""
    now = now or utcnow()
    if not registration.is_active:
        return _l("Deze aanmelding is al afgemeld of afgerond.")
    if as_utc(session.starts_at) <= now:
        return _l("De bijeenkomst is al begonnen.")
    by_hr = is_hr(actor) and actor.id != registration.user_id
    past_deadline = as_utc(session.registration_deadline) <= now
    if registration.status == RegistrationStatus.confirmed and past_deadline and not by_hr:
        return _l("De aanmeldtermijn is voorbij: afmelden kan niet meer in het portaal. Neem contact op met P&O.")
    return None


def fill_free_places(session: OathSession, now: Optional[datetime] = None) -> list[Registration]:
    """Promote the first in line into every free place. The caller holds ``lock_session``."""
    now = now or utcnow()
    if session.status != SessionStatus.scheduled or as_utc(session.starts_at) <= now:
        return []
    free = session.capacity - count_confirmed(session.id)
    if free <= 0:
        return []
    promoted = waiting_queue(session.id, limit=free)
    for registration in promoted:
        move_registration(registration, RegistrationStatus.confirmed)
        registration.promoted_at = now
        record_event("oath.promote", obj=registration, subject_user_id=registration.user_id,
                     details={"session_id": session.id})
        mails.mail_promoted(registration, session)
    db.session.flush()
    return promoted


def close_waitlists(now: Optional[datetime] = None) -> int:
    """Take everyone off the waiting lists of sessions that have begun, and tell them."""
    now = now or utcnow()
    session_ids = db.session.scalars(
        select(OathSession.id)
        .join(Registration, Registration.session_id == OathSession.id)
        .where(Registration.status == RegistrationStatus.waitlisted, OathSession.starts_at <= now)
        .distinct()
        .order_by(OathSession.id)  # locks always taken in the same order
    ).all()

    def close(session_id: int) -> int:
        session = lock_session(session_id)
        closed = 0
        for registration in waiting_queue(session.id):
            move_registration(registration, RegistrationStatus.cancelled)
            registration.cancelled_at = now
            record_event("oath.waitlist_closed", obj=registration, subject_user_id=registration.user_id,
                         details={"session_id": session.id})
            mails.mail_waitlist_closed(registration, session)
            closed += 1
        db.session.flush()
        return closed

    # session by session: one that fails is logged and skipped, the other waiting lists still close
    return each_on_its_own(session_ids, close, job="oath-close-waitlists",
                           describe=lambda session_id: f"waiting list of session {session_id}")
