"""Signing up, the waiting list, cancelling and the calendar invitations that go with them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.core.time import utcnow
from portal.extensions import db
from portal.oath.models import OathSession, Registration
from portal.oath.states import RegistrationStatus, SessionStatus
from portal.oath.services.attendance import mark_attendance
from portal.oath.services.registrations import cancel_registration, close_waitlists, register_for_session
from portal.oath.services.sessions import SessionData, cancel_session, update_session
from portal.oath.states import OathError
from tests.oath.conftest import calendar_of, make_user, outbox, plan_session
from tests.support.clock import amsterdam


def _register(session, user, formula="oath"):
    registration = register_for_session(session.id, user, formula)
    db.session.commit()
    return registration


def test_sign_up_confirms_a_free_place_and_mails_an_invitation(ctx):
    hr = make_user("hr", reviewer=True)
    session = plan_session(capacity=2, hr=hr)
    jan = make_user("jan")
    registration = _register(session, jan, "affirmation")

    assert registration.status == RegistrationStatus.confirmed
    [mail] = outbox(f"oath-reg-{registration.id}-")
    assert mail.recipient == "jan@example.nl"
    calendar, method = calendar_of(mail)
    event = calendar.walk("VEVENT")[0]
    assert method == "REQUEST" and str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"oath-session-{session.id}-reg-{registration.id}@portal.test"
    assert int(event["SEQUENCE"]) == 0
    assert "Raadzaal" in str(event["LOCATION"])


def test_a_full_session_puts_the_next_person_on_the_waiting_list_with_their_position(ctx):
    session = plan_session(capacity=1)
    _register(session, make_user("first"))
    second = _register(session, make_user("second"))
    third = _register(session, make_user("third"))

    assert (second.status, third.status) == (RegistrationStatus.waitlisted, RegistrationStatus.waitlisted)
    [mail] = outbox(f"oath-reg-{third.id}-")
    assert "plaats 2" in mail.text_body
    assert not mail.attachments  # no invitation for a place one does not have


def test_cancelling_promotes_the_first_in_line_and_mails_them_once(ctx):
    session = plan_session(capacity=1)
    first = _register(session, make_user("first"))
    second = _register(session, make_user("second"))
    third = _register(session, make_user("third"))

    cancel_registration(first.id, first.user)
    db.session.commit()

    db.session.refresh(second), db.session.refresh(third)
    assert second.status == RegistrationStatus.confirmed and second.promoted_at is not None
    assert third.status == RegistrationStatus.waitlisted
    promoted = outbox(f"oath-reg-{second.id}-promoted")
    assert len(promoted) == 1 and calendar_of(promoted[0])[1] == "REQUEST"


def test_cancelling_sends_a_calendar_cancel_with_the_same_uid_and_a_higher_sequence(ctx):
    session = plan_session(capacity=3)
    registration = _register(session, make_user("jan"))
    cancel_registration(registration.id, registration.user)
    db.session.commit()

    [invite] = outbox(f"oath-reg-{registration.id}-confirmed")
    [cancel] = outbox(f"oath-reg-{registration.id}-cancelled")
    invite_event = calendar_of(invite)[0].walk("VEVENT")[0]
    calendar, method = calendar_of(cancel)
    cancel_event = calendar.walk("VEVENT")[0]
    assert method == "CANCEL" and str(calendar["METHOD"]) == "CANCEL"
    assert str(cancel_event["STATUS"]) == "CANCELLED"
    assert str(cancel_event["UID"]) == str(invite_event["UID"])
    assert int(cancel_event["SEQUENCE"]) > int(invite_event["SEQUENCE"])


def test_one_active_registration_per_person(ctx):
    jan = make_user("jan")
    first, other = plan_session(capacity=5), plan_session(capacity=5, starts_in=timedelta(days=30))
    _register(first, jan)
    with pytest.raises(OathError, match="al aangemeld"):
        register_for_session(other.id, jan, "oath")
    db.session.rollback()
    # The database refuses it too, whatever the code does.
    db.session.add(Registration(session_id=other.id, user_id=jan.id, status=RegistrationStatus.waitlisted,
                                formula="oath"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_sign_up_the_index_refuses_is_refused_without_writing_and_the_transaction_goes_on(ctx, monkeypatch):
    """A simultaneous sign-up for another session passes the checks and is refused by the unique index:
    the same message, no audit event or mail, and the request's transaction still usable (no savepoint)."""
    from portal.core.models import AuditEvent
    from portal.oath.services import registrations

    jan = make_user("jan")
    first, other = plan_session(capacity=5), plan_session(capacity=5, starts_in=timedelta(days=30))
    _register(first, jan)
    events = db.session.scalar(select(db.func.count(AuditEvent.id)))
    mails = len(outbox("oath-reg-"))
    unaware = registrations._sign_up_facts

    def facts_before_the_other_commit(session_id, user_id, now):
        return unaware(session_id, user_id, now)._replace(has_active_registration=False)

    monkeypatch.setattr(registrations, "_sign_up_facts", facts_before_the_other_commit)
    with pytest.raises(OathError, match="U bent al aangemeld voor een bijeenkomst."):
        register_for_session(other.id, jan, "oath")
    # the transaction goes on: the page with the message can still be read and the request commits
    assert db.session.scalar(select(db.func.count(Registration.id)).where(Registration.user_id == jan.id)) == 1
    db.session.commit()
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == events
    assert len(outbox("oath-reg-")) == mails


def test_after_cancelling_one_can_register_for_another_session(ctx):
    jan = make_user("jan")
    first, other = plan_session(capacity=5), plan_session(capacity=5, starts_in=timedelta(days=30))
    registration = _register(first, jan)
    cancel_registration(registration.id, jan)
    db.session.commit()
    assert _register(other, jan).status == RegistrationStatus.confirmed


def test_cancel_after_the_deadline_is_refused_for_the_employee_but_not_for_hr(clock, ctx):
    hr = make_user("hr", reviewer=True)
    session = plan_session(capacity=5, starts_in=timedelta(days=5), deadline_before=timedelta(days=2))
    jan = make_user("jan")
    registration = _register(session, jan)
    after_deadline = utcnow() + timedelta(days=4)

    with pytest.raises(OathError, match="aanmeldtermijn is voorbij"):
        cancel_registration(registration.id, jan, now=after_deadline)
    db.session.rollback()
    cancel_registration(registration.id, hr, now=after_deadline)
    db.session.commit()
    assert db.session.get(Registration, registration.id).status == RegistrationStatus.cancelled
    assert "P&O heeft u afgemeld voor de bijeenkomst" in outbox(f"oath-reg-{registration.id}-cancelled")[0].text_body


def test_registration_closes_at_the_deadline(clock, ctx):
    session = plan_session(capacity=5, starts_in=timedelta(days=5), deadline_before=timedelta(days=2))
    with pytest.raises(OathError, match="kan niet meer"):
        register_for_session(session.id, make_user("jan"), "oath", now=utcnow() + timedelta(days=4))


def test_a_no_show_can_register_again_and_attendance_puts_the_oath_on_record(clock, ctx):
    hr = make_user("hr", reviewer=True)
    jan = make_user("jan")
    today = plan_session(starts_in=timedelta(hours=1), deadline_before=timedelta(minutes=30))
    registration = _register(today, jan)
    mark_attendance(registration.id, "no_show", hr, now=utcnow() + timedelta(hours=2))
    db.session.commit()
    assert db.session.get(OathSession, today.id).status == SessionStatus.held

    later = plan_session(starts_in=timedelta(days=20))
    again = _register(later, jan, "affirmation")
    assert again.status == RegistrationStatus.confirmed

    from portal.oath.queries import record_of

    assert record_of(jan.id) is None
    # HR corrects the no-show (they came late): the earlier registration now counts, the new one must go first.
    with pytest.raises(OathError, match="andere bijeenkomst"):
        mark_attendance(registration.id, "attended", hr, now=utcnow() + timedelta(hours=2))
    db.session.rollback()
    cancel_registration(again.id, jan)
    mark_attendance(registration.id, "attended", hr, now=utcnow() + timedelta(hours=2))
    db.session.commit()
    record = record_of(jan.id)
    assert record.formula.value == "oath" and record.session_id == today.id and record.official == "wethouder P&O"
    with pytest.raises(OathError, match="al afgelegd"):
        register_for_session(later.id, jan, "oath")


def test_attendance_cannot_be_marked_before_the_start(clock, ctx):
    hr = make_user("hr", reviewer=True)
    session = plan_session(starts_in=timedelta(days=10))
    registration = _register(session, make_user("jan"))
    with pytest.raises(OathError, match="vanaf het begin"):
        mark_attendance(registration.id, "attended", hr)


@pytest.mark.parametrize("clock", [amsterdam(2026, 12, 5, 0, 30), amsterdam(2026, 3, 29, 0, 30)],
                         ids=["0030", "dst-spring-0030"], indirect=True)
def test_attendance_opens_at_the_start_time_also_across_utc_midnight(clock, ctx):
    hr = make_user("hr", reviewer=True)
    # 00:30 in Amsterdam is still yesterday in UTC; a session at 02:00 or 03:00 local is already tomorrow in UTC.
    same_day = plan_session(starts_in=timedelta(minutes=90), deadline_before=timedelta(minutes=30))
    registration = _register(same_day, make_user("jan"))
    with pytest.raises(OathError, match="vanaf het begin"):  # the same local day, but before it began
        mark_attendance(registration.id, "attended", hr, now=clock.now)
    db.session.rollback()
    mark_attendance(registration.id, "attended", hr, now=same_day.starts_at)
    db.session.commit()
    # At 23:30 the evening before, a session at 00:30 local has not begun.
    evening = clock.now - timedelta(hours=1)
    next_day = plan_session(starts_at=clock.now, deadline_before=timedelta(hours=2))
    other = register_for_session(next_day.id, make_user("piet"), "oath", now=evening - timedelta(hours=2))
    with pytest.raises(OathError, match="vanaf het begin"):
        mark_attendance(other.id, "attended", hr, now=evening)


def test_capacity_cannot_drop_below_the_confirmed_places_and_an_increase_promotes_in_order(ctx):
    hr = make_user("hr", reviewer=True)
    session = plan_session(capacity=2)
    for name in ("a", "b", "c", "d", "e"):
        _register(session, make_user(name))
    data = _data_of(session)

    with pytest.raises(OathError, match="niet lager zijn dan 2") as refused:
        update_session(session.id, data.__class__(**{**data.__dict__, "capacity": 1}), hr)
    assert refused.value.field == "capacity"
    db.session.rollback()

    update_session(session.id, data.__class__(**{**data.__dict__, "capacity": 4}), hr)
    db.session.commit()
    statuses = {r.user.username: r.status.value for r in db.session.scalars(select(Registration))}
    assert statuses == {"a": "confirmed", "b": "confirmed", "c": "confirmed", "d": "confirmed", "e": "waitlisted"}


def test_a_changed_time_sends_updated_invitations_with_a_higher_sequence(ctx):
    hr = make_user("hr", reviewer=True)
    session = plan_session(capacity=1)
    confirmed = _register(session, make_user("jan"))
    waiting = _register(session, make_user("piet"))
    data = _data_of(session)
    changed = update_session(session.id, SessionData(**{**data.__dict__,
                                                        "starts_at": data.starts_at + timedelta(hours=1),
                                                        "ends_at": data.ends_at + timedelta(hours=1)}), hr)
    db.session.commit()
    assert set(changed) == {"starts_at", "ends_at"}

    [update] = outbox(f"oath-reg-{confirmed.id}-changed")
    calendar, method = calendar_of(update)
    assert method == "REQUEST" and int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    [notice] = outbox(f"oath-reg-{waiting.id}-changed")
    assert not notice.attachments and "wachtlijst" in notice.text_body
    # Saving the same values again tells nobody anything.
    assert update_session(session.id, _data_of(session), hr) == []


def test_cancelling_a_session_cancels_everyone_and_removes_it_from_calendars(ctx):
    hr = make_user("hr", reviewer=True)
    session = plan_session(capacity=1)
    confirmed = _register(session, make_user("jan"))
    waiting = _register(session, make_user("piet"))
    assert cancel_session(session.id, hr, note="De wethouder is verhinderd.") == 2
    db.session.commit()

    [cancel] = outbox(f"oath-reg-{confirmed.id}-cancelled")
    assert calendar_of(cancel)[1] == "CANCEL" and "De wethouder is verhinderd." in cancel.text_body
    assert not outbox(f"oath-reg-{waiting.id}-cancelled")[0].attachments
    statuses = {r.status for r in db.session.scalars(select(Registration))}
    assert statuses == {RegistrationStatus.cancelled}
    with pytest.raises(OathError):
        register_for_session(session.id, make_user("kees"), "oath")


def test_statement_employees_cannot_register_for_the_oath(ctx):
    session = plan_session()
    with pytest.raises(OathError, match="integriteitsverklaring"):
        register_for_session(session.id, make_user("stagiair1", employee_type="Stagiair"), "oath")


def test_waiting_lists_close_when_the_session_begins(clock, ctx):
    session = plan_session(capacity=1, starts_in=timedelta(days=3), deadline_before=timedelta(days=1))
    _register(session, make_user("jan"))
    waiting = _register(session, make_user("piet"))
    assert close_waitlists(utcnow()) == 0
    assert close_waitlists(utcnow() + timedelta(days=4)) == 1
    db.session.commit()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.cancelled
    assert len(outbox(f"oath-reg-{waiting.id}-waitlist-closed")) == 1


def test_reminder_goes_once_a_few_days_before(clock, ctx, app):
    from portal.oath.services.reports import send_ceremony_reminders

    session = plan_session(capacity=3, starts_in=timedelta(days=10))
    registration = _register(session, make_user("jan"))
    assert send_ceremony_reminders(3, utcnow()) == 0
    three_days_before = utcnow() + timedelta(days=7, hours=1)
    assert send_ceremony_reminders(3, three_days_before) == 1
    assert send_ceremony_reminders(3, three_days_before + timedelta(hours=1)) == 0
    db.session.commit()
    [reminder] = outbox(f"oath-reg-{registration.id}-reminder")
    assert "Herinnering" in reminder.subject


def _data_of(session) -> SessionData:
    return SessionData(
        starts_at=session.starts_at, ends_at=session.ends_at, registration_deadline=session.registration_deadline,
        capacity=session.capacity, official=session.official, location=session.location,
        online_url=session.online_url, language=session.language, notes=session.notes,
    )


def test_the_invitation_arrives_as_a_calendar_request_and_the_reminder_job_runs_hourly(smtp, app, runner):
    with app.test_request_context():
        session = plan_session(capacity=2, starts_in=timedelta(days=2), deadline_before=timedelta(days=1))
        registration = register_for_session(session.id, make_user("jan"), "oath")
        db.session.commit()
        registration.created_at = utcnow() - timedelta(days=10)  # signed up long before the reminder window
        db.session.commit()
    assert runner.invoke(args=["portal", "run-jobs"]).exit_code == 0
    assert runner.invoke(args=["portal", "send-mail"]).exit_code == 0
    subjects = sorted(message["Subject"] for _rcpt, message in smtp.messages)
    assert subjects[0].startswith("Bevestiging: bijeenkomst ambtseed") and subjects[1].startswith("Herinnering")
    confirmation = next(m for _r, m in smtp.messages if m["Subject"].startswith("Bevestiging"))
    [calendar_part] = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    assert calendar_part.get_filename() == "ambtseed.ics"
    assert b"BEGIN:VEVENT" in calendar_part.get_payload(decode=True)


def test_personal_data_export_lists_registrations_and_the_record(ctx):
    from portal.oath.personal_data import oath_personal_data

    jan = make_user("jan")
    register_for_session(plan_session().id, jan, "affirmation", accessibility_needs="tolk")
    db.session.commit()
    data = oath_personal_data(jan)
    assert data["registrations"][0]["status"] == "confirmed"
    assert data["registrations"][0]["formula"] == "affirmation"
    assert data["registrations"][0]["accessibility_needs"] == "tolk"
    assert data["oath_record"] is None and data["statement_signatures"] == []
