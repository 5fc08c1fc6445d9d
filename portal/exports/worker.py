"""Building exports: every job once, however many workers run (the outbox's leases, portal/notifications/delivery.py).

A worker claims a queued job — status ``running`` with a lease (``locked_until``) in its own name
(``locked_by``), committed before any work — on PostgreSQL with ``FOR UPDATE SKIP LOCKED``, on SQLite
with a compare-and-set ``UPDATE … WHERE status = 'queued'``. While it writes the file it reports the
rows done and renews the lease on a separate connection (the rows come through a server-side cursor in
the session's own transaction, which a commit would close). It records the result only where it still
holds the claim. A worker that dies leaves a ``running`` job whose lease runs out; the next worker
takes it over and starts the file again. A job that raised is tried again, MAX_ATTEMPTS times in all.

This module commits: it is the transaction boundary of ``flask portal run-exports`` and the workers.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timedelta
from typing import Callable, Optional

from sqlalchemy import and_, or_, select, update

from portal.core.exports import write_csv, write_xlsx
from portal.core.time import utcnow
from portal.exports.kinds import export_kind
from portal.exports.models import ExportJob
from portal.exports.services import export_dir, retention
from portal.exports.states import ExportStatus, ensure_transition
from portal.extensions import db
from portal.notifications.delivery import worker_id

log = logging.getLogger("portal.exports")

#: how long a claim protects a job without a progress report (each report renews it)
LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 3


def _claimable(now: datetime):
    return or_(
        ExportJob.status == ExportStatus.queued,
        # a worker died while building these: their lease ran out
        and_(ExportJob.status == ExportStatus.running, ExportJob.locked_until < now),
    )


def _update(condition, **values) -> bool:
    result = db.session.execute(
        update(ExportJob).where(condition).values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def claim_next(now: datetime, worker: str) -> Optional[int]:
    """Claim the oldest claimable job for ``worker`` and commit; its id, or None."""
    candidates = select(ExportJob.id).where(_claimable(now)).order_by(ExportJob.requested_at, ExportJob.id)
    claim = dict(status=ExportStatus.running, locked_by=worker, locked_until=now + LEASE, started_at=now,
                 rows_done=0, attempts=ExportJob.attempts + 1)
    job_id = None
    if db.session.get_bind().dialect.name == "postgresql":
        job_id = db.session.scalars(candidates.limit(1).with_for_update(skip_locked=True)).first()
        if job_id is not None:
            _update(ExportJob.id == job_id, **claim)
    else:
        # Compare-and-set per row: of two processes, only one sees a row count of 1.
        for candidate in db.session.scalars(candidates.limit(5)).all():
            if _update(and_(ExportJob.id == candidate, _claimable(now)), **claim):
                job_id = candidate
                break
    db.session.commit()
    return job_id


def _held(job_id: int, worker: str):
    return and_(ExportJob.id == job_id, ExportJob.status == ExportStatus.running, ExportJob.locked_by == worker)


def _report_progress(job_id: int, worker: str) -> Callable[[int], None]:
    """A callback that stores the rows done and renews the lease, outside the reading transaction."""

    def report(rows: int) -> None:
        _set(job_id, worker, rows_done=rows, locked_until=utcnow() + LEASE)

    return report


def build_export(job_id: int, worker: str) -> ExportStatus:
    """Write the file of a job this worker holds, then settle it: ready (and mail), queued again, or failed."""
    job = db.session.get(ExportJob, job_id, populate_existing=True)
    kind = export_kind(job.kind)
    directory = export_dir()
    stored_name = f"{job.id}-{secrets.token_hex(12)}.{kind.file_format}"
    partial = directory / (stored_name + ".part")
    try:
        columns, rows, total = kind.build(dict(job.parameters or {}))
        if total is not None:
            _set(job_id, worker, rows_total=total)
        progress = _report_progress(job_id, worker)
        if kind.file_format == "xlsx":
            count = write_xlsx(partial, str(kind.sheet_title()), columns, rows, progress)
        else:
            count = write_csv(partial, columns, rows, progress)
        db.session.rollback()  # end the reading transaction (and its server-side cursor)
        os.replace(partial, directory / stored_name)
    except Exception as exc:  # noqa: BLE001 - every error is recorded on the job
        db.session.rollback()
        partial.unlink(missing_ok=True)
        log.exception("export %s (%s) failed", job_id, kind.name)
        return _fail(job_id, worker, f"{type(exc).__name__}: {exc}")
    now = utcnow()
    size = (directory / stored_name).stat().st_size
    if not _settle(job_id, worker, ExportStatus.ready, stored_name=stored_name, size_bytes=size, rows_done=count,
                   rows_total=count, finished_at=now, expires_at=now + retention(), error=None):
        (directory / stored_name).unlink(missing_ok=True)  # another worker took it over meanwhile
        return ExportStatus.running
    from portal.exports.mails import queue_ready_mail

    queue_ready_mail(db.session.get(ExportJob, job_id, populate_existing=True))
    db.session.commit()
    log.info("export %s (%s): %d rows, %d bytes", job_id, kind.name, count, size)
    return ExportStatus.ready


def _set(job_id: int, worker: str, **values) -> None:
    """Write progress on a connection of its own, committed at once (the page shows it while the file grows)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return  # SQLite (development): one writer at a time; the page says "being made" until it is done
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(_held(job_id, worker)).values(**values))


def _settle(job_id: int, worker: str, target: ExportStatus, **values) -> bool:
    """Move a job this worker holds out of ``running``; flush. False: not ours anymore."""
    ensure_transition(ExportStatus.running, target)
    ours = _update(_held(job_id, worker), status=target, locked_by=None, locked_until=None, **values)
    if not ours:
        db.session.rollback()
        log.warning("export %s: the claim of %s was lost", job_id, worker)
    return ours


def _fail(job_id: int, worker: str, error: str) -> ExportStatus:
    job = db.session.get(ExportJob, job_id, populate_existing=True)
    if job.attempts < MAX_ATTEMPTS:
        target, values = ExportStatus.queued, {}
    else:
        now = utcnow()
        target, values = ExportStatus.failed, dict(finished_at=now, expires_at=now + retention())
    if _settle(job_id, worker, target, error=error[:1000], **values):
        if target is ExportStatus.failed:
            from portal.exports.mails import queue_failed_mail

            queue_failed_mail(db.session.get(ExportJob, job_id, populate_existing=True))
        db.session.commit()
    return target


def run_pending_exports(should_stop: Callable[[], bool] = lambda: False,
                        now: Optional[Callable[[], datetime]] = None) -> int:
    """Build every claimable export, one after the other; returns how many were taken."""
    clock = now or utcnow
    worker = worker_id()
    taken = 0
    while not should_stop():
        job_id = claim_next(clock(), worker)
        if job_id is None:
            break
        taken += 1
        build_export(job_id, worker)
    return taken

