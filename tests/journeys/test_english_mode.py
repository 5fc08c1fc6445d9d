"""English mode: chosen on the sign-in page, kept after signing in; no Dutch left in the form machinery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.extensions import db
from tests.oath.conftest import plan_session
from tests.support.browser import assert_accessible


@pytest.mark.browser
def test_english_chosen_on_the_sign_in_page_is_kept_and_form_errors_are_english(page, app):
    with app.app_context():
        session_id = plan_session(capacity=5, starts_in=timedelta(days=21)).id
        db.session.commit()
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto("/login")
    assert page.locator("html").get_attribute("lang") == "nl"  # Dutch stays the default
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)

    # a refused sign-in: the summary and the title in English
    page.get_by_label("Username").fill("jdevries")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.title().startswith("Error: ")
    text = page.locator("main").inner_text()
    assert "(required)" in text and "verplicht" not in text
    assert_accessible(page)

    page.get_by_label("Username").fill("jdevries")
    page.get_by_label("Password").fill("Welkom-jdevries-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    assert page.locator("html").get_attribute("lang") == "en"  # the choice survives signing in

    page.goto(f"/oath/sessions/{session_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    assert page.title().startswith("Error: ")
    summary = page.locator(".portal-form-errors").inner_text()
    assert "Not everything is filled in correctly" in summary and "Choose the oath or the affirmation." in summary
    assert "Fout" not in page.content()
    assert_accessible(page)
    # no request for /favicon.ico: its 404 answer once rewrote the session cookie and undid the language
    assert not [url for url in asked if url.endswith("/favicon.ico")]
