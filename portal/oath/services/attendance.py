"""On the day: who attended and who did not show; attendance puts the oath on record."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import as_utc, to_local, utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.oath.models import OathRecord, OathSession, Registration
from portal.oath.states import RegistrationStatus, SessionStatus
from portal.oath.services.formulas import spoken_text
from portal.oath.services.locking import active_registration_for, lock_registration
from portal.oath.services.registrations import has_oath_record
from portal.oath.states import OathError, move_registration, move_session

MARKS = (RegistrationStatus.attended, RegistrationStatus.no_show)


@atomic()
def mark_attendance(registration_id: int, status: RegistrationStatus | str, actor,
                    now: Optional[datetime] = None) -> Registration:
    """Mark a registration attended (the oath goes on record) or no-show (they may register again)."""
    status = RegistrationStatus(status)
    if status not in MARKS:
        raise OathError(_l("Kies aanwezig of niet verschenen."))
    registration, session = lock_registration(registration_id)
    now = now or utcnow()
    if session.status == SessionStatus.cancelled:
        raise OathError(_l("Deze bijeenkomst is geannuleerd."))
    if not attendance_open(session, now):
        raise OathError(_l("De aanwezigheid kunt u registreren vanaf het begin van de bijeenkomst."))
    if status == RegistrationStatus.attended:
        _check_can_record(registration)
    move_registration(registration, status)
    registration.marked_at = now
    if session.status == SessionStatus.scheduled:
        move_session(session, SessionStatus.held)
    if status == RegistrationStatus.attended:
        # the words as spoken today, kept with the record: a later version never changes this certificate
        text, wording = spoken_text(registration.formula, session.language)
        db.session.add(OathRecord(
            user_id=registration.user_id,
            formula=registration.formula,
            taken_on=to_local(session.starts_at).date(),
            session_id=session.id,
            registration_id=registration.id,
            official=session.official,
            recorded_by_id=actor.id,
            recorded_at=now,
            wording=wording or None,
            wording_version_id=text.id if text else None,
        ))
    record_event(f"oath.mark_{status.value}", actor=actor, obj=registration, subject_user_id=registration.user_id,
                 details={"session_id": session.id})
    db.session.flush()
    return registration


def attendance_open(session: OathSession, now: Optional[datetime] = None) -> bool:
    """Attendance is marked from the session's start time on, never for a cancelled one.

    Not earlier on the same day: a session marked at 22:40 for 23:30 would show as held before it began.
    """
    now = now or utcnow()
    return session.status != SessionStatus.cancelled and as_utc(session.starts_at) <= as_utc(now)


def _check_can_record(registration: Registration) -> None:
    if has_oath_record(registration.user_id):
        raise OathError(_l("Voor deze medewerker is al vastgelegd dat de eed of belofte is afgelegd."))
    other = active_registration_for(registration.user_id)
    if other is not None and other.id != registration.id:
        raise OathError(_l("Deze medewerker is al aangemeld voor een andere bijeenkomst. Meld die aanmelding eerst af."))
