"""The audit trail: per declaration for reviewers, all of it for administrators. Read-only: GET only."""

from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import current_user

from portal.core.access import has_role, role_required
from portal.core.params import id_arg
from portal.review import bp
from portal.review.access import load_for_review
from portal.review.exports import AUDIT_CSV
from portal.review.forms import AuditFilterForm
from portal.review.trail import AuditFilters, audit_page


def _before() -> int | None:
    return id_arg("before")


def _filter_args() -> dict:
    return {k: v for k, v in request.args.items() if k not in ("before", "submit")}


def _next_url(endpoint: str, before: int | None, **values) -> str | None:
    return url_for(endpoint, **values, **_filter_args(), before=before) if before is not None else None


def _filters(form) -> AuditFilters:
    """The form's filters; events about concerns only for integrity coordinators."""
    return AuditFilters.from_form(form, include_confidential=has_role(current_user, "integrity_officer"))


@bp.route("/audit")
@role_required("admin")
def audit():
    """Every audit event, newest first, filtered by actor, action, subject and dates (administrators)."""
    form = AuditFilterForm(request.args)
    form.validate()
    rows, before = audit_page(_filters(form), before=_before())
    first_url = url_for("review.audit", **_filter_args()) if request.args.get("before") else None
    return render_template("review/audit.html", form=form, rows=rows, args=_filter_args(),
                           next_url=_next_url("review.audit", before), first_url=first_url)


@bp.route("/audit.csv")
@role_required("admin")
def audit_csv():
    """The filtered audit trail as CSV: asks for it (a job makes it; asking and downloading are recorded)."""
    form = AuditFilterForm(request.args)
    form.validate()
    return render_template("exports/request.html", kind=AUDIT_CSV, filters=form.chosen(), query=_filter_args(),
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
