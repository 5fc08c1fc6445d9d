"""Acknowledging the code of conduct, being asked again, and HR's coverage report with its CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.extensions import db
from portal.core.exports import safe_cell as csv_safe
from portal.policies.models import Acknowledgement

COC = "/policies/code-of-conduct"
BUTTON = "Ik heb de gedragscode gelezen"


def _acknowledge(client) -> None:
    html = client.get(COC).get_data(as_text=True)
    version_id = re.search(r'<input[^>]*name="version_id"[^>]*value="(\d+)"', html).group(1)
    response = client.submit(f"{COC}/acknowledge", {"version_id": version_id, "submit": BUTTON})
    assert response.status_code == 302


def _checklist_item(client) -> str:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'<li class="portal-checklist__item portal-checklist__item--(done|todo)">(?:(?!</li>).)*Gedragscode gelezen', html, re.S)
    assert match, "the checklist has no 'Gedragscode gelezen' item"
    return match.group(1)


def test_employee_acknowledges_the_current_version_and_the_checklist_is_done(client, auth, demo_content, app):
    auth.login("jdevries")
    assert _checklist_item(client) == "todo"
    assert BUTTON in client.get(COC).get_data(as_text=True)
    _acknowledge(client)
    html = client.get(COC).get_data(as_text=True)
    assert "U heeft bevestigd" in html and BUTTON not in html
    assert _checklist_item(client) == "done"
    with app.app_context():
        ack = db.session.scalar(select(Acknowledgement))
        assert ack.version.number == 1 and ack.acknowledged_at is not None


def test_acknowledging_twice_records_one_row(client, auth, demo_content, app):
    auth.login("jdevries")
    html = client.get(COC).get_data(as_text=True)
    version_id = re.search(r'<input[^>]*name="version_id"[^>]*value="(\d+)"', html).group(1)
    for _ in range(2):
        client.submit(f"{COC}/acknowledge", {"version_id": version_id})
    with app.app_context():
        acks = db.session.scalars(select(Acknowledgement)).all()
        assert len(acks) == 1
        # one line in the audit trail, naming the row: the second click wrote nothing
        events = db.session.execute(select(AuditEvent.object_type, AuditEvent.object_id, AuditEvent.details)
                                    .where(AuditEvent.action == "policy.acknowledge")).all()
        assert [tuple(e) for e in events] == [("policy_acknowledgement", acks[0].id,
                                               {"slug": "code-of-conduct", "number": 1, "language": "nl"})]


def test_new_version_requiring_reacknowledgement_asks_again(client, auth, demo_content, publish):
    auth.login("jdevries")
    _acknowledge(client)
    publish("code-of-conduct", "## Nieuwe gedragscode\n\nAangescherpt.", requires_acknowledgement=True)
    assert _checklist_item(client) == "todo"
    assert "Er is een nieuwe versie" in client.get("/").get_data(as_text=True)
    assert BUTTON in client.get(COC).get_data(as_text=True)
    _acknowledge(client)
    assert _checklist_item(client) == "done"


def test_new_version_without_reacknowledgement_does_not_reset_it(client, auth, demo_content, publish):
    auth.login("jdevries")
    _acknowledge(client)
    publish("code-of-conduct", "Een tikfout hersteld.", requires_acknowledgement=False)
    assert _checklist_item(client) == "done"
    assert BUTTON not in client.get(COC).get_data(as_text=True)


def test_future_version_does_not_ask_before_it_is_in_force(client, auth, demo_content, publish):
    auth.login("jdevries")
    _acknowledge(client)
    publish("code-of-conduct", "Vanaf volgende maand.", requires_acknowledgement=True, days_ahead=30)
    assert _checklist_item(client) == "done"


def test_old_version_cannot_be_acknowledged_after_a_new_one(client, auth, demo_content, publish, app):
    auth.login("jdevries")
    html = client.get(COC).get_data(as_text=True)
    old_id = re.search(r'<input[^>]*name="version_id"[^>]*value="(\d+)"', html).group(1)
    publish("code-of-conduct", "Nieuw.", requires_acknowledgement=True)
    response = client.submit(f"{COC}/acknowledge", {"version_id": old_id}, follow_redirects=True)
    assert "kan niet (meer) worden bevestigd" in response.get_data(as_text=True)
    assert _checklist_item(client) == "todo"


def test_anonymous_cannot_acknowledge(client, demo_content):
    response = client.post(f"{COC}/acknowledge", data={"version_id": "1"})
    assert response.status_code in (302, 400)


# -- HR report ---------------------------------------------------------------


@pytest.mark.parametrize("username, expected", [(None, 302), ("jdevries", 403), ("mjansen", 200), ("lvisser", 200)])
def test_coverage_report_is_for_hr_and_administrators(client, auth, demo_content, username, expected):
    if username:
        auth.login(username)
    assert client.get("/policies/acknowledgements").status_code == expected
    assert client.get("/policies/acknowledgements.csv").status_code == expected


def test_coverage_per_department_and_who_has_not_acknowledged(client, auth, demo_content, make_user):
    make_user("burger1", "Burgerzaken", display_name="Bart Burger")
    make_user("burger2", "Burgerzaken", display_name="Bea Burger")
    make_user("ict1", "ICT", display_name="Ivo Ict")
    auth.login("jdevries")  # Openbare Werken
    _acknowledge(client)
    auth.logout()
    auth.login("mjansen")  # P&O, signs in and therefore counts
    html = client.get("/policies/acknowledgements").get_data(as_text=True)
    rows = {
        m.group(1): (int(m.group(2)), int(m.group(3)), m.group(4))
        for m in re.finditer(
            r'<th class="utrecht-table__cell" scope="row">([^<]+)</th>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+%)</td>',
            html,
        )
    }
    assert rows["Burgerzaken"] == (2, 0, "0%")
    assert rows["Openbare Werken"] == (1, 1, "100%")
    assert rows["ICT"] == (1, 0, "0%")
    missing = html.split('id="missing-heading"')[1]
    assert "Bart Burger" in missing and "Ivo Ict" in missing and "Jan de Vries" not in missing
    only_ict = client.get("/policies/acknowledgements?department=ICT").get_data(as_text=True).split('id="missing-heading"')[1]
    assert "Ivo Ict" in only_ict and "Bart Burger" not in only_ict


def test_left_and_disabled_people_do_not_count(client, auth, demo_content, make_user):
    from portal.core.time import utcnow

    make_user("vertrokken", "ICT", display_name="Vera Vertrokken", left_at=utcnow())
    make_user("geblokkeerd", "ICT", display_name="Gijs Geblokkeerd", is_enabled=False)
    auth.login("mjansen")
    html = client.get("/policies/acknowledgements").get_data(as_text=True)
    assert "Vera Vertrokken" not in html and "Gijs Geblokkeerd" not in html


def test_not_acknowledged_list_is_paginated(client, auth, demo_content, make_user):
    for n in range(30):
        make_user(f"user{n:02d}", "Communicatie", display_name=f"Persoon {n:02d}")
    auth.login("mjansen")
    first = client.get("/policies/acknowledgements").get_data(as_text=True)
    second = client.get("/policies/acknowledgements?page=2").get_data(as_text=True)
    assert 'class="portal-pagination"' in first
    assert "Persoon 00" in first and "Persoon 29" not in first
    assert "Persoon 29" in second


def test_csv_export_neutralises_formulas(client, auth, demo_content, make_user):
    make_user("evil1", "=HYPERLINK(\"http://evil.example\",\"klik\")", display_name="=1+1")
    make_user("evil2", "+Financiën", display_name="@SUM(A1:A2)", job_title="-2+3")
    make_user("normaal", "Burgerzaken", display_name="Anna Normaal")
    auth.login("mjansen")
    response = client.get("/policies/acknowledgements.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Naam", "Gebruikersnaam", "Afdeling", "Functie", "E-mail"]
    cells = [cell for row in rows[1:] for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=1+1" in cells and "'@SUM(A1:A2)" in cells and "'-2+3" in cells and "'+Financiën" in cells
    assert "Anna Normaal" in cells


@pytest.mark.parametrize(
    "value, expected",
    [("=1+1", "'=1+1"), ("+31 6", "'+31 6"), ("-5", "'-5"), ("@x", "'@x"), ("\t=1", "'\t=1"),
     ("gewoon", "gewoon"), ("", ""), (None, ""), (42, 42), ("a=b", "a=b")],
)
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


def test_personal_data_export_lists_my_acknowledgements(client, auth, demo_content, app):
    from portal.auth.models import User
    from portal.core.registry import personal_data_for

    auth.login("jdevries")
    _acknowledge(client)
    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == "jdevries"))
        data = personal_data_for(user)["policies"]
    assert data["acknowledgements"][0]["page"] == "code-of-conduct"
    assert data["acknowledgements"][0]["version"] == 1
