"""An administrator checks the mail set-up and retries a failed message, in Chromium."""

from __future__ import annotations

import pytest

from portal.core.time import utcnow
from portal.extensions import db
from portal.notifications.models import MailStatus
from portal.notifications.services import queue_mail
from tests.support.browser import assert_accessible, sign_in


@pytest.mark.browser
def test_administrator_sends_a_test_message_and_retries_a_failure(smtp, app, page):
    with app.app_context():
        failed = queue_mail("vertrokken@example.nl", "notifications/test",
                            {"requested_by": "x", "requested_at": utcnow()}, sensitive=True)
        failed.status, failed.attempts, failed.last_error = MailStatus.failed, 8, "550 5.1.1 no such user"
        db.session.commit()

    sign_in(page, "lvisser")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beheer: e-mail").click()
    page.get_by_role("heading", level=1, name="E-mail").wait_for()
    assert_accessible(page)

    page.get_by_label("E-mailadres").fill("beheer@example.nl")
    page.get_by_role("button", name="Testbericht versturen").click()
    page.get_by_text("Het testbericht is verstuurd naar beheer@example.nl.").wait_for()
    assert [rcpt for rcpt, _ in smtp.messages] == [["beheer@example.nl"]]

    page.get_by_role("link", name="Mislukt").click()
    row = page.get_by_role("row").filter(has_text="vertrokken@example.nl")
    assert "550 5.1.1 no such user" in row.inner_text()
    assert_accessible(page)
    row.get_by_role("link").click()
    assert_accessible(page)
    page.get_by_role("button", name="Opnieuw proberen").click()
    page.get_by_text("Het bericht staat weer in de wachtrij").wait_for()
    assert_accessible(page)
