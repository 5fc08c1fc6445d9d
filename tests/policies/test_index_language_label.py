"""The English index marks the pages that exist only in Dutch, as the pages themselves do."""

from __future__ import annotations

import re

ENGLISH = {"code-of-conduct-summary", "oath", "reporting", "integrity-statement"}  # content/*.en.md
DUTCH_ONLY = {"code-of-conduct", "moral-judgement", "regulations"}


def _cards(html: str) -> dict[str, str]:
    """{slug: the card's html} of the "All pages" list."""
    listing = html.split('id="pages-heading"', 1)[1]
    cards = re.findall(r'<li class="portal-card">(.*?)</li>', listing, flags=re.S)
    return {re.search(r'href="/policies/([a-z-]+)"', card).group(1): card for card in cards}


def test_the_english_index_labels_dutch_only_pages(client, auth, demo_content):
    auth.login("jdevries")
    client.submit("/language", {"lang": "en", "next": "/"})
    cards = _cards(client.get("/policies/").get_data(as_text=True))
    assert set(cards) == ENGLISH | DUTCH_ONLY
    for slug in DUTCH_ONLY:
        assert "Only in Dutch" in cards[slug], slug
    for slug in ENGLISH:
        assert "Only in Dutch" not in cards[slug], slug


def test_the_dutch_index_has_no_such_label(client, auth, demo_content):
    auth.login("jdevries")
    html = client.get("/policies/").get_data(as_text=True)
    assert "Alleen in het Nederlands" not in html and "Only in Dutch" not in html
