"""Accent- and case-insensitive search over the current published versions, with highlighted excerpts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from markupsafe import Markup, escape
from sqlalchemy import and_, select

from portal.extensions import db
from portal.policies.markdown import html_to_text
from portal.policies.text import fold_with_map, search_terms
from portal.policies.models import PolicyPage, PolicyVersion
from portal.policies.services import current_versions_query

EXCERPT_CHARS = 240


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@dataclass
class SearchResult:
    page: PolicyPage
    version: PolicyVersion
    title: Markup
    excerpt: Markup


def search_policies(query: str, today: date, language: str) -> list[SearchResult]:
    """Current published versions matching every term; one result per page, preferring ``language``."""
    terms = search_terms(query)
    if not terms:
        return []
    current = current_versions_query(today).subquery()
    rows = db.session.execute(
        select(PolicyVersion, PolicyPage)
        .join(current, current.c.id == PolicyVersion.id)
        .join(PolicyPage, PolicyPage.id == PolicyVersion.page_id)
        .where(and_(*(PolicyVersion.search_text.like(_like(term), escape="\\") for term in terms)))
        .order_by(PolicyPage.sort_order, PolicyPage.slug)
    ).all()
    best: dict[int, tuple[PolicyVersion, PolicyPage]] = {}
    for version, page in rows:
        if page.id not in best or version.language == language:
            best[page.id] = (version, page)
    return [
        SearchResult(
            page=page,
            version=version,
            title=highlight(version.title, terms),
            excerpt=excerpt(html_to_text(version.body_html or ""), terms),
        )
        for version, page in best.values()
    ]


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Original-text spans of every occurrence of any term, merged where they overlap."""
    folded, origin = fold_with_map(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = folded.find(term)
        while start != -1:
            end = start + len(term)
            spans.append((origin[start], origin[end - 1] + 1))
            start = folded.find(term, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: list[str], spans: Optional[list[tuple[int, int]]] = None) -> Markup:
    """``text`` escaped, with each match wrapped in <mark>."""
    spans = _spans(text, terms) if spans is None else spans
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(str(escape(text[position:start])))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))  # nosec B704 - every slice of text above is escaped; only <mark> is ours


def excerpt(text: str, terms: list[str], width: int = EXCERPT_CHARS) -> Markup:
    """About ``width`` characters around the first match, highlighted."""
    flat = " ".join(text.split())
    spans = _spans(flat, terms)
    if not spans:
        return highlight(flat[:width] + ("…" if len(flat) > width else ""), terms, [])
    start = max(0, spans[0][0] - width // 3)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < spans[0][0] else start
    end = min(len(flat), start + width)
    window = flat[start:end]
    shifted = [(s - start, min(e, end) - start) for s, e in spans if s >= start and s < end]
    marked = highlight(window, terms, shifted)
    return Markup("").join(["…" if start else "", marked, "…" if end < len(flat) else ""])
