"""Dutch labels for the oath area's states, shared by pages and exports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.oath.models import Formula, RegistrationStatus, SessionStatus

REGISTRATION_LABELS = {
    RegistrationStatus.confirmed: _l("Aangemeld"),
    RegistrationStatus.waitlisted: _l("Op de wachtlijst"),
    RegistrationStatus.cancelled: _l("Afgemeld"),
    RegistrationStatus.attended: _l("Aanwezig"),
    RegistrationStatus.no_show: _l("Niet verschenen"),
}

#: portal-badge modifier per registration state
REGISTRATION_BADGES = {
    RegistrationStatus.confirmed: "info",
    RegistrationStatus.waitlisted: "warning",
    RegistrationStatus.cancelled: "neutral",
    RegistrationStatus.attended: "ok",
    RegistrationStatus.no_show: "error",
}

SESSION_LABELS = {
    SessionStatus.scheduled: _l("Gepland"),
    SessionStatus.cancelled: _l("Geannuleerd"),
    SessionStatus.held: _l("Gehouden"),
}

FORMULA_LABELS = {
    Formula.oath: _l("Eed"),
    Formula.affirmation: _l("Belofte"),
}

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}


def template_labels() -> dict:
    """Everything the oath templates need to name states."""
    return {
        "registration_labels": REGISTRATION_LABELS,
        "registration_badges": REGISTRATION_BADGES,
        "session_labels": SESSION_LABELS,
        "formula_labels": FORMULA_LABELS,
        "language_labels": LANGUAGE_LABELS,
    }
