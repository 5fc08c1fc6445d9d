"""The integrity statement is signed with one's own name: a different typed name is refused (Chromium)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.oath.models import StatementSignature
from tests.support.browser import assert_accessible, sign_in


@pytest.mark.browser
def test_someone_elses_name_is_refused_and_the_own_name_in_any_case_or_accents_is_accepted(app, page):
    with app.app_context():
        from portal.oath.services.statements import publish_statement_text

        publish_statement_text()
        db.session.commit()
    sign_in(page, "tdejong")
    page.goto("/oath/statement")
    page.get_by_label("Uw volledige naam").fill("Piet Puk")
    page.get_by_label("Ik heb de verklaring gelezen en onderteken deze").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Ondertekenen").click()
    assert page.title().startswith("Fout: ")
    assert page.get_by_text("Typ uw eigen naam zoals die bij de gemeente bekend is: Thijs de Jong.").first.is_visible()
    assert page.get_by_label("Uw volledige naam").input_value() == "Piet Puk"
    assert_accessible(page)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementSignature)) == 0

    page.get_by_label("Uw volledige naam").fill("thijs  DE jóng")
    page.get_by_label("Ik heb de verklaring gelezen en onderteken deze").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Ondertekenen").click()
    assert page.get_by_text("U heeft de integriteitsverklaring ondertekend.").first.is_visible()
    assert_accessible(page)
