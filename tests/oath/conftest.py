"""Helpers for the oath tests: people, sessions and the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Optional

import pytest
from sqlalchemy import select

from portal.core.time import utcnow




@pytest.fixture()
def ctx(app):
    """A request context for tests that call the services directly (messages are translated lazily)."""
    with app.test_request_context():
        yield app


def make_user(username: str, *, employee_type: str = "medewerker", display_name: Optional[str] = None,
              email: Optional[str] = "default", reviewer: bool = False, first_seen_at: Optional[datetime] = None):
    """A user row as the first sign-in would create it."""
    from portal.auth.models import User
    from portal.extensions import db

    user = User(
        username=username, dn=f"uid={username},ou=people,dc=example,dc=nl",
        display_name=display_name or username.title(), employee_type=employee_type,
        email=f"{username}@example.nl" if email == "default" else email, is_reviewer=reviewer,
        first_seen_at=first_seen_at or utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    return user


def plan_session(*, starts_in: timedelta = timedelta(days=14), starts_at: Optional[datetime] = None,
                 capacity: int = 10, deadline_before: timedelta = timedelta(days=2), hr=None, **extra):
    """A scheduled session, created through the HR service."""
    from portal.oath.services.sessions import SessionData, create_session

    start = starts_at or (utcnow() + starts_in).replace(microsecond=0)
    data = SessionData(
        starts_at=start, ends_at=start + timedelta(minutes=90), registration_deadline=start - deadline_before,
        capacity=capacity, official=extra.pop("official", "wethouder P&O"),
        location=extra.pop("location", "Raadzaal"), **extra,
    )
    return create_session(data, hr)


def outbox(key_prefix: str = "oath-"):
    """Outbox rows whose dedup key starts with ``key_prefix``, oldest first."""
    from portal.extensions import db
    from portal.notifications.models import OutboxMessage

    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.dedup_key.startswith(key_prefix)).order_by(OutboxMessage.id)
    ).all()


def calendar_of(message):
    """The parsed .ics attachment of an outbox row (and its iTIP method)."""
    from icalendar import Calendar

    [attachment] = [a for a in message.attachments if a.content_type.startswith("text/calendar")]
    return Calendar.from_ical(attachment.data), attachment.method
