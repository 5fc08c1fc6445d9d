"""One way to page a list: ``?page=N`` of a SELECT, and 404 for a page that does not exist.

Lists that grow without bound and are read front to back (HR's queue, the audit trail) page by a
keyset cursor instead (portal/review/queries.py, trail.py); both render through the one macro in
templates/_macros/pagination.html.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping, Optional

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select, bindparam, func, select

from portal.core.database import fixed_limit
from portal.extensions import db


class RowPagination(SelectPagination):
    """A page whose items are the statement's rows (all its columns), not ORM objects.

    With ``params`` the statement was built once (a ``@cache`` function with ``bindparam`` parameters): the
    page's OFFSET is a parameter too (its LIMIT, the fixed page size, is in the text: ``fixed_limit``), so that the same statement object is run on every
    page view. Building (``.params()``, ``.limit()``) and keying a statement anew on every view cost
    more CPU than running it ("my declarations").
    """

    def _query_items(self) -> list:
        params: Optional[Mapping[str, Any]] = self._query_args.get("params")
        session = self._query_args["session"]
        if params is None:
            statement = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
            return list(session.execute(statement).all())
        page_params = {**params, "page_offset": self._query_offset}
        return list(session.execute(_page_of(self._query_args["select"], self.per_page), page_params).all())

    def _query_count(self) -> int:
        params = self._query_args.get("params")
        if params is None:
            return super()._query_count()
        return self._query_args["session"].execute(_count_of(self._query_args["select"]), params).scalar()


@lru_cache(maxsize=64)
def _page_of(statement: Select, per_page: int) -> Select:
    """A statement built once, limited to one page of ``per_page`` rows from the parameter page_offset."""
    return statement.limit(fixed_limit(per_page)).offset(bindparam("page_offset"))


@lru_cache(maxsize=64)
def _count_of(statement: Select) -> Select:
    """How many rows a statement built once gives."""
    return select(func.count()).select_from(statement.order_by(None).subquery())


def paginate(statement: Select, per_page: int, *, rows: bool = False,
             params: Optional[Mapping[str, Any]] = None) -> Pagination:
    """The page ``?page=`` of ``statement``; past the last page: the last page. (A page that is not a
    number, below 1 or absurdly far answers 404 before any view: portal/core/params.py.)

    The COUNT runs only when there may be more than one page: most lists of one person fit on the first.
    With ``rows`` the items are the statement's rows (a list of shown columns) instead of ORM objects;
    with ``params`` too, ``statement`` is one built once (never a new one per request: each is kept)
    and ``params`` are the values of its ``bindparam`` parameters.
    """
    if params is not None and not rows:
        raise TypeError("params: only with rows=True")  # a mistake in the code, never shown to a person
    def page_of(number=None, count=False) -> Pagination:
        # max_per_page keeps ?per_page= from changing the size
        if rows:
            return RowPagination(select=statement, session=db.session(), page=number, per_page=per_page,
                                 max_per_page=per_page, error_out=False, count=count, params=params)
        return db.paginate(statement, page=number, per_page=per_page, max_per_page=per_page, error_out=False,
                           count=count)

    page = page_of()
    if page.page == 1 and len(page.items) < per_page:
        page.total = len(page.items)
        return page
    page.total = page._query_count()
    if page.pages and page.page > page.pages:
        page = page_of(page.pages, count=True)
    return page
