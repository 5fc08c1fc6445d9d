"""Session lifetime: idle and absolute limits, checked on every request."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import logout_user
from flask_wtf.csrf import generate_csrf

from portal.core.i18n import gettext as _
from portal.core.time import utcnow

#: how often the "last seen" time in the session cookie is renewed
SEEN_AT_PRECISION_SECONDS = 60


def start_session(user, session_id: str) -> None:
    """Begin a fresh session for ``user``: nothing from before sign-in survives (no fixation).

    ``session_id`` names the server-side record (``UserSession``) that sign-out ends.
    """
    lang = session.get("lang") or user.language
    session.clear()
    now = utcnow().timestamp()
    session["sid"] = session_id
    session["login_at"] = now
    session["seen_at"] = now
    session["lang"] = lang
    session.permanent = True
    # A fresh CSRF secret now rather than on the first page, so that the cookie set at sign-in
    # is the one the pages keep (one cookie write, and pages can be cached for the session).
    g.pop("csrf_token", None)
    token = generate_csrf()
    session[SIGNED_CSRF_KEY] = [session["csrf_token"], token]


#: the session's CSRF token as the forms carry it, signed once at sign-in (see ``reuse_signed_csrf``)
SIGNED_CSRF_KEY = "csrf_signed"


def reuse_signed_csrf() -> None:
    """Give Flask-WTF the token signed at sign-in instead of signing it again on every page.

    Tokens do not expire by time (``WTF_CSRF_TIME_LIMIT`` is off: the session's own limits
    apply), so the one signed at sign-in stays valid for the session; it is checked as before.
    """
    signed = session.get(SIGNED_CSRF_KEY)
    if signed and "csrf_token" not in g and signed[0] == session.get("csrf_token"):
        g.csrf_token = signed[1]  # signed for this very secret, never for one that replaced it


def _expired(now: float) -> bool:
    config = current_app.config
    idle = config["SESSION_IDLE_MINUTES"] * 60
    absolute = config["SESSION_MAX_HOURS"] * 3600
    return now - session.get("seen_at", 0) > idle or now - session.get("login_at", 0) > absolute


def enforce_session_lifetime():
    """End sessions past their idle or absolute lifetime.

    A form posted into an expired session is not saved; its text is shown back
    so that nothing typed is lost silently.
    """
    if request.endpoint in (None, "static", "core.healthz"):
        return None
    if "_user_id" not in session:
        return None
    now = utcnow().timestamp()
    if not _expired(now):
        # Re-signing the cookie on every response costs time and bytes; a minute of
        # precision is plenty for an idle limit counted in minutes.
        if now - session.get("seen_at", 0) >= SEEN_AT_PRECISION_SECONDS:
            session["seen_at"] = now
        return None
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else request.path)
    if request.method == "POST" and request.endpoint not in ("auth.login", "auth.logout"):
        unsaved = [
            (name, value)
            for name, value in request.form.items(multi=True)
            if name not in ("csrf_token", "password", "submit") and value.strip()
        ]
        return render_template("errors/session_expired.html", unsaved=unsaved, login_url=login_url), 401
    flash(_("Uw sessie is verlopen. Meld u opnieuw aan."), "warning")
    return redirect(login_url)


class PortalSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session that never sets a cookie on a response meant for everyone.

    A response marked ``Cache-Control: public`` (the public register) may be kept by a proxy
    and handed to others: a ``Set-Cookie`` on it would hand them this visitor's session.
    """

    def save_session(self, app: Flask, session, response) -> None:
        if response.cache_control.public:
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    app.session_interface = PortalSessionInterface()
    hours = app.config["SESSION_MAX_HOURS"]
    app.config.update(
        PERMANENT_SESSION_LIFETIME=timedelta(hours=hours),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["ENV"] == "production",
        SESSION_COOKIE_NAME="portal_session",
        # The cookie is written when the session changes (sign-in, language, "last seen" once a
        # minute), not re-signed on every response.
        SESSION_REFRESH_EACH_REQUEST=False,
        # No "remember me": the only cookie is the session cookie above.
        REMEMBER_COOKIE_DURATION=timedelta(seconds=0),
    )
    app.before_request(enforce_session_lifetime)
    app.before_request(reuse_signed_csrf)
