"""Every refused form, in every area: the title starts with "Fout:" and the focus is on the error summary."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from tests.oath.conftest import plan_session
from tests.support.browser import assert_accessible, sign_in


def _focused_is_error_summary(page) -> bool:
    return page.evaluate("() => document.activeElement.classList.contains('portal-form-errors')")


@pytest.mark.browser
def test_a_refused_form_moves_focus_to_the_error_summary_and_the_title_says_fout(page, app):
    with app.app_context():
        session_id = plan_session(capacity=5, starts_in=timedelta(days=21)).id
        db.session.commit()
    sign_in(page, "jdevries")

    # the sign-up for a ceremony (oath area)
    page.goto(f"/oath/sessions/{session_id}")
    assert not page.title().startswith("Fout:")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Inschrijven").click()
    assert page.title().startswith("Fout: ")
    assert _focused_is_error_summary(page)
    assert "Kies de eed of de belofte." in page.evaluate("() => document.activeElement.innerText")
    assert_accessible(page)

    # a declaration of a side activity (declarations area): the same mechanism, nothing per view
    page.goto("/declarations/new/side-activity")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Indienen").click()
    assert page.title().startswith("Fout: ")
    assert _focused_is_error_summary(page)
    assert_accessible(page)


def test_the_sign_in_form_says_fout_in_the_title_after_a_wrong_password(client):
    client.get("/login")
    html = client.submit("/login", {"username": "jdevries", "password": "fout-wachtwoord"}).get_data(as_text=True)
    title = html.split("<title>", 1)[1].split("</title>", 1)[0]
    assert title.startswith("Fout: ")
    assert 'class="utrecht-alert utrecht-alert--error portal-form-errors" role="alert" tabindex="-1" autofocus' in html
