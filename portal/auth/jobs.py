"""The auth area's scheduled job: the nightly comparison with the directory."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.auth.sync import sync_directory
from portal.notifications.jobs import scheduled_job


@scheduled_job("directory-sync", every=timedelta(days=1), offset=timedelta(hours=2, minutes=30))
def directory_sync_job(now: datetime) -> int:
    """Daily: import everyone the directory lists, update what changed, mark people without an entry as left.

    A refusal (too many missing at once) is logged as an error and kept in the audit trail
    (``directory.sync_refused``); the next day's run looks again.
    """
    return sync_directory(now).marked_left
