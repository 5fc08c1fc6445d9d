"""Ceremonies: attendance only from the start time; cancelling asks first; the certificate's wording and tags."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.core.time import utcnow
from portal.extensions import db
from portal.oath.certificate import CertificateData, render_certificate, with_article
from portal.oath.formulas import LEGACY_WORDING, wording_lines
from portal.oath.services.attendance import attendance_open
from portal.oath.models import Registration
from portal.oath.states import Formula, RegistrationStatus
from tests.oath.conftest import plan_session


def test_attendance_opens_at_the_start_time_not_earlier_the_same_day(ctx):
    session = plan_session(starts_in=timedelta(days=3))
    db.session.flush()
    start = session.starts_at
    assert not attendance_open(session, start - timedelta(minutes=50))  # 22:40 for a 23:30 session
    assert not attendance_open(session, start - timedelta(seconds=1))
    assert attendance_open(session, start)
    assert attendance_open(session, start + timedelta(hours=2))


def test_marking_before_the_start_is_refused_with_a_message(app, client, auth):
    from portal.oath.services.registrations import register_for_session
    from tests.oath.conftest import make_user

    with app.test_request_context():
        session = plan_session(starts_at=(utcnow() + timedelta(minutes=50)).replace(microsecond=0),
                               deadline_before=timedelta(minutes=10))
        person = make_user("jdevries")
        registration = register_for_session(session.id, person, Formula.oath)
        db.session.commit()
        session_id, registration_id = session.id, registration.id
    auth.login("mjansen")
    page = client.get(f"/oath/admin/sessions/{session_id}").get_data(as_text=True)
    assert "Vanaf het begin van de bijeenkomst registreert u hier" in page
    answer = client.submit(f"/oath/admin/registrations/{registration_id}/mark", {"status": "attended"},
                           follow_redirects=True)
    assert "De aanwezigheid kunt u registreren vanaf het begin van de bijeenkomst." in answer.get_data(as_text=True)
    assert "Gehouden" not in client.get("/oath/admin").get_data(as_text=True)


def test_a_mark_not_sent_by_the_buttons_records_nothing_and_says_so(app, client, auth):
    from portal.oath.services.registrations import register_for_session
    from tests.oath.conftest import make_user

    with app.test_request_context():
        session = plan_session(starts_in=timedelta(days=5))
        registration = register_for_session(session.id, make_user("jdevries"), Formula.oath)
        db.session.commit()
        registration_id = registration.id
    auth.login("mjansen")
    answer = client.submit(f"/oath/admin/registrations/{registration_id}/mark", {"status": "bogus"},
                           follow_redirects=True)
    assert "De aanwezigheid is niet vastgelegd. Kies Aanwezig of Niet verschenen bij de persoon." in answer.get_data(
        as_text=True)
    with app.app_context():
        assert db.session.get(Registration, registration_id).status == RegistrationStatus.confirmed


def test_cancelling_a_session_asks_for_confirmation_first(app, client, auth):
    with app.app_context():
        session_id = plan_session(starts_in=timedelta(days=10)).id
        db.session.commit()
    auth.login("mjansen")
    confirm = client.get(f"/oath/admin/sessions/{session_id}/cancel").get_data(as_text=True)
    assert "Dit kunt u niet ongedaan maken." in confirm
    assert "Geannuleerd" not in client.get(f"/oath/admin/sessions/{session_id}").get_data(as_text=True)


@pytest.mark.parametrize("official, spoken", [
    ("burgemeester", "de burgemeester"),
    ("Burgemeester", "de burgemeester"),
    ("Wethouder P&O", "de wethouder P&O"),
    ("wethouder P&O", "de wethouder P&O"),
    ("de burgemeester", "de burgemeester"),
    ("Jan Smit, burgemeester", "Jan Smit, burgemeester"),
])
def test_the_certificate_says_ten_overstaan_van_de_burgemeester(official, spoken):
    assert with_article(official) == spoken


def test_the_certificate_pdf_has_title_language_and_an_outline(app):
    with app.app_context():
        pdf = render_certificate(CertificateData(organisation="Gemeente Voorbeeld", name="Jan de Vries",
                                                 formula=Formula.oath, taken_on=date(2026, 12, 4),
                                                 official="burgemeester",
                                                 lines=wording_lines(LEGACY_WORDING[Formula.oath])))
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "ten overstaan van de burgemeester" in text
    assert reader.metadata.title == "Oorkonde – Jan de Vries"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.outline[0].title == "Oorkonde"
    assert reader.outline[1][0].title == "De woorden van de ambtseed"
