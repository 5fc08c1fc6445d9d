"""CSV and XLSX files: streamed, and never a cell that a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any, Iterable, Iterator, Sequence

from flask import Response, stream_with_context

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: Any) -> Any:
    """The value for a spreadsheet cell: text that starts like a formula gets a leading quote.

    Numbers, dates and booleans stay as they are (they cannot hold a formula).
    """
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> str:
    value = safe_cell(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]], *, delimiter: str = ";",
              bom: bool = True) -> Iterator[str]:
    """The CSV text in chunks; a BOM so that spreadsheet programs read UTF-8 as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    if bom:
        buffer.write("\ufeff")
    writer.writerow([_csv_value(h) for h in header])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        if buffer.tell() > 64_000:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]], **options) -> Response:
    response = Response(stream_with_context(csv_lines(header, rows, **options)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"  # exports hold personal data
    return response


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], **options) -> str:
    """The whole CSV file as one string (for small exports)."""
    return "".join(csv_lines(header, rows, **options))


def xlsx_bytes(title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One worksheet in a write-only workbook (constant memory per row)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _xlsx_value(value: Any) -> Any:
    value = safe_cell(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones; the caller passes local time
    return value


def xlsx_response(filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    response = Response(xlsx_bytes(title, header, rows), mimetype=XLSX_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
