"""Scheduled job of the declarations area (imported by ``flask portal run-jobs``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.declarations.campaigns import send_invitations, send_reminders
from portal.notifications.jobs import scheduled_job


@scheduled_job("declaration-campaign-mail", every=timedelta(hours=1))
def campaign_mail(now: datetime) -> int:
    """Reconfirmation campaigns: queue due invitations and reminders (at most 2 before, 1 after the due date)."""
    return send_invitations(now) + send_reminders(now)
