"""Starter content for a new portal: the policy pages in content/*.md and the national contacts.

``flask portal load-content`` loads it in production; ``seed-demo`` loads it too, before the
demo people. Nothing here names a person of the municipality: those are filled in by HR.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from portal.core.time import today_local
from portal.extensions import db
from portal.policies.advisers import AdviserInput, create_adviser
from portal.policies.models import MODEL_TEXT_SUMMARY, Adviser, PolicyPage
from portal.policies.services import VersionInput, save_version

CONTENT = Path(__file__).parent / "content"
#: the order of the index page; the pages that everyone may read without signing in
PAGE_ORDER = (
    "code-of-conduct",
    "code-of-conduct-summary",
    "oath",
    "moral-judgement",
    "reporting",
    "regulations",
    "integrity-statement",
)
PUBLIC_PAGES = {"reporting"}
NEEDS_ACKNOWLEDGEMENT = {"code-of-conduct"}


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split "---\\nkey: value\\n---\\nbody" into ({key: value}, body)."""
    meta: dict[str, str] = {}
    if not text.startswith("---\n"):
        return meta, text
    head, _, body = text[4:].partition("\n---\n")
    for line in head.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return meta, body.lstrip("\n")


def _content_files() -> dict[str, dict[str, tuple[dict[str, str], str]]]:
    """{slug: {language: (front matter, body)}} from content/<name>.<language>.md."""
    pages: dict[str, dict[str, tuple[dict[str, str], str]]] = {}
    for path in sorted(CONTENT.glob("*.*.md")):
        language = path.suffixes[-2].lstrip(".")
        meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
        pages.setdefault(meta.get("slug") or path.name.split(".")[0], {})[language] = (meta, body)
    return pages


def load_policy_pages() -> int:
    """Each content page as its first versions (Dutch, then English), marked as model text; skips existing pages."""
    existing = set(db.session.scalars(select(PolicyPage.slug)))
    added = 0
    for slug, languages in _content_files().items():
        if slug in existing or "nl" not in languages:
            continue
        page = PolicyPage(
            slug=slug,
            is_public=slug in PUBLIC_PAGES,
            sort_order=PAGE_ORDER.index(slug) * 10 if slug in PAGE_ORDER else 100,
        )
        db.session.add(page)
        db.session.flush()
        added += 1
        for language in ("nl", "en"):
            if language not in languages:
                continue
            meta, body = languages[language]
            data = VersionInput(
                language=language,
                title=meta.get("title", slug),
                description=meta.get("summary", ""),
                body_markdown=body,
                summary=MODEL_TEXT_SUMMARY[language],
                effective_at=today_local(),
                requires_acknowledgement=slug in NEEDS_ACKNOWLEDGEMENT,
            )
            save_version(page, data, base_version_id=None, publish=True, editor=None)
    return added


def load_advisers(*, external_only: bool) -> int:
    """The contacts of content/advisers.json (only the national, external ones when asked); existing names are left alone."""
    existing = set(db.session.scalars(select(Adviser.name)))
    records = json.loads((CONTENT / "advisers.json").read_text(encoding="utf-8"))
    added = 0
    for order, record in enumerate(records, start=1):
        if record["name"] in existing or (external_only and not record.get("is_external")):
            continue
        create_adviser(
            AdviserInput(
                name=record["name"],
                role=record["role"],
                organisation=record.get("organisation") or "",
                is_external=bool(record.get("is_external")),
                phone=record.get("phone"),
                email=record.get("email"),
                availability=record.get("availability") or "",
                introduction=record.get("introduction") or "",
                photo_alt="",
                last_checked_at=today_local(),
                sort_order=order * 10,
            )
        )
        added += 1
    return added


def load_starter_content() -> None:
    """The policy pages and the national contacts (idempotent)."""
    load_policy_pages()
    load_advisers(external_only=True)
