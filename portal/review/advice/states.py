"""The lifecycle of an advice request and the manager's possible opinions.

Advice request lifecycle::

    asked ──answer_advice──▶ answered
      │
      └──withdraw_advice──▶ withdrawn

Both ends are final: a new question is a new request.
"""

from __future__ import annotations

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.refusals import Refusal
from portal.core.states import Transitions


class AdviceStatus(LabelledEnum):
    """Where an advice request is."""

    asked = "asked", _l("Advies gevraagd")
    answered = "answered", _l("Advies gegeven")
    withdrawn = "withdrawn", _l("Ingetrokken")


class Opinion(LabelledEnum):
    """The manager's advice in one word; the explanation says why (and which conditions)."""

    no_objection = "no_objection", _l("Geen bezwaar")
    conditional = "conditional", _l("Bezwaar, tenzij aan voorwaarden wordt voldaan")
    objection = "objection", _l("Bezwaar")


#: opinions that need an explanation (the conditions, or the reason of the objection)
NEEDS_EXPLANATION = frozenset({Opinion.conditional, Opinion.objection})

TRANSITIONS: dict[AdviceStatus, frozenset[AdviceStatus]] = {
    AdviceStatus.asked: frozenset({AdviceStatus.answered, AdviceStatus.withdrawn}),
    AdviceStatus.answered: frozenset(),
    AdviceStatus.withdrawn: frozenset(),
}

STATUS_TONES = {AdviceStatus.asked: "warning", AdviceStatus.answered: "ok", AdviceStatus.withdrawn: "neutral"}


class AdviceError(Refusal):
    """An advice rule refused an action; ``exc.message`` is a Dutch sentence for the user."""


class InvalidTransition(AdviceError):
    """A state change that the lifecycle does not allow."""

    def __init__(self, current: AdviceStatus, target: AdviceStatus):
        self.current, self.target = current, target
        if current == AdviceStatus.answered:
            message = _l("Over deze vraag is al advies gegeven.")
        elif current == AdviceStatus.withdrawn:
            message = _l("P&O heeft deze adviesvraag ingetrokken.")
        else:
            message = _l("Deze stap kan niet: de adviesvraag heeft de status „%(status)s”.", status=current.label)
        super().__init__(message)


ADVICE_FLOW = Transitions(AdviceStatus, TRANSITIONS, InvalidTransition)
#: ``target`` when ``current → target`` is allowed; raises InvalidTransition otherwise
check_transition = ADVICE_FLOW.check
