"""Asking for an export, and what happens to it afterwards (requests: flush only, never commit)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Optional

from flask import current_app
from sqlalchemy import select

from portal.core.audit import record_event
from portal.core.time import as_utc, today_local, utcnow
from portal.exports.access import may_export
from portal.exports.kinds import export_kind
from portal.exports.models import ExportJob
from portal.exports.states import ExportStatus, ensure_transition
from portal.extensions import db

log = logging.getLogger("portal.exports")


class ExportRefused(Exception):
    """The person may not ask for this export."""


def export_dir() -> Path:
    """PORTAL_EXPORT_DIR, or instance/exports; made (owner only) when missing."""
    configured = current_app.config.get("EXPORT_DIR") or ""
    path = Path(configured) if configured else Path(current_app.instance_path) / "exports"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def retention() -> timedelta:
    return timedelta(hours=current_app.config["EXPORT_RETENTION_HOURS"])


def request_export(kind_name: str, parameters: dict[str, Any], user) -> ExportJob:
    """Queue an export for ``user``, or return the same one they already have waiting."""
    if not may_export(user, kind_name):
        raise ExportRefused(kind_name)
    kind = export_kind(kind_name)
    pending = db.session.scalars(
        select(ExportJob).where(
            ExportJob.requested_by_id == user.id, ExportJob.kind == kind_name,
            ExportJob.status.in_([ExportStatus.queued, ExportStatus.running]),
        )
    ).all()
    for job in pending:
        if job.parameters == parameters:
            return job
    job = ExportJob(
        kind=kind_name, parameters=parameters, requested_by_id=user.id, requested_at=utcnow(),
        status=ExportStatus.queued, download_name=f"{kind.file_stem}-{today_local().isoformat()}.{kind.file_format}",
    )
    db.session.add(job)
    db.session.flush()
    record_event("export.request", actor=user, obj=job, details={"kind": kind_name, "parameters": parameters})
    return job


def my_exports_query(user):
    """The person's exports, newest first."""
    return (select(ExportJob).where(ExportJob.requested_by_id == user.id)
            .order_by(ExportJob.requested_at.desc(), ExportJob.id.desc()))


def stored_path(job: ExportJob) -> Optional[Path]:
    """The file of a ready export, or None when there is none (anymore)."""
    if job.status != ExportStatus.ready or not job.stored_name:
        return None
    if job.expires_at is not None and as_utc(job.expires_at) <= utcnow():
        return None
    path = export_dir() / job.stored_name
    return path if path.is_file() else None


def record_download(job: ExportJob, user) -> None:
    """Every download of an export is in the audit trail."""
    record_event("export.download", actor=user, obj=job,
                 details={"kind": job.kind, "size": job.size_bytes, "parameters": job.parameters})


def expire_exports(now: Optional[datetime] = None) -> int:
    """Retention: delete the files of exports past ``expires_at``; the rows stay, marked expired."""
    now = now or utcnow()
    jobs = db.session.scalars(
        select(ExportJob).where(ExportJob.status.in_([ExportStatus.ready, ExportStatus.failed]),
                                ExportJob.expires_at < now)
    ).all()
    directory = export_dir()
    for job in jobs:
        if job.stored_name:
            (directory / job.stored_name).unlink(missing_ok=True)
        ensure_transition(job.status, ExportStatus.expired)
        job.status = ExportStatus.expired
        job.stored_name = None
    db.session.flush()
    return len(jobs)
