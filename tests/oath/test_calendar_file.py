"""The .ics of a confirmed registration can be downloaded from /oath/my and the session page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from icalendar import Calendar

from portal.core.time import to_local
from portal.extensions import db
from tests.oath.conftest import plan_session
from tests.support.browser import assert_accessible, sign_in


@pytest.mark.browser
def test_employee_downloads_the_calendar_file_from_my_oath_and_the_session_page(page, app):
    with app.app_context():
        session_id = plan_session(capacity=5, starts_in=timedelta(days=21), location="Raadzaal, gemeentehuis").id
        db.session.commit()
    sign_in(page, "jdevries")
    page.goto(f"/oath/sessions/{session_id}")
    page.get_by_label("De eed (ambtseed)").check()
    page.get_by_role("button", name="Inschrijven").click()
    page.wait_for_url("**/oath/my")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Zet de bijeenkomst in uw agenda (.ics-bestand)").click()
    download = download_info.value
    assert download.suggested_filename == "ambtseed.ics"
    calendar = Calendar.from_ical(open(download.path(), "rb").read())
    assert str(calendar["method"]) == "PUBLISH"
    event = next(iter(calendar.walk("VEVENT")))
    assert "Raadzaal, gemeentehuis" in str(event["location"])
    with app.app_context():
        from portal.oath.models import OathSession

        starts_at = db.session.get(OathSession, session_id).starts_at
        assert event.decoded("dtstart") == to_local(starts_at)

    page.goto(f"/oath/sessions/{session_id}")
    assert page.get_by_role("link", name="Zet de bijeenkomst in uw agenda (.ics-bestand)").is_visible()
    assert_accessible(page)


def test_the_calendar_file_is_only_for_the_person_and_only_when_confirmed(app, client, auth):
    with app.app_context():
        session_id = plan_session(capacity=1, starts_in=timedelta(days=21)).id
        db.session.commit()
    auth.login("jdevries")
    client.submit(f"/oath/sessions/{session_id}", {"formula": "oath"})
    with app.app_context():
        from sqlalchemy import select

        from portal.oath.models import Registration

        registration_id = db.session.scalar(select(Registration.id))
    answer = client.get(f"/oath/registrations/{registration_id}/ambtseed.ics")
    assert answer.status_code == 200 and answer.mimetype == "text/calendar"
    auth.logout()
    auth.login("sbakker")
    assert client.get(f"/oath/registrations/{registration_id}/ambtseed.ics").status_code == 404
    client.submit(f"/oath/sessions/{session_id}", {"formula": "oath"})  # full: the waiting list
    with app.app_context():
        from sqlalchemy import select

        from portal.oath.models import Registration

        waiting_id = db.session.scalar(select(Registration.id).where(Registration.id != registration_id))
    assert waiting_id is not None
    assert client.get(f"/oath/registrations/{waiting_id}/ambtseed.ics").status_code == 404


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL", "PUBLISH"])
def test_the_invitation_has_the_bytes_icalendar_itself_writes(app, method, monkeypatch):
    """The VTIMEZONE built once per zone and dates is placed where add_missing_timezones puts it."""
    from portal.oath import ics
    from portal.oath.models import Registration, RegistrationStatus
    from portal.oath.services.registrations import register_for_session
    from tests.oath.conftest import make_user

    def icalendar_itself(cal, first_date, last_date):
        cal.add_missing_timezones(first_date=first_date, last_date=last_date)
        return cal.to_ical()

    with app.test_request_context():
        moment = ics.utcnow()
        monkeypatch.setattr(ics, "utcnow", lambda: moment)
        user = make_user("jdevries")
        for starts_in in (timedelta(days=21), timedelta(days=150)):  # both sides of a DST change
            session = plan_session(capacity=5, starts_in=starts_in, location="Raadzaal")
            registration = register_for_session(session.id, user, "oath")
            assert isinstance(registration, Registration)
            cached = ics.build_invitation(session, registration, method)
            assert b"BEGIN:VTIMEZONE" in cached
            assert ics.build_invitation(session, registration, method) == cached
            monkeypatch.setattr(ics, "_with_timezones", icalendar_itself)
            assert ics.build_invitation(session, registration, method) == cached
            monkeypatch.undo()
            monkeypatch.setattr(ics, "utcnow", lambda: moment)
            registration.status = RegistrationStatus.cancelled  # free to sign up for the next session
            db.session.flush()


def test_short_lines_are_folded_as_icalendar_folds_them(app):
    """install_short_line_folding (portal/oath/ics.py): the same text as icalendar's own _foldline, any line."""
    from icalendar.parser import content_line

    folding = content_line._foldline
    assert getattr(folding, "portal_short_lines", False), "installed by the oath area's init_app"
    original = folding.original
    lines = ["", "A", "DTSTART;TZID=Europe/Amsterdam:20261215T100000", "x" * 73, "x" * 74, "x" * 75, "x" * 76,
             "é" * 36, "é" * 37, "é" * 38, "€" * 24, "€" * 25, "a" * 73 + "\\", "a" * 72 + "\\,b", "a" * 72 + "^n",
             "SUMMARY:Ambtseed of belofte – Gemeente Voorbeeld", "DESCRIPTION:" + "lang " * 40]
    for line in lines:
        for limit in (75, 10, 2):
            assert folding(line, limit) == original(line, limit), (line, limit)
        assert folding(line, fold_sep="\r\n\t") == original(line, fold_sep="\r\n\t")


def test_an_invitation_has_the_same_bytes_with_icalendars_own_folding(app, monkeypatch):
    from icalendar.parser import content_line

    from portal.oath import ics
    from portal.oath.services.registrations import register_for_session
    from tests.oath.conftest import make_user

    with app.test_request_context():
        moment = ics.utcnow()
        monkeypatch.setattr(ics, "utcnow", lambda: moment)
        session = plan_session(capacity=5, starts_in=timedelta(days=21), location="Raadzaal, gemeentehuis – zaal €1")
        registration = register_for_session(session.id, make_user("jdevries"), "oath")
        fast = ics.build_invitation(session, registration, "REQUEST")
        monkeypatch.setattr(content_line, "_foldline", content_line._foldline.original)
        assert ics.build_invitation(session, registration, "REQUEST") == fast
