"""A text's limit counts what the person typed: a line break is one character, though browsers send two."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.declarations.models import Declaration, DeclarationVersion
from portal.extensions import db
from tests.declarations.helpers import SIDE_FORM, count

SIDE_URL = "/declarations/new/side-activity"


def _typed(length: int, lines: int = 500) -> str:
    """``length`` characters as typed: ``lines`` lines joined by one line break each."""
    line = (length - (lines - 1)) // lines
    text = "\n".join(["x" * line] * lines)
    return text + "y" * (length - len(text))


def _as_a_browser_sends_it(text: str) -> str:
    return text.replace("\n", "\r\n")


def test_a_text_with_many_line_breaks_up_to_the_limit_is_accepted_and_stored_with_single_line_breaks(client, auth, app):
    typed = _typed(4000)
    assert len(typed) == 4000 and typed.count("\n") == 499
    auth.login("jdevries")
    response = client.submit(SIDE_URL, dict(SIDE_FORM, description=_as_a_browser_sends_it(typed), submit="Indienen",
                                            client_token="crlf-1"))
    assert response.status_code == 302, re.findall(r"Gebruik hoogstens[^<]*", response.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(select(DeclarationVersion.description)) == typed


def test_a_text_one_past_the_limit_is_refused_with_what_was_typed(client, auth, app):
    auth.login("jdevries")
    html = client.submit(SIDE_URL, dict(SIDE_FORM, description=_as_a_browser_sends_it(_typed(4001)),
                                        submit="Indienen", client_token="crlf-2")).get_data(as_text=True)
    assert "Gebruik hoogstens 4000 tekens; nu zijn het er 4001." in html
    with app.app_context():
        assert count(Declaration) == 0


def test_the_testers_3800_characters_on_500_lines_fit(client, auth):
    auth.login("jdevries")
    response = client.submit(SIDE_URL, dict(SIDE_FORM, description=_as_a_browser_sends_it(_typed(3800)),
                                            save_draft="Opslaan als concept", client_token="crlf-3"))
    assert response.status_code == 302
    assert "nu zijn het er" not in client.get(response.headers["Location"]).get_data(as_text=True)
