"""Confidential advisers log contacts (no names); coordinators are reminded of deadlines by the job runner."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import select

from portal.concerns.jobs import send_concern_reminders
from portal.concerns.models import AdviserContact, Concern
from portal.concerns.services import deadlines_for
from portal.concerns.states import Channel, ConcernStatus
from portal.core.models import AuditEvent
from portal.core.time import today_local
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.concerns.helpers import contact, coordinator
from tests.declarations.helpers import make_user


def test_an_adviser_logs_contacts_and_sees_only_their_own_lines_and_totals(app, client, auth):
    with app.app_context():
        other = make_user("vp2", display_name="Andere vertrouwenspersoon", is_confidential_adviser=True)
        contact(today_local(), "discriminatie", people=4, adviser=other)
        db.session.commit()
        day = today_local().isoformat()
    auth.login("bhaan")
    for nature, people, referred in (("pesten", "1", "y"), ("pesten", "2", ""), ("werksituatie", "1", "")):
        form = {"contact_on": day, "nature": nature, "people": people}
        if referred:
            form["is_referred"] = referred
        assert client.submit("/advisers/contacts", form).status_code == 302
    html = client.get("/advisers/contacts").get_data(as_text=True)
    assert "Discriminatie</th><td class=\"utrecht-table__cell\">0" in html  # the other adviser's line is not counted
    assert "Totaal contacten</th><td class=\"utrecht-table__cell\"><strong>3</strong>" in html
    assert "Aantal personen</th><td class=\"utrecht-table__cell\">4" in html
    response = client.submit("/advisers/contacts", {"contact_on": day, "nature": "", "people": "0"})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Kies de aard van het contact." in body and "Vul een aantal tussen 1 en 500 in." in body
    with app.app_context():
        assert db.session.query(AdviserContact).count() == 4


def _new_contact_form(app, client) -> dict:
    """The contact form as a fresh page gives it: its own hidden token, one pesten contact of today."""
    html = client.get("/advisers/contacts").get_data(as_text=True)
    token = re.search(r'name="client_token" type="hidden" value="([^"]+)"', html)
    assert token, "the contact form carries a client token"
    with app.app_context():
        day = today_local().isoformat()
    return {"client_token": token.group(1), "contact_on": day, "nature": "pesten", "people": "1"}


def test_the_same_contact_form_sent_twice_logs_one_line_and_two_forms_log_two(app, client, auth):
    auth.login("bhaan")
    form = _new_contact_form(app, client)
    for _ in range(2):  # a double click, or the browser sending the form again
        response = client.submit("/advisers/contacts", form, follow_redirects=True)
        assert response.status_code == 200 and "Het contact is vastgelegd." in response.get_data(as_text=True)
    html = client.get("/advisers/contacts").get_data(as_text=True)
    assert "Totaal contacten</th><td class=\"utrecht-table__cell\"><strong>1</strong>" in html
    with app.app_context():
        assert db.session.query(AdviserContact).count() == 1
    # two real contacts with the same details: two forms, two lines
    second = _new_contact_form(app, client)
    assert second["client_token"] != form["client_token"]
    assert client.submit("/advisers/contacts", second).status_code == 302
    with app.app_context():
        assert db.session.query(AdviserContact).count() == 2
        assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "adviser_contact.log")).all() \
            == ["adviser_contact.log"] * 2


def test_coordinators_get_one_reminder_a_day_for_deadlines_passed_or_near(app):
    with app.app_context():
        coordinator()
        make_user("jdevries", display_name="Jan de Vries")
        today = today_local()
        received = today - timedelta(days=9)  # receipt was due two days ago
        receipt_due, assessment_due = deadlines_for(received)
        late = Concern(channel=Channel.manager, received_on=received, receipt_due_on=receipt_due,
                       assessment_due_on=assessment_due, what_happened="Geheim verhaal", status=ConcernStatus.received)
        fresh_due = deadlines_for(today)
        db.session.add_all([late, Concern(channel=Channel.manager, received_on=today, receipt_due_on=fresh_due[0],
                                          assessment_due_on=fresh_due[1], what_happened="Nieuw",
                                          status=ConcernStatus.received)])
        db.session.commit()
        now = datetime.combine(today, time(7, 0), tzinfo=timezone.utc)
        assert send_concern_reminders(now) == 1
        assert send_concern_reminders(now) == 0  # once a day
        [mail] = db.session.scalars(select(OutboxMessage)).all()
        assert mail.recipient == "rkoster@example.nl" and mail.template == "concerns/reminder"
        assert late.reference in mail.text_body and "verlopen" in mail.text_body
        assert "Geheim verhaal" not in mail.text_body and f"M{today.year}-0002" not in mail.text_body
