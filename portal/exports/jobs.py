"""Scheduled job of the exports: retention of the files."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.notifications.jobs import scheduled_job


@scheduled_job("export-cleanup", every=timedelta(hours=1))
def export_cleanup(now: datetime) -> int:
    """Delete export files past PORTAL_EXPORT_RETENTION_HOURS (default 24)."""
    from portal.exports.services import expire_exports

    return expire_exports(now)
