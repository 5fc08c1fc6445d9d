"""The review area's mails, queued in the outbox inside the caller's transaction."""

from __future__ import annotations

from typing import Optional

from portal.auth.models import User
from portal.notifications.models import OutboxMessage
from portal.notifications.services import queue_mail


def mail_digest(reviewer: User, counts: dict, target_days: int, day: str) -> Optional[OutboxMessage]:
    """A reviewer's daily count of new and overdue declarations (one a day, by its dedup key)."""
    return queue_mail(reviewer, "review/digest", {**counts, "name": reviewer.display_name, "path": "/review/",
                                                  "target_days": target_days},
                      dedup_key=f"review-digest-{reviewer.id}-{day}")
