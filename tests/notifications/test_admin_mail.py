"""/admin/mail: administrators see the outbox, retry failures and send a test notification."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.core.time import utcnow
from portal.extensions import db
from portal.notifications.delivery import deliver_due
from portal.notifications.models import MailStatus, OutboxMessage
from tests.notifications.conftest import outbox_rows, queue_test


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/admin/mail")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("username", ["jdevries", "mjansen"])
def test_employee_and_reviewer_are_refused(client, auth, username):
    auth.login(username)
    assert client.get("/admin/mail").status_code == 403
    assert "Beheer: e-mail" not in client.get("/").get_data(as_text=True)


def test_administrator_sees_counts_and_the_menu_item(client, auth, app):
    with app.app_context():
        queue_test("a@example.nl")
        db.session.commit()
    auth.login("lvisser")
    html = client.get("/admin/mail").get_data(as_text=True)
    assert "<h1" in html and html.count("<h1") == 1
    assert "Beheer: e-mail" in html
    assert "a@example.nl" in html and "In de wachtrij" in html


def test_failure_is_shown_with_its_error_and_retry_sends_it(client, auth, app, mail_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    mail_server.inbox.refuse = {"nieuw@example.nl"}
    with app.app_context():
        queue_test("nieuw@example.nl")
        queue_test("jdevries@example.nl")
        db.session.commit()
        deliver_due()
        message_id = outbox_rows()[0].id
    auth.login("lvisser")
    html = client.get("/admin/mail?status=failed").get_data(as_text=True)
    assert "nieuw@example.nl" in html and "550 5.1.1 no such user" in html
    assert "jdevries@example.nl" not in html  # sent, so not in the failed list
    assert "Opnieuw proberen" in html

    assert client.post(f"/admin/mail/{message_id}/retry").status_code == 400  # no CSRF token
    response = client.submit(f"/admin/mail/{message_id}/retry")
    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(OutboxMessage, message_id)
        assert (row.status, row.attempts) == (MailStatus.pending, 1)
        assert row.next_attempt_at.replace(tzinfo=timezone.utc) <= utcnow()
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.retry"))
        assert event.object_id == message_id
        mail_server.inbox.refuse = set()  # the mailbox exists now
        assert deliver_due().sent == 1
    assert [rcpt for rcpt, _ in mail_server.inbox.messages] == [["jdevries@example.nl"], ["nieuw@example.nl"]]
    # a message that is not failed cannot be retried
    client.submit(f"/admin/mail/{message_id}/retry")
    with app.app_context():
        assert db.session.get(OutboxMessage, message_id).status is MailStatus.sent


def test_test_notification_reaches_the_smtp_server(smtp, client, auth, app):
    auth.login("lvisser")
    response = client.submit("/admin/mail/test", {"address": "beheer@example.nl"}, follow_redirects=True)
    assert "Het testbericht is verstuurd naar beheer@example.nl." in response.get_data(as_text=True)
    [(recipients, message)] = smtp.messages
    assert recipients == ["beheer@example.nl"]
    assert message["Subject"] == "Testbericht van het integriteitsportaal"
    assert "Lotte Visser heeft dit bericht" in message.get_body(("plain",)).get_content()


def test_test_notification_with_the_server_down_says_why_and_stays_queued(client, auth, app):
    from tests.support.net import free_port

    port = free_port()  # nothing listens there: the connection is refused
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    auth.login("lvisser")
    response = client.submit("/admin/mail/test", {"address": "beheer@example.nl"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert (f"Het testbericht kon niet worden verstuurd. De mailserver 127.0.0.1:{port} weigert de verbinding: "
            "daar luistert geen mailserver.") in html
    assert "ConnectionRefusedError" not in html and "Errno" not in html
    listing = client.get("/admin/mail").get_data(as_text=True)  # the outbox row says the same
    assert f"127.0.0.1:{port} weigert de verbinding" in listing and "Errno" not in listing
    with app.app_context():
        [row] = outbox_rows()
        assert (row.status, row.attempts) == (MailStatus.pending, 1)


def test_test_notification_form_rejects_a_bad_address(client, auth, app):
    auth.login("lvisser")
    response = client.submit("/admin/mail/test", {"address": "geen adres"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Dit is geen geldig e-mailadres." in html and 'value="geen adres"' in html
    with app.app_context():
        assert outbox_rows() == []


def test_sensitive_body_is_shown_only_on_request_and_logged(client, auth, app):
    with app.app_context():
        message = queue_test("jdevries@example.nl", sensitive=True)
        db.session.commit()
        message_id = message.id
    auth.login("lvisser")
    html = client.get(f"/admin/mail/{message_id}").get_data(as_text=True)
    assert "Dit is een testbericht." not in html and "Inhoud tonen" in html
    html = client.get(f"/admin/mail/{message_id}?show=1").get_data(as_text=True)
    assert "Dit is een testbericht." in html
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox.view_body"))
        assert event is not None and event.object_id == message_id


def test_list_is_paginated_newest_first(client, auth, app):
    with app.app_context():
        now = utcnow()
        for number in range(55):
            message = queue_test(f"p{number:02d}@example.nl")
            message.created_at = now - timedelta(minutes=55 - number)
        db.session.commit()
    auth.login("lvisser")
    first = client.get("/admin/mail").get_data(as_text=True)
    second = client.get("/admin/mail?page=2").get_data(as_text=True)
    assert first.index("p54@example.nl") < first.index("p53@example.nl")
    assert "p04@example.nl" not in first and "p04@example.nl" in second
    assert client.get("/admin/mail?status=nonsense").status_code == 404
