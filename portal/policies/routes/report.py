"""HR's view of acknowledgements: coverage per department, who has not acknowledged, CSV export."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from portal.auth.services import list_departments
from portal.core.access import role_required
from portal.core.audit import record_event
from portal.core.time import today_local
from portal.core.exports import csv_response
from portal.core.pagination import paginate
from portal.policies import bp
from portal.policies.acknowledgements import (
    CODE_OF_CONDUCT,
    acknowledgement_target,
    coverage_by_department,
    CSV_HEADER,
    not_acknowledged_rows,
    not_acknowledged_query,
)
from portal.policies.forms import DepartmentFilterForm
from portal.policies.services import get_page


def _report_subject():
    """The code of conduct, the version everyone must acknowledge, and the department filter."""
    page = get_page(CODE_OF_CONDUCT, current_user)
    form = DepartmentFilterForm(request.args, departments=list_departments())
    department = form.department.data if form.validate() else ""
    return page, acknowledgement_target(page.id, today_local()), form, department


@bp.route("/policies/acknowledgements")
@role_required("reviewer", "admin")
def acknowledgements():
    """Coverage of the code of conduct per department and who has not acknowledged it yet."""
    page, target, form, department = _report_subject()
    coverage = coverage_by_department(target) if target else []
    pagination = None
    if target is not None:
        pagination = paginate(not_acknowledged_query(target, department), 25)
    return render_template(
        "policies/acknowledgements.html",
        page=page,
        target=target,
        coverage=coverage,
        pagination=pagination,
        form=form,
        department=department,
        totals=(sum(c.total for c in coverage), sum(c.acknowledged for c in coverage)),
    )


@bp.route("/policies/acknowledgements.csv")
@role_required("reviewer", "admin")
def acknowledgements_csv():
    """The people who have not acknowledged the code of conduct, as CSV."""
    page, target, _form, department = _report_subject()
    rows = not_acknowledged_rows(target, department) if target else iter(())
    record_event(
        "policy.acknowledgement_export", actor=current_user, obj=page, details={"department": department}
    )
    filename = f"gedragscode-niet-bevestigd-{today_local().isoformat()}.csv"
    return csv_response(filename, CSV_HEADER, rows)
