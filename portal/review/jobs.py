"""Scheduled jobs of the review area: the reviewers' daily digest and the public register's snapshot."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from portal.core.time import local_zone
from portal.declarations.models import Declaration
from portal.declarations.states import QUEUE_STATUSES
from portal.extensions import db
from portal.notifications.jobs import each_on_its_own, scheduled_job
from portal.review.queries import WAITING_FOR_HR
from portal.review.queries import eligible_reviewers, target_days

def digest_counts(now: datetime, target_days: int) -> dict[str, int]:
    """New items of the last day, overdue items and everything waiting for HR: one query."""
    waiting = Declaration.status.in_(list(WAITING_FOR_HR))
    new, overdue, total = db.session.execute(
        select(
            func.count(Declaration.id).filter(waiting, Declaration.submitted_at >= now - timedelta(days=1)),
            func.count(Declaration.id).filter(waiting, Declaration.submitted_at < now - timedelta(days=target_days)),
            func.count(Declaration.id).filter(waiting),
        ).where(Declaration.status.in_(list(QUEUE_STATUSES)))
    ).one()
    return {"new": new or 0, "overdue": overdue or 0, "waiting": total or 0}

@scheduled_job("review-digest", every=timedelta(days=1), offset=timedelta(hours=6))
def send_review_digest(now: datetime) -> int:
    """One mail per reviewer per day with the number of new and overdue items (none when both are 0)."""
    from portal.review.mails import mail_digest

    days = target_days()
    counts = digest_counts(now, days)
    if not counts["new"] and not counts["overdue"]:
        return 0
    day = now.astimezone(local_zone()).date().isoformat()

    def send(reviewer) -> int:
        return int(mail_digest(reviewer, counts, days, day) is not None)

    return each_on_its_own(list(db.session.scalars(eligible_reviewers())), send, job="review-digest",
                           describe=lambda reviewer: f"digest for user {reviewer.id}")

@scheduled_job("review-register-snapshot", every=timedelta(hours=1))
def snapshot_public_register(now: datetime) -> int:
    """Notice changes of the public register that no decision records (an official left the group)."""
    from portal.review.public import record_snapshot

    return int(record_snapshot(now))
