"""Planning a session: an end time before the start time is the next day, so 12:00-11:00 is refused
as too long (23 hours), not as "the end must be after the start" (which 23:00-01:00 would contradict)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.core.time import utcnow


def _plan(client, start: str, end: str):
    day = (utcnow() + timedelta(days=30)).date().isoformat()
    return client.submit("/oath/admin/sessions/new", {
        "day": day, "start_time": start, "end_time": end, "location": "Raadzaal", "capacity": "20",
        "official": "wethouder P&O", "language": "nl", "deadline_day": day, "deadline_time": "08:00",
    })


@pytest.mark.parametrize("start, end", [("12:00", "11:00"), ("09:00", "22:00")])
def test_a_session_too_long_says_how_long_it_may_be_and_how_the_end_time_is_read(client, auth, start, end):
    auth.login("mjansen")
    response = _plan(client, start, end)
    html = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 200
    assert "Een bijeenkomst duurt hoogstens 12 uur. Een eindtijd vóór de begintijd valt op de volgende dag." in html
    assert "De eindtijd moet na de begintijd liggen." not in html


def test_an_evening_session_past_midnight_is_accepted_and_the_same_time_is_refused(client, auth):
    auth.login("mjansen")
    assert _plan(client, "23:00", "01:00").status_code == 302
    same = _plan(client, "10:00", "10:00")
    assert same.status_code == 200 and "De eindtijd moet na de begintijd liggen." in same.get_data(as_text=True)
    client.submit("/language", {"lang": "en", "next": "/"})
    english = " ".join(_plan(client, "12:00", "11:00").get_data(as_text=True).split())
    assert "A session lasts at most 12 hours. An end time before the start time is on the next day." in english
