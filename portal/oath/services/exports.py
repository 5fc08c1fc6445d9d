"""Rows for the HR lists and CSV downloads."""

from __future__ import annotations

from typing import Iterator, Sequence

from portal.core.i18n import gettext as _
from portal.core.time import to_local
from portal.oath.display import local_datetime_text
from portal.oath.models import OathSession, Registration
from portal.oath.states import RegistrationStatus
from portal.oath.services.reports import iter_outstanding
from portal.oath.services.statements import is_statement_user

PRESENT = (RegistrationStatus.confirmed, RegistrationStatus.attended, RegistrationStatus.no_show)


def group_registrations(registrations: Sequence[Registration]) -> dict[str, list[Registration]]:
    """Split a session's registrations (in queue order) into places, waiting list and cancelled."""
    return {
        "places": [r for r in registrations if r.status in PRESENT],
        "waiting": [r for r in registrations if r.status == RegistrationStatus.waitlisted],
        "cancelled": [r for r in registrations if r.status == RegistrationStatus.cancelled],
    }


def attendance_rows(session: OathSession, registrations: Sequence[Registration]) -> tuple[list[str], list[list]]:
    """A session's list (a few dozen people): made now, while the registrations are loaded."""
    header = [_("Naam"), _("Gebruikersnaam"), _("Afdeling"), _("Eed of belofte"), _("Status"),
              _("Toegankelijkheid"), _("Bijeenkomst"), _("Handtekening")]
    when = local_datetime_text(session.starts_at)
    return header, [[r.user.display_name, r.user.username, r.user.department or "", str(r.formula.label),
                     str(r.status.label), r.accessibility_needs or "", when, ""]
                    for r in registrations]


def outstanding_rows() -> tuple[list[str], Iterator[list]]:
    header = [_("Naam"), _("Gebruikersnaam"), _("E-mail"), _("Afdeling"), _("Soort medewerker"), _("Moet nog"),
              _("Startdatum (voor het eerst in de directory gevonden of aangemeld)"), _("Aanmelding bijeenkomst")]

    def rows() -> Iterator[list]:
        for user, registration in iter_outstanding():
            todo = _("Integriteitsverklaring") if is_statement_user(user) else _("Ambtseed of belofte")
            signed_up = ""
            if registration is not None:
                when = local_datetime_text(registration.session.starts_at)
                signed_up = f"{registration.status.label} {when}"
            yield [user.display_name, user.username, user.email or "", user.department or "",
                   user.employee_type or "", todo, to_local(user.first_seen_at).date().isoformat(), signed_up]

    return header, rows()
