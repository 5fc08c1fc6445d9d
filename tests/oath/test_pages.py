"""The oath pages over HTTP: access, HR's work, the statement, the checklist and the exports."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.time import utcnow
from portal.extensions import db
from portal.oath.models import (
    IntegrityStatementText,
    OathRecord,
    Registration,
    RegistrationStatus,
    StatementSignature,
)
from portal.oath.services.registrations import register_for_session
from tests.oath.conftest import make_user, outbox, plan_session

HR_PAGES = ["/oath/admin", "/oath/admin/sessions/new", "/oath/admin/outstanding", "/oath/admin/outstanding.csv",
            "/oath/admin/statements"]


def _user(username: str) -> User:
    return db.session.scalars(select(User).where(User.username == username)).one()


@pytest.mark.parametrize("path", HR_PAGES + ["/oath/sessions", "/oath/my", "/oath/statement"])
def test_anonymous_visitors_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_employee_cannot_reach_the_hr_pages(client, auth, app):
    auth.login("jdevries")
    for path in HR_PAGES:
        assert client.get(path).status_code == 403, path
    with app.test_request_context():
        session = plan_session()
        colleague = register_for_session(session.id, make_user("colleague"), "oath")
        db.session.commit()
        session_id, colleague_id = session.id, colleague.id
    assert client.get(f"/oath/admin/sessions/{session_id}").status_code == 403
    assert client.submit(f"/oath/admin/sessions/{session_id}/cancel", {"confirm": "y"}).status_code == 403
    assert client.submit(f"/oath/admin/registrations/{colleague_id}/mark", {"status": "attended"}).status_code == 403
    # Someone else's registration does not exist as far as this employee can tell.
    assert client.submit(f"/oath/registrations/{colleague_id}/cancel").status_code == 404
    with app.app_context():
        assert db.session.get(Registration, colleague_id).status == RegistrationStatus.confirmed


def test_the_ceremony_list_shows_free_places_waiting_lists_and_pages_the_open_sessions(client, auth, app):
    """Each open session with its own free places or waiting list; closed ones are left out; ten a page."""
    with app.test_request_context():
        full = plan_session(capacity=1, starts_in=timedelta(days=3, hours=1))
        register_for_session(full.id, make_user("first"), "oath")
        for name in ("second", "third"):
            register_for_session(full.id, make_user(name), "oath")
        half = plan_session(capacity=4, starts_in=timedelta(days=4))
        register_for_session(half.id, make_user("fourth"), "oath")
        plan_session(starts_in=timedelta(days=3), deadline_before=timedelta(days=4))  # registration closed
        later = [plan_session(capacity=7, starts_in=timedelta(days=10 + n)) for n in range(9)]
        db.session.commit()
        last_id = later[-1].id
    auth.login("jdevries")
    first = client.get("/oath/sessions").get_data(as_text=True)
    assert first.count("Nog 3 plaatsen vrij") == 1 and "2 personen op de wachtlijst" in first
    assert first.count("Nog 7 plaatsen vrij") == 8 and "Nog 10 plaatsen vrij" not in first
    assert f"/oath/sessions/{last_id}\"" not in first and "page=2" in first
    second = client.get("/oath/sessions?page=2").get_data(as_text=True)
    assert f"/oath/sessions/{last_id}\"" in second and second.count("Nog 7 plaatsen vrij") == 1


def test_a_refused_sign_up_shows_the_page_again_with_the_reason_and_saves_nothing(client, auth, app):
    """Signed up elsewhere already: the session page again (its waiting list as it is), nothing written."""
    with app.test_request_context():
        first = plan_session(capacity=3)
        full = plan_session(capacity=1, starts_in=timedelta(days=20))
        register_for_session(full.id, make_user("colleague"), "oath")
        db.session.commit()
        first_id, full_id = first.id, full.id
    auth.login("jdevries")
    assert client.submit(f"/oath/sessions/{first_id}", {"formula": "oath"}).status_code == 302
    with app.app_context():
        before = db.session.scalar(select(func.count(Registration.id)))
        mails = len(outbox("oath-reg-"))
    response = client.submit(f"/oath/sessions/{full_id}", {"formula": "oath"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "U bent al aangemeld voor een andere bijeenkomst." in page
    with app.app_context():
        assert db.session.scalar(select(func.count(Registration.id))) == before
        assert len(outbox("oath-reg-")) == mails


def test_employee_signs_up_sees_the_formulas_and_can_cancel(client, auth, app):
    with app.app_context():
        session = plan_session(capacity=3)
        db.session.commit()
        session_id = session.id
    auth.login("jdevries")
    listing = client.get("/oath/sessions").get_data(as_text=True)
    assert "Zo waarlijk helpe mij God almachtig!" in listing and "Dat verklaar en beloof ik!" in listing
    assert "Nog 3 plaatsen vrij" in listing

    missing = client.submit(f"/oath/sessions/{session_id}", {"accessibility_needs": "rolstoelplek"})
    assert "Kies de eed of de belofte." in missing.get_data(as_text=True)
    assert "rolstoelplek" in missing.get_data(as_text=True)  # input kept

    response = client.submit(f"/oath/sessions/{session_id}", {"formula": "affirmation",
                                                              "accessibility_needs": "rolstoelplek"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/oath/my")
    my = client.get("/oath/my").get_data(as_text=True)
    assert "Aangemeld" in my and "belofte" in my and "Raadzaal" in my
    dashboard = client.get("/").get_data(as_text=True)
    assert "Ambtseed of belofte afgelegd" in dashboard and "Aangemeld voor" in dashboard

    with app.app_context():
        registration_id = db.session.scalar(select(Registration.id))
    client.submit(f"/oath/registrations/{registration_id}/cancel")
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == RegistrationStatus.cancelled
    assert "Nog niet aangemeld" in client.get("/oath/my").get_data(as_text=True)


def test_hr_plans_a_session_and_gets_dutch_messages_for_bad_input(client, auth, app):
    auth.login("mjansen")
    day = (utcnow() + timedelta(days=30)).date().isoformat()
    bad = client.submit("/oath/admin/sessions/new", {
        "day": day, "start_time": "10:00", "end_time": "09:00", "capacity": "0", "official": "",
        "language": "nl", "deadline_day": (utcnow() + timedelta(days=40)).date().isoformat(),
        "deadline_time": "17:00", "online_url": "http://example.nl",
    })
    html = bad.get_data(as_text=True)
    assert bad.status_code == 200
    for message in ("Kies een aantal tussen 1 en 1000.", "Vul in wie de eed of belofte afneemt."):
        assert message in html
    fixed = client.submit("/oath/admin/sessions/new", {
        "day": day, "start_time": "10:00", "end_time": "09:00", "capacity": "5", "official": "wethouder P&amp;O",
        "language": "nl", "deadline_day": (utcnow() + timedelta(days=40)).date().isoformat(),
        "deadline_time": "17:00", "online_url": "http://example.nl",
    }).get_data(as_text=True)
    for message in ("Een bijeenkomst duurt hoogstens 12 uur.", "vóór het begin van de bijeenkomst",
                    "begint met https://"):
        assert message in fixed
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_hr_cannot_lower_capacity_below_confirmed_places(client, auth, app, clock):
    # At the late instants the session (same time of day, 90 minutes) ends after midnight.
    with app.test_request_context():
        session = plan_session(capacity=2)
        for name in ("a", "b"):
            register_for_session(session.id, make_user(name), "oath")
        db.session.commit()
        session_id = session.id
        start = session.starts_at
    auth.login("mjansen")
    form = client.get(f"/oath/admin/sessions/{session_id}/edit").get_data(as_text=True)
    assert 'value="2"' in form
    from portal.core.time import to_local

    with app.app_context():
        local = to_local(start)
    response = client.submit(f"/oath/admin/sessions/{session_id}/edit", {
        "day": local.date().isoformat(), "start_time": local.strftime("%H:%M"),
        "end_time": (local + timedelta(minutes=90)).strftime("%H:%M"), "location": "Raadzaal", "capacity": "1",
        "official": "wethouder P&O", "language": "nl",
        "deadline_day": (local - timedelta(days=2)).date().isoformat(), "deadline_time": local.strftime("%H:%M"),
    })
    assert response.status_code == 200
    assert "de capaciteit kan niet lager zijn dan 2" in response.get_data(as_text=True)


def test_hr_marks_attendance_and_the_employee_checklist_turns_done(client, auth, app, clock):
    auth.login("jdevries")
    with app.test_request_context():
        # Later the same local day; at 23:30 it ends after midnight. Attendance opens at its start.
        session = plan_session(starts_in=timedelta(minutes=10), deadline_before=timedelta(minutes=5))
        registration = register_for_session(session.id, _user("jdevries"), "affirmation")
        db.session.commit()
        registration_id, session_id = registration.id, session.id
    auth.logout()
    clock.shift(timedelta(minutes=10))
    auth.login("mjansen")
    page = client.get(f"/oath/admin/sessions/{session_id}").get_data(as_text=True)
    assert "Jan de Vries" in page and "Aanwezig" in page
    client.submit(f"/oath/admin/registrations/{registration_id}/mark", {"status": "attended"})
    with app.app_context():
        record = db.session.scalars(select(OathRecord)).one()
        assert record.formula.value == "affirmation"
    assert "Oorkonde (PDF)" in client.get(f"/oath/admin/sessions/{session_id}").get_data(as_text=True)
    auth.logout()
    auth.login("jdevries")
    dashboard = client.get("/").get_data(as_text=True)
    assert "Afgelegd op" in dashboard
    assert "Download uw oorkonde" in client.get("/oath/my").get_data(as_text=True)
    assert "U heeft de belofte afgelegd" in client.get("/oath/sessions").get_data(as_text=True)


def test_hrs_session_list_counts_signed_up_waiting_and_present_but_not_cancelled(client, auth, app, clock):
    """The counts on HR's list, per session: the same places the employees' list and the session page count."""
    import re

    from portal.oath.services.registrations import cancel_registration

    with app.test_request_context():
        full = plan_session(capacity=2, starts_in=timedelta(days=20))
        for name in ("a", "b", "c", "d"):
            register_for_session(full.id, make_user(name), "oath")  # a, b confirmed; c, d waiting
        gone = register_for_session(full.id, make_user("e"), "oath")
        cancel_registration(gone.id, gone.user)
        held = plan_session(capacity=5, starts_in=timedelta(minutes=10), deadline_before=timedelta(minutes=5))
        present = register_for_session(held.id, make_user("f"), "oath")
        register_for_session(held.id, make_user("g"), "oath")
        db.session.commit()
        full_id, held_id, present_id = full.id, held.id, present.id
    clock.shift(timedelta(minutes=10))
    auth.login("mjansen")
    client.submit(f"/oath/admin/registrations/{present_id}/mark", {"status": "attended"})

    def row(session_id):
        html = client.get("/oath/admin").get_data(as_text=True)
        found = re.search(rf'/oath/admin/sessions/{session_id}".*?</tr>', html, re.S).group(0)
        return re.findall(r'<td class="utrecht-table__cell">([^<]*)</td>', found)[-3:]

    assert row(full_id) == ["2 / 2", "2", "0"]
    assert row(held_id) == ["1 / 5", "0", "1"]
    auth.logout()
    auth.login("jdevries")
    listed = client.get("/oath/sessions").get_data(as_text=True)
    assert "2 personen op de wachtlijst" in listed
    assert "wachtlijst" in client.get(f"/oath/sessions/{full_id}").get_data(as_text=True)


def test_attendance_csv_neutralises_formulas(client, auth, app):
    with app.test_request_context():
        session = plan_session()
        evil = make_user("evil", display_name="=HYPERLINK(\"http://x\")")
        register_for_session(session.id, evil, "oath", accessibility_needs="@SUM(A1)")
        db.session.commit()
        session_id = session.id
    auth.login("mjansen")
    response = client.get(f"/oath/admin/sessions/{session_id}/attendance.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Naam"
    assert rows[1][0] == "'=HYPERLINK(\"http://x\")" and rows[1][5] == "'@SUM(A1)"
    printable = client.get(f"/oath/admin/sessions/{session_id}/attendance").get_data(as_text=True)
    assert "Presentielijst" in printable and "HYPERLINK" in printable


def _publish_statement(app) -> None:
    from portal.oath.services.statements import publish_statement_text

    with app.app_context():
        publish_statement_text()
        db.session.commit()


def test_the_statement_page_publishes_nothing_itself_the_hourly_job_does(client, auth, app):
    from portal.notifications.jobs import run_due_jobs

    auth.login("tdejong")
    waiting = client.get("/oath/statement")
    assert waiting.status_code == 503 and "staat nog niet klaar" in waiting.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(IntegrityStatementText)) == 0
        outcomes = {o.name: o for o in run_due_jobs()}
        assert outcomes["oath-statement-text"].result == 1
    assert "versie 1" in client.get("/oath/statement").get_data(as_text=True)


def test_statement_employee_reads_and_signs_the_statement(client, auth, app):
    _publish_statement(app)
    auth.login("tdejong")  # employeeType stagiair
    assert client.get("/oath/sessions").headers["Location"].endswith("/oath/statement")
    page = client.get("/oath/statement").get_data(as_text=True)
    assert "Vertrouwelijkheid" in page and "versie 1" in page
    assert "Integriteitsverklaring ondertekend" in client.get("/").get_data(as_text=True)

    refused = client.submit("/oath/statement", {"text_id": "1", "signed_name": "Thijs de Jong"})
    assert "Vink aan dat u de verklaring heeft gelezen" in refused.get_data(as_text=True)
    with app.app_context():
        text_id = db.session.scalar(select(IntegrityStatementText.id))
    signed = client.submit("/oath/statement", {"text_id": str(text_id), "signed_name": "  Thijs  de Jong ",
                                                "agree": "y"}, follow_redirects=True)
    assert "U heeft deze verklaring ondertekend" in signed.get_data(as_text=True)
    with app.app_context():
        signature = db.session.scalars(select(StatementSignature)).one()
        assert signature.signed_name == "Thijs de Jong" and signature.text_version.version == 1
    assert "Ondertekend op" in client.get("/").get_data(as_text=True)
    twice = client.submit("/oath/statement", {"text_id": str(text_id), "signed_name": "X", "agree": "y"})
    assert twice.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementSignature)) == 1


def test_hr_sees_who_has_and_has_not_signed(client, auth, app):
    auth.login("tdejong")
    with app.app_context():
        from portal.oath.services.statements import publish_statement_text

        text = publish_statement_text()
        db.session.add(StatementSignature(user_id=_user("tdejong").id, text_version_id=text.id,
                                          signed_name="Thijs de Jong"))
        make_user("hbos2", employee_type="inhuur", display_name="Henk Bos")
        make_user("regular", display_name="Gewone Medewerker")
        db.session.commit()
    auth.logout()
    auth.login("mjansen")
    page = client.get("/oath/admin/statements").get_data(as_text=True)
    assert "Thijs de Jong" in page and "Henk Bos" in page and "Gewone Medewerker" not in page
    assert page.index("Henk Bos") < page.index("Thijs de Jong")  # not signed first
    assert "1 heeft getekend, 1 nog niet" in " ".join(page.split())  # ngettext: one person "heeft"


def test_who_still_has_to_lists_the_oldest_first_exports_and_reminds_once_a_month(client, auth, app):
    with app.test_request_context():
        now = utcnow()
        make_user("old", display_name="Oud Gediende", first_seen_at=now - timedelta(days=300))
        make_user("intern", employee_type="stagiair", display_name="Stagiair Een", first_seen_at=now - timedelta(days=30))
        sworn = make_user("sworn", display_name="Al Beëdigd", first_seen_at=now - timedelta(days=400))
        make_user("nomail", display_name="Zonder Mail", email=None, first_seen_at=now - timedelta(days=10))
        db.session.add(OathRecord(user_id=sworn.id, formula="oath", taken_on=now.date(), official="wethouder"))
        booked = make_user("booked", display_name="Al Aangemeld", first_seen_at=now - timedelta(days=20))
        register_for_session(plan_session().id, booked, "oath")
        db.session.commit()
    auth.login("mjansen")  # mjansen (first seen now) is on the list too
    page = client.get("/oath/admin/outstanding").get_data(as_text=True)
    assert "Al Beëdigd" not in page
    assert page.index("Oud Gediende") < page.index("Stagiair Een") < page.index("Zonder Mail")
    assert "Integriteitsverklaring" in page

    rows = list(csv.reader(io.StringIO(client.get("/oath/admin/outstanding.csv").get_data(as_text=True)
                                       .lstrip("\ufeff")), delimiter=";"))
    names = [row[0] for row in rows[1:]]
    assert names[:4] == ["Oud Gediende", "Stagiair Een", "Al Aangemeld", "Zonder Mail"]

    client.submit("/oath/admin/outstanding/remind")
    client.submit("/oath/admin/outstanding/remind")
    with app.app_context():
        reminded = sorted(m.recipient for m in outbox("oath-todo-"))
    # Not the one already booked, not the one without an address; the second press sends nothing new.
    assert reminded == ["intern@example.nl", "mjansen@example.nl", "old@example.nl"]
