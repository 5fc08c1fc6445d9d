"""A coordinator registers a concern from a manager and works it through investigation to outcome and measure."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.concerns.models import Concern, ConcernAttachment
from portal.concerns.states import ConcernStatus, InvestigationType, Outcome
from portal.core.models import AuditEvent
from portal.core.time import today_local
from portal.extensions import db
from tests.concerns.helpers import actions

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _day(app, days_ago: int = 0) -> str:
    with app.app_context():
        return (today_local() - timedelta(days=days_ago)).isoformat()


def _register(client, app) -> int:
    response = client.submit("/concerns/register", {
        "channel": "manager", "received_on": _day(app, 3), "reporter_name": "",
        "what_happened": "Een leidinggevende meldt dat een medewerker vertrouwelijke stukken deelde.",
        "people_involved": "Medewerker vergunningen"})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_coordinator_works_a_registered_concern_through_to_outcome_and_measure(app, client, auth):
    auth.login("rkoster")
    concern_id = _register(client, app)
    page = client.get(f"/concerns/{concern_id}").get_data(as_text=True)
    assert "Via een leidinggevende" in page and "Onbekend" in page and "Ontvangst bevestigen aan de melder" in page
    steps = [
        (f"/concerns/{concern_id}/confirm", {}),
        (f"/concerns/{concern_id}/classify", {"category": "informatie", "measure": ""}),
        (f"/concerns/{concern_id}/investigation", {"investigation_type": "internal", "started_on": _day(app, 2)}),
        (f"/concerns/{concern_id}/outcome", {"outcome": "substantiated", "decided_on": _day(app),
                                              "measure": "schriftelijke-waarschuwing"}),
        (f"/concerns/{concern_id}/close", {}),
    ]
    for url, form in steps:
        response = client.submit(url, form)
        assert response.status_code == 302, (url, response.get_data(as_text=True)[:2000])
    with app.app_context():
        concern = db.session.get(Concern, concern_id)
        assert concern.status == ConcernStatus.closed and concern.category == "informatie"
        assert concern.investigation_type == InvestigationType.internal and concern.outcome == Outcome.substantiated
        assert concern.measure == "schriftelijke-waarschuwing" and concern.investigation_ended_on == today_local()
        assert concern.receipt_confirmed_at is not None and concern.closed_at is not None
        assert actions() == ["concern.register", "concern.view", "concern.confirm_receipt", "concern.classify",
                             "concern.investigate", "concern.assess", "concern.close"]
        transitions = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "concern.assess")).one()
        assert transitions == {"from": "investigating", "to": "assessed", "outcome": "substantiated",
                               "measure": "schriftelijke-waarschuwing"}


def test_a_step_the_state_machine_forbids_is_refused_with_a_message_and_changes_nothing(app, client, auth):
    auth.login("rkoster")
    concern_id = _register(client, app)
    response = client.submit(f"/concerns/{concern_id}/investigation",
                             {"investigation_type": "line", "started_on": _day(app)})
    assert response.status_code == 400
    assert "de melding heeft de status „Ontvangen”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Concern, concern_id).investigation_type is None
        assert "concern.investigate" not in actions()
    client.submit(f"/concerns/{concern_id}/confirm")
    client.submit(f"/concerns/{concern_id}/investigation", {"investigation_type": "line", "started_on": _day(app)})
    response = client.submit(f"/concerns/{concern_id}/close")  # an investigation ends with an assessment
    assert response.status_code == 400
    assert "de melding heeft de status „In onderzoek”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Concern, concern_id).closed_at is None


def test_a_measure_before_the_assessment_and_a_future_date_are_refused(app, client, auth):
    auth.login("rkoster")
    concern_id = _register(client, app)
    response = client.submit(f"/concerns/{concern_id}/classify", {"category": "", "measure": "ontslag"})
    assert response.status_code == 400 and "Een maatregel kan pas na de beoordeling." in response.get_data(as_text=True)
    with app.app_context():
        tomorrow = (today_local() + timedelta(days=1)).isoformat()
    response = client.submit("/concerns/register", {"channel": "citizen", "received_on": tomorrow,
                                                    "what_happened": "Iets"})
    assert response.status_code == 400 and "Kies een datum van" in response.get_data(as_text=True)


def test_attachments_are_checked_by_content_and_served_as_downloads(app, client, auth):
    auth.login("rkoster")
    concern_id = _register(client, app)
    from io import BytesIO

    def upload(name, data):
        return client.submit(f"/concerns/{concern_id}/attachments", {"file": (BytesIO(data), name)},
                             content_type="multipart/form-data")

    assert upload("verslag gesprek.pdf", PDF).status_code == 302
    for name, data in (("fake.pdf", b"<html><script>alert(1)</script></html>"), ("run.exe", b"MZ\x90\x00\x03"),
                       ("page.txt", b"<svg onload=alert(1)>"), ("leeg.txt", b"")):
        response = upload(name, data)
        assert response.status_code == 400, name
    html = upload("x.bin", b"\x00\x01\x02").get_data(as_text=True)
    assert "Dit soort bestand wordt niet aangenomen." in html
    app.config["CONCERN_ATTACHMENT_MAX_BYTES"] = 1_500_000
    too_big = upload("groot.pdf", PDF + b"0" * 1_500_001).get_data(as_text=True)
    assert "Het bestand is te groot (hoogstens 1,5 MB)." in too_big  # a Dutch decimal comma
    with app.app_context():
        [stored] = db.session.scalars(select(ConcernAttachment)).all()
        assert (stored.filename, stored.content_type) == ("verslag gesprek.pdf", "application/pdf")
        attachment_id = stored.id
    response = client.get(f"/concerns/{concern_id}/attachments/{attachment_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="verslag gesprek.pdf"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert client.get(f"/concerns/{concern_id + 1}/attachments/{attachment_id}").status_code == 404
    with app.app_context():
        assert "concern.attach" in actions()
        viewed = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "concern.view")).all()
        assert {"what": f"attachment:{attachment_id}"} in viewed


def _errors(html: str) -> list[str]:
    """The messages shown next to the fields."""
    return [m.strip() for m in re.findall(r'Fout:</span>([^<]*)<', html)]


@pytest.mark.parametrize("data, expected", [
    ({}, ["Kies de uitkomst.", "Vul de datum van de beoordeling in."]),
    ({"outcome": "", "decided_on": "", "measure": ""}, ["Kies de uitkomst.", "Vul de datum van de beoordeling in."]),
    ({"outcome": "substantiated", "decided_on": "31-02-2026", "measure": ""},
     ["Vul een bestaande datum in, bijvoorbeeld 31-01-2026."]),
    ({"outcome": "maybe", "decided_on": "TODAY", "measure": "tuchtrecht"},
     ["Kies een van de mogelijkheden.", "Kies een maatregel uit de lijst."]),
])
def test_an_incomplete_assessment_says_what_is_missing_next_to_each_field(app, client, auth, data, expected):
    auth.login("rkoster")
    concern_id = _register(client, app)
    client.submit(f"/concerns/{concern_id}/confirm")
    data = {k: _day(app) if v == "TODAY" else v for k, v in data.items()}
    response = client.submit(f"/concerns/{concern_id}/outcome", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert _errors(html) == expected
    assert "Ongeldige keuze" not in html
    with app.app_context():
        assert db.session.get(Concern, concern_id).outcome is None


def test_the_export_shows_dutch_labels_not_codes(app, client, auth):
    auth.login("rkoster")
    concern_id = _register(client, app)
    for url, form in [(f"/concerns/{concern_id}/confirm", {}),
                      (f"/concerns/{concern_id}/investigation", {"investigation_type": "internal",
                                                                 "started_on": _day(app, 2)}),
                      (f"/concerns/{concern_id}/outcome", {"outcome": "substantiated", "decided_on": _day(app),
                                                            "measure": "schriftelijke-waarschuwing"}),
                      (f"/concerns/{concern_id}/classify", {"category": "informatie",
                                                             "measure": "schriftelijke-waarschuwing"}),
                      (f"/concerns/{concern_id}/close", {})]:
        assert client.submit(url, form).status_code == 302, url
    other_id = _register(client, app)  # just received: no investigation, outcome or measure yet
    rows = list(csv.reader(io.StringIO(client.get("/concerns/export.csv").get_data(as_text=True).lstrip("\ufeff")),
                           delimiter=";"))
    header, by_status = rows[0], {row[3]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert header[2:8] == ["Kanaal", "Status", "Categorie", "Onderzoek", "Uitkomst", "Maatregel"]
    closed, received = by_status["Afgesloten"], by_status["Ontvangen"]
    assert [closed[h] for h in header[2:8]] == ["Via een leidinggevende", "Afgesloten",
                                                "Lekken of misbruik van informatie", "Intern onderzoek", "Gegrond",
                                                "Schriftelijke waarschuwing"]
    assert [received[h] for h in header[2:8]] == ["Via een leidinggevende", "Ontvangen", "", "", "", ""]
    codes = {"manager", "investigating", "confirmed", "closed", "received", "internal", "none", "substantiated",
             "informatie", "schriftelijke-waarschuwing"}
    assert not codes & {cell for row in rows[1:] for cell in row}
    assert concern_id != other_id
