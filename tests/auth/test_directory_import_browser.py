"""In the browser: HR sees someone who never signed in on the oath's "Wie moet nog" list after the sync."""

from __future__ import annotations

import pytest

from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.directories("openldap")


@pytest.mark.browser
def test_hr_sees_someone_who_never_signed_in_on_the_still_to_take_the_oath_list(app, page, runner):
    result = runner.invoke(args=["portal", "sync-directory"])
    assert result.exit_code == 0, result.output

    sign_in(page, "mjansen")
    page.goto("/oath/admin")
    page.get_by_role("link", name="Wie moet nog").click()
    page.wait_for_load_state()

    table = page.get_by_role("table")
    assert table.get_by_role("rowheader", name="Noor Mulder").is_visible()  # never signed in
    row = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Thijs de Jong"))
    assert row.get_by_role("cell", name="Integriteitsverklaring").is_visible()  # an intern signs the statement
    assert_accessible(page)
