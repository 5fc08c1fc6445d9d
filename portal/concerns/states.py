"""The lifecycle of a report of a suspected breach (melding): every status, with its label, and
the ONE place that knows the allowed transitions.

Concern lifecycle::

    received ──confirm_receipt──▶ confirmed ──start_investigation──▶ investigating
        │                            │                                    │
        │                            └──────record_outcome──────┐         │
        │                                                       ▼         │
        │                                                    assessed ◀───┘ record_outcome
        │                                                       │
        └──────────── close (not taken up) ─────▶ closed ◀──────┘ close
                                     (also from confirmed)

Receipt is confirmed within 7 days and the assessment (an outcome, or closing without one)
follows within 3 months (Wet bescherming klokkenluiders). Category and measure may be
corrected at any time; every transition and correction is written to the audit trail.
"""

from __future__ import annotations

from portal.core.enums import LabelledEnum, label_of  # noqa: F401 - the area's callers import it from here
from portal.core.i18n import lazy_gettext as _l
from portal.core.refusals import Refusal
from portal.core.states import Transitions


class ConcernStatus(LabelledEnum):
    """Where a concern is in its handling."""

    received = "received", _l("Ontvangen")
    confirmed = "confirmed", _l("Ontvangst bevestigd")
    investigating = "investigating", _l("In onderzoek")
    assessed = "assessed", _l("Beoordeeld")
    closed = "closed", _l("Afgesloten")


class Channel(LabelledEnum):
    """How the concern reached the coordinator."""

    portal = "portal", _l("Via het portaal")
    manager = "manager", _l("Via een leidinggevende")
    adviser = "adviser", _l("Via een vertrouwenspersoon")
    citizen = "citizen", _l("Van een inwoner of bedrijf")
    anonymous_letter = "anonymous_letter", _l("Anonieme brief")
    other = "other", _l("Anders")


class InvestigationType(LabelledEnum):
    """Who investigates (the annual report counts investigations by type)."""

    none = "none", _l("Geen onderzoek")
    line = "line", _l("Onderzoek door de lijn")
    internal = "internal", _l("Intern onderzoek")
    external = "external", _l("Extern onderzoek")


class Outcome(LabelledEnum):
    """The assessment: substantiated, unsubstantiated, or not to be established."""

    substantiated = "substantiated", _l("Gegrond")
    unsubstantiated = "unsubstantiated", _l("Ongegrond")
    undetermined = "undetermined", _l("Niet vast te stellen")


TRANSITIONS: dict[ConcernStatus, frozenset[ConcernStatus]] = {
    ConcernStatus.received: frozenset({ConcernStatus.confirmed, ConcernStatus.closed}),
    ConcernStatus.confirmed: frozenset({ConcernStatus.investigating, ConcernStatus.assessed, ConcernStatus.closed}),
    ConcernStatus.investigating: frozenset({ConcernStatus.assessed}),
    ConcernStatus.assessed: frozenset({ConcernStatus.closed}),
    ConcernStatus.closed: frozenset(),
}

#: statuses whose assessment is still to come (deadline shown and overdue-marked)
OPEN_STATUSES = frozenset({ConcernStatus.received, ConcernStatus.confirmed, ConcernStatus.investigating})

#: what the reporter reads about their own concern (no internal detail)
REPORTER_STATUS_TEXT = {
    ConcernStatus.received: _l("Uw melding is ontvangen. De integriteitscoördinator bevestigt de ontvangst."),
    ConcernStatus.confirmed: _l("De ontvangst is bevestigd. De melding wordt beoordeeld."),
    ConcernStatus.investigating: _l("Er loopt een onderzoek naar uw melding."),
    ConcernStatus.assessed: _l("De melding is beoordeeld. U hoort de uitkomst van de integriteitscoördinator."),
    ConcernStatus.closed: _l("De behandeling van uw melding is afgerond."),
}

STATUS_TONES = {
    ConcernStatus.received: "warning",
    ConcernStatus.confirmed: "info",
    ConcernStatus.investigating: "info",
    ConcernStatus.assessed: "ok",
    ConcernStatus.closed: "neutral",
}

#: labels of the default category codes (PORTAL_CONCERN_CATEGORIES); the advisers' contacts use
#: the natures below
CATEGORY_LABELS = {
    "financieel": _l("Financiële integriteitsschendingen"),
    "belangenverstrengeling": _l("Misbruik van positie of belangenverstrengeling"),
    "informatie": _l("Lekken of misbruik van informatie"),
    "bevoegdheden": _l("Misbruik van bevoegdheden"),
    "omgangsvormen": _l("Ongewenste omgangsvormen"),
    "privesfeer": _l("Misdragingen in de privésfeer"),
    "nevenwerkzaamheden": _l("Nevenwerkzaamheden"),
    "overig": _l("Overig"),
}

MEASURE_LABELS = {
    "geen": _l("Geen maatregel"),
    "gesprek": _l("Gesprek"),
    "schriftelijke-waarschuwing": _l("Schriftelijke waarschuwing"),
    "disciplinaire-maatregel": _l("Andere disciplinaire maatregel"),
    "ontslag": _l("Disciplinair ontslag"),
    "aangifte": _l("Aangifte of melding bij politie of OM"),
}
#: the measure that the annual report counts as a disciplinary dismissal
DISMISSAL = "ontslag"

#: the nature of a confidential adviser's contact (Rotterdam's categories)
CONTACT_NATURES = {
    "pesten": _l("Pesten"),
    "seksuele-intimidatie": _l("Seksuele intimidatie"),
    "agressie-geweld": _l("Agressie en geweld"),
    "discriminatie": _l("Discriminatie"),
    "integriteit": _l("Vermoeden integriteitsschending"),
    "werksituatie": _l("Werksituatie"),
    "overig": _l("Overig"),
}


class ConcernError(Refusal):
    """A rule refused an action; ``exc.message`` is a Dutch sentence for the user."""


class InvalidTransition(ConcernError):
    """A state change that the lifecycle does not allow."""

    def __init__(self, current: ConcernStatus, target: ConcernStatus):
        self.current, self.target = current, target
        super().__init__(_l("Deze stap kan niet: de melding heeft de status „%(status)s”.",
                            status=current.label))


CONCERN_FLOW = Transitions(ConcernStatus, TRANSITIONS, InvalidTransition)
#: ``target`` when ``current → target`` is allowed; raises InvalidTransition otherwise
check_transition = CONCERN_FLOW.check
#: True when ``current → target`` is allowed (for showing or hiding forms)
can_transition = CONCERN_FLOW.allows
