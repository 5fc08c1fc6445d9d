"""HR's long texts show their limit and are refused with a message, never cut off by the browser (Chromium)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from tests.oath.conftest import plan_session
from tests.review.helpers import declare, person
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_an_internal_note_past_its_limit_is_refused_with_a_message_and_kept(app, page):
    from portal.review.models import InternalNote

    with app.app_context():
        declaration_id = declare(person("jdevries")).id
        db.session.commit()
    sign_in(page, "mjansen")
    page.goto(f"/review/{declaration_id}")
    with page.expect_navigation():
        page.get_by_role("button", name="Oppakken").click()
    page.locator("summary", has_text="Interne notities").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Een notitie schrijven").click()  # the form, built when asked for
    note = page.get_by_label("Interne notitie")
    assert note.get_attribute("maxlength") is None  # the browser does not cut pasted text off
    assert "Hoogstens 4000 tekens." in page.locator(f"#{note.get_attribute('id')}-hint").inner_text()
    text = "x" * 4001
    note.fill(text)
    assert len(note.input_value()) == 4001
    with page.expect_navigation():
        page.get_by_role("button", name="Notitie toevoegen").click()
    assert page.get_by_text("Gebruik hoogstens 4000 tekens; nu zijn het er 4001.").first.is_visible()
    assert page.get_by_label("Interne notitie").input_value() == text
    assert_accessible(page)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(InternalNote)) == 0

    # the conditions of a decision: the same
    page.get_by_label("Goedkeuren met voorwaarden").check()
    conditions = page.get_by_role("textbox", name="Voorwaarden")
    assert conditions.get_attribute("maxlength") is None
    conditions.fill(text)
    with page.expect_navigation():
        page.get_by_role("button", name="Besluit vastleggen").click()
    assert page.get_by_text("Gebruik hoogstens 4000 tekens; nu zijn het er 4001.").first.is_visible()
    assert page.get_by_role("textbox", name="Voorwaarden").input_value() == text


def test_accessibility_needs_past_their_limit_are_refused_with_a_message(app, page):
    with app.app_context():
        session_id = plan_session(capacity=5, starts_in=timedelta(days=21)).id
        db.session.commit()
    sign_in(page, "jdevries")
    page.goto(f"/oath/sessions/{session_id}")
    needs = page.get_by_label("Toegankelijkheid (niet verplicht)")
    assert needs.get_attribute("maxlength") is None
    assert "Hoogstens 2000 tekens." in page.locator("#accessibility_needs-hint").inner_text()
    page.get_by_label("De eed (ambtseed)").check()
    needs.fill("y" * 2001)
    with page.expect_navigation():
        page.get_by_role("button", name="Inschrijven").click()
    assert page.get_by_text("Gebruik hoogstens 2000 tekens; nu zijn het er 2001.").first.is_visible()
    assert len(page.get_by_label("Toegankelijkheid (niet verplicht)").input_value()) == 2001
    assert_accessible(page)
