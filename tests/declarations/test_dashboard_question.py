"""An open question from HR is on the employee's dashboard, with a link to answer it (Chromium)."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.review.services import request_information
from tests.declarations.helpers import declare, make_user
from tests.support.browser import assert_accessible, sign_in


@pytest.mark.browser
def test_the_dashboard_shows_an_open_question_from_hr_and_leads_to_the_answer(app, page):
    with app.app_context():
        me = make_user("jdevries", display_name="Jan de Vries")
        declaration = declare(me, organisation_name="Voetbalclub")
        request_information(declaration.pending_version, "Traint u ook kinderen van collega's?",
                            make_user("mjansen", is_reviewer=True))
        db.session.commit()
        title = declaration.title
    sign_in(page, "jdevries")
    item = page.get_by_role("link", name=f"Beantwoord de vraag van P&O over „{title}”")
    assert item.is_visible()
    assert_accessible(page)
    item.click()
    page.wait_for_load_state()
    assert page.get_by_text("Traint u ook kinderen van collega's?").first.is_visible()
