"""The HR register (/review/register …) and the public register (/register, .csv, .json)."""

from __future__ import annotations

from flask import current_app, render_template, request, url_for
from flask_login import current_user

from portal.auth.services import list_departments
from portal.core.access import role_required
from portal.core.audit import record_event
from portal.core.time import to_local, today_local
from portal.review import bp, public_bp
from portal.core.exports import csv_response
from portal.core.pagination import paginate
from portal.review.forms import RegisterFilterForm
from portal.review.public import flat_rows, published_register, published_register_json
from portal.review.exports import REGISTER_XLSX, register_columns, register_parameters, register_rows
from portal.review.queries import RegisterFilters, count_summaries_missing, register_entries, register_page_ids
from portal.review.summaries import summaries_missing

PER_PAGE = 50
#: the open-data files may sit in shared caches for five minutes; the HTML page may not: it carries
#: the visitor's session cookie and CSRF token (language switch) and, when signed in, their name
PUBLIC_CACHE = "public, max-age=300"


def _register_filters() -> tuple[RegisterFilterForm, RegisterFilters]:
    form = RegisterFilterForm(request.args, departments=list_departments())
    form.validate()
    return form, RegisterFilters.from_form(form)


@bp.route("/register")
@role_required("reviewer")
def register():
    """Every current (approved, not ended) side activity and financial interest, filtered."""
    form, filters = _register_filters()
    page = paginate(register_page_ids(filters), PER_PAGE)
    page.items = register_entries(page.items)
    return render_template("review/register.html", form=form, page=page, args=_args(),
                           summaries_missing=summaries_missing([d.id for d in page.items]),
                           summaries_to_write=count_summaries_missing())


@bp.route("/register.csv")
@role_required("reviewer")
def register_csv():
    """The HR register as CSV (Dutch Excel: semicolons, BOM), streamed row by row, with the page's filters."""
    _form, filters = _register_filters()
    record_event("register.export", actor=current_user, details={"format": "csv", "filters": register_parameters(filters)})
    return csv_response(f"register-{today_local().isoformat()}.csv", register_columns(), register_rows(filters))


@bp.route("/register.xlsx")
@role_required("reviewer")
def register_xlsx():
    """The HR register as an Excel workbook, with the page's filters: asks for it (a job makes it)."""
    form, _filters = _register_filters()
    return render_template("exports/request.html", kind=REGISTER_XLSX, filters=form.chosen(), query=_args(),
                           back_url=url_for("review.register", **_args()))


def _args() -> dict:
    return {k: v for k, v in request.args.items() if k not in ("page", "submit")}


# -- public -----------------------------------------------------------------------------------


def _public(response):
    response.headers["Cache-Control"] = PUBLIC_CACHE
    return response


@public_bp.route("/register")
def public():
    """The public register of top officials' side activities (no sign-in)."""
    officials, changed = published_register()
    return render_template("review/public_register.html", officials=officials, rows=flat_rows(officials),
                           changed=changed)


@public_bp.route("/register.csv")
def public_csv():
    """The public register as open data: one row per side activity (the portal's CSV: semicolons, BOM)."""
    officials, changed = published_register()
    header = ["naam", "functie", "organisatie", "rol", "omschrijving", "bezoldigd", "beperkingen",
              "register_laatst_gewijzigd"]
    stamp = to_local(changed).date().isoformat() if changed else ""
    rows = [
        [r["name"], r["function"], r["organisation"], r["role"], r["description"],
         "" if r["paid"] is None else ("ja" if r["paid"] else "nee"), r["restrictions"], stamp]
        for r in flat_rows(officials)
    ]
    return _public(csv_response("register-nevenwerkzaamheden.csv", header, rows))


@public_bp.route("/register.json")
def public_json():
    """The public register as open data (JSON)."""
    body = published_register_json(current_app.config["ORGANISATION_NAME"])
    return _public(current_app.response_class(body + "\n", mimetype="application/json"))
