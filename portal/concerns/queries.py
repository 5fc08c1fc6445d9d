"""Read-only lists: the coordinator's cases, a reporter's own reports, an adviser's lines and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from sqlalchemy import case, func, select

from portal.concerns.models import AdviserContact, Concern
from portal.concerns.states import OPEN_STATUSES, ConcernStatus
from portal.extensions import db


@dataclass
class Deadline:
    due_on: date
    met_on: Optional[date]  #: the day it was met; None while open

    def is_overdue(self, today: date) -> bool:
        """Open past its date, or met too late."""
        return today > self.due_on if self.met_on is None else self.met_on > self.due_on


def receipt_deadline(concern: Concern) -> Deadline:
    met = concern.receipt_confirmed_at.date() if concern.receipt_confirmed_at else None
    if met is None and concern.status == ConcernStatus.closed and concern.closed_at:
        met = concern.closed_at.date()
    return Deadline(concern.receipt_due_on, met)


def assessment_deadline(concern: Concern) -> Deadline:
    met = concern.outcome_on
    if met is None and concern.status == ConcernStatus.closed and concern.closed_at:
        met = concern.closed_at.date()
    return Deadline(concern.assessment_due_on, met)


def case_list(status: Optional[ConcernStatus] = None, *, open_only: bool = False) -> list[Concern]:
    """The coordinator's list: open cases first (soonest deadline first), then the rest, newest first."""
    statement = select(Concern)
    if status is not None:
        statement = statement.where(Concern.status == status)
    elif open_only:
        statement = statement.where(Concern.status.in_(OPEN_STATUSES))
    is_open = case((Concern.status.in_(OPEN_STATUSES), 0), else_=1)
    return list(db.session.scalars(statement.order_by(is_open, Concern.assessment_due_on, Concern.id.desc())))


def reports_of(user) -> list[Concern]:
    """The concerns a person filed in the portal, newest first."""
    return list(db.session.scalars(
        select(Concern).where(Concern.reporter_id == user.id).order_by(Concern.id.desc())))


def due_for_reminder(today: date, horizon_days: int = 2) -> list[Concern]:
    """Open concerns whose receipt or assessment deadline has passed or is within ``horizon_days``."""
    from datetime import timedelta

    soon = today + timedelta(days=horizon_days)
    receipt_open = Concern.status == ConcernStatus.received
    return list(db.session.scalars(
        select(Concern).where(Concern.status.in_(OPEN_STATUSES))
        .where((receipt_open & (Concern.receipt_due_on <= soon)) | (Concern.assessment_due_on <= soon + timedelta(days=12)))
        .order_by(Concern.assessment_due_on, Concern.id)))


def contacts_of(adviser, limit: int = 200) -> list[AdviserContact]:
    return list(db.session.scalars(
        select(AdviserContact).where(AdviserContact.adviser_id == adviser.id)
        .order_by(AdviserContact.contact_on.desc(), AdviserContact.id.desc()).limit(limit)))


def contact_totals(adviser, year: int) -> dict[str, int]:
    """The adviser's own totals for ``year`` by nature, plus people and referrals (one grouped query)."""
    rows = db.session.execute(
        select(AdviserContact.nature, func.count(), func.sum(AdviserContact.people),
               func.sum(case((AdviserContact.is_referred.is_(True), 1), else_=0)))
        .where(AdviserContact.adviser_id == adviser.id, AdviserContact.contact_on >= date(year, 1, 1),
               AdviserContact.contact_on < date(year + 1, 1, 1))
        .group_by(AdviserContact.nature)).all()
    totals = {nature: int(count) for nature, count, _people, _referred in rows}
    totals["_contacts"] = sum(int(r[1]) for r in rows)
    totals["_people"] = sum(int(r[2] or 0) for r in rows)
    totals["_referred"] = sum(int(r[3] or 0) for r in rows)
    return totals


def personal_concern_data(user) -> dict:
    """What a reporter may see of their own reports (AVG right of access): number, dates, status; no notes."""
    return {"reports": [
        {"reference": c.reference, "received_on": c.received_on.isoformat(), "status": c.status.value,
         "what_happened": c.what_happened, "receipt_due_on": c.receipt_due_on.isoformat(),
         "assessment_due_on": c.assessment_due_on.isoformat()}
        for c in reports_of(user)
    ]}


def case_history(concern: Concern) -> list:
    """The concern's own audit trail (transitions, views, notes, files), newest first, for the case page."""
    from portal.review.trail import AuditFilters, audit_page

    rows, _more = audit_page(AuditFilters(object_type="concern", object_id=concern.id, include_confidential=True),
                             per_page=50)
    return rows
