"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.auth import bp
from portal.auth.forms import LoginForm
from portal.auth.services import DirectoryUnavailable, InvalidCredentials, TooManyAttempts, sign_in
from portal.core.forms import EmptyForm, LanguageForm
from portal.core.sessions import start_session
from portal.core.urls import safe_next


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign in against the directory."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        if current_user.is_authenticated:
            return redirect(form.next.data)
    status = 200
    if form.validate_on_submit():
        try:
            user = sign_in(form.username.data, form.password.data, request.remote_addr or "unknown")
        except InvalidCredentials:
            form.form_errors.append(_("De combinatie van gebruikersnaam en wachtwoord is niet bekend."))
        except TooManyAttempts:
            form.form_errors.append(
                _("Te veel mislukte pogingen. Wacht een paar minuten en probeer het opnieuw.")
            )
            status = 429
        except DirectoryUnavailable:
            form.form_errors.append(
                _(
                    "De gebruikersadministratie (directory) is nu niet bereikbaar. "
                    "Probeer het over een paar minuten opnieuw. Blijft dit zo, neem dan contact op met de servicedesk."
                )
            )
            status = 503
        else:
            start_session(user)
            login_user(user, remember=False)
            return redirect(safe_next(form.next.data))
    form.password.data = ""
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST only, with CSRF)."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        session.clear()
        flash(_("U bent afgemeld."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered on the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.language = form.lang.data
    return redirect(safe_next(form.next.data))
