"""The declaration lifecycle: every status and the ONE place that knows the allowed transitions.

Two levels:

* ``VersionStatus`` – the state of one ``DeclarationVersion``. Versions move only
  through ``check_transition`` (see ``VERSION_TRANSITIONS``).
* ``DeclarationStatus`` – the state of the declaration as a whole, *derived* from its
  versions by ``derive_declaration_status`` and stored on ``Declaration.status`` so that
  the HR queue can filter and sort on an indexed column.

Version lifecycle::

    draft ──submit──▶ submitted ──▶ in_review ──▶ approved | approved_with_conditions | refused
      │                  │  ▲            │                       │
      │                  │  └─answered── info_requested ◀────────┘ (from submitted or in_review)
      ▼                  ▼               ▼
    withdrawn ◀──────────┴───────────────┘          decided ──▶ superseded (a newer version was approved)
"""

from __future__ import annotations

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.refusals import Refusal
from portal.core.states import Transitions


class VersionStatus(LabelledEnum):
    """State of one version of a declaration."""

    draft = "draft", _l("Concept")
    submitted = "submitted", _l("Ingediend")
    in_review = "in_review", _l("In behandeling")
    info_requested = "info_requested", _l("Meer informatie nodig")
    approved = "approved", _l("Goedgekeurd")
    approved_with_conditions = "approved_with_conditions", _l("Goedgekeurd met voorwaarden")
    refused = "refused", _l("Afgewezen")
    withdrawn = "withdrawn", _l("Ingetrokken")
    superseded = "superseded", _l("Vervangen door een nieuwere versie")


class DeclarationStatus(LabelledEnum):
    """State of a declaration as a whole (derived from its versions, stored for the queue)."""

    draft = "draft", _l("Concept")
    submitted = "submitted", _l("Ingediend")
    in_review = "in_review", _l("In behandeling")
    info_requested = "info_requested", _l("Meer informatie nodig")
    approved = "approved", _l("Goedgekeurd")
    approved_with_conditions = "approved_with_conditions", _l("Goedgekeurd met voorwaarden")
    refused = "refused", _l("Afgewezen")
    withdrawn = "withdrawn", _l("Ingetrokken")
    ended = "ended", _l("Beëindigd")

    @property
    def tone(self) -> str:
        """The badge colour (``portal-badge--<tone>``)."""
        return STATUS_TONES[self]


#: versions that wait for HR (submitted or further); the declaration shows this status
UNDECIDED = frozenset({VersionStatus.submitted, VersionStatus.in_review, VersionStatus.info_requested})
#: versions that are not yet decided (the declaration's ``pending_version``)
PENDING = UNDECIDED | {VersionStatus.draft}
#: outcomes HR can give
DECISIONS = frozenset({VersionStatus.approved, VersionStatus.approved_with_conditions, VersionStatus.refused})
APPROVALS = frozenset({VersionStatus.approved, VersionStatus.approved_with_conditions})

#: declaration states that HR's queue shows (waiting for a decision)
QUEUE_STATUSES = frozenset({DeclarationStatus.submitted, DeclarationStatus.in_review, DeclarationStatus.info_requested})
#: declarations that count as "declared" (checklist, nil statements, campaigns, registers)
ACTIVE_STATUSES = QUEUE_STATUSES | {DeclarationStatus.approved, DeclarationStatus.approved_with_conditions}

VERSION_TRANSITIONS: dict[VersionStatus, frozenset[VersionStatus]] = {
    VersionStatus.draft: frozenset({VersionStatus.submitted, VersionStatus.withdrawn}),
    VersionStatus.submitted: frozenset(
        {VersionStatus.in_review, VersionStatus.info_requested, VersionStatus.withdrawn} | DECISIONS
    ),
    VersionStatus.in_review: frozenset({VersionStatus.info_requested, VersionStatus.withdrawn} | DECISIONS),
    VersionStatus.info_requested: frozenset({VersionStatus.submitted, VersionStatus.withdrawn}),
    VersionStatus.approved: frozenset({VersionStatus.superseded}),
    VersionStatus.approved_with_conditions: frozenset({VersionStatus.superseded}),
    VersionStatus.refused: frozenset({VersionStatus.superseded}),
    VersionStatus.withdrawn: frozenset(),
    VersionStatus.superseded: frozenset(),
}

#: badge colour per declaration status (portal-badge--<tone>)
STATUS_TONES = {
    DeclarationStatus.draft: "neutral",
    DeclarationStatus.submitted: "info",
    DeclarationStatus.in_review: "info",
    DeclarationStatus.info_requested: "warning",
    DeclarationStatus.approved: "ok",
    DeclarationStatus.approved_with_conditions: "ok",
    DeclarationStatus.refused: "error",
    DeclarationStatus.withdrawn: "neutral",
    DeclarationStatus.ended: "neutral",
}

# Why a transition is refused, in words for the employee or reviewer.
_REFUSAL_BY_CURRENT = {
    VersionStatus.draft: _l("Deze verklaring is nog een concept en is niet ingediend."),
    VersionStatus.submitted: _l("Deze verklaring is al ingediend en wacht op beoordeling."),
    VersionStatus.in_review: _l("Deze verklaring wordt al beoordeeld door P&O."),
    VersionStatus.info_requested: _l("P&O heeft om meer informatie gevraagd; beantwoord eerst die vraag."),
    VersionStatus.approved: _l("Over deze versie is al een besluit genomen."),
    VersionStatus.approved_with_conditions: _l("Over deze versie is al een besluit genomen."),
    VersionStatus.refused: _l("Over deze versie is al een besluit genomen."),
    VersionStatus.withdrawn: _l("Deze versie is ingetrokken en kan niet meer veranderen."),
    VersionStatus.superseded: _l("Deze versie is vervangen door een nieuwere en kan niet meer veranderen."),
}


class DeclarationError(Refusal):
    """A declaration rule refused an action; ``exc.message`` is a Dutch sentence for the user."""


class InvalidTransition(DeclarationError):
    """A state change that the lifecycle does not allow."""

    def __init__(self, current, target, message=None):
        self.current = current
        self.target = target
        super().__init__(message if message is not None else _REFUSAL_BY_CURRENT.get(current))


VERSION_FLOW = Transitions(VersionStatus, VERSION_TRANSITIONS, InvalidTransition)
#: ``target`` as a VersionStatus when ``current → target`` is allowed; raises InvalidTransition otherwise
check_transition = VERSION_FLOW.check
#: True when ``current → target`` is allowed (for showing or hiding buttons)
can_transition = VERSION_FLOW.allows


def derive_declaration_status(
    current: VersionStatus | None, pending: VersionStatus | None, *, is_ended: bool = False
) -> DeclarationStatus:
    """The declaration's status from its version in force (``current``) and its undecided one (``pending``).

    * ended declarations are ``ended``;
    * a version waiting for HR shows its state (so the queue finds it), even while an
      older approved version stays in force;
    * otherwise the version in force shows its decision;
    * a declaration with only a draft is a ``draft``; with nothing left it is ``withdrawn``.
    """
    if is_ended:
        return DeclarationStatus.ended
    if pending is not None and VersionStatus(pending) in UNDECIDED:
        return DeclarationStatus(VersionStatus(pending).value)
    if current is not None:
        return DeclarationStatus(VersionStatus(current).value)
    if pending is not None and VersionStatus(pending) == VersionStatus.draft:
        return DeclarationStatus.draft
    return DeclarationStatus.withdrawn
