"""The portal's one CSV and one XLSX convention; rows are streamed, never all held in memory.

CSV (every .csv the portal gives, the public register's included): for Dutch Excel — a BOM so that
UTF-8 is read as UTF-8, ``;`` between fields (Excel with Dutch settings splits on it), CRLF line ends,
dates as ISO 8601; text that a spreadsheet would run as a formula gets a leading apostrophe (CSV has
no cell types, so that is the only way to keep it text).

XLSX: one worksheet in openpyxl's write-only mode (constant memory); a bold, frozen header row with an
autofilter; column widths from the caller; text stored as text cells — so a value like ``=SUM(A1)`` or
``+31 6 …`` shows exactly as typed, with no visible apostrophe, and is never a formula; dates as dates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, Sequence, Union

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
DELIMITER = ";"
BOM = "\ufeff"
#: rows between progress reports of a file written by a job
PROGRESS_EVERY = 5_000
MAX_WIDTH = 60


@dataclass(frozen=True)
class Column:
    """A column of an export: its header and, for XLSX, its width in characters."""

    header: str
    width: Optional[int] = None


ColumnSpec = Union[str, Column]


def columns_of(header: Sequence[ColumnSpec]) -> list[Column]:
    return [c if isinstance(c, Column) else Column(str(c)) for c in header]


def safe_cell(value: Any) -> Any:
    """The value for a CSV field: text that starts like a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    # the common cases first: this runs once per cell, a million times for a large register
    kind = type(value)
    if kind is str:
        return "'" + value if value and value[0] in _FORMULA_CHARS else value
    if kind is int or value is None:
        return "" if value is None else str(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return _csv_value(str(value))


_FORMULA_CHARS = frozenset("".join(FORMULA_STARTS))


def csv_lines(header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in chunks of about 64 kB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([c.header for c in columns_of(header)])
    for row in rows:
        writer.writerow(map(_csv_value, row))
        if buffer.tell() > 64_000:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def stream_rows(statement, batch: int = 1000) -> Iterator[Any]:
    """The rows of a column SELECT through a server-side cursor, ``batch`` at a time.

    Give it a statement built before the response starts: by the time the rows are read the request's
    transaction has committed and any ORM object the view held is expired.
    """
    from portal.extensions import db

    # Core rows on the session's connection (same transaction): no ORM result machinery per row
    yield from db.session.connection().execute(statement.execution_options(yield_per=batch))


def csv_response(filename: str, header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]) -> Response:
    """A streamed CSV download: ``rows`` should be a generator over a server-side cursor."""
    response = Response(stream_with_context(csv_lines(header, rows)), mimetype="text/csv")
    response.headers["Content-Type"] = CSV_TYPE
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # exports hold personal data
    return response


def csv_text(header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV file as one string (small exports and tests)."""
    return "".join(csv_lines(header, rows))


def write_csv(path: Path, header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]],
              progress: Optional[Callable[[int], None]] = None) -> int:
    """Write a CSV file (by a job); ``progress(rows)`` every PROGRESS_EVERY rows. Returns the row count."""
    counted = _counting(rows, progress)
    with path.open("w", encoding="utf-8", newline="") as out:
        for chunk in csv_lines(header, counted):
            out.write(chunk)
    return counted.count


class _counting:
    """Iterate ``rows`` and report every PROGRESS_EVERY of them."""

    def __init__(self, rows: Iterable[Sequence[Any]], progress: Optional[Callable[[int], None]]) -> None:
        self.rows, self.progress, self.count = rows, progress, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            yield row
            self.count += 1
            if self.progress is not None and self.count % PROGRESS_EVERY == 0:
                self.progress(self.count)


# -- XLSX -------------------------------------------------------------------------------------


def _xlsx_cells(sheet) -> Callable[[Any], Any]:
    """The function that turns one value into what the write-only sheet takes (openpyxl imported once
    per file, not once per cell: a large register has a million cells)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    has_illegal = ILLEGAL_CHARACTERS_RE.search

    def cell(value: Any):
        if isinstance(value, str):
            if has_illegal(value):
                value = ILLEGAL_CHARACTERS_RE.sub("", value)
            if value and value[0] in _FORMULA_CHARS:
                # A text cell, whatever it starts with: openpyxl would make "=…" a formula.
                text = WriteOnlyCell(sheet, value=value)
                text.data_type = "s"
                text.quotePrefix = True  # stays text when someone edits the cell; the apostrophe is not shown
                return text
            return value
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)  # Excel has no time zones; the caller passes local time
        return value

    return cell


def write_xlsx(target, title: str, header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]],
               progress: Optional[Callable[[int], None]] = None) -> int:
    """Write one worksheet to ``target`` (a path or a binary file). Returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    columns = columns_of(header)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    # Views and column widths are written before the first row, the autofilter after the last.
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        width = column.width or len(column.header) + 4
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8), MAX_WIDTH)
    bold = Font(bold=True)
    header_cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        cell.data_type = "s"
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    cell = _xlsx_cells(sheet)
    for row in _counting(rows, progress):
        sheet.append([cell(v) for v in row])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    workbook.save(target)
    return count


def xlsx_bytes(title: str, header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]) -> bytes:
    """A small workbook in memory (small exports and tests)."""
    output = io.BytesIO()
    write_xlsx(output, title, header, rows)
    return output.getvalue()


def xlsx_response(filename: str, title: str, header: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]) -> Response:
    """A small workbook as a download; large ones are made by a job (portal.exports)."""
    response = Response(xlsx_bytes(title, header, rows), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
