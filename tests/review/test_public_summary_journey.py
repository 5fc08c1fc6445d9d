"""In Chromium: a top official sees what will be published before submitting; HR writes the public summary
and the public register shows it (not the official's own text, not the conditions). axe on every page."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.review.helpers import declare, person
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser

OWN_TEXT = "Ik geef elke dinsdag les aan de orkestklas."
CONDITIONS = "Geen les onder werktijd; niet betrokken bij subsidiebesluiten over de muziekschool."


def _sign_out(page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()


def test_top_official_sees_what_will_be_published_on_the_form(page):
    sign_in(page, "pmeijer")
    page.goto("/declarations/new/side-activity")
    notice = page.get_by_role("region", name="Dit wordt openbaar")
    assert notice.is_visible()
    assert notice.get_by_text("de naam van de organisatie;").is_visible()
    assert notice.get_by_text("of de nevenwerkzaamheid betaald of onbetaald is;").is_visible()
    link = notice.get_by_role("link", name="Bekijk het openbare register nevenwerkzaamheden topfunctionarissen")
    assert link.get_attribute("href") == "/register"
    assert_accessible(page)
    _sign_out(page)

    sign_in(page, "jdevries")
    page.goto("/declarations/new/side-activity")
    assert page.get_by_role("heading", name="Nevenwerkzaamheid opgeven").is_visible()
    assert page.get_by_role("region", name="Dit wordt openbaar").count() == 0


def test_hr_writes_the_summary_and_the_public_register_shows_it(app, page):
    with app.app_context():
        declaration = declare(person("pmeijer"), decide="approved_with_conditions", reviewer=person("abakker"),
                              organisation_name="Muziekschool Voorbeeld", role="Docent", description=OWN_TEXT,
                              is_paid=True)
        declaration.current_version.conditions = CONDITIONS
        db.session.commit()
        declaration_id = declaration.id

    sign_in(page, "mjansen")
    page.goto("/review/register")
    page.get_by_label("Openbare samenvatting").select_option(label="Samenvatting nog schrijven (topfunctionarissen)")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="Muziekschool Voorbeeld").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Samenvatting nog schrijven").first.click()
    page.wait_for_url(f"**/review/{declaration_id}*")
    assert page.get_by_label("Functie bij de organisatie").input_value() == "Docent"  # the portal's start
    page.get_by_label("Korte omschrijving (niet verplicht)").fill(OWN_TEXT)  # copied: refused
    page.get_by_label("Beperkingen in gewone woorden").fill("Alleen in eigen tijd; beslist niet mee over subsidie.")
    page.get_by_role("button", name="Samenvatting goedkeuren en publiceren").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dit is de tekst van de medewerker.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Functie bij de organisatie").fill("Muziekdocent")
    page.get_by_label("Korte omschrijving (niet verplicht)").fill("Lesgeven aan de orkestklas.")
    page.get_by_role("button", name="Samenvatting goedkeuren en publiceren").click()
    page.wait_for_load_state()
    assert page.get_by_text("De samenvatting is goedgekeurd.").is_visible()
    assert_accessible(page)
    _sign_out(page)

    page.goto("/register")
    table = page.get_by_role("region", name="Tabel met de nevenwerkzaamheden")
    assert table.get_by_role("cell", name="Muziekdocent").is_visible()
    assert table.get_by_role("cell", name="Lesgeven aan de orkestklas.").is_visible()
    assert table.get_by_role("cell", name="Alleen in eigen tijd; beslist niet mee over subsidie.").is_visible()
    assert page.get_by_text(OWN_TEXT).count() == 0 and page.get_by_text(CONDITIONS).count() == 0
    assert_accessible(page)
