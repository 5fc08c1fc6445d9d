"""Demo content: six years of concerns and advisers' contacts, and this year's cases in every state.

Deterministic (a fixed seed), so the annual report of last year looks the same on every machine.
Written straight into the tables with past dates; the services would stamp today's date.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from portal.concerns.models import AdviserContact, Concern, ConcernNote
from portal.concerns.services import deadlines_for
from portal.concerns.states import CONTACT_NATURES, Channel, ConcernStatus, InvestigationType, Outcome
from portal.core.time import today_local
from portal.extensions import db

#: concerns received per year, oldest first (the demo year is last)
CONCERNS_PER_YEAR = (7, 9, 8, 11, 10, 13)
#: advisers' contacts per year, oldest first
CONTACTS_PER_YEAR = (31, 28, 35, 40, 37, 44)
CATEGORY_WEIGHTS = {"omgangsvormen": 5, "belangenverstrengeling": 3, "informatie": 2, "financieel": 2,
                    "nevenwerkzaamheden": 2, "bevoegdheden": 1, "privesfeer": 1, "overig": 1}
NATURE_WEIGHTS = {"pesten": 5, "werksituatie": 6, "seksuele-intimidatie": 2, "agressie-geweld": 2,
                  "discriminatie": 1, "integriteit": 3, "overig": 2}
EXAMPLE = "Een collega liet een aannemer met wie hij bevriend is meedoen aan een meervoudig onderhandse aanbesteding."


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=timezone.utc)


def _weighted(rng: random.Random, weights: dict[str, int], allowed) -> str:
    keys = [k for k in weights if k in allowed]
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _closed_concern(rng: random.Random, year: int, categories, measures) -> Concern:
    received = date(year, 1, 1) + timedelta(days=rng.randrange(0, 300))
    receipt_due, assessment_due = deadlines_for(received)
    kind = rng.choices(list(InvestigationType), weights=[3, 4, 3, 1])[0]
    started = received + timedelta(days=rng.randrange(5, 20)) if kind != InvestigationType.none else None
    decided = received + timedelta(days=rng.randrange(30, 85))
    outcome = rng.choices(list(Outcome), weights=[4, 4, 2])[0]
    measure = None
    if outcome == Outcome.substantiated:
        measure = rng.choices(measures, weights=[1 if m != "ontslag" else 0.4 for m in measures])[0]
    return Concern(
        channel=rng.choice([Channel.portal, Channel.manager, Channel.adviser, Channel.anonymous_letter]),
        received_on=received, receipt_due_on=receipt_due, assessment_due_on=assessment_due,
        what_happened=EXAMPLE, status=ConcernStatus.closed, category=_weighted(rng, CATEGORY_WEIGHTS, categories),
        receipt_confirmed_at=_moment(received + timedelta(days=rng.randrange(1, 7))),
        investigation_type=kind, investigation_started_on=started,
        investigation_ended_on=decided if started else None, outcome=outcome, outcome_on=decided, measure=measure,
        closed_at=_moment(decided + timedelta(days=7)), created_at=_moment(received), updated_at=_moment(decided),
    )


def _current_cases(today: date, reporter) -> list[Concern]:
    """This year's open work: one of each state, one past its receipt deadline."""
    def new(days_ago: int, status: ConcernStatus, **extra) -> Concern:
        received = today - timedelta(days=days_ago)
        receipt_due, assessment_due = deadlines_for(received)
        return Concern(channel=extra.pop("channel", Channel.manager), received_on=received,
                       receipt_due_on=receipt_due, assessment_due_on=assessment_due, what_happened=EXAMPLE,
                       status=status, created_at=_moment(received), **extra)

    confirmed_at = _moment(today - timedelta(days=20))
    return [
        new(9, ConcernStatus.received, channel=Channel.portal, reporter_id=getattr(reporter, "id", None),
            happened_when="vorige maand", is_anonymous=True),
        new(2, ConcernStatus.received, channel=Channel.anonymous_letter),
        new(25, ConcernStatus.confirmed, category="informatie", receipt_confirmed_at=confirmed_at),
        new(40, ConcernStatus.investigating, category="financieel", receipt_confirmed_at=confirmed_at,
            investigation_type=InvestigationType.internal, investigation_started_on=today - timedelta(days=30)),
    ]


def load_demo_concerns() -> None:
    """Idempotent: does nothing when any concern or contact exists already."""
    if db.session.scalar(select(func.count(Concern.id))) or db.session.scalar(select(func.count(AdviserContact.id))):
        return
    rng = random.Random(16)
    today = today_local()
    demo_year = today.year - 1
    categories = current_app.config["CONCERN_CATEGORIES"]
    measures = current_app.config["CONCERN_MEASURES"]
    for offset, (concerns, contacts) in enumerate(zip(CONCERNS_PER_YEAR, CONTACTS_PER_YEAR)):
        year = demo_year - (len(CONCERNS_PER_YEAR) - 1 - offset)
        for number in range(concerns):
            concern = _closed_concern(rng, year, categories, measures)
            if number == 0 and year in (demo_year, demo_year - 3) and "ontslag" in measures:
                # the seed reports count disciplinary dismissals: the demo has one now and then
                concern.category, concern.outcome, concern.measure = categories[0], Outcome.substantiated, "ontslag"
                concern.outcome_on = date(year, 6, 1) if concern.received_on < date(year, 5, 1) else concern.outcome_on
            db.session.add(concern)
        for _ in range(contacts):
            db.session.add(AdviserContact(
                contact_on=date(year, 1, 1) + timedelta(days=rng.randrange(0, 364)),
                nature=_weighted(rng, NATURE_WEIGHTS, CONTACT_NATURES), people=rng.choices([1, 2, 3], [8, 2, 1])[0],
                is_referred=rng.random() < 0.15))
    reporter = _demo_reporter()
    for concern in _current_cases(today, reporter):
        db.session.add(concern)
        if concern.status == ConcernStatus.investigating:
            concern.notes.append(ConcernNote(body="Gesprek met de leidinggevende gepland; stukken van inkoop opgevraagd."))
    db.session.flush()


def _demo_reporter():
    """The demo directory's Jan de Vries filed one of this year's concerns; none on a real directory."""
    if str(current_app.config.get("LDAP_URL", "")).lower() != "demo":
        return None
    from portal.auth.directory import get_directory
    from portal.auth.services import sync_user

    return sync_user(get_directory(current_app.config).authenticate("jdevries", "Welkom-jdevries-2026"))
