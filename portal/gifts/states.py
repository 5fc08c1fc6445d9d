"""The lifecycle of a reported gift or invitation: every status, with its label, and the ONE place that
knows the allowed transitions and what a decision needs.

Gift lifecycle::

    report ─┬─ not yet decided (asks beforehand) ──▶ asked ─────────────┐
            ├─ accepted, above the threshold or an ───▶ awaiting_consent ─┤ decide
            │  invitation, trip or meal                                    ▼
            ├─ accepted, within the code's consent ──▶ noted ──decide──▶ decided
            └─ declined ─────────────────────────────▶ declined (final)

The code of conduct gives consent beforehand for a gift up to the threshold (€ 50): it is only
reported (``noted``); the manager or HR may still decide on it (a giver with a tender running).
Everything else that was accepted needs consent afterwards (art. 8 lid 1 sub e Ambtenarenwet 2017);
an invitation is discussed beforehand. The employee's manager or HR decides, never the employee.
"""

from __future__ import annotations

from portal.core.enums import LabelledEnum, label_of  # noqa: F401 - the area's callers import it from here
from portal.core.i18n import lazy_gettext as _l
from portal.core.refusals import Refusal
from portal.core.states import Transitions


class GiftStatus(LabelledEnum):
    """Where a reported gift or invitation is."""

    asked = "asked", _l("Vraag vooraf: wacht op antwoord")
    awaiting_consent = "awaiting_consent", _l("Aangenomen: wacht op toestemming")
    noted = "noted", _l("Gemeld: onder de drempel, geen toestemming nodig")
    declined = "declined", _l("Geweigerd")
    decided = "decided", _l("Besluit genomen")


class Response(LabelledEnum):
    """What the employee did with the gift or invitation."""

    accepted = "accepted", _l("Ik heb het aangenomen")
    declined = "declined", _l("Ik heb het geweigerd")
    undecided = "undecided", _l("Ik heb nog niet besloten: ik vraag vooraf of ik het mag aannemen")


class Decision(LabelledEnum):
    """What the manager or HR decided."""

    allowed = "allowed", _l("Toegestaan")
    allowed_with_conditions = "allowed_with_conditions", _l("Toegestaan onder voorwaarden")
    returned = "returned", _l("Teruggeven of afslaan")
    hand_in = "hand_in", _l("Inleveren bij de gemeente")


class ValueBand(LabelledEnum):
    """The estimated value, in bands around the threshold (labels with amounts: ``band_label``)."""

    low = "low", _l("Tot en met de drempel")
    middle = "middle", _l("Boven de drempel")
    high = "high", _l("Ruim boven de drempel")
    unknown = "unknown", _l("Weet ik niet")


#: the upper band starts at this many times the threshold (€ 50 → € 250)
HIGH_FACTOR = 5

TRANSITIONS: dict[GiftStatus, frozenset[GiftStatus]] = {
    GiftStatus.asked: frozenset({GiftStatus.decided}),
    GiftStatus.awaiting_consent: frozenset({GiftStatus.decided}),
    GiftStatus.noted: frozenset({GiftStatus.decided}),
    GiftStatus.declined: frozenset(),
    GiftStatus.decided: frozenset(),
}

#: statuses that wait for the manager or HR
OPEN_STATUSES = frozenset({GiftStatus.asked, GiftStatus.awaiting_consent})

STATUS_TONES = {
    GiftStatus.asked: "warning",
    GiftStatus.awaiting_consent: "warning",
    GiftStatus.noted: "ok",
    GiftStatus.declined: "neutral",
    GiftStatus.decided: "info",
}

#: labels of the default category codes (PORTAL_GIFT_CATEGORIES); another code is shown as typed
CATEGORY_LABELS = {
    "geschenk": _l("Geschenk"),
    "uitnodiging": _l("Uitnodiging voor een evenement"),
    "reis": _l("Reis of congres"),
    "maaltijd": _l("Lunch of diner"),
    "geld": _l("Geld, cadeaubon of waardepapier"),
    "overig": _l("Iets anders"),
}

#: the outcome of a gift in one word, for the register's filter and the annual report
OUTCOME_LABELS = {
    "open": _l("Wacht op besluit"),
    GiftStatus.noted.value: _l("Toegestaan volgens de gedragscode"),
    GiftStatus.declined.value: _l("Geweigerd door de medewerker"),
    **{decision.value: decision.label for decision in Decision},
}


def outcome_of(status: GiftStatus, decision: Decision | None) -> str:
    """The outcome key of a gift: its decision, "open", or the status (noted, declined)."""
    if status == GiftStatus.decided and decision is not None:
        return decision.value
    return "open" if status in OPEN_STATUSES else status.value


def initial_status(response: Response, band: ValueBand, category: str, ask_first: list[str]) -> GiftStatus:
    """The status a new report starts in: the code of conduct's rules in one place."""
    if response == Response.undecided:
        return GiftStatus.asked
    if response == Response.declined:
        return GiftStatus.declined
    if category in ask_first or band != ValueBand.low:
        return GiftStatus.awaiting_consent
    return GiftStatus.noted


class GiftError(Refusal):
    """A rule refused an action; ``exc.message`` is a Dutch sentence for the user."""


class InvalidTransition(GiftError):
    """A state change that the lifecycle does not allow."""

    def __init__(self, current: GiftStatus, target: GiftStatus):
        self.current, self.target = current, target
        super().__init__(_l("Dit kan niet: dit geschenk of deze uitnodiging heeft de status „%(status)s”.", status=current.label))


GIFT_FLOW = Transitions(GiftStatus, TRANSITIONS, InvalidTransition)
#: ``target`` when ``current → target`` is allowed; raises InvalidTransition otherwise
check_transition = GIFT_FLOW.check
#: True when ``current → target`` is allowed (for showing or hiding the decision form)
can_transition = GIFT_FLOW.allows


def decision_problems(decision: Decision | str | None, conditions: str | None, reason: str | None) -> dict[str, object]:
    """What a decision lacks, by form field: the one rule that the form and the service both apply."""
    problems: dict[str, object] = {}
    if not decision:
        return {"decision": _l("Kies een besluit.")}
    decision = Decision(decision)
    if decision == Decision.allowed_with_conditions and not (conditions or "").strip():
        problems["conditions"] = _l("Schrijf op onder welke voorwaarden het mag.")
    if decision in (Decision.returned, Decision.hand_in) and not (reason or "").strip():
        problems["reason"] = _l("Schrijf op waarom het niet mag, zodat de medewerker het begrijpt.")
    return problems


def band_label(band: ValueBand | str, threshold: int) -> str:
    """The band with its amounts, e.g. "€ 50 of minder", "Meer dan € 50, tot en met € 250"."""
    band, high = ValueBand(band), threshold * HIGH_FACTOR
    if band == ValueBand.low:
        return str(_l("€ %(low)d of minder", low=threshold))
    if band == ValueBand.middle:
        return str(_l("Meer dan € %(low)d, tot en met € %(high)d", low=threshold, high=high))
    if band == ValueBand.high:
        return str(_l("Meer dan € %(high)d", high=high))
    return str(band.label)


def band_choices(threshold: int) -> list[tuple[str, str]]:
    return [(band.value, band_label(band, threshold)) for band in ValueBand]
