"""Hourly jobs: ceremony reminders and closing the waiting lists of sessions that began."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from portal.notifications.jobs import scheduled_job
from portal.oath.services.registrations import close_waitlists
from portal.oath.services.reports import send_ceremony_reminders


@scheduled_job("oath-reminders", every=timedelta(hours=1))
def remind_registrants(now: datetime) -> int:
    """Mail confirmed registrants CEREMONY_REMINDER_DAYS days before their ceremony (once)."""
    return send_ceremony_reminders(int(current_app.config.get("CEREMONY_REMINDER_DAYS", 3)), now)


@scheduled_job("oath-close-waitlists", every=timedelta(hours=1))
def close_started_waitlists(now: datetime) -> int:
    """Take people off the waiting lists of sessions that have begun, so they can pick another date."""
    return close_waitlists(now)
