"""Who may see and decide on a reported gift.

The employee sees their own; their manager (from the directory) and HR decide; HR and integrity
coordinators keep the register. Nobody decides on their own gift.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import joinedload

from portal.auth.queries import is_manager_of
from portal.core.access import has_role
from portal.extensions import db
from portal.gifts.models import Gift


def is_hr(user) -> bool:
    return has_role(user, "reviewer")


def can_read_register(user) -> bool:
    """HR and integrity coordinators keep the register of gifts."""
    return has_role(user, "reviewer") or has_role(user, "integrity_officer")


def may_decide(user, gift: Gift) -> bool:
    """The employee's manager or HR; never the employee themself."""
    if not getattr(user, "is_authenticated", False) or user.id == gift.owner_id:
        return False
    return is_hr(user) or is_manager_of(user, gift.owner)


def may_ask_advice(user, gift: Gift) -> bool:
    """HR deciding on the gift asks, sees and withdraws the manager's advice (portal.gifts.advice); the
    employee's manager, HR or not, decides without asking themself."""
    return (may_decide(user, gift) and is_hr(user) and getattr(user, "is_active", False)
            and not is_manager_of(user, gift.owner))


def may_see(user, gift: Gift) -> bool:
    return (getattr(user, "is_authenticated", False) and user.id == gift.owner_id) or may_decide(user, gift) \
        or can_read_register(user)


def get_gift(gift_id: int, for_user) -> Gift:
    """The gift for someone who may see it; 404 for anyone else, as for an id that does not exist
    (which ids exist must not leak)."""
    gift = db.session.get(Gift, gift_id, options=[joinedload(Gift.owner), joinedload(Gift.decided_by)])
    if gift is None or not may_see(for_user, gift):
        abort(404)
    return gift
