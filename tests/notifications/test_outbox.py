"""Queueing: the outbox row is part of the caller's transaction."""

from __future__ import annotations

import logging
from portal.extensions import db
from portal.notifications.models import MailStatus
from portal.notifications.services import queue_mail
from tests.notifications.conftest import MARCH_12, make_user, outbox_rows, queue_test


def test_queued_mail_is_rendered_in_dutch_with_organisation_and_link(app):
    with app.app_context():
        user = make_user("jdevries")
        message = queue_test(user)
        db.session.commit()
        [row] = outbox_rows()
        assert row.id == message.id
        assert (row.recipient, row.recipient_user_id, row.language) == ("jdevries@example.nl", user.id, "nl")
    assert row.status is MailStatus.pending and row.attempts == 0
    assert row.subject == "Testbericht van het integriteitsportaal"
    assert "12 maart 2026" in row.text_body and "12 maart 2026" in row.html_body
    footer = "Dit is een automatisch bericht van het integriteitsportaal van Gemeente Voorbeeld."
    assert footer in row.text_body and footer in row.html_body
    assert 'href="http://portal.test/"' in row.html_body and "http://portal.test/" in row.text_body
    assert '<html lang="nl">' in row.html_body


def test_user_who_chose_english_gets_the_mail_in_english(app):
    with app.app_context():
        queue_test(make_user("rsmit", language="en"))
        db.session.commit()
        [row] = outbox_rows()
    assert row.language == "en"
    assert "12 March 2026" in row.text_body and '<html lang="en">' in row.html_body
    assert "maart" not in row.text_body


def test_explicit_language_wins_over_the_users_choice(app):
    with app.app_context():
        queue_test(make_user("rsmit", language="en"), language="nl")
        db.session.commit()
        assert outbox_rows()[0].language == "nl"


def test_user_input_in_the_context_is_escaped_in_the_html_body(app):
    with app.app_context():
        context = {"requested_by": "<script>x</script>", "requested_at": MARCH_12}
        queue_mail("a@example.nl", "notifications/test", context)
        db.session.commit()
        [row] = outbox_rows()
    assert "<script>" not in row.html_body and "&lt;script&gt;" in row.html_body


def test_same_dedup_key_twice_queues_one_message(app):
    with app.app_context():
        user = make_user("jdevries")
        first = queue_test(user, dedup_key="reminder-2026-jdevries")
        second = queue_test(user, dedup_key="reminder-2026-jdevries")
        db.session.commit()
        third = queue_test(user, dedup_key="reminder-2026-jdevries")
        db.session.commit()
        assert first is not None and second is None and third is None
        assert len(outbox_rows()) == 1


def test_rolled_back_change_queues_nothing(app):
    with app.app_context():
        make_user("jdevries")
        db.session.commit()
        user = make_user("sbakker")  # the change that causes the mail ...
        queue_test(user, dedup_key="welcome-sbakker")
        db.session.rollback()  # ... fails
        assert outbox_rows() == []
        # and the dedup key is free again for the change that does succeed
        user = make_user("sbakker")
        assert queue_test(user, dedup_key="welcome-sbakker") is not None
        db.session.commit()
        assert len(outbox_rows()) == 1


def test_recipient_without_address_queues_nothing_and_warns(app, caplog):
    with app.app_context(), caplog.at_level(logging.WARNING, logger="portal.notifications"):
        assert queue_test(make_user("tdejong", email=None)) is None
        assert queue_test(make_user("hbos", email="  ")) is None
        db.session.commit()
        assert outbox_rows() == []
    assert "no e-mail address" in caplog.text


def test_sensitive_flag_and_attachment_are_stored(app):
    from portal.notifications.services import Attachment

    with app.app_context():
        invitation = Attachment("uitnodiging.ics", "text/calendar", b"BEGIN:VCALENDAR", "REQUEST")
        queue_test("a@example.nl", sensitive=True, attachments=[invitation])
        db.session.commit()
        [row] = outbox_rows()
        assert row.is_sensitive
        [attachment] = row.attachments
        assert (attachment.filename, attachment.method) == ("uitnodiging.ics", "REQUEST")
        assert attachment.data == b"BEGIN:VCALENDAR"


def test_personal_data_export_lists_the_users_mails(app):
    from portal.core.registry import personal_data_for

    with app.app_context():
        user = make_user("jdevries")
        queue_test(user)
        queue_test("someone-else@example.nl")
        db.session.commit()
        mails = personal_data_for(user)["notifications"]["mails"]
    assert [m["subject"] for m in mails] == ["Testbericht van het integriteitsportaal"]


def test_the_message_id_is_the_same_in_every_process_whatever_its_time_zone(app, monkeypatch):
    """The web process and the mail worker may run in different zones; a naive SQLite time is UTC in both."""
    import time

    from portal.core.time import as_utc
    from portal.notifications.rendering import message_id_for

    with app.app_context():
        queue_test("a@example.nl")
        db.session.commit()
        ids = set()
        try:
            for zone in ("UTC", "Europe/Amsterdam", "America/New_York"):
                monkeypatch.setenv("TZ", zone)
                time.tzset()
                db.session.expire_all()
                [row] = outbox_rows()
                ids.add(message_id_for(row))
        finally:
            monkeypatch.undo()
            time.tzset()
        [row] = outbox_rows()
        assert ids == {f"<outbox-{row.id}-{int(as_utc(row.created_at).timestamp())}@portal.test>"}


def test_a_batch_queues_each_person_once_in_their_language_and_skips_taken_keys_and_no_address(app):
    from portal.notifications.services import MailToQueue, queue_mails

    with app.app_context():
        nl, en, none = make_user("jdevries"), make_user("rsmit", language="en"), make_user("kbos", email=None)
        queue_test(nl, dedup_key="invite-jdevries")  # already invited earlier
        context = {"requested_by": "Lotte Visser", "requested_at": MARCH_12}
        batch = [MailToQueue(person, "notifications/test", context, f"invite-{person.username}")
                 for person in (nl, en, en, none)]
        assert queue_mails(batch) == 1
        db.session.commit()
        rows = outbox_rows()
    assert sorted((row.recipient, row.language) for row in rows) == [("jdevries@example.nl", "nl"),
                                                                    ("rsmit@example.nl", "en")]
    english = next(row for row in rows if row.language == "en")
    assert english.status is MailStatus.pending and "12 March 2026" in english.text_body
