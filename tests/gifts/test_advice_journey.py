"""In Chromium: HR asks jdevries's manager for advice on a gift, the manager answers from the mail's link,
HR reads the advice on the gift page in its own block and decides. axe on every page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.core.time import today_local
from portal.extensions import db
from portal.gifts.services import GiftData, report_gift
from portal.gifts.states import Response, ValueBand
from portal.notifications.models import OutboxMessage
from tests.support.browser import ask_the_managers_advice, assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.browser

QUESTION = "Loopt er een aanbesteding waarin dit bedrijf meedoet?"
ADVICE = "Ja, het bestek van de rotonde loopt nog. Laat het teruggeven."


def test_hr_asks_the_manager_about_a_gift_and_reads_the_advice(app, page):
    for username in ("jdevries", "hbos"):  # both known to the portal, with the manager from the directory
        sign_in(page, username)
        sign_out(page)
    with app.app_context():
        gift = report_gift(GiftData(
            category="geschenk", description="Een kerstpakket", work_relation="Levert straatmeubilair aan mijn team.",
            value_band=ValueBand.middle, response=Response.accepted, received_on=today_local(),
            giver_organisation="Stadsmeubel BV", explanation="Stond ineens bij de receptie."), db.session.scalar(select(User).where(User.username == "jdevries")))
        db.session.commit()
        gift_id = gift.id

    sign_in(page, "mjansen")
    ask_the_managers_advice(page, f"/gifts/{gift_id}", QUESTION)
    sign_out(page)

    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "review/advice_asked"))
        link = re.search(r"(/review/advice/\d+)", mail.text_body).group(1)
    sign_in(page, "hbos")
    page.goto(link)
    assert page.get_by_text(QUESTION).is_visible()
    subject = page.get_by_role("region", name=re.compile("Geschenk of uitnodiging"))
    assert subject.get_by_text("Een kerstpakket").is_visible()
    assert subject.get_by_text("Stadsmeubel BV").is_visible()
    assert page.get_by_text("Stond ineens bij de receptie.").count() == 0  # not the employee's explanation
    assert_accessible(page)
    page.get_by_label("Bezwaar", exact=True).check()
    page.get_by_label("Toelichting").fill(ADVICE)
    page.get_by_role("button", name="Advies geven").click()
    page.wait_for_load_state()
    assert page.get_by_text("Dank u. Uw advies is naar P&O gestuurd.").is_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "mjansen")
    page.goto(f"/gifts/{gift_id}")
    advice = page.get_by_role("region", name="Advies van de leidinggevende")
    assert advice.get_by_text(ADVICE).is_visible()
    assert page.get_by_role("region", name="Besluit nemen").get_by_text(ADVICE).count() == 0
    assert_accessible(page)
    page.get_by_label("Teruggeven of afslaan").check()
    page.get_by_label("Reden").fill("Er loopt een aanbesteding.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Het besluit is vastgelegd.").is_visible()
    page.goto(f"/gifts/{gift_id}")
    assert page.get_by_role("region", name="Advies van de leidinggevende").get_by_text(ADVICE).is_visible()
    assert_accessible(page)
