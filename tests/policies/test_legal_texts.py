"""The legal texts as a reader sees them: what the Ambtenarenwet 2017, the Wbk and the AVG say, in B1 Dutch with "u"."""

from __future__ import annotations

import html
import re

import pytest

#: phrases that must be on the rendered Dutch page (issue 17, item 6)
CORRECT = {
    "code-of-conduct": [
        "meldt op redelijke gronden",
        "het recht van de Europese Unie",
        "een van de bevoegde autoriteiten voor externe meldingen",
        "artikel 4 van de Ambtenarenwet 2017",
        "artikel 5 van de Ambtenarenwet 2017",
        "artikel 7 van de Ambtenarenwet 2017",
        "artikel 8, tweede lid",
        "artikel 8, eerste lid, onder e",
        "uw transacties in effecten",
        "Bedragen hoeft u niet op te geven",
        "Niet elke situatie staat erin.",
    ],
    "reporting": [
        "een overtreding van het recht van de Europese Unie",
        "een van de bevoegde autoriteiten uit de Wet bescherming klokkenluiders",
        "meldt op redelijke gronden",
        "of juist nalaat",
    ],
    "oath": [
        "Artikel 7 van de Ambtenarenwet 2017",
        "Die plicht bestaat sinds 2006.",
        "heet de wet Ambtenarenwet 2017",
        "Ook vakantiewerkers en oproepkrachten die in dienst zijn van de gemeente zijn ambtenaar.",
        "Daarmee beloven zij zich te houden aan de belangrijkste afspraken",
    ],
    "integrity-statement": ["Ik verklaar dat ik mij tijdens mijn werk voor Gemeente Voorbeeld aan deze afspraken houd:"],
    "regulations": ["uw transacties in effecten"],
}

#: phrases that are wrong in law or too hard to read, and must be gone from every Dutch page
WRONG = [
    "te goeder trouw",
    "Art. 61",
    "artikel 61",
    "ARAR",
    "geen uitputtende lijst",
    "onbehoorlijk handelen of nalaten",
    "verklaren zij zich aan",
    "Die plicht is blijven bestaan na de Wet normalisering",
    "Op verzoek van de werkgever meld",
    "Kan weigeren niet zonder de gever te kwetsen, neem",
    "je uit geen kritiek op collega's of inwoners die tot personen herleidbaar is",
    "Per nevenwerkzaamheid staan daarin de functie van de topfunctionaris, een omschrijving",
    "niets doorvertel van wat mij vertrouwelijk ter kennis komt",
    "vóór de start meld welke andere werkzaamheden",
]

INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jijzelf)\b", re.IGNORECASE)
PAGES = ["code-of-conduct", "code-of-conduct-summary", "oath", "moral-judgement", "reporting", "regulations",
         "integrity-statement"]


def _article(client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, path
    text = page.get_data(as_text=True)
    body = text[text.index("<article"):text.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\xa0", " ")


@pytest.mark.parametrize("slug", PAGES)
def test_dutch_policy_page_says_what_the_law_says_in_plain_dutch_with_u(client, auth, demo_content, slug):
    auth.login("jdevries")
    text = re.sub(r"\s+", " ", _article(client, f"/policies/{slug}"))
    for phrase in CORRECT.get(slug, []):
        assert phrase in text, phrase
    for phrase in WRONG:
        assert phrase not in text, phrase
    assert INFORMAL.findall(text) == [], "the portal addresses the reader as 'u'"


@pytest.mark.parametrize("slug, phrases", [
    ("integrity-statement", ["Integrity statement", "I declare that while I work for Gemeente Voorbeeld",
                             "Holiday workers and on-call workers employed by the municipality are civil servants"]),
    ("reporting", ["a breach of European Union law", "one of the competent authorities",
                   "on reasonable grounds", "Acknowledgement within 7 days"]),
])
def test_english_reader_gets_the_statement_and_the_reporting_page_in_english(client, auth, demo_content, slug, phrases):
    auth.login("jdevries")
    client.submit("/language", {"lang": "en", "next": "/"})
    page = client.get(f"/policies/{slug}").get_data(as_text=True)
    assert '<article class="portal-policy" lang="en">' in page
    text = re.sub(r"\s+", " ", html.unescape(page))
    for phrase in phrases:
        assert phrase in text, phrase
    assert "good faith" not in text


def test_waiting_list_and_cancel_texts_are_plain(app):
    """Two sentences the issue names: the waiting-list notice and the mail when HR cancels a registration."""
    from portal.config import PROJECT_ROOT

    session = (PROJECT_ROOT / "templates" / "oath" / "session.html").read_text(encoding="utf-8")
    cancel = (PROJECT_ROOT / "templates" / "mail" / "oath" / "_cancel_reason.txt").read_text(encoding="utf-8")
    assert "krijgt de eerste op de wachtlijst die automatisch" not in session
    assert "Dan gaat die naar wie het langst op de wachtlijst staat." in session
    assert "heeft uw aanmelding voor de bijeenkomst afgemeld" not in cancel
    assert "P&O heeft u afgemeld voor de bijeenkomst." in cancel


def test_privacy_statement_names_controller_officer_rights_bases_and_retention(client, app):
    app.config["PRIVACY_OFFICER_CONTACT"] = "fg@voorbeeld.nl, 030 000 00 09"
    text = re.sub(r"\s+", " ", html.unescape(client.get("/privacy").get_data(as_text=True)))
    for phrase in [
        "Verwerkingsverantwoordelijke is het college van burgemeester en wethouders van Gemeente Voorbeeld",
        "Functionaris gegevensbescherming: fg@voorbeeld.nl, 030 000 00 09",
        "klacht in te dienen bij de Autoriteit Persoonsgegevens",
        "bezwaar maken tegen het gebruik van uw gegevens (artikel 21 AVG)",
        "artikel 6, lid 1, onder c, AVG",
        "Bent u stagiair, ingehuurd of extern medewerker? Dan bent u geen ambtenaar",
        "artikel 6, lid 1, onder e, AVG",
        "Selectielijst gemeenten en intergemeentelijke organen 2020",
        "Archiefwet",
        "Uw leidinggevende volgens de directory ziet alleen waar P&O om advies vraagt",
        "Niet uw financiële belangen, uw andere verklaringen, de interne notities of de afweging van P&O.",
        "Geanonimiseerd betekent: 730 dagen na uw vertrek",
        "Het logboek bewaren we 730 dagen.",
    ]:
        assert phrase in text, phrase
    assert "(uitvoering arbeidsovereenkomst)" not in text


def test_declarations_speak_of_opgeven_not_melden(client, auth):
    """A side activity or interest is "opgegeven"; "melden" is for a suspected wrong, a breach or a gift."""
    auth.login("jdevries")
    for path in ("/declarations/", "/declarations/nil"):
        text = html.unescape(client.get(path).get_data(as_text=True))
        assert "iets op te geven" in text or "Niets op te geven" in text or "niets op te geven" in text, path
        assert "te melden" not in text, path


def test_the_advisers_page_addresses_the_reader_as_u_too(client, demo_content):
    page = client.get("/advisers")
    assert page.status_code == 200
    text = html.unescape(re.sub(r"<[^>]+>", " ", page.get_data(as_text=True)))
    assert "vertrouwenspersoon" in text.lower()
    assert INFORMAL.findall(text) == [], "the advisers' introductions speak to the reader as 'u'"
