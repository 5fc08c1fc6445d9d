"""Employee pages: open sessions, sign-up, my registration, the statement, certificates."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.forms import EmptyForm
from portal.core.i18n import gettext as _
from portal.extensions import db
from portal.oath import bp
from portal.oath.access import get_record_for_registration, get_registration, get_session, is_hr
from portal.oath.certificate import CertificateData, render_certificate
from portal.oath.forms import RegisterForm, StatementForm
from portal.oath.formulas import wording_lines
from portal.oath.ics import build_invitation
from portal.oath.states import RegistrationStatus
from portal.oath.services.locking import active_registration_for, waitlist_position
from portal.oath.queries import (
    free_places,
    open_sessions_page,
    place_counts,
    record_of,
    registrations_of,
    standing_of,
)
from portal.oath.services.registrations import (
    cancel_refusal,
    cancel_registration,
    is_open_for_registration,
    register_for_session,
)
from portal.oath.services.formulas import current_wordings
from portal.oath.services.statements import (
    current_statement_text,
    is_statement_user,
    sign_statement,
    signature_of,
    statement_html,
)
from portal.oath.states import OathError


def _statement_instead():
    return redirect(url_for("oath.statement"))


@bp.route("/sessions")
@login_required
def sessions():
    """Open sessions with their free places; both formulas in full."""
    if is_statement_user(current_user):
        return _statement_instead()
    page, counts = open_sessions_page(10)
    return render_template("oath/sessions.html", page=page, counts=counts, free_places=free_places,
                           formulas=current_wordings("nl"), standing=standing_of(current_user.id))


@bp.route("/sessions/<int:session_id>", methods=["GET", "POST"])
@login_required
def session(session_id: int):
    """One session and the sign-up form (or the waiting-list button when it is full)."""
    oath_session = get_session(session_id)
    if is_statement_user(current_user):
        return _statement_instead()
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            registration = register_for_session(oath_session.id, current_user, form.formula.data,
                                                form.accessibility_needs.data)
        except OathError as exc:
            form.form_errors.append(exc.message)
        else:
            flash(_("U bent aangemeld. U krijgt een bevestiging per e-mail met een agenda-uitnodiging.")
                  if registration.status == RegistrationStatus.confirmed
                  else _("De bijeenkomst is vol: u staat op de wachtlijst. Komt er een plaats vrij, dan krijgt u "
                         "die automatisch en hoort u dat per e-mail."), "success")
            return redirect(url_for("oath.my"))
    # the free places only for the page: a sign-up counts them itself, inside the session lock
    free = free_places(oath_session, place_counts([oath_session.id])[oath_session.id])
    if free == 0:
        form.offer_waiting_list()
    active = active_registration_for(current_user.id)
    chosen = active.formula if active and active.session_id == oath_session.id else None
    return render_template("oath/session.html", oath_session=oath_session, form=form, free=free,
                           is_open=is_open_for_registration(oath_session),
                           formulas=current_wordings(oath_session.language, chosen),
                           record=record_of(current_user.id), active=active)


@bp.route("/my")
@login_required
def my():
    """My registration, place on the waiting list, and my oath record with the certificate."""
    if is_statement_user(current_user):
        return _statement_instead()
    registrations = registrations_of(current_user.id)
    active = next((r for r in registrations if r.is_active), None)
    return render_template(
        "oath/my.html", registrations=registrations, active=active, record=record_of(current_user.id),
        position=waitlist_position(active) if active else None,
        cancel_blocked=cancel_refusal(active, active.session, current_user) if active else None,
        cancel_form=EmptyForm(),
    )


@bp.route("/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel(registration_id: int):
    """Cancel a registration (the employee until the deadline, HR until the start)."""
    registration = get_registration(registration_id, current_user)
    own = registration.user_id == current_user.id
    if EmptyForm().validate_on_submit():
        try:
            cancel_registration(registration.id, current_user)
        except OathError as exc:
            flash(exc.message, "error")
        else:
            flash(_("De aanmelding is afgemeld.") if not own else _("U bent afgemeld. U kunt zich voor een andere "
                                                                      "bijeenkomst aanmelden."), "success")
    if own or not is_hr(current_user):
        return redirect(url_for("oath.my"))
    return redirect(url_for("oath.admin_session", session_id=registration.session_id))


@bp.route("/registrations/<int:registration_id>/ambtseed.ics")
@login_required
def calendar_file(registration_id: int):
    """The confirmed registration as an .ics file to add to one's own calendar."""
    registration = get_registration(registration_id, current_user)
    if registration.status != RegistrationStatus.confirmed:
        abort(404)
    return Response(build_invitation(registration.session, registration, "PUBLISH"), mimetype="text/calendar", headers={
        "Content-Disposition": 'attachment; filename="ambtseed.ics"', "Cache-Control": "no-store",
    })


@bp.route("/statement", methods=["GET", "POST"])
@login_required
def statement():
    """Read and sign the integrity statement (interns, hired staff, holiday and on-call workers)."""
    if not is_statement_user(current_user):
        return redirect(url_for("oath.my"))
    text = current_statement_text()
    if text is None:  # nothing published yet (flask portal run-jobs or seed-demo publishes it)
        return render_template("oath/statement.html", text=None), 503
    signature = signature_of(current_user.id, text.id)
    form = StatementForm(text_id=text.id)
    if signature is None and form.validate_on_submit():
        try:
            sign_statement(current_user, int(form.text_id.data), form.signed_name.data)
        except OathError as exc:
            errors = form[exc.field].errors if exc.field else form.form_errors
            errors.append(exc.message)
        else:
            flash(_("Dank u wel. U heeft de integriteitsverklaring ondertekend."), "success")
            return redirect(url_for("oath.statement"))
    return render_template("oath/statement.html", text=text, text_html=statement_html(text), signature=signature,
                           earlier=signature_of(current_user.id) if signature is None else None, form=form)


@bp.route("/certificates/<int:registration_id>.pdf")
@login_required
def certificate(registration_id: int):
    """The certificate (oorkonde) PDF: for the employee and for HR only."""
    record = get_record_for_registration(registration_id, current_user)
    person = db.session.get(User, record.user_id)
    pdf = render_certificate(CertificateData(
        organisation=current_app.config["ORGANISATION_NAME"], name=person.display_name,
        formula=record.formula, taken_on=record.taken_on, official=record.official,
        lines=wording_lines(record.wording),
    ))
    record_event("oath.certificate_download", actor=current_user, obj=record, subject_user_id=record.user_id)
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="oorkonde-{registration_id}.pdf"',
        "Cache-Control": "no-store",
    })
