"""The demo content: every page and contact, loaded once however often the loader runs."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.policies.content import parse_front_matter
from portal.policies.models import Adviser, PolicyPage, PolicyVersion


def _counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count(m.id))) for m in (PolicyPage, PolicyVersion, Adviser))


def test_seed_demo_loads_pages_and_contacts_once(app, runner):
    first = runner.invoke(args=["portal", "seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts(app)
    assert counts[0] == 7 and counts[2] == 6
    again = runner.invoke(args=["portal", "seed-demo"])
    assert again.exit_code == 0 and _counts(app) == counts


def test_code_of_conduct_asks_for_acknowledgement_and_reporting_is_public(app, demo_content):
    with app.app_context():
        pages = {p.slug: p for p in db.session.scalars(select(PolicyPage))}
        coc = db.session.scalar(select(PolicyVersion).where(PolicyVersion.page_id == pages["code-of-conduct"].id))
        assert coc.requires_acknowledgement and coc.number == 1 and coc.is_published
        assert pages["reporting"].is_public and not pages["code-of-conduct"].is_public
        languages = set(db.session.scalars(select(PolicyVersion.language).where(PolicyVersion.page_id == pages["oath"].id)))
        assert languages == {"nl", "en"}


def test_front_matter_is_split_from_the_body():
    meta, body = parse_front_matter("---\nslug: x\ntitle: A: b\n---\n\nBody\n")
    assert meta == {"slug": "x", "title": "A: b"} and body == "Body\n"
    assert parse_front_matter("No front matter") == ({}, "No front matter")
