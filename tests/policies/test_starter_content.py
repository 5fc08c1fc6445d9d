"""`flask portal load-content`: what a production install starts with, and nothing of the demo."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.auth.models import User
from portal.declarations.models import Declaration
from portal.extensions import db
from portal.oath.models import IntegrityStatementText, OathSession
from portal.policies.models import Adviser, PolicyPage, PolicyVersion

STARTER_PAGES = ("code-of-conduct", "code-of-conduct-summary", "oath", "moral-judgement", "reporting", "regulations")


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
                for model in (PolicyPage, PolicyVersion, Adviser, IntegrityStatementText, User, OathSession, Declaration)}


def test_load_content_gives_a_production_portal_its_pages_contacts_and_statement_once(app, runner, client, auth):
    assert client.get("/policies/reporting").status_code == 404  # a fresh database: the 404s
    first = runner.invoke(args=["portal", "load-content"])
    assert first.exit_code == 0, first.output
    counts = _counts(app)
    again = runner.invoke(args=["portal", "load-content"])
    assert again.exit_code == 0 and _counts(app) == counts
    assert counts["PolicyPage"] == 7 and counts["IntegrityStatementText"] == 1
    # no demo people, sessions or declarations
    assert counts["User"] == counts["OathSession"] == counts["Declaration"] == 0
    with app.app_context():
        names = set(db.session.scalars(select(Adviser.name)))
        assert names == {"Externe vertrouwenspersonen BING", "Huis voor Klokkenluiders",
                         "Landelijke Klachtencommissie Ongewenst Gedrag"}
        summaries = set(db.session.scalars(select(PolicyVersion.summary).where(PolicyVersion.language == "nl")))
        assert summaries == {"Modeltekst: controleer deze tekst voordat u hem publiceert."}
    assert client.get("/policies/reporting").status_code == 200  # public without signing in
    auth.login()
    for slug in STARTER_PAGES:
        assert client.get(f"/policies/{slug}").status_code == 200, slug
    history = client.get("/policies/code-of-conduct/versions")
    # the model-text mark is an instruction to HR: an employee does not see it
    assert history.status_code == 200 and "Modeltekst" not in history.get_data(as_text=True)
    auth.logout()
    auth.login("mjansen")
    assert "Modeltekst: controleer deze tekst" in client.get("/policies/code-of-conduct/versions").get_data(as_text=True)


def test_the_readme_names_load_content_in_the_production_steps():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    production = readme.split("## Running in production", 1)[1]
    assert "flask --app wsgi portal load-content" in production
