"""Hourly jobs: ceremony reminders, closing the waiting lists of sessions that began, and publishing
the integrity statement's text when the text shipped with the portal has changed."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from portal.notifications.jobs import scheduled_job
from portal.oath.services.registrations import close_waitlists
from portal.oath.services.reports import send_ceremony_reminders
from portal.oath.services.statements import current_statement_text, publish_statement_text


@scheduled_job("oath-reminders", every=timedelta(hours=1))
def remind_registrants(now: datetime) -> int:
    """Mail confirmed registrants CEREMONY_REMINDER_DAYS days before their ceremony (once)."""
    return send_ceremony_reminders(int(current_app.config["CEREMONY_REMINDER_DAYS"]), now)


@scheduled_job("oath-close-waitlists", every=timedelta(hours=1))
def close_started_waitlists(now: datetime) -> int:
    """Take people off the waiting lists of sessions that have begun, so they can pick another date."""
    return close_waitlists(now)


@scheduled_job("oath-statement-text", every=timedelta(hours=1))
def publish_changed_statement(now: datetime) -> int:
    """Publish a new version of the integrity statement when its source text changed (1), else 0."""
    before = current_statement_text()
    return int(publish_statement_text() is not before)
