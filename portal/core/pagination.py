"""One way to page a list: ``?page=N`` of a SELECT, and 404 for a page that does not exist.

Lists that grow without bound and are read front to back (HR's queue, the audit trail) page by a
keyset cursor instead (portal/review/queries.py, trail.py); both render through the one macro in
templates/_macros/pagination.html.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from portal.extensions import db


def paginate(statement: Select, per_page: int, *, count: bool = True) -> Pagination:
    """The page ``?page=`` of ``statement``; not a number, below 1 or past the last page: 404."""
    # error_out aborts with 404 for a bad or empty page; max_per_page keeps ?per_page= from changing the size
    return db.paginate(statement, per_page=per_page, max_per_page=per_page, error_out=True, count=count)
