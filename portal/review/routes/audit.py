"""The audit trail: per declaration for reviewers, all of it for administrators. Read-only: GET only."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from portal.core.access import role_required
from portal.core.forms import EmptyForm
from portal.core.params import id_arg
from portal.exports.services import request_export
from portal.review import bp
from portal.review.access import load_for_review
from portal.review.forms import AuditFilterForm
from portal.review.exports import AUDIT_CSV, audit_parameters
from portal.review.trail import AuditFilters, audit_page


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


@bp.route("/audit.csv", methods=["GET", "POST"])
@role_required("admin")
def audit_csv():
    """The filtered audit trail as CSV, made by a job (GET asks, POST queues); the export is recorded."""
    form = AuditFilterForm(request.args)
    form.validate()
    filters = AuditFilters.from_form(form)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        job = request_export(AUDIT_CSV.name, audit_parameters(filters), current_user)
        return redirect(url_for("exports.detail", job_id=job.id))
    return render_template("exports/request.html", kind=AUDIT_CSV, filters=form.chosen(),
                           back_url=url_for("review.audit", **_filter_args()))


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
