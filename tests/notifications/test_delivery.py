"""Delivery to a real SMTP server on loopback: what arrives, retries, failures, claims."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta, timezone

import pytest

from portal.core.time import utcnow
from portal.extensions import db
from portal.notifications.delivery import LEASE, backoff, claim_due, deliver_due
from portal.notifications.models import MailStatus
from portal.notifications.services import Attachment
from tests.notifications.conftest import MARCH_12 as CEREMONY
from tests.notifications.conftest import MailServer, ScriptedInbox, make_user, outbox_rows, queue_test
from tests.support.net import free_port


def queue_many(count: int, prefix: str = "user") -> None:
    for number in range(count):
        queue_test(f"{prefix}{number}@example.nl", dedup_key=f"{prefix}-{number}")
    db.session.commit()


def ceremony_invitation() -> bytes:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Integriteitsportaal test//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", "oath-session-7@portal.test")
    event.add("summary", "Bijeenkomst ambtseed")
    event.add("dtstart", CEREMONY)
    event.add("dtend", CEREMONY + timedelta(hours=1))
    event.add("dtstamp", CEREMONY - timedelta(days=30))
    calendar.add_component(event)
    return calendar.to_ical()


def test_test_notification_arrives_with_headers_and_both_bodies(smtp, app, runner):
    with app.app_context():
        queue_test(make_user("jdevries"))
        db.session.commit()
    result = runner.invoke(args=["portal", "send-mail"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    [(recipients, message)] = smtp.messages
    assert recipients == ["jdevries@example.nl"]
    assert message["To"] == "jdevries@example.nl"
    assert message["From"] == "Gemeente Voorbeeld <integriteit@example.nl>"
    assert message["Subject"] == "Testbericht van het integriteitsportaal"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Date"]
    with app.app_context():
        [row] = outbox_rows()
        assert message["Message-ID"] == f"<outbox-{row.id}-{int(row.created_at.timestamp())}@portal.test>"
        assert row.status is MailStatus.sent and row.attempts == 1 and row.sent_at is not None
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Dit is een testbericht." in text and "Gemeente Voorbeeld" in text
    assert "<h1>Dit is een testbericht.</h1>" in html and 'href="http://portal.test/"' in html
    # sent messages are not sent again
    assert "sent 0" in runner.invoke(args=["portal", "send-mail"]).output
    assert len(smtp.messages) == 1


def test_calendar_invitation_arrives_as_parseable_ics_with_method(smtp, app):
    from icalendar import Calendar

    with app.app_context():
        queue_test("jdevries@example.nl", attachments=[
            Attachment("uitnodiging.ics", "text/calendar", ceremony_invitation(), method="REQUEST")
        ])
        db.session.commit()
        deliver_due()
    [(_, message)] = smtp.messages
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "uitnodiging.ics"
    assert part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "Bijeenkomst ambtseed"
    assert event.decoded("dtstart") == CEREMONY
    assert str(calendar["method"]) == "REQUEST"
    # the text and HTML bodies are still there next to the attachment
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None


def test_english_recipient_gets_english_headers_and_dates(smtp, app):
    with app.app_context():
        queue_test(make_user("rsmit", language="en"))
        db.session.commit()
        deliver_due()
    [(_, message)] = smtp.messages
    assert message["Content-Language"] == "en"
    assert "12 March 2026" in message.get_body(("plain",)).get_content()


def test_smtp_server_down_loses_nothing_and_delivers_once_when_back(app):
    port = free_port()  # nothing listens here yet
    app.config["SMTP_PORT"] = port
    with app.app_context():
        queue_many(5)
        start = utcnow()
        report = deliver_due(now=start)
        assert report.sent == 0 and report.retrying == 5
        rows = outbox_rows()
        assert all(r.status is MailStatus.pending and r.attempts == 1 for r in rows)
        assert all(r.next_attempt_at.replace(tzinfo=timezone.utc) > start for r in rows)
        assert all(r.last_error == f"De mailserver 127.0.0.1:{port} weigert de verbinding: daar luistert geen "
                   "mailserver. Controleer PORTAL_SMTP_HOST en PORTAL_SMTP_PORT, en of de mailserver draait."
                   for r in rows)

        server = MailServer(ScriptedInbox(), port).start()
        try:
            assert deliver_due(now=start).sent == 0  # back-off: not due yet
            report = deliver_due(now=start + timedelta(minutes=1))
            assert report.sent == 5
            assert deliver_due(now=start + timedelta(hours=1)).sent == 0
        finally:
            server.stop()
        ids = Counter(m["Message-ID"] for _, m in server.inbox.messages)
        assert len(ids) == 5 and set(ids.values()) == {1}
        assert all(r.status is MailStatus.sent for r in outbox_rows())


def test_smtp_server_stopping_mid_run_loses_nothing_and_doubles_nothing(app, mail_server):
    mail_server.inbox.go_down_after = 3  # accepts three, then crashes on the fourth
    with app.app_context():
        queue_many(8)
        start = utcnow()
        report = deliver_due(now=start)
        assert report.sent == 3 and report.retrying == 5
        assert len(mail_server.inbox.messages) == 3
        waiting = [r for r in outbox_rows() if r.status is not MailStatus.sent]
        assert len(waiting) == 5
        assert all(r.status is MailStatus.pending and r.attempts == 1 for r in waiting)
        assert all(r.next_attempt_at.replace(tzinfo=timezone.utc) > start for r in waiting)

        mail_server.stop()
        mail_server.inbox.go_down_after = None
        mail_server.start()  # back, on the same port
        report = deliver_due(now=start + timedelta(minutes=2))
        assert report.sent == 5
        assert all(r.status is MailStatus.sent for r in outbox_rows())
    ids = Counter(m["Message-ID"] for _, m in mail_server.inbox.messages)
    assert len(ids) == 8 and set(ids.values()) == {1}


def test_permanent_refusal_fails_after_max_attempts(app, mail_server):
    app.config["MAIL_MAX_ATTEMPTS"] = 3
    mail_server.inbox.refuse = {"nobody@example.nl"}
    with app.app_context():
        queue_test("nobody@example.nl")
        queue_test("jdevries@example.nl")
        db.session.commit()
        now = utcnow()
        for attempt in (1, 2):
            deliver_due(now=now)
            refused = outbox_rows()[0]
            assert (refused.status, refused.attempts) == (MailStatus.pending, attempt)
            assert refused.last_error.startswith(f"De mailserver 127.0.0.1:{mail_server.port} weigert de ontvanger (550")
            now = refused.next_attempt_at.replace(tzinfo=timezone.utc)
        deliver_due(now=now)
        refused, delivered = outbox_rows()
        assert (refused.status, refused.attempts) == (MailStatus.failed, 3)
        assert refused.last_error == (f"De mailserver 127.0.0.1:{mail_server.port} weigert de ontvanger "
                                      "(550 5.1.1 no such user).")
        assert delivered.status is MailStatus.sent
    assert [rcpt for rcpt, _ in mail_server.inbox.messages] == [["jdevries@example.nl"]]


def test_bad_address_fails_at_once(app, mail_server):
    with app.app_context():
        queue_test("not an address")
        db.session.commit()
        report = deliver_due()
        [row] = outbox_rows()
    assert report.failed == 1
    assert (row.status, row.attempts) == (MailStatus.failed, 1)
    assert "ongeldig e-mailadres" in row.last_error
    assert mail_server.inbox.messages == []


def test_backoff_grows_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(9) == timedelta(hours=4, minutes=16)
    assert backoff(10) == backoff(500) == timedelta(hours=6)


def test_claimed_message_is_not_claimed_again_until_its_lease_runs_out(app, mail_server):
    with app.app_context():
        queue_test("jdevries@example.nl")
        db.session.commit()
        now = utcnow()
        assert len(claim_due(now, "host:1:dead")) == 1  # a worker claims it, then dies
        assert claim_due(now, "host:2:alive") == []
        assert deliver_due(now=now + LEASE - timedelta(seconds=1)).sent == 0
        assert mail_server.inbox.messages == []
        assert deliver_due(now=now + LEASE + timedelta(seconds=1)).sent == 1
        [row] = outbox_rows()
        assert row.status is MailStatus.sent and row.locked_by != "host:1:dead"
    assert len(mail_server.inbox.messages) == 1


def test_a_send_whose_lease_runs_low_renews_it_first_and_leaves_what_another_worker_took_over(app, mail_server):
    """Sending needs no renewal while the lease is young; near its end the worker renews it, and a
    message whose lease ran out and that another worker claimed meanwhile is not sent by the first."""
    from portal.notifications.delivery import RENEW_MARGIN, DeliveryReport, SmtpSession, _deliver_batch

    with app.app_context():
        queue_many(2)
        start = utcnow()
        first, second = claim_due(start, "host:1:slow")
        # the second message's lease ran out (as if its claim were older): another worker claims it
        db.session.execute(sa_update_lease(second, start - timedelta(seconds=1)))
        db.session.commit()
        assert claim_due(start, "host:2:other") == [second]
        late = start + LEASE - RENEW_MARGIN + timedelta(seconds=1)
        # the first message is sent at once (no renewal); before the second the lease runs low
        clock = iter([start, start, start, late, late, late])
        smtp = SmtpSession(app.config)
        try:
            report = DeliveryReport()
            assert _deliver_batch([first, second], start + LEASE, smtp, "host:1:slow", lambda: next(clock),
                                  report, lambda: False)
        finally:
            smtp.close()
        assert report.sent == 1
        rows = {row.id: row for row in outbox_rows()}
        assert (rows[first].status, rows[first].locked_by) == (MailStatus.sent, "host:1:slow")
        assert (rows[second].status, rows[second].locked_by) == (MailStatus.sending, "host:2:other")
    assert len(mail_server.inbox.messages) == 1


def test_a_claim_on_sqlite_waiting_for_another_claim_takes_the_messages_left_not_none(app, database_url):
    """On SQLite a claim takes the write lock before it reads: one that waited for another process's
    claim then reads the rows that are still due, instead of the rows the other just took (it lost
    every compare-and-set, claimed nothing, and its run ended with messages still due)."""
    import sqlite3
    import threading
    import time

    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")
    with app.app_context():
        queue_many(4)
        ids = [row.id for row in outbox_rows()]
        db.session.remove()
    other = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process's claim of the first two, not committed yet
        other.execute("UPDATE outbox_message SET status = 'sending', locked_by = 'host:2:other', "
                      "locked_until = '9999-12-31 00:00:00.000000' WHERE id IN (?, ?)", ids[:2])
        claimed = {}

        def claim() -> None:
            with app.app_context():
                claimed["ids"] = claim_due(utcnow(), "host:1:this", limit=2)

        thread = threading.Thread(target=claim)
        thread.start()
        time.sleep(0.5)  # the claim waits for the lock
        other.execute("COMMIT")
        thread.join(10)
    finally:
        other.close()
    assert claimed["ids"] == ids[2:]


def sa_update_lease(message_id: int, locked_until):
    import sqlalchemy as sa

    from portal.notifications.models import OutboxMessage

    return sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(locked_until=locked_until)


@pytest.mark.postgres_only
def test_skip_locked_claims_are_disjoint_while_both_transactions_are_open(app):
    """Two workers claiming at the same moment on PostgreSQL get different messages."""
    import sqlalchemy as sa

    from portal.notifications.delivery import _due
    from portal.notifications.models import OutboxMessage

    with app.app_context():
        queue_many(6)
        query = (sa.select(OutboxMessage.id).where(_due(utcnow())).order_by(OutboxMessage.id)
                 .limit(4).with_for_update(skip_locked=True))
        with db.engine.connect() as first, db.engine.connect() as second:
            first_ids = first.scalars(query).all()  # transaction open, rows locked
            second_ids = second.scalars(query).all()
            assert len(first_ids) == 4 and len(second_ids) == 2
            assert not set(first_ids) & set(second_ids)


@pytest.mark.filterwarnings("ignore::UserWarning:aiosmtpd.*")  # AUTH without TLS: loopback test only
def test_smtp_login_is_used_and_a_wrong_password_keeps_the_mail_waiting(app):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.notifications.conftest import ScriptedInbox

    def authenticator(server, session, envelope, mechanism, auth_data):
        login, password = (v.decode() if isinstance(v, bytes) else v
                           for v in (auth_data.login, auth_data.password))
        return AuthResult(success=(login, password) == ("portal", "geheim-wachtwoord"), handled=False)

    inbox = ScriptedInbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    app.config.update(SMTP_PORT=port, SMTP_USER="portal", SMTP_PASSWORD="fout")
    try:
        with app.app_context():
            queue_test("jdevries@example.nl", attachments=None)
            db.session.commit()
            now = utcnow()
            assert deliver_due(now=now).retrying == 1
            [row] = outbox_rows()
            assert row.status is MailStatus.pending
            assert row.last_error.startswith(f"De mailserver 127.0.0.1:{port} weigert de gebruikersnaam of het "
                                             "wachtwoord (535")
            app.config["SMTP_PASSWORD"] = "geheim-wachtwoord"
            assert deliver_due(now=now + timedelta(minutes=1)).sent == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
