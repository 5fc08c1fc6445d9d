"""The annual report for the council: anonymised counts for a year beside the year before.

Every count below 5 is shown as "<5" (``suppress_small``). When a breakdown has exactly
one such cell, the total would give it away, so the next smallest cell is hidden too
("×", explained on the page).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Iterable, Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.core.time import local_zone
from portal.declarations.models import (
    KIND_LABELS,
    Campaign,
    CampaignTask,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
)
from portal.declarations.states import DECLARATION_LABELS, DeclarationStatus, VersionStatus
from portal.extensions import db

THRESHOLD = 5
SMALL = "<5"
HIDDEN = "×"


def suppress_small(n: int) -> str:
    """A count as shown in the report: "<5" below the threshold, so that nobody can be identified."""
    return SMALL if n < THRESHOLD else str(n)


def suppress_column(values: list[int]) -> list[str]:
    """Suppress a breakdown's cells; if exactly one is small, hide the next smallest too (the total is shown)."""
    shown = [suppress_small(v) for v in values]
    small = [i for i, v in enumerate(values) if v < THRESHOLD]
    others = sorted((v, i) for i, v in enumerate(values) if v >= THRESHOLD)
    if len(small) == 1 and others:
        shown[others[0][1]] = HIDDEN
    return shown


@dataclass
class Row:
    label: str
    current: int
    previous: int
    shown_current: str = ""
    shown_previous: str = ""

    @property
    def is_suppressed(self) -> bool:
        return self.shown_current in (SMALL, HIDDEN)


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row]
    total: Optional[Row] = None
    note: str = ""

    def finish(self, with_total: bool = True) -> "Table":
        """Fill in the shown values (suppressed) and the total row."""
        for column in ("current", "previous"):
            shown = suppress_column([getattr(r, column) for r in self.rows])
            for row, value in zip(self.rows, shown):
                setattr(row, f"shown_{column}", value)
        if with_total:
            total = Row(str(_l("Totaal")), sum(r.current for r in self.rows), sum(r.previous for r in self.rows))
            total.shown_current, total.shown_previous = suppress_small(total.current), suppress_small(total.previous)
            self.total = total
        return self

    @property
    def has_hidden(self) -> bool:
        return any(HIDDEN in (r.shown_current, r.shown_previous) for r in self.rows)


@dataclass
class ReviewTimes:
    decisions: int
    median_days: Optional[float]
    p90_days: Optional[float]

    @property
    def shown_decisions(self) -> str:
        return suppress_small(self.decisions)


@dataclass
class CampaignRow:
    label: str
    tasks: int
    done: int

    @property
    def shown_tasks(self) -> str:
        return suppress_small(self.tasks)

    @property
    def shown_done(self) -> str:
        return suppress_small(self.done)

    @property
    def shown_percent(self) -> str:
        if self.tasks < THRESHOLD or self.done < THRESHOLD and self.tasks - self.done < THRESHOLD:
            return "—"
        return f"{round(100 * self.done / self.tasks)}%"


@dataclass
class AnnualReport:
    year: int
    tables: list[Table] = field(default_factory=list)
    review_times: dict[int, ReviewTimes] = field(default_factory=dict)
    campaigns: dict[int, list[CampaignRow]] = field(default_factory=dict)
    oath_available: bool = True

    @property
    def has_data(self) -> bool:
        """Anything at all counted in the report's own year."""
        return any(row.current for table in self.tables for row in table.rows) or bool(
            self.review_times.get(self.year) and self.review_times[self.year].decisions)

    @property
    def previous_year(self) -> int:
        return self.year - 1


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """1 January of ``year`` and of the next year, local midnight, in UTC."""
    zone = local_zone()
    start = datetime.combine(date(year, 1, 1), time.min, tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(date(year + 1, 1, 1), time.min, tzinfo=zone).astimezone(timezone.utc)
    return start, end


# -- the figures ------------------------------------------------------------------------------


def _declarations_of(year: int) -> list[tuple]:
    """(kind, status, department, is_paid, how many) of the declarations with a submission in ``year``.

    Counted in the database: a year holds tens of thousands of declarations, and reading each
    one into Python to count it cost seconds.
    """
    start, end = year_bounds(year)
    submitted = aliased(DeclarationVersion)
    shown = aliased(DeclarationVersion)
    in_year = select(submitted.declaration_id).where(submitted.submitted_at >= start, submitted.submitted_at < end)
    columns = (Declaration.kind, Declaration.status, User.department, shown.is_paid)
    return db.session.execute(
        select(*columns, func.count())
        .join(User, User.id == Declaration.owner_id)
        .outerjoin(shown, shown.id == func.coalesce(Declaration.current_version_id, Declaration.pending_version_id))
        .where(Declaration.id.in_(in_year))
        .group_by(*columns)
    ).all()


def _outcome(status: VersionStatus, has_conditions: bool, was_refused: bool) -> VersionStatus:
    """The decision of a decided version, also after a newer version superseded it."""
    if status in (VersionStatus.approved, VersionStatus.approved_with_conditions, VersionStatus.refused):
        return status
    if was_refused:
        return VersionStatus.refused
    return VersionStatus.approved_with_conditions if has_conditions else VersionStatus.approved


class days_between(sa.sql.functions.FunctionElement):
    """Days from the first timestamp to the second, as a number (each database spells it its own way)."""

    type = sa.Float()
    inherit_cache = True


@compiles(days_between, "postgresql")
def _days_between_postgresql(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)"


@compiles(days_between)
def _days_between_sqlite(element, compiler, **kw) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"(julianday({end}) - julianday({start}))"


def _decided_in(year: int) -> list:
    start, end = year_bounds(year)
    return [DeclarationVersion.decided_at >= start, DeclarationVersion.decided_at < end]


def _decisions_of(year: int) -> Counter:
    """How many versions decided in ``year`` got each outcome: counted in the database."""
    rows = db.session.execute(
        select(DeclarationVersion.status, DeclarationVersion.conditions.is_not(None),
               DeclarationVersion.refusal_reason.is_not(None), func.count())
        .where(*_decided_in(year))
        .group_by(DeclarationVersion.status, DeclarationVersion.conditions.is_not(None),
                  DeclarationVersion.refusal_reason.is_not(None))
    ).all()
    counts: Counter = Counter()
    for status, has_conditions, was_refused, n in rows:
        counts[_outcome(VersionStatus(status), bool(has_conditions), bool(was_refused)).value] += n
    return counts


def nearest_rank(count: int, fraction: float) -> int:
    """Index (from 0, ascending) of the nearest-rank percentile (0 < fraction <= 1) among ``count`` values."""
    return max(math.ceil(fraction * count) - 1, 0)


def percentile(values: list[float], fraction: float) -> Optional[float]:
    """Nearest-rank percentile (0 < fraction <= 1) of ``values``; None when empty."""
    if not values:
        return None
    return sorted(values)[nearest_rank(len(values), fraction)]


def review_times(year: int, count: int) -> ReviewTimes:
    """Median and 90th percentile (nearest rank) of the review days of the ``count`` versions decided in ``year``.

    Only the values at those ranks are read (one sort in the database, numbered with
    ROW_NUMBER), not all of them: a year holds tens of thousands of decisions.
    """
    if count < THRESHOLD:  # a median of two or three decisions says something about people
        return ReviewTimes(count, None, None)
    spent = days_between(DeclarationVersion.submitted_at, DeclarationVersion.decided_at)
    days = case((DeclarationVersion.submitted_at.is_(None), 0.0), (spent < 0, 0.0), else_=spent)
    middle = count // 2
    median_ranks = [middle] if count % 2 else [middle - 1, middle]
    p90_rank = nearest_rank(count, 0.9)
    ranked = (
        select(days.label("days"), func.row_number().over(order_by=days).label("rank"))
        .where(*_decided_in(year)).subquery()
    )
    wanted = {rank + 1 for rank in [*median_ranks, p90_rank]}  # ROW_NUMBER counts from 1
    at = {rank - 1: float(value) for rank, value in db.session.execute(
        select(ranked.c.rank, ranked.c.days).where(ranked.c.rank.in_(sorted(wanted))))}
    median = sum(at[rank] for rank in median_ranks) / len(median_ranks)
    return ReviewTimes(count, round(median, 1), round(at[p90_rank], 1))


def _campaigns_of(year: int) -> list[CampaignRow]:
    rows = db.session.execute(
        select(Campaign, func.count(CampaignTask.id),
               func.coalesce(func.sum(case((CampaignTask.completed_at.is_not(None), 1), else_=0)), 0))
        .outerjoin(CampaignTask, CampaignTask.campaign_id == Campaign.id)
        .where(Campaign.year == year)
        .group_by(Campaign.id)
        .order_by(Campaign.id)
    ).all()
    return [CampaignRow(campaign.scope_label, int(tasks), int(done)) for campaign, tasks, done in rows]


def _oath_counts(year: int) -> Optional[Counter]:
    """Oaths, affirmations and signed integrity statements in ``year``; None without the oath tables."""
    try:
        from portal.oath.models import OathRecord, StatementSignature
    except ImportError:
        return None
    if not sa.inspect(db.session.connection()).has_table(OathRecord.__tablename__):
        return None
    start, end = year_bounds(year)
    counts: Counter = Counter()
    for formula, number in db.session.execute(
        select(OathRecord.formula, func.count(OathRecord.id))
        .where(OathRecord.taken_on >= date(year, 1, 1), OathRecord.taken_on < date(year + 1, 1, 1))
        .group_by(OathRecord.formula)
    ):
        counts[str(getattr(formula, "value", formula))] = number
    counts["statement"] = db.session.scalar(
        select(func.count(func.distinct(StatementSignature.user_id)))
        .where(StatementSignature.signed_at >= start, StatementSignature.signed_at < end)
    ) or 0
    return counts


# -- the report -------------------------------------------------------------------------------


def _table(key: str, title, labels: dict, current: Counter, previous: Counter,
           extra: Iterable[str] = (), with_total: bool = True, note: str = "") -> Table:
    keys = list(labels) + sorted((set(current) | set(previous) | set(extra)) - set(labels), key=str)
    rows = [Row(str(labels.get(k, k)), current.get(k, 0), previous.get(k, 0)) for k in keys]
    return Table(key, str(title), rows, note=note).finish(with_total)


def annual_report(year: int) -> AnnualReport:
    """All figures of ``year`` and the year before (a fixed number of queries)."""
    report = AnnualReport(year=year)
    years = (year, year - 1)
    declarations = {y: _declarations_of(y) for y in years}
    unknown = str(_l("(geen afdeling)"))
    by: dict[str, dict[int, Counter]] = {name: {y: Counter() for y in years}
                                         for name in ("kind", "status", "department", "paid")}
    for y in years:
        for kind, status, department, paid, n in declarations[y]:
            by["kind"][y][DeclarationKind(kind).value] += n
            by["status"][y][DeclarationStatus(status).value] += n
            by["department"][y][department or unknown] += n
            if DeclarationKind(kind) == DeclarationKind.side_activity and paid is not None:
                by["paid"][y]["paid" if paid else "unpaid"] += n
    kind_labels = {k.value: label for k, label in KIND_LABELS.items()}
    status_labels = {s.value: label for s, label in DECLARATION_LABELS.items() if s != DeclarationStatus.draft}
    report.tables += [
        _table("kind", _l("Verklaringen naar soort"), kind_labels, *by["kind"].values()),
        _table("status", _l("Verklaringen naar huidige status"), status_labels, *by["status"].values()),
        _table("department", _l("Verklaringen naar afdeling"), {}, *by["department"].values()),
        _table("paid", _l("Nevenwerkzaamheden: betaald of onbetaald"),
               {"paid": _l("Betaald"), "unpaid": _l("Onbetaald")}, *by["paid"].values()),
    ]
    decisions = {y: _decisions_of(y) for y in years}
    outcome_labels = {
        VersionStatus.approved.value: _l("Goedgekeurd"),
        VersionStatus.approved_with_conditions.value: _l("Goedgekeurd met voorwaarden"),
        VersionStatus.refused.value: _l("Afgewezen"),
    }
    report.tables.append(_table(
        "decisions", _l("Besluiten"), outcome_labels,
        *(decisions[y] for y in years),
    ))
    report.review_times = {y: review_times(y, sum(decisions[y].values())) for y in years}
    report.campaigns = {y: _campaigns_of(y) for y in years}
    oaths = {y: _oath_counts(y) for y in years}
    report.oath_available = all(c is not None for c in oaths.values())
    if report.oath_available:
        report.tables.append(_table(
            "oath", _l("Eed, belofte en integriteitsverklaring"),
            {"oath": _l("Ambtseed afgelegd"), "affirmation": _l("Ambtsbelofte afgelegd"),
             "statement": _l("Integriteitsverklaring ondertekend")},
            *oaths.values(),
        ))
    return report


def report_csv_rows(report: AnnualReport) -> list[list[str]]:
    """(section, item, year, previous year) with the shown (suppressed) values."""
    rows = []
    for table in report.tables:
        for row in table.rows + ([table.total] if table.total else []):
            rows.append([table.title, row.label, row.shown_current, row.shown_previous])
    review = str(_l("Doorlooptijd beoordeling (dagen)"))
    current, previous = report.review_times[report.year], report.review_times[report.previous_year]
    for label, attribute in ((_l("Mediaan"), "median_days"), (_l("90e percentiel"), "p90_days")):
        rows.append([review, str(label), _days(getattr(current, attribute)), _days(getattr(previous, attribute))])
    campaign_title = str(_l("Jaarlijkse bevestiging"))
    for y in (report.year, report.previous_year):
        for campaign in report.campaigns[y]:
            rows.append([f"{campaign_title} {y}", campaign.label, f"{campaign.shown_done} / {campaign.shown_tasks}",
                         campaign.shown_percent])
    return rows


def _days(value: Optional[float]) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",")


__all__ = ["HIDDEN", "SMALL", "AnnualReport", "annual_report", "percentile", "report_csv_rows", "suppress_column",
           "suppress_small"]
