"""The HR register (/review/register …) and the public register (/register, .csv, .json)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.services import list_departments
from portal.core.access import role_required
from portal.core.audit import record_event
from portal.core.time import to_local, today_local
from portal.declarations.display import readable
from portal.extensions import db
from portal.review import bp, public_bp
from portal.core.exports import csv_response, xlsx_response
from portal.review.forms import RegisterFilterForm
from portal.review.public import flat_rows, published_register, published_register_json
from portal.review.queries import RegisterFilters, register_statement

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
    page = db.paginate(register_statement(filters), per_page=PER_PAGE, error_out=False, count=True)
    args = {k: v for k, v in request.args.items() if k not in ("page", "submit")}
    return render_template("review/register.html", form=form, page=page, args=args)


def _register_export_rows(filters: RegisterFilters):
    for declaration in db.session.scalars(register_statement(filters).execution_options(yield_per=1000)):
        owner, version = declaration.owner, declaration.current_version
        yield [
            owner.display_name, owner.username, owner.department, owner.job_title,
            _("Ja") if owner.is_top_official else _("Nee"), _("Ja") if owner.is_high_risk else _("Nee"),
            declaration.kind.label, version.subject, version.role or "",
            "" if version.is_paid is None else readable(version.is_paid),
            version.hours_per_month, version.start_date or version.acquired_on or version.transaction_on, version.conditions or "",
            to_local(version.decided_at).replace(tzinfo=None) if version.decided_at else None,
        ]


def _register_header() -> list[str]:
    return [_("Naam"), _("Gebruikersnaam"), _("Afdeling"), _("Functie"), _("Topfunctionaris"),
            _("Verhoogd risico"), _("Soort"), _("Organisatie of belang"), _("Rol"), _("Betaald"),
            _("Uren per maand"), _("Sinds"), _("Voorwaarden"), _("Besloten op")]


def _export(file_format: str):
    _form, filters = _register_filters()
    record_event("register.export", actor=current_user, details={"format": file_format, "filters": {
        k: v for k, v in vars(filters).items() if v is not None}})
    name = f"register-{today_local().isoformat()}.{file_format}"
    if file_format == "xlsx":
        return xlsx_response(name, _("Register"), _register_header(), _register_export_rows(filters))
    return csv_response(name, _register_header(), _register_export_rows(filters))


@bp.route("/register.csv")
@role_required("reviewer")
def register_csv():
    """The HR register as CSV (semicolons, UTF-8), with the filters of the page."""
    return _export("csv")


@bp.route("/register.xlsx")
@role_required("reviewer")
def register_xlsx():
    """The HR register as an Excel workbook, with the filters of the page."""
    return _export("xlsx")


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
    """The public register as open data: one row per side activity (comma separated, UTF-8)."""
    officials, changed = published_register()
    header = ["naam", "functie", "organisatie", "rol", "omschrijving", "bezoldigd", "beperkingen",
              "register_laatst_gewijzigd"]
    stamp = to_local(changed).date().isoformat() if changed else ""
    rows = [
        [r["name"], r["function"], r["organisation"], r["role"], r["description"],
         "" if r["paid"] is None else ("ja" if r["paid"] else "nee"), r["restrictions"], stamp]
        for r in flat_rows(officials)
    ]
    return _public(csv_response("register-nevenwerkzaamheden.csv", header, rows, delimiter=",", bom=False))


@public_bp.route("/register.json")
def public_json():
    """The public register as open data (JSON)."""
    body = published_register_json(current_app.config["ORGANISATION_NAME"])
    return _public(current_app.response_class(body + "\n", mimetype="application/json"))
