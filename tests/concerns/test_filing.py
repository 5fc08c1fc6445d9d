"""An employee reports a suspected breach: the confirmation with both dates, on screen and by mail."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal.concerns.models import Concern
from portal.concerns.services import add_months
from portal.core.i18n import format_day
from portal.core.time import today_local
from portal.extensions import db
from portal.notifications.delivery import deliver_due
from tests.concerns.helpers import actions

FORM = {"what_happened": "Mijn teamleider gaf een opdracht aan het bedrijf van zijn zwager.",
        "happened_when": "februari", "people_involved": "Teamleider inkoop", "is_anonymous": "y",
        "contact_preference": "Alleen per e-mail"}


def test_employee_files_a_concern_and_gets_both_dates_on_screen_and_by_mail(smtp, app, client, auth):
    auth.login("jdevries")
    page = client.get("/concerns/new").get_data(as_text=True)
    assert "Huis voor Klokkenluiders" in page and "vertrouwenspersoon" in page and "Binnen 7 dagen" in page
    response = client.submit("/concerns/new", FORM, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.test_request_context():
        today = today_local()
        receipt, assessment = format_day(today + timedelta(days=7)), format_day(add_months(today, 3))
    assert receipt in html and assessment in html and "Uw melding is ontvangen onder nummer M" in html
    assert "Ontvangen" in html  # its status on "Mijn meldingen"
    with app.app_context():
        concern = db.session.scalar(select(Concern))
        assert concern.is_anonymous and concern.reporter.username == "jdevries"
        assert actions() == ["concern.file"]
        reference = concern.reference
        assert deliver_due().sent == 1
    [(recipients, mail)] = smtp.messages
    assert recipients == ["jdevries@example.nl"]
    body = mail.get_body(("plain",)).get_content()
    assert receipt in body and assessment in body and reference in mail["Subject"]
    assert "zwager" not in body and "zwager" not in mail.get_body(("html",)).get_content()  # no content in a mail


def test_an_empty_report_is_refused_next_to_the_field_and_the_input_kept(app, client, auth):
    auth.login("jdevries")
    response = client.submit("/concerns/new", {**FORM, "what_happened": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(r'id="what_happened-error"[^>]*>.*Beschrijf wat er is gebeurd\.', html, re.S)
    assert 'value="Alleen per e-mail"' in html
    with app.app_context():
        assert db.session.scalar(select(Concern)) is None


def test_the_reporter_sees_the_status_but_never_the_notes(app, client, auth):
    auth.login("jdevries")
    client.submit("/concerns/new", FORM)
    auth.logout()
    auth.login("rkoster")
    with app.app_context():
        concern_id = db.session.scalar(select(Concern.id))
    assert client.submit(f"/concerns/{concern_id}/notes", {"body": "Geheime notitie: zwager bekend"}).status_code == 302
    assert client.submit(f"/concerns/{concern_id}/confirm").status_code == 302
    auth.logout()
    auth.login("jdevries")
    html = client.get("/concerns/mine").get_data(as_text=True)
    assert "Ontvangst bevestigd" in html and "Geheime notitie" not in html
    assert client.get(f"/concerns/{concern_id}").status_code == 403


def test_the_reporters_own_data_export_lists_their_reports_without_notes(app, client, auth):
    auth.login("jdevries")
    client.submit("/concerns/new", FORM)
    data = client.get("/declarations/my-data.json").get_json()
    [report] = data["concerns"]["reports"]
    assert report["status"] == "received" and "zwager" in report["what_happened"]
    assert "notes" not in report
