"""The HR register and the public register of top officials' side activities."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select, update

from portal.core.models import AuditEvent
from portal.core.time import today_local, utcnow
from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion
from portal.declarations.services import end_declaration, start_change, submit_version
from portal.extensions import db
from tests.exports.helpers import ask_export
from tests.review.helpers import declare, person, summarise


@pytest.fixture()
def registered(app):
    """Top officials and staff with declarations in every state; returns names → ids."""
    with app.app_context():
        reviewer = person("abakker")
        pmeijer, evl, jdv, nmu = person("pmeijer"), person("evanleeuwen"), person("jdevries"), person("nmulder")
        ids = {
            "board": declare(pmeijer, decide="approved", reviewer=reviewer, organisation_name="Stichting Bibliotheek",
                             role="Voorzitter", description="Voorzitter van het bestuur", is_paid=False).id,
            "advice": declare(pmeijer, decide="approved_with_conditions", reviewer=reviewer,
                              organisation_name="Adviesbureau Noord", role="Adviseur",
                              description="Advieswerk over archieven", is_paid=True).id,
            "pending": declare(pmeijer, organisation_name="Golfclub Geheim").id,
            "refused": declare(pmeijer, decide="refused", reviewer=reviewer, organisation_name="Casino Nee").id,
            "shares": declare(pmeijer, DeclarationKind.financial_interest, decide="approved", reviewer=reviewer,
                              entity="Aandelen Bouwbedrijf").id,
            "ended": declare(pmeijer, decide="approved", reviewer=reviewer, organisation_name="Oude Vereniging").id,
            "past_end": declare(pmeijer, decide="approved", reviewer=reviewer, organisation_name="Verlopen Stichting",
                                start_date=date(2020, 1, 1), end_date=date(2021, 1, 1)).id,
            "staff": declare(jdv, decide="approved", reviewer=reviewer, organisation_name="Voetbalclub Staf").id,
            "staff_interest": declare(nmu, DeclarationKind.financial_interest, decide="approved", reviewer=reviewer,
                                      entity="Obligaties Water").id,
        }
        # HR's public summaries: the register shows these, not the employee's text nor the conditions
        summarise(db.session.get(Declaration, ids["board"]), reviewer, description="Bestuur van de openbare bibliotheek")
        summarise(db.session.get(Declaration, ids["advice"]), reviewer, restrictions="Alleen buiten werktijd.")
        summarise(db.session.get(Declaration, ids["ended"]), reviewer)  # published, then ended below
        end_declaration(db.session.get(Declaration, ids["ended"]), today_local() - timedelta(days=1), pmeijer)
        # an approved activity with a change waiting for HR stays in the register as it was approved
        change = start_change(db.session.get(Declaration, ids["board"]), pmeijer)
        change.description = "Nieuwe omschrijving (nog niet beoordeeld)"
        submit_version(change, pmeijer)
        evl.display_name = "Esther van Leeuwen"
        db.session.commit()
        return ids


def test_hr_register_lists_current_approved_declarations_of_everyone(client, auth, registered):
    auth.login("mjansen")
    html = client.get("/review/register").get_data(as_text=True)
    for present in ("Stichting Bibliotheek", "Adviesbureau Noord", "Aandelen Bouwbedrijf", "Voetbalclub Staf",
                    "Obligaties Water", "5 lopende verklaringen"):
        assert present in html, present
    for absent in ("Golfclub Geheim", "Casino Nee", "Oude Vereniging", "Verlopen Stichting"):
        assert absent not in html, absent


@pytest.mark.parametrize("query, present, absent", [
    ("kind=financial_interest", ["Aandelen Bouwbedrijf", "Obligaties Water"], ["Stichting Bibliotheek"]),
    ("paid=yes", ["Adviesbureau Noord"], ["Stichting Bibliotheek", "Voetbalclub Staf"]),
    ("top_official=no", ["Voetbalclub Staf", "Obligaties Water"], ["Adviesbureau Noord"]),
    ("department=Openbare+Werken", ["Voetbalclub Staf", "Obligaties Water"], ["Adviesbureau Noord"]),
    ("q=bouwbedrijf", ["Aandelen Bouwbedrijf"], ["Voetbalclub Staf"]),
])
def test_hr_register_filters(client, auth, registered, query, present, absent):
    auth.login("mjansen")
    html = client.get(f"/review/register?{query}").get_data(as_text=True)
    assert all(p in html for p in present) and not any(a in html for a in absent)


def test_hr_register_exports_csv_and_xlsx_without_formulas(app, client, auth, runner, registered):
    from openpyxl import load_workbook

    with app.app_context():
        db.session.execute(update(DeclarationVersion).where(DeclarationVersion.organisation_name == "Voetbalclub Staf")
                           .values(organisation_name='=HYPERLINK("http://x","klik")'))
        db.session.commit()
    auth.login("mjansen")
    response = client.get("/review/register.csv?kind=side_activity")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Naam", "Gebruikersnaam", "Afdeling"]
    organisations = [row[7] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\",\"klik\")" in organisations and "Aandelen Bouwbedrijf" not in organisations
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)

    # The workbook is made by a job: the page asks, the worker builds, the person downloads.
    job_url = ask_export(client, "/review/register.xlsx").headers["Location"]
    assert runner.invoke(args=["portal", "run-exports"]).exit_code == 0
    response = client.get(job_url + "/download")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    # text stays text, exactly as typed: no formula and no visible apostrophe
    assert '=HYPERLINK("http://x","klik")' in values and "Obligaties Water" in values
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    with app.app_context():
        exports = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "register.export")).all()
        assert [e["format"] for e in exports] == ["csv"]
        asked = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "export.request")).all()
        assert [e["kind"] for e in asked] == ["review.register_xlsx"]


class _TableRows(HTMLParser):
    """The text of every body row of table#public-register."""

    def __init__(self):
        super().__init__()
        self.rows, self._row, self._cell, self._in_table, self._in_body = [], None, None, False, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and ("id", "public-register") in attrs:
            self._in_table = True
        elif self._in_table and tag == "tbody":
            self._in_body = True
        elif self._in_body and tag == "tr":
            self._row = []
        elif self._row is not None and tag == "td":
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "table":
            self._in_table = self._in_body = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def test_public_register_without_sign_in_shows_only_current_activities_of_top_officials(client, registered):
    response = client.get("/register")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"  # carries a session cookie: never in a shared cache
    html = response.get_data(as_text=True)
    assert "Stichting Bibliotheek" in html and "Bestuur van de openbare bibliotheek" in html  # HR's summary…
    assert "Voorzitter van het bestuur" not in html  # …never the employee's own text
    assert "Nieuwe omschrijving" not in html  # …nor the change still under review
    assert "Adviesbureau Noord" in html and "Alleen buiten werktijd." in html  # the restriction in plain words
    assert "Niet onder werktijd." not in html  # not HR's conditions verbatim
    for absent in ("Golfclub Geheim", "Casino Nee", "Aandelen Bouwbedrijf", "Oude Vereniging", "Verlopen Stichting",
                   "Voetbalclub Staf", "Obligaties Water", "Jan de Vries", "Noor Mulder"):
        assert absent not in html, absent
    parser = _TableRows()
    parser.feed(html)
    assert ["Esther van Leeuwen", "Directeur Bedrijfsvoering", "Geen nevenwerkzaamheden"] in parser.rows


def test_public_register_html_csv_and_json_agree(client, registered):
    parser = _TableRows()
    parser.feed(client.get("/register").get_data(as_text=True))
    html_rows = [r for r in parser.rows if len(r) == 7]
    assert len(html_rows) == 2

    response = client.get("/register.csv")
    assert response.headers["Cache-Control"] == "public, max-age=300"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # the portal's one CSV convention, for Dutch Excel: BOM and ";"
    csv_rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    response = client.get("/register.json")
    data = response.get_json()
    assert response.headers["Cache-Control"] == "public, max-age=300"

    def yes_no(paid):
        return "Ja" if paid else "Nee"

    from_csv = [[r["naam"], r["functie"], r["organisatie"], r["rol"], r["omschrijving"],
                 {"ja": "Ja", "nee": "Nee"}[r["bezoldigd"]], r["beperkingen"] or "Geen"]
                for r in csv_rows if r["organisatie"]]
    from_json = [[o["name"], o["function"], a["organisation"], a["role"], a["description"], yes_no(a["paid"]),
                  a["restrictions"] or "Geen"] for o in data["officials"] for a in o["side_activities"]]
    assert html_rows == from_csv == from_json
    assert {o["name"] for o in data["officials"]} == {r["naam"] for r in csv_rows} == {
        "Pieter Meijer", "Esther van Leeuwen"}
    assert set(data["officials"][0]) == {"name", "function", "side_activities"}  # nothing else about anyone
    assert data["last_changed"][:10] == csv_rows[0]["register_laatst_gewijzigd"]


def test_activity_leaves_the_register_when_it_ends_or_the_official_leaves(clock, app, client, registered):
    first = client.get("/register.json").get_json()["last_changed"]
    with app.app_context():
        declaration = db.session.get(Declaration, registered["advice"])
        end_declaration(declaration, today_local(), declaration.owner)  # today in Amsterdam
        db.session.commit()
    data = client.get("/register.json").get_json()
    assert "Adviesbureau Noord" not in str(data) and data["last_changed"] >= first

    with app.app_context():
        from portal.review.jobs import snapshot_public_register

        assert snapshot_public_register(utcnow()) == 1
        assert snapshot_public_register(utcnow()) == 0  # nothing changed since
        pmeijer = person("pmeijer")
        pmeijer.is_top_official = False  # left the group (directory sync at the next sign-in)
        later = utcnow() + timedelta(minutes=5)
        assert snapshot_public_register(later) == 1
        db.session.commit()
    data = client.get("/register.json").get_json()
    assert [o["name"] for o in data["officials"]] == ["Esther van Leeuwen"]
    assert data["last_changed"] > first


def test_organisation_names_are_never_blanked(client, registered):
    data = client.get("/register.json").get_json()
    organisations = [a["organisation"] for o in data["officials"] for a in o["side_activities"]]
    assert organisations and all(name.strip() for name in organisations)
