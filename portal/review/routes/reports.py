"""The annual report for the council (/reports/annual, .csv): reviewers and administrators."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from portal.core.access import role_required
from portal.core.time import today_local
from portal.review import reports_bp
from portal.core.exports import csv_response
from portal.review.forms import AnnualReportForm
from portal.review.charts import chart_height, chart_rows
from portal.review.report import HIDDEN, SMALL, annual_report, report_csv_rows


def _default_year() -> int:
    """Last year, the usual subject of a report; this year when only this year has figures (a new portal)."""
    this_year = today_local().year
    if annual_report(this_year - 1).has_data or not annual_report(this_year).has_data:
        return this_year - 1
    return this_year


def _year() -> tuple[AnnualReportForm, int]:
    """The requested year; else the latest year with figures (or an invalid one, whose error the form shows)."""
    form = AnnualReportForm(request.args)
    if form.validate() and form.year.data:
        return form, form.year.data
    year = _default_year()
    if not form.year.errors:
        form.year.data = year
    return form, year


@reports_bp.route("/annual")
@role_required("reviewer", "admin")
def annual():
    """Declarations, decisions, review times, campaigns and oaths of a year beside the year before."""
    form, year = _year()
    report = annual_report(year)
    charts = {table.key: chart_rows(table) for table in report.tables}
    return render_template("review/annual.html", form=form, report=report, charts=charts,
                           chart_height=chart_height, small=SMALL, hidden=HIDDEN)


@reports_bp.route("/annual.csv")
@role_required("reviewer", "admin")
def annual_csv():
    """The annual report's figures as CSV (the same suppressed values as the page)."""
    _form, year = _year()
    report = annual_report(year)
    header = [_("Onderdeel"), _("Onderwerp"), str(year), str(year - 1)]
    return csv_response(f"jaarverslag-integriteit-{year}.csv", header, report_csv_rows(report))
