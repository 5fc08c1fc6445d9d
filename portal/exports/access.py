"""Who may see an export: only the person who asked, and only while they hold the role it needs."""

from __future__ import annotations

from flask import abort

from portal.core.access import has_role
from portal.exports.kinds import export_kind
from portal.exports.models import ExportJob
from portal.extensions import db


def get_export(job_id: int, for_user) -> ExportJob:
    """The job, or 404 when it does not exist or someone else asked for it; 403 once the role is gone."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.requested_by_id != getattr(for_user, "id", None):
        abort(404)  # someone else's export does not exist as far as this person can tell
    if not may_export(for_user, job.kind):
        abort(403)
    return job


def may_export(user, kind_name: str) -> bool:
    """True when ``user`` holds the role that the export ``kind_name`` needs."""
    try:
        kind = export_kind(kind_name)
    except KeyError:
        return False
    return has_role(user, kind.role)
