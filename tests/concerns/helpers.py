"""Builders for concern tests: people as the test directory gives them, concerns in a given state."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from portal.auth.models import User
from portal.concerns.models import AdviserContact, Concern
from portal.concerns.services import ConcernData, deadlines_for
from portal.concerns.states import Channel, ConcernStatus, InvestigationType, Outcome
from portal.core.models import AuditEvent
from portal.core.time import utcnow
from portal.extensions import db
from tests.declarations.helpers import make_user

COORDINATOR, ADVISER = "rkoster", "bhaan"
#: the people who must never see a concern: an employee, an HR reviewer, an administrator, an adviser
OTHERS = ("jdevries", "mjansen", "lvisser", "bhaan")


def coordinator() -> User:
    return make_user(COORDINATOR, display_name="Rianne Koster", is_integrity_officer=True)


def data(text: str = "Een collega nam geld uit de kas.") -> ConcernData:
    return ConcernData(what_happened=text, happened_when="maart", people_involved="De kassier")


def closed_concern(received_on: date, *, category: str = "financieel", outcome: Outcome = Outcome.substantiated,
                   measure: str | None = "ontslag", investigation=InvestigationType.internal,
                   closed_days_ago: int | None = None) -> Concern:
    """A concern handled from start to end, with dates in the past (written straight into the table)."""
    receipt_due, assessment_due = deadlines_for(received_on)
    decided = received_on + timedelta(days=40)
    concern = Concern(channel=Channel.manager, received_on=received_on, receipt_due_on=receipt_due,
                      assessment_due_on=assessment_due, what_happened="Iets", status=ConcernStatus.closed,
                      category=category, investigation_type=investigation,
                      investigation_started_on=received_on + timedelta(days=5), outcome=outcome, outcome_on=decided,
                      measure=measure, receipt_confirmed_at=utcnow(),
                      closed_at=utcnow() - timedelta(days=closed_days_ago or 0))
    db.session.add(concern)
    db.session.flush()
    return concern


def contact(on: date, nature: str = "pesten", people: int = 1, adviser: User | None = None) -> AdviserContact:
    row = AdviserContact(contact_on=on, nature=nature, people=people, adviser_id=getattr(adviser, "id", None))
    db.session.add(row)
    db.session.flush()
    return row


def actions(prefix: str = "concern.") -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith(prefix))
                                   .order_by(AuditEvent.id)))
