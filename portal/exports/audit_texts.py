"""The audit trail's sentences for exports that a job makes (asking for one, downloading it)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from portal.core.audit_sentences import AuditObject, EventFacts, Sentence
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.exports.access import may_export
from portal.exports.kinds import export_kind
from portal.exports.models import ExportJob
from portal.extensions import db


def _title(kind_name) -> str:
    try:
        return str(export_kind(str(kind_name)).title())
    except KeyError:
        return str(kind_name)


def resolve_exports(ids: set[int], viewer) -> dict[int, AuditObject]:
    """An export by its title; linked only for the person who asked for it (nobody else may open it)."""
    viewer_id = getattr(viewer, "id", None)
    rows = db.session.execute(select(ExportJob.id, ExportJob.kind, ExportJob.requested_by_id)
                              .where(ExportJob.id.in_(ids)))
    return {row.id: AuditObject(
        _("de export „%(title)s”", title=_title(row.kind)),
        url_for("exports.detail", job_id=row.id)
        if viewer_id is not None and viewer_id == row.requested_by_id and may_export(viewer, row.kind) else None)
        for row in rows}


def export(e: EventFacts) -> AuditObject:
    return e.thing(_("de export „%(title)s”", title=_title(e.detail("kind"))))


def _request(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(export)s aangevraagd."), export=export(e))


def _download(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(export)s gedownload."), export=export(e))


SENTENCES = {"export.request": _request, "export.download": _download}
OBJECTS = {"export_job": resolve_exports}
