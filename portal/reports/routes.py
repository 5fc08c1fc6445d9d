"""The annual report: the page, its CSV and PDF (HR and coordinators); explanations, closing, reopening
(coordinators)."""

from __future__ import annotations

from functools import wraps

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.core.exports import csv_response
from portal.core.i18n import gettext as _
from portal.core.time import today_local
from portal.reports import bp
from portal.reports.access import can_edit_report, can_read_report
from portal.reports.forms import CloseForm, ReopenForm, YearForm, explanation_form
from portal.reports.pdf import render_report_pdf
from portal.reports.report import SECTIONS, annual_report, default_year, report_csv_rows
from portal.reports.services import ReportError, close_year, reopen_year, save_explanations


def _allowed(check):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _year() -> tuple[YearForm, int]:
    """The requested year; else last year, or this year when only this year has figures (see default_year)."""
    form = YearForm(request.args)
    if form.validate() and form.year.data:
        return form, form.year.data
    year = default_year()
    if not form.year.errors:
        form.year.data = year
    return form, year


def _page(form, year: int, status: int = 200, **forms):
    report = annual_report(year)
    editable = can_edit_report(current_user)
    if editable:
        if "explanation_form" not in forms:
            forms["explanation_form"] = explanation_form(report.sections)(
                data={s.key: s.explanation for s in report.sections})
        forms.setdefault("close_form", CloseForm())
        forms.setdefault("reopen_form", ReopenForm())
    return render_template("reports/annual.html", form=form, report=report, can_edit=editable,
                           can_close=year < today_local().year, **forms), status


@bp.route("/annual")
@_allowed(can_read_report)
def annual():
    """Every figure of a year beside the five years before it, with the coordinator's explanations."""
    form, year = _year()
    return _page(form, year)


@bp.route("/annual.csv")
@_allowed(can_read_report)
def annual_csv():
    """The report's figures as CSV (the same shown values as the page)."""
    _form, year = _year()
    report = annual_report(year)
    header = [_("Onderdeel"), _("Onderwerp"), *[str(y) for y in report.years]]
    return csv_response(f"jaarverslag-integriteit-{year}.csv", header, report_csv_rows(report))


@bp.route("/annual.pdf")
@_allowed(can_read_report)
def annual_pdf():
    """The report for the council as a PDF (title, language, bookmarks, charts with a text alternative)."""
    _form, year = _year()
    pdf = render_report_pdf(annual_report(year), current_app.config["ORGANISATION_NAME"])
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="jaarverslag-integriteit-{year}.pdf"',
        "Cache-Control": "no-store"})


def _year_arg(year: int) -> int:
    if not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.route("/annual/<int:year>/explanations", methods=["POST"])
@_allowed(can_edit_report)
def explain(year: int):
    """Store the explanation (duiding) per section."""
    year = _year_arg(year)
    sections = annual_report(year).sections
    form = explanation_form(sections)()
    if form.validate_on_submit():
        try:
            save_explanations(year, {s.key: form[s.key].data for s in SECTIONS}, current_user)
        except ReportError as exc:
            flash(exc.message, "error")
        else:
            flash(_("De toelichting is opgeslagen."), "success")
            return redirect(url_for("reports.annual", year=year))
    return _page(YearForm(data={"year": year}), year, 400, explanation_form=form)


@bp.route("/annual/<int:year>/close", methods=["POST"])
@_allowed(can_edit_report)
def close(year: int):
    """Close the year: its figures are stored and no longer follow the database."""
    year = _year_arg(year)
    form = CloseForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        close_year(year, current_user)
    except ReportError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Het jaar %(year)d is afgesloten; de cijfers liggen vast.", year=year), "success")
    return redirect(url_for("reports.annual", year=year))


@bp.route("/annual/<int:year>/reopen", methods=["POST"])
@_allowed(can_edit_report)
def reopen(year: int):
    """Reopen a closed year; the reason goes into the audit trail."""
    year = _year_arg(year)
    form = ReopenForm()
    if form.validate_on_submit():
        try:
            reopen_year(year, form.reason.data.strip(), current_user)
        except ReportError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Het jaar %(year)d is heropend.", year=year), "success")
        return redirect(url_for("reports.annual", year=year))
    return _page(YearForm(data={"year": year}), year, 400, reopen_form=form)
