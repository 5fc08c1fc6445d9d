"""Who may see which oath object: one helper per object type, 404 for everyone else."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.core.access import ensure_found, has_role
from portal.extensions import db
from portal.oath.models import OathRecord, OathSession, Registration


def is_hr(user) -> bool:
    """HR (P&O): the portal's reviewers and administrators."""
    return has_role(user, "reviewer") or has_role(user, "admin")


def get_registration(registration_id: int, for_user) -> Registration:
    """The registration, if ``for_user`` is its owner or HR; 404 otherwise (existence does not leak)."""
    registration = db.session.scalars(
        select(Registration)
        .where(Registration.id == registration_id)
        .options(joinedload(Registration.session), joinedload(Registration.user))
    ).first()
    if registration is None or not (registration.user_id == for_user.id or is_hr(for_user)):
        ensure_found(None)
    return registration


def get_record_for_registration(registration_id: int, for_user) -> OathRecord:
    """The oath record a certificate is made from; 404 unless the registration was attended and visible."""
    registration = get_registration(registration_id, for_user)
    record = db.session.scalars(select(OathRecord).where(OathRecord.registration_id == registration.id)).first()
    return ensure_found(record)


def get_session(session_id: int) -> OathSession:
    """A session by id or 404 (every signed-in user may see planned sessions)."""
    return ensure_found(db.session.get(OathSession, session_id))
