"""The annual report: every figure of a year beside the five years before it, as HTML, PDF and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from portal.declarations.models import DeclarationKind
from portal.declarations.services import create_declaration, submit_version
from portal.extensions import db
from portal.review.services import decide_version
from portal.reports.report import suppress
from tests.concerns.helpers import closed_concern, contact
from tests.review.helpers import INTEREST_ANSWERS, SIDE_ANSWERS, make_user, person
from tests.support.clock import AMSTERDAM

YEARS = ["2025", "2024", "2023", "2022", "2021", "2020"]


@pytest.mark.parametrize("values, threshold, shown", [
    ([10, 3, 20], 5, ["×", "<5", "20"]),  # else 3 = total − 30
    ([10, 3, 2], 5, ["10", "<5", "<5"]),
    ([7, 0, 9], 5, ["7", "0", "9"]),  # a zero says nothing about anyone
    ([1, 2, 0], 0, ["1", "2", "0"]),  # the default: every count shown, as the seed reports do
])
def test_small_counts(values, threshold, shown):
    assert suppress(values, threshold) == shown


def _moment(year: int, month: int, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, tzinfo=timezone.utc)


@pytest.fixture()
def six_years(app):
    """Concerns and contacts in 2020–2025; declarations and oaths in 2024 and 2025."""
    with app.app_context():
        for year, number in zip(range(2020, 2026), (2, 3, 1, 4, 5, 6)):
            for i in range(number):
                closed_concern(date(year, 3, 1 + i), category="omgangsvormen" if i % 2 else "financieel",
                               measure="ontslag" if i == 0 else "gesprek")
            for i in range(number * 2):
                contact(date(year, 5, 1 + i), "pesten" if i % 2 else "werksituatie", people=2)
        reviewer = person("abakker")
        made = 0

        def declared(department: str, year: int, outcome: str | None, kind=DeclarationKind.side_activity):
            nonlocal made
            made += 1
            owner = make_user(f"staff{made}", display_name=f"Medewerker {made}", department=department)
            answers = SIDE_ANSWERS if kind == DeclarationKind.side_activity else INTEREST_ANSWERS
            declaration, _ = create_declaration(owner, kind, answers)
            submit_version(declaration.pending_version, owner, now=_moment(year, 3))
            if outcome:
                extra = {"reason": "Nee"} if outcome == "refused" else {}
                decide_version(declaration.pending_version, outcome, reviewer, now=_moment(year, 4), **extra)

        for _ in range(6):
            declared("Openbare Werken", 2025, "approved")
        declared("Openbare Werken", 2025, "refused")
        declared("ICT", 2025, None, kind=DeclarationKind.financial_interest)
        declared("ICT", 2025, None)
        for _ in range(5):
            declared("Burgerzaken", 2024, "approved")
        from portal.oath.models import IntegrityStatementText, OathRecord, StatementSignature
        from portal.oath.states import Formula

        text = IntegrityStatementText(version=1, body="Ik verklaar…")
        db.session.add(text)
        for i in range(6):
            db.session.add(OathRecord(user_id=make_user(f"oath{i}").id, formula=Formula.oath,
                                      taken_on=date(2025, 5, 1), official="Wethouder"))
        db.session.add(StatementSignature(user_id=make_user("intern").id, text_version=text, signed_name="Intern",
                                          signed_at=_moment(2025, 6)))
        db.session.commit()


def _rows(html: str, section: str) -> dict[str, list[str]]:
    part = html.split(f'id="section-{section}-heading"', 1)[1].split("</section>", 1)[0]
    rows = {}
    for label, cells in re.findall(r'<th scope="row"[^>]*>(.*?)</th>(.*?)</tr>', part, re.S):
        rows[label.strip()] = [re.sub(r"</?strong>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
    return rows


def test_the_page_shows_every_figure_beside_the_five_years_before(client, auth, six_years):
    auth.login("rkoster")
    response = client.get("/reports/annual?year=2025")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Jaarverslag integriteit 2025" in html
    concerns = _rows(html, "concerns")
    assert concerns["Totaal meldingen"] == ["6", "5", "4", "1", "3", "2"]
    assert concerns["Financiële integriteitsschendingen"] == ["3", "3", "2", "1", "2", "1"]
    assert _rows(html, "investigations")["Intern onderzoek"] == ["6", "5", "4", "1", "3", "2"]
    assert _rows(html, "outcomes")["Gegrond"] == ["6", "5", "4", "1", "3", "2"]
    assert _rows(html, "measures")["Disciplinair ontslag"] == ["1"] * 6
    contacts = _rows(html, "contacts")
    assert contacts["Totaal contacten"] == ["12", "10", "8", "2", "6", "4"]
    assert _rows(html, "contact_people")["Aantal personen dat contact zocht"] == ["24", "20", "16", "4", "12", "8"]
    declarations = _rows(html, "declarations")
    assert declarations["Ingediend"][:2] == ["9", "5"] and declarations["Besluit genomen"][:2] == ["7", "5"]
    assert declarations["Afgewezen"][:2] == ["1", "0"]
    departments = _rows(html, "departments")  # by department: always below 5 hidden
    assert departments["Openbare Werken"][:2] == ["7", "&lt;5"] and departments["ICT"][:2] == ["&lt;5", "&lt;5"]
    oath = _rows(html, "oath")
    assert oath["Ambtseed afgelegd"][:2] == ["6", "0"] and oath["Integriteitsverklaring ondertekend"][:2] == ["1", "0"]
    # each table's header has the six years; each section has a chart that is decoration (the table is the data)
    assert html.count("<th scope=\"col\" class=\"utrecht-table__header-cell\">2020</th>") == 11  # gifts: two sections
    assert html.count('<svg class="portal-chart" aria-hidden="true"') == 11


def test_the_pdf_for_the_council_has_the_same_five_year_comparison(client, auth, six_years):
    auth.login("mjansen")  # HR reads the report as well
    response = client.get("/reports/annual.pdf?year=2025")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert reader.metadata.title.startswith("Jaarverslag integriteit 2025")
    assert "/Lang" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == "nl"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # the charts are figures with a text alternative
    assert " ".join(YEARS) in text
    assert "Totaal meldingen 6 5 4 1 3 2" in text and "Totaal contacten 12 10 8 2 6 4" in text
    assert reader.outline[0]["/Title"] == "Jaarverslag integriteit 2025" and len(reader.outline[1]) == 11  # bookmarks


def test_the_pdf_is_tagged_headings_paragraphs_tables_and_figures(client, auth, six_years):
    from tests.support.pdf_tags import page_content, parent_tree_matches, structure_tree

    auth.login("mjansen")
    reader = PdfReader(io.BytesIO(client.get("/reports/annual.pdf?year=2025").data))
    assert bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
    tree = structure_tree(reader)
    tags = tree.tags()
    assert tags.count("/H1") == 1 and tags.count("/H2") == 11 and tags.count("/Table") == 11
    assert tags.count("/Figure") == 11 and "/P" in tags
    tables = [e for e in tree.walk() if e.tag == "/Table"]
    # the heading row has the subject and the six years; every row is a /TR of seven cells
    assert all([c.tag for c in t.children[0].children] == ["/TH"] * 7 for t in tables)
    assert all(len(row.children) == 7 and {c.tag for c in row.children} == {"/TD"}
               for t in tables for row in t.children[1:])
    assert all(page_content(reader, n).untagged == 0 for n in range(len(reader.pages)))
    assert parent_tree_matches(reader)


def test_the_csv_matches_the_page(client, auth, six_years):
    auth.login("rkoster")
    response = client.get("/reports/annual.csv?year=2025")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Onderwerp", *YEARS]
    assert ["Meldingen van vermoedens van integriteitsschendingen, naar categorie", "Totaal meldingen",
            "6", "5", "4", "1", "3", "2"] in rows


def test_small_counts_of_concerns_are_hidden_only_when_the_setting_asks(app, client, auth, six_years):
    app.config["REPORT_MIN_CELL"] = 3
    auth.login("rkoster")
    html = client.get("/reports/annual?year=2025").get_data(as_text=True)
    assert _rows(html, "concerns")["Totaal meldingen"] == ["6", "5", "4", "&lt;3", "3", "&lt;3"]
    assert "Aantallen onder de 3 staan er als" in html


def test_invalid_year_is_reported_and_last_year_shown(clock, client, auth):
    auth.login("mjansen")
    response = client.get("/reports/annual?year=1800")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kies een jaar tussen 2000 en 2100." in html
    # Last year in Amsterdam: on 1 January at 00:30 UTC is still in the year before.
    assert f"Jaarverslag integriteit {clock.now.astimezone(AMSTERDAM).year - 1}" in html


def test_the_years_are_amsterdams_for_declarations_and_for_reports(app):
    """00:30 on 1 January 2027 in Amsterdam is still 2026 in UTC: it counts in 2027."""
    from portal.concerns.states import Channel, ConcernStatus
    from portal.reports.figures import concern_counts, declaration_counts, year_bounds

    with app.app_context():
        assert year_bounds(2027) == (datetime(2026, 12, 31, 23, tzinfo=timezone.utc),
                                     datetime(2027, 12, 31, 23, tzinfo=timezone.utc))
        for name, moment in (("late", datetime(2026, 12, 31, 22, 30, tzinfo=timezone.utc)),    # 23:30 local
                             ("early", datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))):  # 00:30 local
            owner = make_user(name, display_name=name, department="ICT")
            declaration, _ = create_declaration(owner, DeclarationKind.side_activity, SIDE_ANSWERS)
            submit_version(declaration.pending_version, owner, now=moment)
        closed_concern(date(2026, 12, 31))
        closed_concern(date(2027, 1, 1))
        db.session.commit()
        filed = declaration_counts([2026, 2027])["declarations"]
        assert (filed[2026]["filed"], filed[2027]["filed"]) == (1, 1)
        concerns = concern_counts([2026, 2027])["concerns"]
        assert (sum(concerns[2026].values()), sum(concerns[2027].values())) == (1, 1)


def test_the_annual_report_opens_on_the_latest_year_with_figures(app, client, auth):
    """Last year, as a council expects; but a portal that went live this year opens on this year."""
    from portal.core.time import today_local
    from tests.review.helpers import declare

    with app.app_context():
        this_year = today_local().year
    auth.login("mjansen")
    empty = client.get("/reports/annual").get_data(as_text=True)
    assert f'value="{this_year - 1}"' in empty  # nothing anywhere: last year
    with app.app_context():
        declare(person("jdevries"))  # only this year has figures
        db.session.commit()
    assert f'value="{this_year}"' in client.get("/reports/annual").get_data(as_text=True)
