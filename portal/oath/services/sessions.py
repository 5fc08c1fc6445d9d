"""HR plans ceremonies: create, change and cancel sessions; registrants are told."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import as_utc, utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.oath import mails
from portal.oath.models import OathSession, Registration
from portal.oath.states import ACTIVE_STATUSES, RegistrationStatus, SessionStatus
from portal.oath.services.locking import count_confirmed, lock_session
from portal.oath.services.registrations import fill_free_places
from portal.oath.states import OathError, TransitionNotAllowed, move_registration, move_session


@dataclass(frozen=True)
class SessionData:
    """What HR enters for a session (times in UTC)."""

    starts_at: datetime
    ends_at: datetime
    registration_deadline: datetime
    capacity: int
    official: str
    location: Optional[str] = None
    online_url: Optional[str] = None
    language: str = "nl"
    notes: Optional[str] = None


#: changes that move the calendar entry or where to go: invitees get an updated invitation
CALENDAR_FIELDS = ("starts_at", "ends_at", "location", "online_url")
#: changes worth a notice, named in the mail
NOTICE_FIELDS = CALENDAR_FIELDS + ("official", "language")


@atomic()
def create_session(data: SessionData, actor) -> OathSession:
    """Plan a new session."""
    session = OathSession(**asdict(data), status=SessionStatus.scheduled, sequence=0, created_by_id=getattr(actor, "id", None))
    db.session.add(session)
    db.session.flush()
    record_event("oath.session_create", actor=actor, obj=session, details={"capacity": data.capacity})
    return session


def _values_differ(old, new) -> bool:
    if isinstance(old, datetime) and isinstance(new, datetime):
        return as_utc(old) != as_utc(new)
    return (old or None) != (new or None)


@atomic()
def update_session(session_id: int, data: SessionData, actor, now: Optional[datetime] = None) -> list[str]:
    """Change a session; confirmed registrants get an updated invitation. Returns the changed fields."""
    session = lock_session(session_id)
    now = now or utcnow()
    if session.status != SessionStatus.scheduled:
        raise TransitionNotAllowed(_l("Een geannuleerde of gehouden bijeenkomst kunt u niet meer wijzigen."))
    confirmed = count_confirmed(session.id)
    if data.capacity < confirmed:
        raise OathError(
            _l("Er zijn al %(num)d bevestigde aanmeldingen: de capaciteit kan niet lager zijn dan %(num)d.",
               num=confirmed),
            field="capacity",
        )
    changed = [f.name for f in fields(data) if _values_differ(getattr(session, f.name), getattr(data, f.name))]
    if not changed:
        return []
    for name in changed:
        setattr(session, name, getattr(data, name))
    notice = [name for name in changed if name in NOTICE_FIELDS]
    if notice:
        session.sequence += 1
        for registration in _active_registrations(session.id):
            mails.mail_session_changed(registration, session, notice)
    record_event("oath.session_update", actor=actor, obj=session, details={"changed": changed})
    if "capacity" in changed:
        fill_free_places(session, now)
    db.session.flush()
    return changed


@atomic()
def cancel_session(session_id: int, actor, note: str = "", now: Optional[datetime] = None) -> int:
    """Cancel a session: every registration is cancelled and told (with a calendar CANCEL). Returns how many."""
    session = lock_session(session_id)
    now = now or utcnow()
    move_session(session, SessionStatus.cancelled)
    session.sequence += 1
    registrations = _active_registrations(session.id)
    for registration in registrations:
        was_confirmed = registration.status == RegistrationStatus.confirmed
        move_registration(registration, RegistrationStatus.cancelled)
        registration.cancelled_at = now
        mails.mail_cancelled(registration, session, was_confirmed=was_confirmed, reason="session", note=note)
    record_event("oath.session_cancel", actor=actor, obj=session, details={"registrations": len(registrations)})
    db.session.flush()
    return len(registrations)


def _active_registrations(session_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.session_id == session_id, Registration.status.in_(ACTIVE_STATUSES))
            .options(selectinload(Registration.user))
            .order_by(Registration.joined_at, Registration.id)
        )
    )
