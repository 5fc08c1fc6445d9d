"""One way to page a list: ``?page=N`` of a SELECT, and 404 for a page that does not exist.

Lists that grow without bound and are read front to back (HR's queue, the audit trail) page by a
keyset cursor instead (portal/review/queries.py, trail.py); both render through the one macro in
templates/_macros/pagination.html.
"""

from __future__ import annotations

from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import Select

from portal.extensions import db


class RowPagination(SelectPagination):
    """A page whose items are the statement's rows (all its columns), not ORM objects."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate(statement: Select, per_page: int, *, rows: bool = False) -> Pagination:
    """The page ``?page=`` of ``statement``; past the last page: the last page. (A page that is not a
    number, below 1 or absurdly far answers 404 before any view: portal/core/params.py.)

    The COUNT runs only when there may be more than one page: most lists of one person fit on the first.
    With ``rows`` the items are the statement's rows (a list of shown columns) instead of ORM objects.
    """
    def page_of(number=None, count=False) -> Pagination:
        # max_per_page keeps ?per_page= from changing the size
        if rows:
            return RowPagination(select=statement, session=db.session(), page=number, per_page=per_page,
                                 max_per_page=per_page, error_out=False, count=count)
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
