"""The oath area's enums with their labels, its two state machines, and the errors its services raise.

    registration:  waitlisted ──► confirmed ──► attended
                        │             │  ▲
                        ▼             ▼  │
                    cancelled ◄───────┤  no_show ─► attended (came late)
                                      ▼
                                  cancelled

    session:       scheduled ──► held | cancelled
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.refusals import Refusal
from portal.core.states import Transitions

if TYPE_CHECKING:
    from portal.oath.models import OathSession, Registration


class SessionStatus(LabelledEnum):
    scheduled = "scheduled", _l("Gepland")
    cancelled = "cancelled", _l("Geannuleerd")
    held = "held", _l("Gehouden")


class RegistrationStatus(LabelledEnum):
    confirmed = "confirmed", _l("Aangemeld")
    waitlisted = "waitlisted", _l("Op de wachtlijst")
    cancelled = "cancelled", _l("Afgemeld")
    attended = "attended", _l("Aanwezig")
    no_show = "no_show", _l("Niet verschenen")


#: a person has at most one registration in these states, across all sessions
ACTIVE_STATUSES = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)


class Formula(LabelledEnum):
    oath = "oath", _l("Eed")  #: ambtseed
    affirmation = "affirmation", _l("Belofte")  #: ambtsbelofte


class RecordSource(LabelledEnum):
    ceremony = "ceremony", _l("Bijeenkomst in het portaal")
    imported = "imported", _l("Overgenomen uit de administratie")  #: taken before the portal


class OathError(Refusal):
    """A rule refused the action; ``message`` is shown to the user (Dutch msgid)."""

    def __init__(self, message=None, field: str | None = None):
        super().__init__(message)
        #: the form field the message belongs next to, if any
        self.field = field


class TransitionNotAllowed(OathError):
    """A state change that the workflow does not allow."""


R = RegistrationStatus

REGISTRATION_TRANSITIONS: dict[RegistrationStatus, frozenset[RegistrationStatus]] = {
    R.waitlisted: frozenset({R.confirmed, R.cancelled}),
    R.confirmed: frozenset({R.cancelled, R.attended, R.no_show}),
    # HR may correct a no-show on the day (someone came late); attended is final: a record exists
    R.no_show: frozenset({R.attended}),
    R.attended: frozenset(),
    R.cancelled: frozenset(),
}

SESSION_TRANSITIONS: dict[SessionStatus, frozenset[SessionStatus]] = {
    SessionStatus.scheduled: frozenset({SessionStatus.cancelled, SessionStatus.held}),
    SessionStatus.held: frozenset(),
    SessionStatus.cancelled: frozenset(),
}

_REGISTRATION_REFUSALS = {
    R.cancelled: _l("Deze aanmelding is al afgemeld."),
    R.attended: _l("Deze aanmelding is al afgerond: de eed of belofte is afgelegd."),
}


REGISTRATION_FLOW = Transitions(RegistrationStatus, REGISTRATION_TRANSITIONS, lambda current, _target: TransitionNotAllowed(
    _REGISTRATION_REFUSALS.get(current, _l("Deze wijziging van de aanmelding is niet mogelijk."))))
SESSION_FLOW = Transitions(SessionStatus, SESSION_TRANSITIONS, lambda current, _target: TransitionNotAllowed(
    _l("Deze bijeenkomst is geannuleerd.") if current == SessionStatus.cancelled
    else _l("Deze bijeenkomst heeft al plaatsgevonden.")))


def move_registration(registration: Registration, new_status: RegistrationStatus) -> None:
    """Change a registration's status, or raise TransitionNotAllowed."""
    registration.status = REGISTRATION_FLOW.check(registration.status, new_status)


def move_session(session: OathSession, new_status: SessionStatus) -> None:
    """Change a session's status, or raise TransitionNotAllowed."""
    session.status = SESSION_FLOW.check(session.status, new_status)
