"""The go-live checklist at /admin/setup, as an administrator of a fresh production install sees it, in Chromium."""

from __future__ import annotations

import pytest

from tests.support.browser import assert_accessible, sign_in


def _item(page, key: str):
    return page.locator(f"li[data-key='{key}']")


@pytest.mark.browser
def test_administrator_sees_what_is_left_and_the_checklist_follows_the_test_message(smtp, app, runner, page):
    assert runner.invoke(args=["portal", "load-content"]).exit_code == 0
    sign_in(page, "lvisser")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer: klaar voor gebruik").click()
    page.get_by_role("heading", level=1, name="Klaar voor gebruik").wait_for()
    assert_accessible(page)

    # the starter content alone is not enough: every item that needs the municipality is still to do
    for key in ("advisers", "external_adviser", "privacy_officer", "oath_decision", "policy_pages", "mail", "ceremony"):
        assert "Te doen" in _item(page, key).inner_text(), key
    assert "Externe vertrouwenspersonen BING" in _item(page, "external_adviser").inner_text()
    assert "code-of-conduct" in _item(page, "policy_pages").inner_text()

    # the role groups of the test directory, nested groups resolved (reviewers = the three of pno-team)
    groups = page.get_by_role("region", name="Groepen en hun leden")
    assert "3 leden" in groups.get_by_role("row", name="Beoordelaars (P&O)").inner_text()
    assert "1 lid" in groups.get_by_role("row", name="Beheerders").inner_text()
    assert "5 leden" in groups.get_by_role("row", name="Functies met verhoogd risico").inner_text()
    assert "Gedaan" in _item(page, "directory_groups").inner_text()

    # the mail item links to the test message; once one is sent the item is done
    _item(page, "mail").get_by_role("link").click()
    page.get_by_label("E-mailadres").fill("beheer@example.nl")
    page.get_by_role("button", name="Testbericht versturen").click()
    page.get_by_text("Het testbericht is verstuurd naar beheer@example.nl.").wait_for()
    page.goto("/admin/setup")
    assert "Gedaan" in _item(page, "mail").inner_text()
    assert "Te doen" in _item(page, "ceremony").inner_text()


def test_a_group_missing_from_the_directory_is_shown_as_not_found(app_config, app, client, auth):
    app.config["LDAP_GROUP_TOP_OFFICIALS"] = "cn=bestaat-niet,ou=groups,dc=example,dc=nl"
    auth.login("lvisser")
    html = client.get("/admin/setup").get_data(as_text=True)
    assert "Niet gevonden" in html and "cn=bestaat-niet" in html


def test_only_administrators_see_the_setup_checklist(client, auth):
    auth.login("jdevries")
    assert client.get("/admin/setup").status_code == 403


def test_after_the_sync_the_portal_counts_every_member_of_a_role_group(app, client, auth, runner):
    auth.login("lvisser")
    before = client.get("/admin/setup").get_data(as_text=True)
    assert runner.invoke(args=["portal", "sync-directory"]).exit_code == 0

    after = client.get("/admin/setup").get_data(as_text=True)

    def reviewers_row(html: str) -> str:
        row = html[html.find("Beoordelaars (P&amp;O)"):]
        return row[:row.find("</tr>")]
    # only lvisser had signed in; the sync brought in the two other reviewers of pno-team
    assert "3 leden" in reviewers_row(before) and "1 persoon" in reviewers_row(before)
    assert "3 leden" in reviewers_row(after) and "3 personen" in reviewers_row(after)
