"""In Chromium: a reviewer asks jdevries's manager for advice, the manager answers from the mail's link,
the reviewer reads the advice apart from the internal notes. axe on every page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.review.helpers import declare, person
from tests.support.browser import ask_the_managers_advice, assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.browser

QUESTION = "Past de training op woensdagmiddag in het rooster van uw team?"
ADVICE = "Alleen als hij op woensdag om 15.00 uur klaar is met zijn ronde."


def test_reviewer_asks_manager_answers_reviewer_sees_the_advice(app, page):
    for username in ("jdevries", "hbos"):  # both known to the portal, with the manager from the directory
        sign_in(page, username)
        sign_out(page)
    with app.app_context():
        declaration_id = declare(person("jdevries")).id
        db.session.commit()

    sign_in(page, "mjansen")
    ask_the_managers_advice(page, f"/review/{declaration_id}", QUESTION)
    sign_out(page)

    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "review/advice_asked"))
        link = re.search(r"(/review/advice/\d+)", mail.text_body).group(1)
    sign_in(page, "hbos")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Adviesvragen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Adviesvragen"
    assert_accessible(page)
    page.get_by_role("link", name="Jan de Vries").click()
    assert page.url.endswith(link)
    assert page.get_by_text(QUESTION).is_visible()
    assert page.get_by_text("Voetbalvereniging De Bal").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Bezwaar, tenzij aan voorwaarden wordt voldaan").check()
    page.get_by_role("button", name="Advies geven").click()  # conditions missing
    page.wait_for_load_state()
    assert page.get_by_text("Schrijf de voorwaarden of de reden van uw bezwaar op.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Toelichting").fill(ADVICE)
    page.get_by_role("button", name="Advies geven").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dank u. Uw advies is naar P&O gestuurd.").is_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "mjansen")
    page.goto("/review/")
    assert page.get_by_text("Advies binnen").is_visible()
    page.goto(f"/review/{declaration_id}")
    advice = page.get_by_role("region", name="Advies van de leidinggevende")
    assert advice.get_by_text(ADVICE).is_visible()
    assert advice.get_by_text("Bezwaar, tenzij aan voorwaarden wordt voldaan").is_visible()
    assert page.locator("details", has_text="Interne notities").get_by_text(ADVICE).count() == 0
    assert_accessible(page)
