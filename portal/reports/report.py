"""The annual report for the council: each figure of a year beside the previous year and the four before.

The counts come from ``figures`` (grouped queries); a closed year's counts come from its frozen copy
(``ReportYear.figures``), so retention and later corrections never change a report already given to
the council. Small counts: ``PORTAL_REPORT_MIN_CELL`` for the counts of reports, investigations and
contacts (default 0: every count shown, as the seed reports do); the breakdown by department always
shows counts below 5 as "<5", and when a column has exactly one such cell the next smallest is hidden
too ("×"), since the total would give it away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from flask import current_app
from sqlalchemy import select

from portal.concerns.states import (
    CATEGORY_LABELS,
    CONTACT_NATURES,
    MEASURE_LABELS,
    InvestigationType,
    Outcome,
    label_of,
)
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local
from portal.gifts.states import CATEGORY_LABELS as GIFT_CATEGORY_LABELS
from portal.gifts.states import OUTCOME_LABELS as GIFT_OUTCOME_LABELS
from portal.extensions import db
from portal.reports.figures import UNSET, compute_counts
from portal.reports.models import ReportExplanation, ReportYear

YEARS_SHOWN = 6  #: the year, the previous year and the four before it
DEPARTMENT_THRESHOLD = 5
HIDDEN = "×"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: object  #: lazily translated
    rows: Callable[[], list[tuple[str, object]]]  #: (row key, label) in order; others found are appended
    total: Optional[object] = None  #: label of a total row over the rows, if any
    suppression: str = "min_cell"  #: "min_cell", or "department" (always at least 5)
    #: the row the small chart shows (default: the total)
    chart_key: Optional[str] = None


def _configured(setting: str, labels: dict) -> Callable[[], list[tuple[str, object]]]:
    return lambda: [(code, label_of(labels, code)) for code in current_app.config[setting]]


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("concerns", _l("Meldingen van vermoedens van integriteitsschendingen, naar categorie"),
                lambda: _configured("CONCERN_CATEGORIES", CATEGORY_LABELS)() + [(UNSET, _l("Nog niet ingedeeld"))],
                total=_l("Totaal meldingen")),
    SectionSpec("investigations", _l("Onderzoeken, naar soort"),
                lambda: [(t.value, t.label) for t in InvestigationType if t != InvestigationType.none],
                total=_l("Totaal onderzoeken")),
    SectionSpec("outcomes", _l("Uitkomst van de beoordeling"),
                Outcome.choices, total=_l("Totaal beoordeeld")),
    SectionSpec("measures", _l("Maatregelen, waaronder disciplinair ontslag"),
                _configured("CONCERN_MEASURES", MEASURE_LABELS), total=_l("Totaal maatregelen")),
    SectionSpec("contacts", _l("Contacten met vertrouwenspersonen, naar aard"),
                lambda: list(CONTACT_NATURES.items()), total=_l("Totaal contacten")),
    SectionSpec("contact_people", _l("Vertrouwenspersonen: aantal personen en doorverwijzingen"),
                lambda: [("people", _l("Aantal personen dat contact zocht")),
                         ("referred", _l("Contacten doorverwezen naar het meldpunt"))], chart_key="people"),
    SectionSpec("declarations", _l("Verklaringen van nevenwerkzaamheden en financiële belangen"),
                lambda: [("filed", _l("Ingediend")), ("decided", _l("Besluit genomen")), ("refused", _l("Afgewezen")),
                         ("published", _l("Nevenwerkzaamheden van topfunctionarissen gepubliceerd"))],
                chart_key="filed"),
    SectionSpec("departments", _l("Ingediende verklaringen, naar afdeling"), lambda: [],
                total=_l("Totaal"), suppression="department"),
    SectionSpec("oath", _l("Eed, belofte en integriteitsverklaring"),
                lambda: [("ceremonies", _l("Bijeenkomsten gehouden")), ("oath", _l("Ambtseed afgelegd")),
                         ("affirmation", _l("Ambtsbelofte afgelegd")),
                         ("statements", _l("Integriteitsverklaring ondertekend"))], chart_key="oath"),
    SectionSpec("gifts", _l("Gemelde geschenken en uitnodigingen, naar soort"),
                _configured("GIFT_CATEGORIES", GIFT_CATEGORY_LABELS), total=_l("Totaal gemeld")),
    SectionSpec("gift_outcomes", _l("Geschenken en uitnodigingen, naar besluit"),
                lambda: [(key, label) for key, label in GIFT_OUTCOME_LABELS.items()], total=_l("Totaal gemeld")),
)
SECTION_KEYS = tuple(spec.key for spec in SECTIONS)
CONTACT_ROWS = ("people", "referred")


@dataclass
class ReportRow:
    key: str
    label: str
    values: list[int]  #: one per year, newest first
    shown: list[str] = field(default_factory=list)
    is_total: bool = False


@dataclass
class Bar:
    year: int
    value: int
    shown: str
    height: int


@dataclass
class ReportSection:
    key: str
    title: str
    rows: list[ReportRow]
    chart_label: str
    bars: list[Bar]  #: oldest first, for the chart
    explanation: str = ""

    @property
    def has_hidden(self) -> bool:
        return any(HIDDEN in row.shown for row in self.rows)


@dataclass
class AnnualReport:
    year: int
    years: list[int]  #: newest first
    sections: list[ReportSection]
    closed: Optional[ReportYear]
    frozen_years: frozenset[int]
    min_cell: int

    @property
    def is_closed(self) -> bool:
        return self.closed is not None and self.closed.is_closed


# -- counts, live or frozen ------------------------------------------------------------------


def _split_contacts(counts: dict) -> dict:
    """The contacts query holds people and referrals too; the report shows them as their own section."""
    contacts = counts.get("contacts", {})
    counts["contact_people"] = {y: {k: v for k, v in rows.items() if k in CONTACT_ROWS} for y, rows in contacts.items()}
    counts["contacts"] = {y: {k: v for k, v in rows.items() if k not in CONTACT_ROWS} for y, rows in contacts.items()}
    return counts


def live_counts(years: list[int]) -> dict[str, dict[int, dict[str, int]]]:
    """Every section's counts for ``years``, from the database as it is now."""
    return _split_contacts(compute_counts(years))


def year_figures(year: int) -> dict[str, dict[str, int]]:
    """One year's counts in the stored shape ``{section: {row: count}}`` (what closing freezes)."""
    counts = live_counts([year])
    return {section: {k: int(v) for k, v in counts[section][year].items() if v} for section in SECTION_KEYS}


def default_year() -> int:
    """The year a report opens on: last year, the usual subject; this year when only this year has figures
    (a portal that went live this year)."""
    this_year = today_local().year
    if not any(year_figures(this_year - 1).values()) and any(year_figures(this_year).values()):
        return this_year
    return this_year - 1


def report_counts(years: list[int]) -> tuple[dict[str, dict[int, dict[str, int]]], frozenset[int], dict]:
    """Counts per section and year: frozen for closed years, live for the others; and the stored years."""
    stored = {row.year: row for row in db.session.scalars(select(ReportYear).where(ReportYear.year.in_(years)))}
    frozen = frozenset(y for y, row in stored.items() if row.is_closed and row.figures is not None)
    open_years = [y for y in years if y not in frozen]
    counts = live_counts(open_years) if open_years else {key: {} for key in SECTION_KEYS}
    for year in frozen:
        figures = stored[year].figures or {}
        for section in SECTION_KEYS:
            counts.setdefault(section, {})[year] = dict(figures.get(section, {}))
    return counts, frozen, stored


# -- suppression -----------------------------------------------------------------------------


def suppress(values: list[int], threshold: int, *, zero_is_small: bool = False) -> list[str]:
    """Counts below ``threshold`` as "<threshold"; with exactly one such cell the next smallest is hidden too."""
    if threshold <= 0:
        return [str(v) for v in values]

    def small(v: int) -> bool:
        return v < threshold and (v > 0 or zero_is_small)

    shown = [f"<{threshold}" if small(v) else str(v) for v in values]
    others = sorted((v, i) for i, v in enumerate(values) if not small(v) and v > 0)
    if sum(1 for v in values if small(v)) == 1 and others:
        shown[others[0][1]] = HIDDEN
    return shown


def _suppress_rows(rows: list[ReportRow], total: Optional[ReportRow], threshold: int, zero_is_small: bool) -> None:
    for column in range(len(rows[0].values) if rows else 0):
        column_shown = suppress([r.values[column] for r in rows], threshold, zero_is_small=zero_is_small)
        for row, value in zip(rows, column_shown):
            row.shown.append(value)
    if total is not None:
        total.shown = suppress(total.values, threshold, zero_is_small=zero_is_small)
        total.shown = [f"<{threshold}" if s == HIDDEN else s for s in total.shown]


# -- the report ------------------------------------------------------------------------------


def explanations_of(year: int) -> dict[str, str]:
    return {e.section: e.body for e in db.session.scalars(select(ReportExplanation).where(ReportExplanation.year == year))}


def _section(spec: SectionSpec, years: list[int], counts: dict[int, dict[str, int]], min_cell: int) -> ReportSection:
    ordered = [(key, str(label)) for key, label in spec.rows()]
    known = {key for key, _ in ordered}
    found = sorted({k for y in years for k, v in counts.get(y, {}).items() if v and k not in known})
    unknown_label = str(_l("(geen afdeling)")) if spec.suppression == "department" else None
    for key in found:
        ordered.append((key, unknown_label if key == UNSET and unknown_label else key))
    rows = [ReportRow(key, label, [int(counts.get(y, {}).get(key, 0)) for y in years]) for key, label in ordered]
    if spec.key == "concerns":  # "not yet classified" only while there is such a concern
        rows = [r for r in rows if r.key != UNSET or any(r.values)]
    total = None
    if spec.total is not None:
        total = ReportRow("total", str(spec.total), [sum(r.values[i] for r in rows) for i in range(len(years))],
                          is_total=True)
    if spec.suppression == "department":
        _suppress_rows(rows, total, DEPARTMENT_THRESHOLD, zero_is_small=True)
    else:
        _suppress_rows(rows, total, min_cell, zero_is_small=False)
    chart_row = next((r for r in rows if r.key == spec.chart_key), None) if spec.chart_key else total
    chart_row = chart_row or (rows[0] if rows else ReportRow("none", "", [0] * len(years), ["0"] * len(years)))
    return ReportSection(spec.key, str(spec.title), rows + ([total] if total else []), chart_row.label,
                         _bars(years, chart_row))


def _bars(years: list[int], row: ReportRow) -> list[Bar]:
    """Chart bars, oldest first; a suppressed count gets no bar, only its text."""
    visible = [v for v, s in zip(row.values, row.shown) if s.isdigit()]
    largest = max(visible, default=0) or 1
    bars = []
    for year, value, shown in zip(years, row.values, row.shown):
        height = round(60 * value / largest) if shown.isdigit() else 0
        bars.append(Bar(year, value, shown, max(height, 1 if value and shown.isdigit() else 0)))
    return list(reversed(bars))


def annual_report(year: int) -> AnnualReport:
    """The report of ``year``: every section over six years, with the coordinator's explanations."""
    years = [year - offset for offset in range(YEARS_SHOWN)]
    counts, frozen, stored = report_counts(years)
    min_cell = int(current_app.config.get("REPORT_MIN_CELL", 0))
    explanations = explanations_of(year)
    sections = []
    for spec in SECTIONS:
        section = _section(spec, years, counts.get(spec.key, {}), min_cell)
        section.explanation = explanations.get(spec.key, "")
        sections.append(section)
    return AnnualReport(year, years, sections, stored.get(year), frozen, min_cell)


def report_csv_rows(report: AnnualReport) -> list[list[str]]:
    """(section, item, the six years newest first) with the shown values."""
    return [[section.title, row.label, *row.shown] for section in report.sections for row in section.rows]
