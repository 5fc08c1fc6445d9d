"""Builders for review tests (the declaration builders come from the declarations area's test helpers)."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event, select

from portal.auth.models import User
from portal.extensions import db
from tests.declarations.helpers import INTEREST_ANSWERS, SIDE_ANSWERS, declare, make_user  # noqa: F401

#: flags as the test directory gives them at sign-in
PEOPLE = {
    "jdevries": dict(display_name="Jan de Vries", department="Openbare Werken", job_title="Uitvoerder wegen"),
    "sbakker": dict(display_name="Sanne Bakker", department="Burgerzaken", job_title="Medewerker burgerzaken"),
    "pmeijer": dict(display_name="Pieter Meijer", department="Directie", job_title="Gemeentesecretaris",
                    is_top_official=True),
    "evanleeuwen": dict(display_name="Esther van Leeuwen", department="Directie",
                        job_title="Directeur Bedrijfsvoering", is_top_official=True, is_high_risk=True),
    "nmulder": dict(display_name="Noor Mulder", department="Openbare Werken", job_title="Inkoper", is_high_risk=True),
    "mjansen": dict(display_name="Mohamed Jansen", department="P&O", job_title="HR-adviseur", is_reviewer=True),
    "abakker": dict(display_name="Bakker, Anna (P&O)", department="P&O", job_title="Adviseur integriteit",
                    is_reviewer=True),
    "lvisser": dict(display_name="Lotte Visser", department="P&O", job_title="Teamleider P&O", is_reviewer=True,
                    is_admin=True),
}


def person(username: str) -> User:
    """The user row as the test directory would create it at sign-in."""
    return make_user(username, **PEOPLE.get(username, {}))


def user_id(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def lock_version_in(html: str) -> str:
    match = re.search(r'name="lock_version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="lock_version"', html)
    assert match, "no lock_version on the page"
    return match.group(1)


@contextmanager
def count_queries(engine):
    """Count the SQL statements sent while the block runs."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def declared(app, username: str = "jdevries", *args, **kwargs) -> int:
    """The id of a committed declaration of ``username`` (see ``declare`` for the options)."""
    with app.app_context():
        declaration = declare(person(username), *args, **kwargs)
        db.session.commit()
        return declaration.id


def id_of(app, username: str) -> int:
    with app.app_context():
        return user_id(username)


def follow_pages(client, url: str, extract) -> list:
    """``extract(html)`` of every page, following the rel="next" links."""
    found = []
    while url:
        html = client.get(url).get_data(as_text=True)
        found += extract(html)
        match = re.search(r'href="([^"]+)" rel="next"', html)
        url = match.group(1).replace("&amp;", "&") if match else None
    return found


def summarise(declaration, reviewer, **overrides):
    """HR's approved public summary of ``declaration``'s version in force (a top official's side activity)."""
    from portal.review.summaries import SummaryAnswers, approve_summary

    version = declaration.current_version
    values = dict(role=version.role, organisation=version.organisation_name, description=None,
                  is_paid=bool(version.is_paid), restrictions="Alleen buiten werktijd." if version.conditions else None)
    values.update(overrides)
    return approve_summary(declaration, SummaryAnswers(**values), reviewer)
