"""In Chromium: help is one click from the dashboard, and every policy page passes axe."""

from __future__ import annotations

import re

import pytest

from portal.policies.content import PAGE_ORDER as SLUGS
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser



def test_employee_reaches_the_advisers_phone_in_one_click_and_reads_every_page(page, demo_content, publish):
    publish("regulations", "## Overzicht\n\nEen nieuwe versie om te vergelijken.")
    sign_in(page, "jdevries")
    assert_accessible(page)  # the dashboard

    page.get_by_role("link", name="Vertrouwenspersoon", exact=True).click()
    page.wait_for_url("**/advisers")
    phone = page.get_by_role("link", name="030 000 00 01")
    assert phone.is_visible() and phone.get_attribute("href") == "tel:+31300000001"
    assert_accessible(page)

    page.get_by_role("link", name="Integriteit", exact=True).click()
    page.wait_for_url("**/policies/")
    assert_accessible(page)
    for slug in SLUGS:
        page.goto(f"/policies/{slug}")
        assert page.get_by_role("heading", level=1).count() == 1
        assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 640})  # tables scroll inside their wrapper, the page does not
    for slug in ("code-of-conduct", "reporting"):
        page.goto(f"/policies/{slug}")
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto("/policies/search?q=financiele")
    assert page.locator("mark").first.is_visible()
    assert_accessible(page)
    page.goto("/policies/regulations/versions")
    assert_accessible(page)
    page.goto("/policies/regulations/versions/1")
    assert_accessible(page)
    page.goto("/policies/regulations/diff")
    assert page.locator(".portal-diff ins").first.is_visible()
    assert_accessible(page)

    # read the code of conduct and confirm it; the dashboard checklist is then done
    page.goto("/policies/code-of-conduct")
    page.get_by_role("link", name="Naar de bevestiging").click()
    page.get_by_role("button", name="Ik heb de gedragscode gelezen").click()
    page.wait_for_url("**/policies/code-of-conduct")
    assert page.get_by_text("Uw bevestiging is vastgelegd").is_visible()
    assert_accessible(page)
    page.goto("/")
    item = page.locator(".portal-checklist__item", has_text="Gedragscode gelezen")
    assert "portal-checklist__item--done" in item.get_attribute("class")


def test_help_pages_work_without_signing_in(page, demo_content):
    page.goto("/advisers")
    assert page.get_by_role("link", name="030 000 00 02").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Alle routes om iets te melden")).click()
    page.wait_for_url("**/policies/reporting")
    assert page.get_by_role("heading", level=1).inner_text() == "Melden"
    assert_accessible(page)


def test_hr_edits_with_preview_and_manages_contacts_accessibly(page, demo_content):
    sign_in(page, "lvisser")
    page.goto("/policies/code-of-conduct/edit")
    assert_accessible(page)
    page.get_by_label("Tekst (Markdown)").fill("## Voorbeeldkop\n\nTekst met <script>alert(1)</script>.")
    page.get_by_role("button", name="Voorbeeld").click()
    assert page.get_by_role("heading", name="Voorbeeldkop").is_visible()
    assert page.get_by_label("Tekst (Markdown)").input_value().startswith("## Voorbeeldkop")
    assert_accessible(page)

    page.get_by_label("Samenvatting van de wijziging").fill("Nieuwe kop")
    page.get_by_label("Medewerkers moeten deze versie opnieuw bevestigen").check()
    page.get_by_role("button", name="Publiceren").click()
    page.wait_for_url("**/policies/code-of-conduct?language=nl")
    assert page.get_by_role("heading", name="Voorbeeldkop").is_visible()
    assert_accessible(page)

    for url in ("/policies/acknowledgements", "/advisers/manage", "/advisers/manage/new", "/policies/code-of-conduct/diff"):
        page.goto(url)
        assert_accessible(page)
    page.goto("/advisers/manage/new")
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_role("alert").first.is_visible()  # errors shown next to the fields
    assert_accessible(page)

    page.goto("/policies/")
    page.get_by_role("link", name="Nieuwe pagina toevoegen").click()
    assert_accessible(page)
    page.get_by_label("Adres van de pagina").fill("Regeling geschenken")
    page.get_by_role("button", name="Pagina aanmaken").click()
    assert "Gebruik alleen kleine letters" in page.locator("main").inner_text()
    assert page.get_by_label("Adres van de pagina").input_value() == "regeling geschenken"
    assert_accessible(page)
    page.get_by_label("Adres van de pagina").fill("regeling-geschenken")
    page.get_by_label("Adres van de pagina").press("Enter")  # the keyboard alone
    page.wait_for_url("**/policies/regeling-geschenken/edit")
    assert_accessible(page)
