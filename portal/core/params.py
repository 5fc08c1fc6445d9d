"""Values from the URL that views can trust: ids, page numbers, cursors; odd ones answer 404 or 400, never 500.

The checks live here, once, instead of in every view:
- every ``<int:...>`` in a route is a database id or number: the converter below refuses
  what no integer column can hold (PostgreSQL's ``integer`` stops at 2**31 - 1; a bigger
  value made the database, or SQLite's driver, raise), so such a URL is a plain 404;
- ``?page=`` is checked for every request before any view runs: not a whole number from 1 to
  MAX_PAGE answers 404 (``?per_page=`` is ignored: ``portal.core.pagination.paginate`` fixes the size);
- a NUL character anywhere in the path, the query string or a form answers 400:
  it is never part of real input, and PostgreSQL cannot store or compare it.
"""

from __future__ import annotations

from typing import Optional

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

#: the largest value of an ``integer`` column (every id and number in the schema)
MAX_DB_ID = 2**31 - 1
#: far past the last page of any list (15,000 people at 10 a page is 1,500 pages), and small
#: enough that the offset it asks for stays a plain number for every database
MAX_PAGE = 100_000


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` for the portal: a whole number from 0 that an integer column can hold, else 404."""

    #: ASCII digits only: Werkzeug's ``\d+`` also takes other scripts' digits ("٣" is read as 3)
    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits: int = 0, min: Optional[int] = None,  # noqa: A002 - Werkzeug's names
                 max: Optional[int] = None, signed: bool = False) -> None:
        bounded = MAX_DB_ID if max is None or max > MAX_DB_ID else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bounded, signed=signed)


def whole_number(value: Optional[str], *, low: int, high: int) -> Optional[int]:
    """``value`` as an int when it is written with digits 0-9 only and lies in [low, high], else None."""
    if not value or len(value) > 12 or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if low <= number <= high else None


def page_number(name: str = "page") -> int:
    """The page asked for in the query string (1 when none is given); 404 for anything else."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return 1
    number = whole_number(raw, low=1, high=MAX_PAGE)
    if number is None:
        abort(404)
    return number


def id_arg(name: str) -> Optional[int]:
    """A database id from the query string (e.g. a keyset cursor); None when absent, 404 when odd."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    number = whole_number(raw, low=0, high=MAX_DB_ID)
    if number is None:
        abort(404)
    return number


def refuse_odd_input() -> None:
    """Before every view: NUL anywhere answers 400; a page number out of range answers 404."""
    if "\x00" in request.path or _has_nul(request.args.items(multi=True)):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        if _has_nul(request.form.items(multi=True)) or any(
            "\x00" in (upload.filename or "") for _name, upload in request.files.items(multi=True)
        ):
            abort(400)
    if "page" in request.args:
        page_number()


def _has_nul(pairs) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in pairs)


def init_app(app: Flask) -> None:
    """Before the blueprints are registered: their ``<int:...>`` rules must get the bounded converter."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(refuse_odd_input)
