"""In Chromium: a session fills up, a colleague waits, a place comes free; HR's pages; axe on every page."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from tests.oath.conftest import plan_session
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _second_tab(playwright_browser, live_server):
    context = playwright_browser.new_context(base_url=live_server.url, locale="nl-NL")
    context.set_default_timeout(10_000)
    return context, context.new_page()


def test_waiting_list_journey(page, app, playwright_browser, live_server):
    with app.app_context():
        plan_session(capacity=1, starts_in=timedelta(days=21), location="Raadzaal, gemeentehuis")
        db.session.commit()

    # A new employee signs up for the only place.
    sign_in(page, "jdevries")
    assert_accessible(page)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Ambtseed").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Uw ambtseed of belofte"
    assert_accessible(page)
    page.get_by_role("link", name="Kies een bijeenkomst").click()
    assert "Dat verklaar en beloof ik!" in page.content()
    assert_accessible(page)
    page.get_by_role("link", name="Inschrijven voor").click()
    assert_accessible(page)
    page.get_by_role("button", name="Inschrijven").click()  # nothing chosen: the error is shown next to the field
    assert page.get_by_text("Kies de eed of de belofte.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("De belofte (ambtsbelofte)").check()
    page.get_by_label("Toegankelijkheid (niet verplicht)").fill("Graag een plek dicht bij de deur.")
    page.get_by_role("button", name="Inschrijven").click()
    page.wait_for_url("**/oath/my")
    assert page.get_by_text("U bent aangemeld en legt de belofte af").is_visible()
    assert_accessible(page)

    # The session is full: a colleague joins the waiting list.
    context, colleague = _second_tab(playwright_browser, live_server)
    try:
        sign_in(colleague, "sbakker")
        colleague.goto("/oath/sessions")
        assert colleague.get_by_text("Vol", exact=True).is_visible()
        assert_accessible(colleague)
        colleague.get_by_role("link", name="Naar de wachtlijst voor").click()
        assert_accessible(colleague)
        colleague.get_by_label("De eed (ambtseed)").check()
        colleague.get_by_role("button", name="Op de wachtlijst zetten").click()
        colleague.wait_for_url("**/oath/my")
        assert colleague.get_by_text("op plaats 1").is_visible()
        assert_accessible(colleague)

        # The first one cancels; the colleague moves up automatically.
        page.get_by_role("button", name="Afmelden voor deze bijeenkomst").click()
        page.wait_for_load_state()
        assert page.get_by_text("U bent afgemeld.").is_visible()
        assert_accessible(page)

        colleague.reload()
        assert colleague.get_by_text("U bent aangemeld en legt de eed af").is_visible()
        assert colleague.get_by_role("heading", name="Uw aanmelding").inner_text().endswith("Aangemeld")
        assert_accessible(colleague)
        colleague.goto("/")
        assert colleague.get_by_text("Aangemeld voor").is_visible()
        assert_accessible(colleague)
    finally:
        context.close()

    with app.app_context():
        from tests.oath.conftest import outbox

        keys = [m.dedup_key for m in outbox()]
    assert sum(key.endswith("-promoted") for key in keys) == 1


def test_hr_pages_and_the_statement_are_accessible(page, app):
    from portal.oath.services.statements import publish_statement_text

    with app.app_context():
        plan_session(capacity=20, online_url="https://meet.example.nl/ambtseed", location=None)
        publish_statement_text()
        db.session.commit()

    sign_in(page, "tdejong")  # intern: signs the statement instead
    page.goto("/oath/my")
    page.wait_for_url("**/oath/statement")
    assert_accessible(page)
    page.get_by_label("Uw volledige naam").fill("Thijs de Jong")
    page.get_by_label("Ik heb de verklaring gelezen en onderteken deze").check()
    page.get_by_role("button", name="Ondertekenen").click()
    assert page.get_by_text("U heeft de integriteitsverklaring ondertekend.").is_visible()
    assert_accessible(page)
    page.get_by_role("banner").get_by_role("button", name="Afmelden").click()

    sign_in(page, "mjansen")
    page.get_by_role("link", name="Ceremonies (P&O)").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Nieuwe bijeenkomst plannen").click()
    page.get_by_role("button", name="Opslaan").click()  # empty form: Dutch messages next to the fields
    assert page.get_by_text("Vul de datum in.").first.is_visible()
    assert_accessible(page)
    page.goto("/oath/admin")
    page.locator("table a").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Presentielijst afdrukken").click()
    assert_accessible(page)
    page.goto("/oath/admin")
    page.get_by_role("link", name="Wie moet nog").click()
    assert_accessible(page)
    page.get_by_role("link", name="Integriteitsverklaringen").click()
    assert page.get_by_text("Thijs de Jong").first.is_visible()
    assert_accessible(page)
