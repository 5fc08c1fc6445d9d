"""The glossary /policies/begrippen: plain Dutch, readable without signing in, linked from the forms that use the words."""

from __future__ import annotations

import html
import re

import pytest

from portal.policies.glossary import TERMS


def test_glossary_explains_the_portal_words_without_sign_in(client):
    page = client.get("/policies/begrippen")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    for term in ("Nevenwerkzaamheden", "Transactie in effecten", "Op redelijke gronden", "Integriteitsverklaring",
                 "Misstand", "Opgeven (opgave)", "Melden (melding)"):
        assert term in text, term
    assert "Een overtreding van het recht van de Europese Unie" in text
    ids = re.findall(r'<dt id="([a-z-]+)"', text)
    assert ids == [t.anchor for t in TERMS] and len(set(ids)) == len(ids)


def test_glossary_is_english_for_an_english_reader(client, auth):
    auth.login("jdevries")
    client.submit("/language", {"lang": "en", "next": "/"})
    text = html.unescape(client.get("/policies/begrippen").get_data(as_text=True))
    assert "<h1 class=\"utrecht-heading-1\">Glossary</h1>" in text
    assert "Securities transaction (transactie in effecten)" in text
    assert "Buying or selling securities." in text


def _glossary_links(text: str) -> set[str]:
    return set(re.findall(r'href="/policies/begrippen#([a-z-]+)"', text))


def test_forms_link_to_the_terms_they_use(client, auth, app):
    anchors = {t.anchor for t in TERMS}
    auth.login("jdevries")
    side = client.get("/declarations/new/side-activity").get_data(as_text=True)
    assert {"nevenwerkzaamheden", "opgeven"} <= _glossary_links(side)
    interest = client.get("/declarations/new/financial-interest").get_data(as_text=True)
    assert {"financieel-belang", "effecten", "transactie-in-effecten", "aangewezen-functie"} <= _glossary_links(interest)
    nil = client.get("/declarations/nil").get_data(as_text=True)
    assert "verklaring" in _glossary_links(nil)
    for text in (side, interest, nil):
        assert _glossary_links(text) <= anchors, "every link points to a term that exists"


@pytest.mark.browser
def test_employee_follows_a_term_from_the_interest_form_to_its_meaning(page, demo_content):
    from tests.support.browser import assert_accessible, sign_in

    sign_in(page, "jdevries")
    page.goto("/declarations/new/financial-interest")
    page.get_by_role("link", name="transactie in effecten", exact=True).click()
    page.wait_for_url("**/policies/begrippen#transactie-in-effecten")
    term = page.locator("#transactie-in-effecten")
    assert term.is_visible() and term.inner_text() == "Transactie in effecten"
    assert_accessible(page)
    page.goto("/privacy")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/policies/begrippen")
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
