"""Bar geometry for the annual report's SVG charts (the template draws them; no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.review.report import HIDDEN, SMALL, Table

BAR_MAX = 320


@dataclass
class Bar:
    y: int
    width: int
    shown: str
    is_current: bool


@dataclass
class ChartRow:
    label: str
    y: int
    bars: list[Bar]


def chart_rows(table: Table) -> list[ChartRow]:
    """Bar geometry for a table: one bar per year; a suppressed cell gets no bar, only its "<5"."""
    visible = [v for r in table.rows for v, s in ((r.current, r.shown_current), (r.previous, r.shown_previous))
               if s not in (SMALL, HIDDEN)]
    largest = max(visible, default=0) or 1
    result, y = [], 8
    for row in table.rows:
        bars = []
        for offset, (value, shown, is_current) in enumerate(
            ((row.current, row.shown_current, True), (row.previous, row.shown_previous, False))
        ):
            width = 0 if shown in (SMALL, HIDDEN) else max(round(BAR_MAX * value / largest), 1 if value else 0)
            bars.append(Bar(y=y + offset * 16, width=width, shown=shown, is_current=is_current))
        result.append(ChartRow(label=row.label, y=y, bars=bars))
        y += 44
    return result


def chart_height(rows: list[ChartRow]) -> int:
    return (rows[-1].y + 40) if rows else 40
