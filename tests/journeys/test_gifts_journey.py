"""Browser journey: an employee asks beforehand about an invitation; the manager answers. Each page passes
axe, also at 320 pixels wide."""

from __future__ import annotations

import pytest

from portal.core.time import today_local
from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import Decision, GiftStatus
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0


def test_an_employee_asks_beforehand_and_the_manager_answers_in_the_browser(page, app):
    with app.app_context():
        today = today_local().isoformat()
    sign_in(page, "hbos")  # the manager exists in the portal
    page.context.clear_cookies()
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "jdevries")
    page.goto("/declarations/")
    page.get_by_role("link", name="Geschenk of uitnodiging melden").click()
    page.wait_for_url("**/gifts/new")
    assert_accessible(page)
    _fits(page)
    page.get_by_label("Uitnodiging voor een evenement").check()
    page.get_by_label("Omschrijving").fill("Twee kaarten voor het concert van het orkest")
    page.get_by_label("Organisatie van de gever").fill("Ingenieursbureau West")
    page.get_by_label("Meer dan € 50, tot en met € 250").check()
    page.get_by_label("Ik heb nog niet besloten: ik vraag vooraf of ik het mag aannemen").check()
    page.get_by_label("Datum").fill(today)
    page.get_by_role("button", name="Melding versturen").click()  # the connection to the work is missing
    page.wait_for_load_state()
    assert page.locator("#work_relation-error").inner_text().endswith("Schrijf op wat de gever met uw werk te maken heeft.")
    assert page.get_by_label("Omschrijving").input_value() == "Twee kaarten voor het concert van het orkest"
    assert_accessible(page)
    page.get_by_label("Wat heeft de gever met uw werk te maken?").fill("Adviseert de gemeente over bruggen.")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    assert "Uw vraag is verstuurd" in page.get_by_role("status").first.inner_text()
    assert "Vraag vooraf: wacht op antwoord" in page.content()
    assert_accessible(page)
    _fits(page)

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, "hbos")
    page.goto("/gifts/team")
    assert_accessible(page)
    with app.app_context():
        reference = db.session.query(Gift).one().reference
    page.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    assert "Twee kaarten voor het concert" in page.content()
    page.get_by_label("Toegestaan onder voorwaarden").check()
    page.get_by_role("button", name="Besluit vastleggen").click()  # no conditions: refused next to the field
    page.wait_for_load_state()
    assert page.locator("#conditions-error").inner_text().endswith("Schrijf op onder welke voorwaarden het mag.")
    assert_accessible(page)
    page.get_by_label("Toegestaan onder voorwaarden").check()
    page.get_by_role("textbox", name="Voorwaarden").fill("U gaat alleen als de gemeente geen besluit over het bureau neemt.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_url("**/gifts/team")
    assert "Het besluit is vastgelegd." in page.get_by_role("status").first.inner_text()
    assert_accessible(page)
    with app.app_context():
        gift = db.session.query(Gift).one()
        assert gift.status == GiftStatus.decided and gift.decision == Decision.allowed_with_conditions
