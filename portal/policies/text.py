"""Text folding for search: accents and case do not matter ("financiele" finds "financiële")."""

from __future__ import annotations

import unicodedata

from portal.policies.markdown import html_to_text

MAX_TERMS = 8


def fold(text: str) -> str:
    """"Financiële" → "financiele": NFKD, combining marks removed, case-folded."""
    return fold_with_map(text)[0]


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the original one."""
    out: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", char)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def search_terms(query: str) -> list[str]:
    """The folded words of a query (at most MAX_TERMS, each at least two characters)."""
    terms = [term for term in fold(query).split() if len(term) >= 2]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def build_search_text(title: str, description: str, body_html: str) -> str:
    return fold("\n".join((title, description, html_to_text(body_html))))
