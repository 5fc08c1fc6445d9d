"""Demo content: three upcoming ceremonies (one online, one nearly full) and the statement text."""

from __future__ import annotations

from datetime import time, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.core.time import today_local
from portal.extensions import db
from portal.oath.display import local_to_utc
from portal.oath.models import OathSession
from portal.oath.states import Formula
from portal.oath.services.registrations import register_for_session
from portal.oath.services.sessions import SessionData, create_session
from portal.oath.services.statements import publish_statement_text

#: demo directory accounts that fill most places of the first session
DEMO_REGISTRANTS = ("lpeters", "mhendriks", "fvandenberg")
OFFICIAL = "wethouder P&O"


def _session(days_ahead: int, start: time, minutes: int, capacity: int, **place) -> SessionData:
    day = today_local() + timedelta(days=days_ahead)
    starts_at = local_to_utc(day, start)
    return SessionData(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        registration_deadline=local_to_utc(day - timedelta(days=3), time(17, 0)),
        capacity=capacity,
        official=OFFICIAL,
        **place,
    )


def load_demo_sessions() -> None:
    """Idempotent: does nothing when any session exists already."""
    publish_statement_text()
    if db.session.scalar(select(func.count(OathSession.id))):
        return
    nearly_full = create_session(
        _session(10, time(10, 0), 90, 4, location="Raadzaal, gemeentehuis",
                 notes="Na afloop is er koffie met de portefeuillehouder."),
        actor=None,
    )
    create_session(_session(31, time(15, 30), 60, 25, online_url="https://meet.example.nl/ambtseed"), actor=None)
    create_session(_session(59, time(10, 0), 90, 20, location="Trouwzaal, gemeentehuis"), actor=None)
    for user in _demo_users():
        register_for_session(nearly_full.id, user, Formula.affirmation if user.id % 2 else Formula.oath)


def _demo_users() -> list:
    """Accounts from the built-in demo directory (development only); none on a real directory."""
    if str(current_app.config.get("LDAP_URL", "")).lower() != "demo":
        return []
    from portal.auth.directory import get_directory
    from portal.auth.services import sync_user

    directory = get_directory(current_app.config)
    return [sync_user(directory.authenticate(name, f"Welkom-{name}-2026")) for name in DEMO_REGISTRANTS]
