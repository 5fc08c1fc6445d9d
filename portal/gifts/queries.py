"""Read-only lists of gifts: one's own, a manager's staff, HR's open questions, and the register."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import Select, and_, case, exists, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from portal.auth.models import User
from portal.core.registry import user_fact
from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import OPEN_STATUSES, CATEGORY_LABELS, Decision, GiftStatus, label_of

#: how many years back the register's year filter offers
REGISTER_YEARS = 10


def gifts_of(user) -> list[Gift]:
    """The gifts a person reported, newest first."""
    return list(db.session.scalars(
        select(Gift).where(Gift.owner_id == user.id).order_by(Gift.received_on.desc(), Gift.id.desc())))


def has_staff_fact(person):
    """SQL: whether someone who has not left names ``person`` (the User entity of a query) as their manager."""
    staff = aliased(User)
    return exists().where(staff.manager_dn == person.dn_key, staff.id != person.id, staff.left_at.is_(None))


def has_staff(user) -> bool:
    """True when someone in the portal names ``user`` as their manager (loaded with the session, or one
    indexed look-up)."""
    if not getattr(user, "dn_key", None):
        return False
    return bool(user_fact(user, "has_staff", lambda: db.session.scalar(
        select(has_staff_fact(User)).where(User.id == user.id))))


def to_decide(user, *, is_hr: bool) -> Select:
    """The gifts a person decides on: their staff's (any status) and, for HR, every open one; open first."""
    conditions = []
    if getattr(user, "dn_key", None):
        conditions.append(and_(User.manager_dn == user.dn_key, User.left_at.is_(None)))  # staff who left: HR's
    if is_hr:
        conditions.append(Gift.status.in_(OPEN_STATUSES))
    if not conditions:
        conditions.append(Gift.id.is_(None))  # nobody's gifts
    is_open = case((Gift.status.in_(OPEN_STATUSES), 0), else_=1)
    return (select(Gift).join(User, User.id == Gift.owner_id).options(contains_eager(Gift.owner))
            .where(or_(*conditions), Gift.owner_id != user.id)
            .order_by(is_open, Gift.received_on.desc(), Gift.id.desc()))


@dataclass(frozen=True)
class RegisterFilters:
    q: Optional[str] = None
    category: Optional[str] = None
    outcome: Optional[str] = None
    year: Optional[int] = None

    @classmethod
    def from_form(cls, form) -> "RegisterFilters":
        year = form.active("year")
        return cls(q=(form.active("q") or "").strip() or None, category=form.active("category"),
                   outcome=form.active("outcome"), year=int(year) if year else None)

    def parameters(self) -> dict:
        """The filters in use, for the audit trail."""
        return {k: v for k, v in (("q", self.q), ("category", self.category), ("outcome", self.outcome),
                                  ("year", self.year)) if v is not None}


def _like(term: str) -> str:
    escaped = term.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filtered(statement: Select, filters: RegisterFilters) -> Select:
    if filters.q:
        pattern = _like(filters.q)
        statement = statement.where(or_(
            func.lower(User.display_name).like(pattern, escape="\\"),
            func.lower(func.coalesce(Gift.giver_name, "")).like(pattern, escape="\\"),
            func.lower(func.coalesce(Gift.giver_organisation, "")).like(pattern, escape="\\"),
        ))
    if filters.category:
        statement = statement.where(Gift.category == filters.category)
    if filters.outcome == "open":
        statement = statement.where(Gift.status.in_(OPEN_STATUSES))
    elif filters.outcome in (GiftStatus.noted.value, GiftStatus.declined.value):
        statement = statement.where(Gift.status == GiftStatus(filters.outcome))
    elif filters.outcome in {d.value for d in Decision}:
        statement = statement.where(Gift.status == GiftStatus.decided, Gift.decision == Decision(filters.outcome))
    if filters.year:
        statement = statement.where(Gift.received_on >= date(filters.year, 1, 1),
                                    Gift.received_on < date(filters.year + 1, 1, 1))
    return statement


def register_select(filters: RegisterFilters) -> Select:
    """The register's gifts, newest first, with their owners."""
    statement = select(Gift).join(User, User.id == Gift.owner_id).options(contains_eager(Gift.owner))
    return _filtered(statement, filters).order_by(Gift.received_on.desc(), Gift.id.desc())


REGISTER_COLUMNS = ["nummer", "datum", "medewerker", "afdeling", "soort", "omschrijving", "gever", "organisatie",
                    "relatie_met_werk", "waarde", "gedaan", "status", "besluit", "voorwaarden", "reden", "besloten_op"]


def register_export_statement(filters: RegisterFilters) -> Select:
    """The export's columns only (rows are tuples, streamed)."""
    statement = select(
        Gift.id, Gift.received_on, User.display_name, User.department, Gift.category, Gift.description,
        Gift.giver_name, Gift.giver_organisation, Gift.work_relation, Gift.value_band, Gift.threshold, Gift.response,
        Gift.status, Gift.decision, Gift.conditions, Gift.decision_reason, Gift.decided_at,
    ).join(User, User.id == Gift.owner_id)
    return _filtered(statement, filters).order_by(Gift.received_on.desc(), Gift.id.desc())


def register_rows(statement: Select):
    """The CSV rows of ``statement`` (labels in the reader's language, codes where there is no label)."""
    from portal.core.exports import stream_rows
    from portal.core.time import to_local
    from portal.gifts.states import Response, ValueBand, band_label

    for row in stream_rows(statement):
        (gift_id, received_on, name, department, category, description, giver_name, organisation, relation,
         band, threshold, response, status, decision, conditions, reason, decided_at) = row
        yield [f"G{received_on.year}-{gift_id:04d}", received_on, name, department,
               label_of(CATEGORY_LABELS, category), description, giver_name, organisation, relation,
               band_label(ValueBand(band), threshold), str(Response(response).label), str(GiftStatus(status).label),
               str(Decision(decision).label) if decision else "", conditions, reason,
               to_local(decided_at).date() if decided_at else None]


def personal_gift_data(user) -> dict:
    """What a person reported and what was decided (AVG right of access)."""
    return {"gifts": [
        {"reference": g.reference, "received_on": g.received_on.isoformat(), "category": g.category,
         "description": g.description, "giver_name": g.giver_name, "giver_organisation": g.giver_organisation,
         "work_relation": g.work_relation, "value_band": g.value_band.value, "response": g.response.value,
         "explanation": g.explanation, "status": g.status.value,
         "decision": g.decision.value if g.decision else None, "conditions": g.conditions,
         "decision_reason": g.decision_reason}
        for g in gifts_of(user)
    ]}
