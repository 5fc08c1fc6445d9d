"""Browser journeys in Chromium, with axe on every page visited."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from sqlalchemy import select

from portal.declarations.models import Declaration
from portal.review.services import decide_version
from portal.extensions import db
from tests.declarations.helpers import declare, make_user
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def test_new_employee_declares_says_nothing_to_declare_and_changes_later(page, app):
    sign_in(page, "nmulder")  # high-risk function: both checklist items apply
    assert_accessible(page)
    checklist = page.locator(".portal-checklist")
    assert "Te doen" in checklist.locator("li", has_text="Nevenwerkzaamheden opgegeven").inner_text()
    assert "Te doen" in checklist.locator("li", has_text="Financiële belangen opgegeven").inner_text()

    page.get_by_role("link", name="Nevenwerkzaamheden opgegeven").click()
    assert_accessible(page)
    page.get_by_role("link", name="Nevenwerkzaamheid opgeven").click()
    assert_accessible(page)
    page.get_by_label("Naam van de organisatie").fill("Voedselbank <Regio> & Co")
    _choose(page, "Wat voor organisatie is het?", "Stichting of vereniging")
    page.get_by_label("Uw rol of functie daar").fill("Vrijwilliger")
    page.get_by_label("Wat doet u daar?").fill("Pakketten inpakken op zaterdag.")
    _choose(page, "Krijgt u er geld of een andere vergoeding voor?", "Nee")
    page.get_by_label("Hoeveel uur per maand").fill("745")
    page.get_by_label("Begindatum").fill("2025-09-01")
    _choose(page, "Doet u dit (soms) onder werktijd?", "Nee")
    _choose(page, "Heeft de organisatie te maken met de gemeente?", "Ja, de organisatie krijgt subsidie van de gemeente")
    _choose(page, "Raakt dit aan uw eigen werk bij de gemeente?", "Nee")
    page.get_by_label("Kan er (de schijn van) belangenverstrengeling").fill("Nee, ik koop niets in voor de voedselbank.")
    page.get_by_role("button", name="Indienen").click()
    # a typo: the message is next to the field and nothing typed is lost
    assert "van 0 tot en met 744" in page.locator("#hours_per_month-error").inner_text()
    assert page.get_by_label("Naam van de organisatie").input_value() == "Voedselbank <Regio> & Co"
    assert_accessible(page)
    page.get_by_label("Hoeveel uur per maand").fill("12")
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_url(re.compile(r"/declarations/\d+$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Voedselbank <Regio> & Co"
    assert "Ingediend" in page.locator("main").inner_text()
    assert_accessible(page)

    page.goto("/declarations/nil")
    assert_accessible(page)
    page.get_by_role("button", name="Ik heb geen financiële belangen").click()
    page.wait_for_url("**/declarations/")
    assert "Vastgelegd" in page.get_by_role("status").first.inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Overzicht").first.click()
    assert "Gedaan" in checklist.locator("li", has_text="Nevenwerkzaamheden opgegeven").inner_text()
    assert "Gedaan" in checklist.locator("li", has_text="Financiële belangen opgegeven").inner_text()
    assert_accessible(page)

    # HR approves it with a condition (the review area's service)
    with app.app_context():
        declaration = db.session.scalar(select(Declaration))
        decide_version(declaration.pending_version, "approved_with_conditions", make_user("mjansen", is_reviewer=True),
                       conditions="Geen contact met de voedselbank over subsidies.")
        db.session.commit()

    # later: the activity changes
    page.get_by_role("link", name="Mijn verklaringen").first.click()
    assert "Geen contact met de voedselbank" in page.locator("main").inner_text()  # conditions on the list
    assert_accessible(page)
    page.get_by_role("link", name="Voedselbank <Regio> & Co").click()
    assert_accessible(page)
    page.get_by_role("link", name="Wijzigen").click()
    assert page.get_by_label("Naam van de organisatie").input_value() == "Voedselbank <Regio> & Co"
    assert_accessible(page)
    page.get_by_label("Hoeveel uur per maand").fill("20")
    page.get_by_label("Wat is er veranderd").fill("Ik ben nu ook coördinator.")
    page.get_by_role("button", name="Indienen").click()
    page.wait_for_url(re.compile(r"/declarations/\d+$"))
    assert "Versie 1 blijft gelden" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Versie 2").first.click()
    row = page.get_by_role("row", name=re.compile("Uren per maand"))
    assert "12" in row.locator("del").inner_text() and "20" in row.locator("ins").inner_text()
    assert_accessible(page)
    page.goto("/declarations/my-data")
    assert "Voedselbank" in page.locator("main").inner_text()
    assert_accessible(page)


def test_hr_opens_a_campaign_and_the_employee_confirms(page, app):
    with app.app_context():
        declare(make_user("jdevries", department="Openbare Werken"), decide="approved")
        db.session.commit()
    sign_in(page, "lvisser")
    page.get_by_role("navigation").get_by_role("link", name="Campagnes").click()
    assert_accessible(page)
    page.get_by_label("Uiterste datum").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Iedereen").check()
    page.get_by_role("button", name="Campagne openen").click()
    page.wait_for_url(re.compile(r"/declarations/campaigns/\d+$"))
    assert "Voortgang per afdeling" in page.locator("main").inner_text()
    assert_accessible(page)
    confirm_path = page.url.replace("/campaigns/", "/confirm/").split("://", 1)[1].split("/", 1)[1]
    page.get_by_role("button", name="Afmelden").click()

    sign_in(page, "jdevries")
    page.goto("/" + confirm_path)
    assert_accessible(page)
    _choose(page, "Nevenwerkzaamheid: Voetbalvereniging De Bal", "Klopt nog")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_url("**/declarations/")
    assert "bevestigd" in page.get_by_role("status").first.inner_text()
    assert_accessible(page)
    page.get_by_role("button", name="Afmelden").click()

    sign_in(page, "lvisser")
    page.goto("/" + confirm_path.replace("/confirm/", "/campaigns/"))
    page.get_by_role("button", name="Campagne sluiten").click()
    assert "Vink aan dat u de campagne wilt sluiten." in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Ik begrijp dat wie nog niet klaar is").check()
    page.get_by_role("button", name="Campagne sluiten").click()
    assert "De campagne is gesloten." in page.get_by_role("status").first.inner_text()
    assert_accessible(page)
