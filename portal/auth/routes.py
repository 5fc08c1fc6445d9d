"""Sign-in, sign-out (here or everywhere), the account page and the language switch."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth import bp
from portal.auth.forms import LoginForm
from portal.auth.services import (
    AccountUnusable,
    DirectoryUnavailable,
    InvalidCredentials,
    TooManyAttempts,
    end_all_sessions,
    end_session,
    sign_in,
)
from portal.core.forms import EmptyForm, LanguageForm
from portal.core.i18n import gettext as _
from portal.core.sessions import start_session
from portal.core.urls import safe_next


def _unusable_message(reason: str) -> str:
    """What a person who typed the right password is told when the directory will not let them in."""
    messages = {
        "must_change_password": _("Uw wachtwoord moet eerst worden gewijzigd. Wijzig het bij het inloggen op "
                                  "uw werkplek en meld u daarna hier opnieuw aan."),
        "password_expired": _("Uw wachtwoord is verlopen. Kies een nieuw wachtwoord bij het inloggen op uw "
                              "werkplek en meld u daarna hier opnieuw aan."),
        "account_expired": _("Uw account is verlopen. Neem contact op met uw leidinggevende of de "
                             "servicedesk als u nog in dienst bent."),
        "disabled": _("Uw account is uitgeschakeld. Neem contact op met de servicedesk als dit niet klopt."),
    }
    return messages.get(reason, messages["disabled"])


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form and sign in against the directory."""
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next"))
        if current_user.is_authenticated:
            return redirect(form.next.data)
    status, help_shown = 200, False
    if form.validate_on_submit():
        try:
            user, session_id = sign_in(form.username.data, form.password.data,
                                       request.remote_addr or "unknown")
        except InvalidCredentials:
            form.form_errors.append(_("De combinatie van gebruikersnaam en wachtwoord is niet bekend."))
        except AccountUnusable as exc:
            form.form_errors.append(_unusable_message(exc.reason))
            help_shown = True
        except TooManyAttempts as exc:
            form.form_errors.append(ngettext(
                "Te veel mislukte pogingen. Wacht %(num)d minuut en probeer het dan opnieuw.",
                "Te veel mislukte pogingen. Wacht %(num)d minuten en probeer het dan opnieuw.",
                exc.wait_minutes))
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
            start_session(user, session_id)
            login_user(user, remember=False)
            return redirect(safe_next(form.next.data))
    form.password.data = ""
    return render_template("auth/login.html", form=form, help_shown=help_shown,
                           help_text=current_app.config.get("LOGIN_HELP_TEXT"),
                           help_url=current_app.config.get("LOGIN_HELP_URL")), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST only, with CSRF): the session ends on the server too."""
    form = EmptyForm()
    if form.validate_on_submit():
        end_session(session.get("sid"))
        logout_user()
        session.clear()
        flash(_("U bent afgemeld."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required
def account():
    """The signed-in person's account: who the portal thinks they are, and signing out everywhere."""
    return render_template("auth/account.html", form=EmptyForm())


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required
def sign_out_everywhere():
    """End every session of the signed-in person, on every device, this one included."""
    form = EmptyForm()
    if form.validate_on_submit():
        end_all_sessions(current_user, actor=current_user)
        logout_user()
        session.clear()
        flash(_("U bent overal afgemeld."), "info")
        return redirect(url_for("auth.login"))
    return redirect(url_for("auth.account"))


@bp.route("/language", methods=["POST"])
def set_language():
    """Switch the interface language; remembered on the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            current_user.language = form.lang.data
    return redirect(safe_next(form.next.data))
