"""The starter pages' change note "Modeltekst: controleer deze tekst …" is an instruction to HR:
employees never see it, while a real change summary stays visible to everyone."""

from __future__ import annotations

import pytest

PAGES = ("code-of-conduct", "code-of-conduct-summary", "oath", "moral-judgement", "reporting", "regulations",
         "integrity-statement")


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("slug", PAGES)
def test_an_employee_never_sees_the_model_text_instruction(client, auth, demo_content, slug):
    auth.login("jdevries")
    for url in (f"/policies/{slug}", f"/policies/{slug}/versions", f"/policies/{slug}/versions/1"):
        html = _text(client, url)
        assert "Modeltekst" not in html and "Wijziging:" not in html, url
    client.submit("/language", {"lang": "en", "next": "/"})
    for url in (f"/policies/{slug}", f"/policies/{slug}/versions"):
        html = _text(client, url)
        assert "Model text" not in html and "Modeltekst" not in html, url


def test_an_employee_sees_a_real_change_summary_and_hr_sees_the_model_text_mark(client, auth, demo_content, publish):
    publish("regulations", "## Nieuw\n\nArtikel 5 aangepast.")  # change summary "Test"
    auth.login("jdevries")
    assert "Wijziging: Test" in " ".join(_text(client, "/policies/regulations").split())
    versions = _text(client, "/policies/regulations/versions")
    assert "Test" in versions and "Modeltekst" not in versions
    diff = _text(client, "/policies/regulations/diff?from=1&to=2")
    assert "Samenvatting van de wijziging: Test" in " ".join(diff.split())
    assert "Modeltekst" not in _text(client, "/policies/regulations/diff?from=2&to=1")
    auth.logout()
    auth.login("mjansen")  # HR: edits the pages
    assert "Modeltekst: controleer deze tekst" in _text(client, "/policies/regulations/versions/1")
    assert "Modeltekst: controleer deze tekst" in _text(client, "/policies/regulations/versions")
