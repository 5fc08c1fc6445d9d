"""Search over the published pages: accents and case do not matter, excerpts are highlighted safely."""

from __future__ import annotations

import pytest

from portal.policies.search import excerpt, highlight
from portal.policies.text import fold, search_terms


def test_search_without_accent_finds_the_accented_word(client, auth, demo_content):
    auth.login("jdevries")
    html = client.get("/policies/search?q=financiele").get_data(as_text=True)
    results = html.split('id="results-heading"')[1]
    assert 'href="/policies/code-of-conduct?language=nl"' in results
    assert "<mark>Financiële</mark>" in results or "<mark>financiële</mark>" in results


def test_search_ignores_case_and_needs_every_word(client, auth, demo_content):
    auth.login("jdevries")
    both = client.get("/policies/search?q=HUIS+klokkenluiders").get_data(as_text=True).split('id="results-heading"')[1]
    assert "/policies/reporting" in both
    none = client.get("/policies/search?q=klokkenluiders+xyzzy").get_data(as_text=True)
    assert "0 pagina&#39;s gevonden" in none or "0 pagina's gevonden" in none


def test_search_finds_the_title(client, auth, demo_content):
    auth.login("jdevries")
    html = client.get("/policies/search?q=stappenplan").get_data(as_text=True)
    assert "<mark>Stappenplan</mark> morele oordeelsvorming" in html


def test_search_only_looks_at_the_current_published_text(client, auth, demo_content, publish):
    publish("regulations", "Zoekwoord-toekomst", days_ahead=10)
    publish("oath", "Zoekwoord-concept", draft=True)
    auth.login("jdevries")
    for word in ("toekomst", "concept"):
        html = client.get(f"/policies/search?q=zoekwoord-{word}").get_data(as_text=True)
        assert "/policies/regulations?" not in html and "/policies/oath?" not in html


def test_english_reader_gets_the_english_result_for_a_bilingual_page(client, auth, demo_content):
    auth.login("jdevries")
    client.submit("/language", {"lang": "en", "next": "/"})
    html = client.get("/policies/search?q=affirmation").get_data(as_text=True)
    assert 'href="/policies/oath?language=en"' in html


def test_hostile_query_is_escaped_in_the_page(client, auth, demo_content):
    auth.login("jdevries")
    html = client.get("/policies/search?q=%3Cscript%3Ealert(1)%3C/script%3E").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("query", ["", "a", "x" * 201])
def test_too_short_or_long_queries_get_a_dutch_message(client, auth, demo_content, query):
    auth.login("jdevries")
    response = client.get(f"/policies/search?q={query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Vul een zoekwoord in." in html or "Gebruik een zoekwoord van 2 tot 200 tekens." in html


def test_percent_and_underscore_are_literal(client, auth, demo_content):
    auth.login("jdevries")
    html = client.get("/policies/search?q=%25%25").get_data(as_text=True)
    assert "0 pagina" in html


def test_fold_removes_accents_and_case():
    assert fold("Financiële BELANGEN, één café") == "financiele belangen, een cafe"
    assert search_terms("  Financiële  a financiële ") == ["financiele"]


def test_highlight_escapes_text_and_marks_matches_across_accents():
    marked = highlight("<b>Financiële</b> & financiele", ["financiele"])
    assert str(marked) == "&lt;b&gt;<mark>Financiële</mark>&lt;/b&gt; &amp; <mark>financiele</mark>"


def test_excerpt_is_cut_around_the_first_match():
    text = "begin " + "woord " * 100 + "Klokkenluider hier " + "einde " * 100
    result = str(excerpt(text, ["klokkenluider"]))
    assert "<mark>Klokkenluider</mark>" in result
    assert result.startswith("…") and result.endswith("…") and len(result) < 320
