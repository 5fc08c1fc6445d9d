"""Mail to the person who asked for an export: ready (with the link, never the file), or failed."""

from __future__ import annotations

from portal.core.time import to_local
from portal.exports.kinds import export_kind
from portal.exports.models import ExportJob


def _context(job: ExportJob) -> dict:
    return {"name": job.requested_by.display_name, "title": export_kind(job.kind).title(),
            "path": f"/exports/{job.id}",
            "expires_at": to_local(job.expires_at).strftime("%d-%m-%Y %H:%M") if job.expires_at else ""}


def queue_ready_mail(job: ExportJob) -> None:
    from portal.notifications.services import queue_mail

    queue_mail(job.requested_by, "exports/ready", _context(job), dedup_key=f"export-ready-{job.id}")


def queue_failed_mail(job: ExportJob) -> None:
    from portal.notifications.services import queue_mail

    queue_mail(job.requested_by, "exports/failed", _context(job), dedup_key=f"export-failed-{job.id}")
