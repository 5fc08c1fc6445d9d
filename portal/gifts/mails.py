"""Mails about gifts: a new question to the manager (or HR), the decision to the employee."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.auth.queries import manager_of
from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import CATEGORY_LABELS


def deciders_of(owner: User) -> list[User]:
    """Who hears of a new question: the employee's manager, or HR when the portal knows no manager."""
    manager = manager_of(owner)
    if manager is not None and manager.is_enabled:
        return [manager]
    return list(db.session.scalars(select(User).where(
        User.is_reviewer.is_(True), User.is_enabled.is_(True), User.left_at.is_(None), User.id != owner.id)
        .order_by(User.id)))


def queue_question(gift: Gift, owner: User) -> int:
    """To the manager or HR: a gift waits for a decision (the reference and kind, not the details)."""
    from portal.notifications.services import queue_mail

    queued = 0
    for person in deciders_of(owner):
        message = queue_mail(person, "gifts/question", {
            "name": person.display_name, "employee": owner.display_name, "reference": gift.reference,
            "category": CATEGORY_LABELS.get(gift.category, gift.category), "is_question": gift.status.value == "asked",
            "path": f"/gifts/{gift.id}",
        }, dedup_key=f"gift-question-{gift.id}-{person.id}")
        queued += message is not None
    return queued


def queue_decision(gift: Gift) -> None:
    """To the employee: the decision; its conditions or reason are read in the portal."""
    from portal.notifications.services import queue_mail

    queue_mail(gift.owner, "gifts/decided", {
        "name": gift.owner.display_name, "reference": gift.reference, "decision": gift.decision.label,
        "path": f"/gifts/{gift.id}",
    }, dedup_key=f"gift-decided-{gift.id}")
