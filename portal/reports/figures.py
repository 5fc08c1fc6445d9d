"""The annual report's counts, computed in the database: one grouped query per figure, six years at once.

Each query sums CASE buckets (one per year) over the six years' range, grouped by the row key, so the
work is a few index range scans whatever the size of the tables; nothing reads the audit trail.
The result is ``{section: {year: {row key: count}}}``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timezone
from typing import Any, Iterable

from sqlalchemy import Date, String, and_, case, cast, func, literal, or_, select

from portal.auth.models import User
from portal.concerns.models import AdviserContact, Concern
from portal.concerns.states import InvestigationType
from portal.core.time import local_zone, utcnow
from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion
from portal.declarations.states import VersionStatus
from portal.extensions import db

Counts = dict[int, dict[str, int]]
#: the row key of a concern without a category yet, and of a declaration without a department
UNSET = "-"


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January of ``year`` and of the next year, local midnight, in UTC."""
    zone = local_zone()
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone).astimezone(timezone.utc)
    return start, end


def _bounds(years: list[int], column) -> list[tuple[Any, Any]]:
    if isinstance(column.type, Date):
        return [(date(y, 1, 1), date(y + 1, 1, 1)) for y in years]
    return [year_bounds(y) for y in years]


def _by_year(column, years: list[int], key, *where, value=literal(1), joins: Iterable = (),
             distinct=None) -> Counts:
    """{year: {key: count}} from one grouped query with a CASE bucket per year."""
    bounds = _bounds(years, column)
    buckets = []
    for low, high in bounds:
        in_year = and_(column >= low, column < high)
        if distinct is not None:
            buckets.append(func.count(func.distinct(case((in_year, distinct)))))
        else:
            buckets.append(func.coalesce(func.sum(case((in_year, value), else_=0)), 0))
    first, last = min(low for low, _ in bounds), max(high for _, high in bounds)
    statement = select(key.label("key"), *buckets).where(column >= first, column < last, *where)
    for join in joins:
        statement = statement.join(*join)
    result: Counts = {y: defaultdict(int) for y in years}
    for row in db.session.execute(statement.group_by(key)):
        row_key = UNSET if row[0] is None else str(getattr(row[0], "value", row[0]))
        for year, number in zip(years, row[1:]):
            result[year][row_key] += int(number or 0)
    return result


def _merge(*parts: Counts) -> Counts:
    merged: Counts = {}
    for part in parts:
        for year, rows in part.items():
            merged.setdefault(year, {}).update(rows)
    return merged


def concern_counts(years: list[int]) -> dict[str, Counts]:
    """Concerns by category, investigations by type, outcomes and measures; advisers' contacts."""
    contacts = _by_year(AdviserContact.contact_on, years, AdviserContact.nature)
    people = _by_year(AdviserContact.contact_on, years, literal("people"), value=AdviserContact.people)
    referred = _by_year(AdviserContact.contact_on, years, literal("referred"), AdviserContact.is_referred.is_(True))
    return {
        "concerns": _by_year(Concern.received_on, years, Concern.category),
        "investigations": _by_year(Concern.investigation_started_on, years, Concern.investigation_type,
                                   Concern.investigation_type != InvestigationType.none),
        "outcomes": _by_year(Concern.outcome_on, years, Concern.outcome, Concern.outcome.is_not(None)),
        "measures": _by_year(Concern.outcome_on, years, Concern.measure, Concern.measure.is_not(None)),
        "contacts": _merge(contacts, people, referred),
    }


def declaration_counts(years: list[int]) -> dict[str, Counts]:
    """Declarations filed, decided, refused and top officials' activities published; by department."""
    version = DeclarationVersion
    refused = or_(version.status == VersionStatus.refused, version.refusal_reason.is_not(None))
    published = and_(~refused, version.kind == DeclarationKind.side_activity, User.is_top_official.is_(True))
    owner_join = [(Declaration, Declaration.id == version.declaration_id), (User, User.id == Declaration.owner_id)]
    filed = _by_year(version.submitted_at, years, literal("filed"))
    decided = _by_year(version.decided_at, years, case((refused, "refused"), else_="approved"))
    top = _by_year(version.decided_at, years, literal("published"), published, joins=owner_join)
    for rows in decided.values():
        rows["decided"] = rows.get("refused", 0) + rows.pop("approved", 0)
    departments = _by_year(version.submitted_at, years, User.department, joins=owner_join)
    return {"declarations": _merge(filed, decided, top), "departments": departments}


def oath_counts(years: list[int]) -> dict[str, Counts]:
    """Ceremonies held, oaths and affirmations taken, integrity statements signed."""
    from portal.oath.models import OathRecord, OathSession, StatementSignature
    from portal.oath.states import SessionStatus

    held = _by_year(OathSession.starts_at, years, literal("ceremonies"),
                    OathSession.status != SessionStatus.cancelled, OathSession.starts_at < utcnow())
    sworn = _by_year(OathRecord.taken_on, years, OathRecord.formula)
    signed = _by_year(StatementSignature.signed_at, years, literal("statements"),
                      distinct=StatementSignature.user_id)
    return {"oath": _merge(held, sworn, signed)}


def gift_counts(years: list[int]) -> dict[str, Counts]:
    """Gifts and invitations reported (by the day received or offered), by kind and by outcome."""
    from portal.gifts.models import Gift
    from portal.gifts.states import OPEN_STATUSES, GiftStatus

    outcome = case((Gift.status == GiftStatus.decided, cast(Gift.decision, String)),
                   (Gift.status.in_(OPEN_STATUSES), literal("open")), else_=cast(Gift.status, String))
    return {"gifts": _by_year(Gift.received_on, years, Gift.category),
            "gift_outcomes": _by_year(Gift.received_on, years, outcome)}


def compute_counts(years: list[int]) -> dict[str, Counts]:
    """Every section's counts for ``years`` (about a dozen grouped queries)."""
    return {**concern_counts(years), **declaration_counts(years), **oath_counts(years), **gift_counts(years)}
