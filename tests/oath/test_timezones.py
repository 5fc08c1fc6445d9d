"""Times across the daylight-saving changes: stored in UTC, shown and invited at the local time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.core.time import as_utc
from portal.extensions import db
from portal.oath.display import local_to_utc
from portal.oath.models import OathSession
from portal.oath.services.registrations import register_for_session
from tests.oath.conftest import calendar_of, make_user, outbox, plan_session
from tests.support.clock import amsterdam

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# (local day, expected UTC start): after the end of summer time (+01:00) and after its start (+02:00)
DST_CASES = [
    (date(2026, 10, 25), datetime(2026, 10, 25, 9, 0, tzinfo=timezone.utc), "zondag 25 oktober 2026"),
    (date(2026, 3, 29), datetime(2026, 3, 29, 8, 0, tzinfo=timezone.utc), "zondag 29 maart 2026"),
]


@pytest.mark.parametrize(("day", "expected_utc", "long_date"), DST_CASES)
def test_session_on_a_dst_day_is_stored_in_utc_and_invited_at_ten_local(ctx, day, expected_utc, long_date):
    starts_at = local_to_utc(day, time(10, 0))
    assert starts_at == expected_utc
    session = plan_session(starts_at=starts_at, capacity=5, location="Raadzaal")
    db.session.commit()
    db.session.expire_all()
    assert as_utc(db.session.get(OathSession, session.id).starts_at) == expected_utc

    registration = register_for_session(session.id, make_user("jan"), "oath", now=expected_utc - timedelta(days=30))
    db.session.commit()
    [mail] = outbox(f"oath-reg-{registration.id}-confirmed")
    calendar, _method = calendar_of(mail)
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute) == (10, 0)
    assert str(start.tzinfo) == "Europe/Amsterdam"
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert start.astimezone(timezone.utc) == expected_utc
    assert event.decoded("DTEND").astimezone(AMSTERDAM).strftime("%H:%M") == "11:30"
    # The calendar carries the time-zone rules, so clients without them still get 10:00.
    [vtimezone] = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Amsterdam"
    assert f"{long_date}" in mail.text_body and "10:00–11:30" in mail.text_body
    assert "10:00" in mail.html_body


@pytest.mark.parametrize("clock", [amsterdam(2026, 12, 4, 12, 0)], ids=["noon"], indirect=True)
def test_the_hr_form_turns_local_times_into_utc_on_both_sides_of_a_dst_change(clock, client, auth, app):
    auth.login("mjansen")
    for day, expected in [("2027-03-28", datetime(2027, 3, 28, 8, 0)), ("2027-10-31", datetime(2027, 10, 31, 9, 0))]:
        response = client.submit("/oath/admin/sessions/new", {
            "day": day, "start_time": "10:00", "end_time": "11:30", "location": "Raadzaal", "capacity": "20",
            "official": "wethouder P&O", "language": "nl", "deadline_day": "2027-01-15", "deadline_time": "17:00",
        })
        assert response.status_code == 302, response.get_data(as_text=True)
        with app.app_context():
            stored = db.session.scalars(select(OathSession).order_by(OathSession.id.desc())).first()
            assert as_utc(stored.starts_at) == expected.replace(tzinfo=timezone.utc)
            assert as_utc(stored.registration_deadline) == datetime(2027, 1, 15, 16, 0, tzinfo=timezone.utc)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "10:00–11:30" in page


@pytest.mark.parametrize("clock", [amsterdam(2026, 12, 4, 12, 0)], ids=["noon"], indirect=True)
def test_a_time_the_clock_skips_is_refused_with_a_dutch_message(clock, client, auth):
    auth.login("mjansen")
    response = client.submit("/oath/admin/sessions/new", {
        "day": "2027-03-28", "start_time": "02:30", "end_time": "04:00", "location": "Raadzaal", "capacity": "20",
        "official": "wethouder P&O", "language": "nl", "deadline_day": "2027-03-20", "deadline_time": "17:00",
    })
    assert response.status_code == 200
    assert "Dit tijdstip bestaat niet" in response.get_data(as_text=True)


@pytest.mark.parametrize("clock", [amsterdam(2026, 12, 4, 12, 0)], ids=["noon"], indirect=True)
def test_an_evening_ceremony_may_end_after_midnight_even_across_a_dst_change(client, auth, app, clock):
    auth.login("mjansen")
    cases = [  # (day, start, end, UTC start, UTC end): the end time before the start time is the next day
        ("2027-01-15", "23:00", "00:30", datetime(2027, 1, 15, 22, 0), datetime(2027, 1, 15, 23, 30)),
        ("2027-03-27", "23:30", "03:30", datetime(2027, 3, 27, 22, 30), datetime(2027, 3, 28, 1, 30)),
    ]
    for day, start, end, starts_utc, ends_utc in cases:
        response = client.submit("/oath/admin/sessions/new", {
            "day": day, "start_time": start, "end_time": end, "location": "Raadzaal", "capacity": "20",
            "official": "wethouder P&O", "language": "nl", "deadline_day": "2027-01-10", "deadline_time": "17:00",
        })
        assert response.status_code == 302, response.get_data(as_text=True)
        with app.app_context():
            stored = db.session.scalars(select(OathSession).order_by(OathSession.id.desc())).first()
            assert (as_utc(stored.starts_at), as_utc(stored.ends_at)) == (
                starts_utc.replace(tzinfo=timezone.utc), ends_utc.replace(tzinfo=timezone.utc))
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f"{start}–{end}" in page
        # Saving the form unchanged keeps it as it is (the end is not read as before the start).
        session_id = response.headers["Location"].rstrip("/").split("/")[-1]
        edit = client.submit(f"/oath/admin/sessions/{session_id}/edit", {
            "day": day, "start_time": start, "end_time": end, "location": "Raadzaal", "capacity": "25",
            "official": "wethouder P&O", "language": "nl", "deadline_day": "2027-01-10", "deadline_time": "17:00",
        })
        assert edit.status_code == 302, edit.get_data(as_text=True)
    # A ceremony of more than 12 hours is a mistyped end time, not an overnight one.
    response = client.submit("/oath/admin/sessions/new", {
        "day": "2027-01-15", "start_time": "10:00", "end_time": "09:00", "location": "Raadzaal", "capacity": "20",
        "official": "wethouder P&O", "language": "nl", "deadline_day": "2027-01-10", "deadline_time": "17:00",
    })
    assert response.status_code == 200
    refused = " ".join(response.get_data(as_text=True).split())
    assert "Een bijeenkomst duurt hoogstens 12 uur. Een eindtijd vóór de begintijd valt op de volgende dag." in refused
    assert "De eindtijd moet na de begintijd liggen." not in refused


@pytest.mark.parametrize("clock", [amsterdam(2026, 12, 4, 12, 0)], ids=["noon"], indirect=True)
def test_a_session_in_the_repeated_hour_keeps_its_time_when_the_form_is_saved_unchanged(client, auth, app, clock):
    """On 31 October 2027 02:30 comes twice; HR changing only the capacity must not move the session an hour."""
    second_half_past_two = amsterdam(2027, 10, 31, 2, 30, fold=1).astimezone(timezone.utc)
    assert second_half_past_two == datetime(2027, 10, 31, 1, 30, tzinfo=timezone.utc)
    with app.test_request_context():
        session_id = plan_session(starts_at=second_half_past_two, deadline_before=timedelta(days=2)).id
        db.session.commit()
    auth.login("mjansen")
    form = client.get(f"/oath/admin/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="02:30"' in form and 'value="04:00"' in form
    response = client.submit(f"/oath/admin/sessions/{session_id}/edit", {
        "day": "2027-10-31", "start_time": "02:30", "end_time": "04:00", "location": "Raadzaal", "capacity": "12",
        "official": "wethouder P&O", "language": "nl", "deadline_day": "2027-10-29", "deadline_time": "02:30",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(OathSession, session_id)
        assert stored.capacity == 12
        assert as_utc(stored.starts_at) == second_half_past_two
        assert as_utc(stored.ends_at) == datetime(2027, 10, 31, 3, 0, tzinfo=timezone.utc)
