"""The one pager: a second page that works in every area, and no 500 for a page that does not exist."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.oath.conftest import make_user


def _rows(html: str) -> list[str]:
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", html, re.S)
    return [row for row in rows if 'scope="col"' not in row]


def test_hr_oath_list_with_a_second_page_renders_and_pages(client, auth, app):
    """/oath/admin/outstanding had a 500 once a second page existed (the pager shadowed ``_``)."""
    with app.app_context():
        for n in range(60):
            make_user(f"nieuw{n:03d}")
        db.session.commit()
    auth.login("mjansen")
    first = client.get("/oath/admin/outstanding")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert 'class="portal-pagination"' in html and 'rel="next"' in html
    next_url = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    second = client.get(next_url)
    assert second.status_code == 200
    second_html = second.get_data(as_text=True)
    assert 'aria-current="page"><span class="portal-visually-hidden">Pagina </span>2' in second_html
    assert set(_rows(html)).isdisjoint(_rows(second_html))


@pytest.mark.parametrize("page", ["0", "-1", "abc", "999"])
def test_a_page_that_does_not_exist_is_not_found(client, page):
    assert client.get(f"/advisers?page={page}").status_code == 404


def test_a_page_size_in_the_query_changes_nothing(client, auth, app):
    with app.app_context():
        for n in range(60):
            make_user(f"nieuw{n:03d}")
        db.session.commit()
    auth.login("mjansen")
    html = client.get("/oath/admin/outstanding?per_page=1000").get_data(as_text=True)
    assert 'rel="next"' in html
