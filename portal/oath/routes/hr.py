"""HR (P&O) pages: plan sessions, run the day, who still has to, statement signatures."""

from __future__ import annotations

from typing import Optional

from flask import flash, redirect, render_template, url_for
from flask_babel import ngettext
from flask_login import current_user

from portal.core.access import role_required
from portal.core.forms import EmptyForm
from portal.core.i18n import gettext as _
from portal.oath import bp
from portal.oath.access import get_registration, get_session
from portal.core.exports import csv_response
from portal.core.pagination import paginate
from portal.oath.forms import (
    CancelSessionForm,
    ConfirmOathImportForm,
    FormulaTextForm,
    MarkForm,
    OathImportForm,
    SessionForm,
)
from portal.oath.formulas import LANGUAGES, MODEL_TEXTS, PLACEHOLDER
from portal.oath.imports import MAX_BYTES, ImportFileError, import_oaths
from portal.oath.models import OathSession
from portal.oath.states import Formula, RegistrationStatus
from portal.oath.services import exports
from portal.oath.services.attendance import attendance_open, mark_attendance
from portal.oath.queries import (
    admin_sessions_query,
    attendance_list,
    free_places,
    place_counts,
    session_registrations,
)
from portal.oath.services.reports import (
    active_registrations_of,
    current_statement_version,
    latest_signatures_of,
    outstanding_query,
    send_todo_reminders,
    statement_counts,
    statement_overview_query,
)
from portal.oath.services.formulas import (
    current_formula_text,
    formula_versions,
    organisation_name,
    publish_formula_text,
)
from portal.oath.services.registrations import cancel_refusal
from portal.oath.services.sessions import cancel_session, create_session, update_session
from portal.oath.services.statements import is_statement_user
from portal.oath.states import OathError

hr_only = role_required("reviewer", "admin")


@bp.route("/admin")
@hr_only
def admin_sessions():
    """All sessions, upcoming first, with their places and waiting lists."""
    page = paginate(admin_sessions_query(), 20)
    return render_template("oath/admin/sessions.html", page=page, counts=place_counts(s.id for s in page.items))


@bp.route("/admin/sessions/new", methods=["GET", "POST"])
@hr_only
def admin_new_session():
    """Plan a new session."""
    return _session_form_page(None)


@bp.route("/admin/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@hr_only
def admin_edit_session(session_id: int):
    """Change a session; everyone registered gets the change (and an updated invitation)."""
    return _session_form_page(get_session(session_id))


def _session_form_page(oath_session: Optional[OathSession]):
    form = SessionForm(existing=oath_session)
    if form.validate_on_submit():
        try:
            if oath_session is None:
                oath_session = create_session(form.session_data(), current_user)
                message = _("De bijeenkomst is ingepland.")
            else:
                changed = update_session(oath_session.id, form.session_data(), current_user)
                message = _("De wijzigingen zijn opgeslagen.") if changed else _("Er is niets gewijzigd.")
        except OathError as exc:
            (getattr(form, exc.field).errors if exc.field else form.form_errors).append(exc.message)
        else:
            flash(message, "success")
            return redirect(url_for("oath.admin_session", session_id=oath_session.id))
    return render_template("oath/admin/session_form.html", form=form, oath_session=oath_session)


@bp.route("/admin/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@hr_only
def admin_cancel_session(session_id: int):
    """Cancel a session after confirmation; every registrant is told."""
    oath_session = get_session(session_id)
    form = CancelSessionForm()
    if form.validate_on_submit():
        try:
            count = cancel_session(oath_session.id, current_user, note=form.note.data or "")
        except OathError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(ngettext("De bijeenkomst is geannuleerd; %(num)d aangemelde medewerker krijgt bericht.",
                           "De bijeenkomst is geannuleerd; %(num)d aangemelde medewerkers krijgen bericht.", count),
                  "success")
            return redirect(url_for("oath.admin_session", session_id=oath_session.id))
    counts = place_counts([oath_session.id])[oath_session.id]
    return render_template("oath/admin/cancel.html", oath_session=oath_session, form=form, counts=counts)


@bp.route("/admin/sessions/<int:session_id>")
@hr_only
def admin_session(session_id: int):
    """A session's registrations, waiting list and attendance."""
    oath_session = get_session(session_id)
    registrations = session_registrations(oath_session.id)
    counts = place_counts([oath_session.id])[oath_session.id]
    return render_template("oath/admin/session.html", oath_session=oath_session, counts=counts,
                           free=free_places(oath_session, counts), groups=exports.group_registrations(registrations),
                           marking_open=attendance_open(oath_session),
                           can_cancel=lambda r: cancel_refusal(r, oath_session, current_user) is None)


@bp.route("/admin/sessions/<int:session_id>/attendance")
@hr_only
def admin_attendance(session_id: int):
    """The printable attendance list (print with the browser; navigation is left out)."""
    oath_session = get_session(session_id)
    return render_template("oath/admin/attendance.html", oath_session=oath_session,
                           registrations=attendance_list(oath_session.id))


@bp.route("/admin/sessions/<int:session_id>/attendance.csv")
@hr_only
def admin_attendance_csv(session_id: int):
    """The attendance list as CSV."""
    oath_session = get_session(session_id)
    header, rows = exports.attendance_rows(oath_session, attendance_list(oath_session.id))
    return csv_response(f"presentielijst-{oath_session.id}.csv", header, rows)


@bp.route("/admin/registrations/<int:registration_id>/mark", methods=["POST"])
@hr_only
def admin_mark(registration_id: int):
    """Mark a registration attended (oath on record) or no-show."""
    registration = get_registration(registration_id, current_user)
    form = MarkForm()
    if form.validate_on_submit():
        try:
            mark_attendance(registration.id, form.status.data, current_user)
        except OathError as exc:
            flash(exc.message, "error")
        else:
            name = registration.user.display_name
            flash(_("%(name)s is gemarkeerd als aanwezig.", name=name)
                  if form.status.data == RegistrationStatus.attended
                  else _("%(name)s is gemarkeerd als niet verschenen.", name=name), "success")
    else:  # only a request not sent by the page's buttons (or an expired form) gets here
        flash(_("De aanwezigheid is niet vastgelegd. Kies Aanwezig of Niet verschenen bij de persoon."), "error")
    return redirect(url_for("oath.admin_session", session_id=registration.session_id, _anchor="aanwezigheid"))


@bp.route("/admin/outstanding")
@hr_only
def admin_outstanding():
    """Everyone who has neither taken the oath nor signed the statement, longest-serving first."""
    page = paginate(outstanding_query(), 50)
    return render_template("oath/admin/outstanding.html", page=page,
                           registrations=active_registrations_of(u.id for u in page.items),
                           statement_user=is_statement_user, remind_form=EmptyForm())


@bp.route("/admin/outstanding.csv")
@hr_only
def admin_outstanding_csv():
    """The "who still has to" list as CSV."""
    header, rows = exports.outstanding_rows()
    return csv_response("nog-te-doen-ambtseed.csv", header, rows)


@bp.route("/admin/outstanding/remind", methods=["POST"])
@hr_only
def admin_outstanding_remind():
    """Mail everyone on the list (without a confirmed place) a reminder; once a month at most."""
    if EmptyForm().validate_on_submit():
        queued, skipped = send_todo_reminders(current_user)
        flash(_("Herinneringen verstuurd: %(queued)d. Overgeslagen (al aangemeld, geen e-mailadres of deze maand "
                "al herinnerd): %(skipped)d.", queued=queued, skipped=skipped), "success")
    return redirect(url_for("oath.admin_outstanding"))


@bp.route("/admin/statements")
@hr_only
def admin_statements():
    """Who of the interns, temps and hired staff has signed the integrity statement."""
    page = paginate(statement_overview_query(), 50)
    signed, unsigned = statement_counts()
    return render_template("oath/admin/statements.html", page=page, signed=signed, unsigned=unsigned,
                           signatures=latest_signatures_of(u.id for u in page.items),
                           current_version=current_statement_version())


@bp.route("/admin/import", methods=["GET", "POST"])
@hr_only
def admin_import():
    """Upload HR's list of oaths taken before the portal: check it first (nothing is recorded yet)."""
    form, report, confirm = OathImportForm(), None, None
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        try:
            report = import_oaths(data, current_user, dry_run=True)
        except ImportFileError as exc:
            form.file.errors.append(str(exc))
        else:
            if not report.errors:
                confirm = ConfirmOathImportForm(formdata=None, content=ConfirmOathImportForm.encode(data),
                                                file_name=(form.file.data.filename or "")[:200])
    return render_template("oath/admin/import.html", form=form, report=report, confirm=confirm)


@bp.route("/admin/import/apply", methods=["POST"])
@hr_only
def admin_import_apply():
    """Record the checked file (checked again: a line that went wrong since records nobody)."""
    confirm, form, report = ConfirmOathImportForm(), OathImportForm(formdata=None), None
    data = confirm.file_data() if confirm.validate_on_submit() else None
    if data is None:
        form.form_errors.append(_("Het gecontroleerde bestand kon niet worden gelezen. Kies het bestand opnieuw."))
    else:
        try:
            report = import_oaths(data, current_user, file_name=confirm.file_name.data or "")
        except ImportFileError as exc:
            form.form_errors.append(str(exc))
        else:
            if report.applied:
                flash(" ".join((
                    ngettext("%(num)d eed of belofte vastgelegd;", "%(num)d eden of beloften vastgelegd;",
                             len(report.new)),
                    ngettext("%(num)d stond er al.", "%(num)d stonden er al.", len(report.existing)),
                )), "success")
                return redirect(url_for("oath.admin_outstanding"))
    return render_template("oath/admin/import.html", form=form, report=report, confirm=None)


@bp.route("/admin/formulas")
@hr_only
def admin_formulas():
    """The published wording of the oath and the affirmation per language, with every version."""
    versions = {(formula, language): formula_versions(formula, language)
                for formula in Formula for language in LANGUAGES}
    return render_template("oath/admin/formulas.html", versions=versions, placeholder=PLACEHOLDER,
                           organisation=organisation_name())


@bp.route("/admin/formulas/<any(oath, affirmation):formula>/<any(nl, en):language>/new", methods=["GET", "POST"])
@hr_only
def admin_new_formula(formula: str, language: str):
    """Publish a new version of one formula in one language; oaths taken before keep their words."""
    formula_enum = Formula(formula)
    current = current_formula_text(formula_enum, language)
    form = FormulaTextForm(formula=formula_enum, language=language,
                           data={"body": current.body if current else MODEL_TEXTS[formula_enum, language]})
    if form.validate_on_submit():
        try:
            version = publish_formula_text(formula_enum, language, form.body.data, current_user)
        except OathError as exc:
            (getattr(form, exc.field).errors if exc.field else form.form_errors).append(exc.message)
        else:
            flash(_("Versie %(version)d is gepubliceerd. Wie vanaf nu de eed of belofte aflegt, krijgt deze tekst.",
                    version=version.version), "success")
            return redirect(url_for("oath.admin_formulas"))
    return render_template("oath/admin/formula_form.html", form=form, formula=formula_enum, language=language,
                           current=current, organisation=organisation_name())
