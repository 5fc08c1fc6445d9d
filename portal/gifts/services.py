"""Rules for gifts and invitations: reporting one, and the manager's or HR's decision.

Every service sets state, actor and time, writes one audit entry and flushes; none commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from flask import current_app
from sqlalchemy import update

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local, utcnow
from portal.extensions import db
from portal.gifts.access import may_decide
from portal.gifts.models import Gift
from portal.review.advice.closing import close_open_advice
from portal.gifts.states import (
    OPEN_STATUSES,
    Decision,
    GiftError,
    GiftStatus,
    Response,
    ValueBand,
    check_transition,
    decision_problems,
    initial_status,
)

__all__ = ["GiftData", "GiftError", "decide_gift", "record_view", "report_gift"]


@dataclass(frozen=True)
class GiftData:
    category: str
    description: str
    work_relation: str
    value_band: ValueBand
    response: Response
    received_on: date
    giver_name: Optional[str] = None
    giver_organisation: Optional[str] = None
    explanation: Optional[str] = None


def _clean(text: Optional[str]) -> Optional[str]:
    return (text or "").strip() or None


def report_gift(data: GiftData, owner: User) -> Gift:
    """An employee reports a gift or invitation, or asks beforehand; the manager (or HR) hears of a question."""
    from portal.gifts.mails import queue_question

    config = current_app.config
    if data.category not in config["GIFT_CATEGORIES"]:
        raise GiftError(_l("Kies wat het is."))
    if data.received_on > today_local():
        raise GiftError(_l("De datum ligt in de toekomst."))
    if not (_clean(data.giver_name) or _clean(data.giver_organisation)):
        raise GiftError(_l("Vul in van wie het komt: een naam, een organisatie of allebei."))
    status = initial_status(data.response, data.value_band, data.category, config["GIFT_ASK_FIRST_CATEGORIES"])
    gift = Gift(
        owner_id=owner.id, category=data.category, description=data.description.strip(),
        giver_name=_clean(data.giver_name), giver_organisation=_clean(data.giver_organisation),
        work_relation=data.work_relation.strip(), value_band=data.value_band, threshold=config["GIFT_THRESHOLD"],
        response=data.response, received_on=data.received_on, explanation=_clean(data.explanation), status=status,
    )
    db.session.add(gift)
    db.session.flush()
    record_event("gift.report", actor=owner, obj=gift, subject_user_id=owner.id,
                 details={"category": gift.category, "status": status.value, "band": gift.value_band.value})
    if status in OPEN_STATUSES:
        queue_question(gift, owner)
    return gift


def decide_gift(gift: Gift, decision: Decision, conditions: Optional[str], reason: Optional[str],
                actor: User) -> None:
    """The manager or HR decides: allowed, allowed with conditions, return it, or hand it in."""
    from portal.gifts.mails import queue_decision

    if not may_decide(actor, gift):
        raise GiftError(_l("U kunt niet beslissen over deze melding. Dat doet de leidinggevende of P&O."))
    problems = decision_problems(decision, conditions, reason)
    if problems:
        raise GiftError(next(iter(problems.values())))
    previous = gift.status
    check_transition(previous, GiftStatus.decided)
    # compare-and-set: of the manager and HR deciding at the same moment, one wins and the other is told
    claimed = db.session.execute(
        update(Gift).where(Gift.id == gift.id, Gift.status == previous).values(status=GiftStatus.decided)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise GiftError(_l("Iemand anders heeft intussen over deze melding beslist. Bekijk het besluit hieronder."))
    gift.status = GiftStatus.decided
    gift.decision = Decision(decision)
    gift.conditions = _clean(conditions) if gift.decision == Decision.allowed_with_conditions else None
    gift.decision_reason = _clean(reason)
    gift.decided_at, gift.decided_by_id = utcnow(), actor.id
    record_event("gift.decide", actor=actor, obj=gift, subject_user_id=gift.owner_id,
                 details={"from": previous.value, "decision": gift.decision.value})
    db.session.flush()
    queue_decision(gift)
    close_open_advice("gift", gift.id, actor)  # the kind portal.gifts.advice registers


def record_view(gift: Gift, actor: User) -> None:
    """Someone other than the employee opened the gift: audited."""
    if actor.id != gift.owner_id:
        record_event("gift.view", actor=actor, obj=gift, subject_user_id=gift.owner_id)
        db.session.flush()


def record_team_view(actor: User, page_number: int) -> None:
    """A manager or HR opened the list of gifts they decide on (their staff's, with descriptions): audited."""
    record_event("gift.team_view", actor=actor, object_type="gift_register", details={"page": page_number})
    db.session.flush()


def record_register_view(parameters: dict, actor: User, what: str = "page") -> None:
    """HR or a coordinator looked at, or downloaded, the register of gifts."""
    record_event("gift.register_export" if what == "csv" else "gift.register_view", actor=actor,
                 object_type="gift_register", details={"filters": parameters})
    db.session.flush()
