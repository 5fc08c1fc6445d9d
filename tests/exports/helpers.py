"""Asking for an export as a person would: open the page that asks, press its button."""

from __future__ import annotations

import html
import re


def ask_export(client, path: str):
    """GET ``path`` (the page that asks for an export), submit its form; the response (a redirect)."""
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    action = re.search(r'<form method="post" action="(/exports/new/[^"]+)"', page.get_data(as_text=True))
    assert action, "no form on the page that asks for the export"
    return client.submit(html.unescape(action.group(1)))


def make_register_data(app, organisation: str = "@SUM(1+1)") -> None:
    """Two approved side activities in the register, one with an organisation that looks like a formula."""
    from portal.extensions import db
    from tests.review.helpers import declare, person

    with app.app_context():
        reviewer = person("abakker")
        declare(person("pmeijer"), decide="approved", reviewer=reviewer, organisation_name="Stichting Bibliotheek")
        declare(person("jdevries"), decide="approved", reviewer=reviewer, organisation_name=organisation)
        db.session.commit()
