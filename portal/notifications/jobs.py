"""Scheduled jobs: declared with ``@scheduled_job``, run by ``flask portal run-jobs``.

Time is cut into windows of ``every`` (shifted by ``offset``); a job runs at
most once per window. The job's work and its ``job_run`` row commit in one
transaction, and the row's unique key (name, slot) decides who runs it: a
second ``run-jobs`` in the same window, on this or another machine, finds the
row and does nothing. A job that raises rolls back and is tried again at the
next ``run-jobs``.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Optional, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError

from portal.core.time import utcnow
from portal.core.transaction import atomic, commit, rollback
from portal.extensions import db
from portal.notifications.models import JobRun

log = logging.getLogger("portal.jobs")

JobFunction = Callable[[datetime], Optional[int]]
T = TypeVar("T")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    every: timedelta
    function: JobFunction
    offset: timedelta = timedelta(0)

    def slot(self, now: datetime) -> datetime:
        """Start of the window that ``now`` falls in."""
        windows = (now - EPOCH - self.offset) // self.every
        return EPOCH + self.offset + windows * self.every


_jobs: dict[str, ScheduledJob] = {}


def scheduled_job(name: str, every: timedelta, offset: timedelta = timedelta(0)):
    """Declare ``function(now) -> int`` as a job that runs once per ``every``.

    ``offset`` shifts the windows, e.g. ``every=timedelta(days=1), offset=timedelta(hours=6)``
    runs a daily job at the first ``run-jobs`` after 06:00 UTC.
    """
    if every <= timedelta(0) or len(name) > 64:
        raise ValueError(f"job {name!r}: 'every' must be positive and the name at most 64 characters")

    def register(function: JobFunction) -> JobFunction:
        existing = _jobs.get(name)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"two scheduled jobs are called {name!r}")
        _jobs[name] = ScheduledJob(name, every, function, offset)
        return function

    return register


def unregister_job(name: str) -> None:
    """Remove a job (tests)."""
    _jobs.pop(name, None)


def registered_jobs() -> list[ScheduledJob]:
    _import_area_jobs()
    return sorted(_jobs.values(), key=lambda job: job.name)


def _import_area_jobs() -> None:
    """Every area's ``jobs`` module declares its jobs when imported."""
    from portal import AREAS

    for area in AREAS:
        if importlib.util.find_spec(f"portal.{area}.jobs") is not None:
            importlib.import_module(f"portal.{area}.jobs")


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ran: bool
    result: Optional[int] = None
    error: Optional[str] = None


def run_due_jobs(now: Optional[datetime] = None) -> list[JobOutcome]:
    """Run every job whose current window has no run yet; commits per job."""
    now = now or utcnow()
    return [_run_job(job, now) for job in registered_jobs()]


def _run_job(job: ScheduledJob, now: datetime) -> JobOutcome:
    run = JobRun(name=job.name, slot=job.slot(now), started_at=now)
    try:
        db.session.add(run)
        db.session.flush()  # the unique (name, slot) key: taken means done or running elsewhere
    except (IntegrityError, OperationalError) as exc:
        rollback()
        if isinstance(exc, OperationalError):  # SQLite: another process holds the write lock for long
            log.warning("job %s skipped: database busy (%s)", job.name, exc.orig)
        return JobOutcome(job.name, ran=False)
    try:
        result = job.function(now)
        run.result = int(result) if result is not None else None
        run.finished_at = utcnow()
        commit()
    except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
        rollback()
        log.exception("job %s failed; it is tried again at the next run", job.name)
        return JobOutcome(job.name, ran=False, error=f"{type(exc).__name__}: {exc}")
    log.info("job %s ran for slot %s: %s", job.name, run.slot.isoformat(), run.result)
    return JobOutcome(job.name, ran=True, result=run.result)


def each_on_its_own(items: Iterable[T], work: Callable[[T], Optional[int]], *, job: str,
                    describe: Callable[[T], str] = repr) -> int:
    """Run ``work(item)`` for every item in its own SAVEPOINT; one that raises is undone, logged and skipped.

    So one odd campaign, session or person cannot stop a job for all the others on every run.
    Returns the sum of what ``work`` returned (None counts as 0).
    """
    total = 0
    for item in items:
        label = describe(item)  # before the work: a rolled-back item may not load again
        try:
            with atomic():
                total += work(item) or 0
        except Exception:  # noqa: BLE001 - the others must go on; the error is in the log
            log.exception("job %s: %s failed and was skipped; the others carry on", job, label)
    return total


@scheduled_job("mail-cleanup", every=timedelta(days=1), offset=timedelta(hours=2))
def mail_cleanup(now: datetime) -> int:
    """Retention: delete sent messages older than PORTAL_RETENTION_MAIL_DAYS (default 90)."""
    from portal.notifications.services import delete_old_sent_messages

    return delete_old_sent_messages(now)
