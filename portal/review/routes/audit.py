"""The audit trail: per declaration for reviewers, all of it for administrators. Read-only: GET only."""

from __future__ import annotations

import json

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.access import role_required
from portal.core.audit import record_event
from portal.core.params import id_arg
from portal.core.time import to_local, today_local
from portal.extensions import db
from portal.review import bp
from portal.core.exports import csv_response
from portal.review.forms import AuditFilterForm
from portal.review.trail import AuditFilters, audit_page, audit_statement
from portal.review.access import load_for_review


def _before() -> int | None:
    return id_arg("before")


def _filter_args() -> dict:
    return {k: v for k, v in request.args.items() if k not in ("before", "submit")}


def _next_url(endpoint: str, before: int | None, **values) -> str | None:
    return url_for(endpoint, **values, **_filter_args(), before=before) if before is not None else None


@bp.route("/audit")
@role_required("admin")
def audit():
    """Every audit event, newest first, filtered by actor, action, subject and dates (administrators)."""
    form = AuditFilterForm(request.args)
    form.validate()
    rows, before = audit_page(AuditFilters.from_form(form), before=_before())
    first_url = url_for("review.audit", **_filter_args()) if request.args.get("before") else None
    return render_template("review/audit.html", form=form, rows=rows, args=_filter_args(),
                           next_url=_next_url("review.audit", before), first_url=first_url)


@bp.route("/audit.csv")
@role_required("admin")
def audit_csv():
    """The filtered audit trail as CSV; the export itself is recorded."""
    form = AuditFilterForm(request.args)
    form.validate()
    filters = AuditFilters.from_form(form)
    record_event("audit.export", actor=current_user, details={
        k: str(v) for k, v in vars(filters).items() if v is not None})

    def rows():
        for event, actor, subject in db.session.execute(audit_statement(filters).execution_options(yield_per=1000)):
            yield [event.id, to_local(event.created_at).replace(tzinfo=None), actor.username if actor else "",
                   event.action, event.object_type or "", event.object_id or "",
                   subject.username if subject else "", json.dumps(event.details or {}, ensure_ascii=False)]

    header = [_("Nummer"), _("Tijdstip"), _("Door"), _("Handeling"), _("Soort object"), _("Object"),
              _("Over wie"), _("Details")]
    return csv_response(f"audit-{today_local().isoformat()}.csv", header, rows())


@bp.route("/<int:declaration_id>/audit")
@role_required("reviewer")
def declaration_audit(declaration_id: int):
    """The whole audit trail of one declaration (reviewers)."""
    declaration = load_for_review(declaration_id, current_user, record_view=False)
    rows, before = audit_page(AuditFilters(object_type="declaration", object_id=declaration.id), before=_before())
    return render_template(
        "review/declaration_audit.html", declaration=declaration, rows=rows,
        next_url=_next_url("review.declaration_audit", before, declaration_id=declaration.id),
    )
