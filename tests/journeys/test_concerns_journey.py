"""Browser journeys over every page of the concerns area and the annual report; each passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.concerns.models import AdviserContact, Concern
from portal.core.time import today_local
from portal.extensions import db
from tests.concerns.helpers import closed_concern, contact
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_an_employee_files_a_concern_in_the_browser(page, app):
    sign_in(page, "jdevries")
    page.goto("/concerns/new")
    assert_accessible(page)
    page.get_by_role("button", name="Melding versturen").click()  # empty: the error is next to the field
    page.wait_for_load_state()
    assert page.locator("#what_happened-error").inner_text().endswith("Beschrijf wat er is gebeurd.")
    assert_accessible(page)
    page.get_by_label("Wat is er gebeurd?").fill("Een collega gebruikt de bedrijfsauto voor een eigen klus.")
    page.get_by_label("Mijn naam niet delen met de betrokkenen").check()
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_url("**/concerns/mine")
    assert "bevestigt de integriteitscoördinator de ontvangst" in page.get_by_role("status").first.inner_text()
    assert_accessible(page)
    with app.app_context():
        assert db.session.query(Concern).one().is_anonymous


def test_a_coordinator_registers_and_handles_a_concern_in_the_browser(page, app):
    sign_in(page, "rkoster")
    page.goto("/concerns/")
    assert_accessible(page)
    page.get_by_role("link", name="Melding registreren").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Hoe kwam de melding binnen?").select_option("manager")
    with app.app_context():
        received = (today_local() - timedelta(days=3)).isoformat()
    page.get_by_label("Datum van ontvangst").fill(received)
    page.get_by_label("Wat is er gebeurd?").fill("Een leidinggevende meldt dat er geld uit de kas verdwijnt.")
    page.get_by_role("button", name="Melding registreren").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith(f"Melding M{received[:4]}-")
    assert_accessible(page)
    page.get_by_role("button", name="Ontvangst bevestigen aan de melder").click()
    page.wait_for_load_state()
    page.get_by_label("Intern onderzoek").check()
    page.get_by_role("button", name="Onderzoek vastleggen").click()
    page.wait_for_load_state()
    assert "In onderzoek" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("textbox", name="Interne notitie").fill("Kasboek opgevraagd.")
    page.get_by_role("button", name="Notitie toevoegen").click()
    page.wait_for_load_state()
    assert "Kasboek opgevraagd." in page.content()
    assert_accessible(page)
    page.goto("/concerns/")
    assert_accessible(page)


def test_an_adviser_logs_a_contact_in_the_browser(page, app):
    sign_in(page, "bhaan")
    page.goto("/advisers/contacts")
    assert_accessible(page)
    page.get_by_label("Aard van het contact").select_option("pesten")
    page.get_by_label("Aantal personen").fill("2")
    page.get_by_role("button", name="Contact vastleggen").click()
    page.wait_for_load_state()
    assert "Het contact is vastgelegd." in page.get_by_role("status").first.inner_text()
    assert_accessible(page)
    with app.app_context():
        assert db.session.query(AdviserContact).one().people == 2


def test_the_annual_report_with_its_explanation_and_closing_in_the_browser(page, app):
    from datetime import date

    with app.app_context():
        for year in range(2020, 2026):
            closed_concern(date(year, 3, 1))
            contact(date(year, 4, 1))
        db.session.commit()
    sign_in(page, "rkoster")
    page.goto("/reports/annual?year=2025")
    assert_accessible(page)
    page.get_by_label("Toelichting bij „Meldingen van vermoedens van integriteitsschendingen, naar categorie”").fill(
        "Eén melding, gegrond; zij leidde tot ontslag.")
    page.get_by_role("button", name="Toelichting opslaan").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Jaar afsluiten en cijfers vastzetten").click()
    page.wait_for_load_state()
    assert "Dit jaar is afgesloten op" in page.content()
    assert_accessible(page)
    page.screenshot(path="/tmp/concerns-annual-report.png", full_page=True)
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()
    sign_in(page, "mjansen")  # HR reads the report, without the coordinator's forms
    page.goto("/reports/annual?year=2025")
    assert page.get_by_role("button", name="Jaar heropenen").count() == 0
    assert_accessible(page)
