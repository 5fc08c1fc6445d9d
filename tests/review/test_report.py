"""The annual report: figures of a year beside the year before, small counts suppressed, SVG and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from portal.declarations.models import DeclarationKind
from portal.declarations.services import create_declaration, submit_version
from portal.review.services import decide_version
from portal.extensions import db
from portal.review.report import percentile, suppress_column, suppress_small
from tests.review.helpers import INTEREST_ANSWERS, SIDE_ANSWERS, make_user, person
from tests.support.clock import AMSTERDAM


@pytest.mark.parametrize("n, shown", [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (123, "123")])
def test_small_counts_are_shown_as_below_five(n, shown):
    assert suppress_small(n) == shown


def test_a_single_small_cell_hides_the_next_smallest_too():
    assert suppress_column([10, 3, 20]) == ["×", "<5", "20"]  # else 3 = total − 30
    assert suppress_column([10, 3, 2]) == ["10", "<5", "<5"]
    assert suppress_column([7, 9]) == ["7", "9"]


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.9) == 9.0 and percentile(values, 0.5) == 5.0 and percentile([], 0.9) is None


def _moment(year: int, month: int, day: int = 1) -> datetime:
    return datetime(year, month, day, 12, tzinfo=timezone.utc)


@pytest.fixture()
def year_2025(app):
    """2025: 7 in Openbare Werken (6 approved, 1 refused), 2 in ICT; 2024: 5 approvals."""
    with app.app_context():
        reviewer = person("abakker")
        made = 0

        def declared(department: str, year: int, outcome: str | None, days: int, kind=DeclarationKind.side_activity,
                     paid: bool = False):
            nonlocal made
            made += 1
            owner = make_user(f"staff{made}", display_name=f"Medewerker {made}", department=department)
            answers = dict(SIDE_ANSWERS, is_paid=paid) if kind == DeclarationKind.side_activity else INTEREST_ANSWERS
            declaration, _ = create_declaration(owner, kind, answers)
            submitted = _moment(year, 3)
            submit_version(declaration.pending_version, owner, now=submitted)
            if outcome:
                extra = {"reason": "Nee"} if outcome == "refused" else {}
                decide_version(declaration.pending_version, outcome, reviewer, now=submitted + timedelta(days=days),
                               **extra)

        for i in range(6):
            declared("Openbare Werken", 2025, "approved", days=10 * (i + 1), paid=i < 5)
        declared("Openbare Werken", 2025, "refused", days=3)
        declared("ICT", 2025, None, 0, kind=DeclarationKind.financial_interest)
        declared("ICT", 2025, None, 0)
        for i in range(5):
            declared("Burgerzaken", 2024, "approved", days=5)
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


def _cells(html: str, heading_id: str) -> dict[str, list[str]]:
    section = html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<th scope="row"[^>]*>(.*?)</th>\s*<td[^>]*>(?:<strong>)?(.*?)(?:</strong>)?</td>\s*'
                      r'<td[^>]*>(?:<strong>)?(.*?)(?:</strong>)?</td>', section, re.S)
    return {label.strip(): [a.strip(), b.strip()] for label, a, b in rows}


def test_annual_report_page(client, auth, year_2025):
    auth.login("mjansen")
    response = client.get("/reports/annual?year=2025")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Jaarverslag integriteit 2025" in html
    # 8 and 1 in 2025: with the total shown, the 8 would give the 1 away, so it is hidden as well
    assert _cells(html, "table-kind-heading") == {
        "Nevenwerkzaamheid": ["×", "×"], "Financieel belang": ["&lt;5", "&lt;5"], "Totaal": ["9", "5"]}
    assert "× = weggelaten" in html
    departments = _cells(html, "table-department-heading")
    assert departments["Openbare Werken"] == ["7", "&lt;5"] and departments["ICT"] == ["&lt;5", "&lt;5"]
    decisions = _cells(html, "table-decisions-heading")
    assert decisions["Goedgekeurd"] == ["6", "5"] and decisions["Afgewezen"] == ["&lt;5", "&lt;5"]
    times = _cells(html, "times-heading")
    assert times["Aantal besluiten"] == ["7", "5"]
    assert times["Mediaan (dagen)"] == ["30,0", "5,0"] and times["90e percentiel (dagen)"] == ["60,0", "5,0"]
    oath = _cells(html, "table-oath-heading")
    assert oath["Ambtseed afgelegd"] == ["6", "&lt;5"] and oath["Integriteitsverklaring ondertekend"] == ["&lt;5", "&lt;5"]
    # accessible charts: one per table, with a title and a description, and no inline styles
    assert html.count('role="img"') == html.count("<svg") >= 5
    assert 'aria-labelledby="chart-kind-title chart-kind-desc"' in html and "style=" not in html
    assert "Jaarlijkse bevestiging" in html


def test_annual_report_never_draws_a_bar_for_a_suppressed_count(app, client, auth, year_2025):
    auth.login("mjansen")
    html = client.get("/reports/annual?year=2025").get_data(as_text=True)
    chart = html.split('id="chart-department-title"', 1)[1].split("</svg>", 1)[0]
    ict = chart.split(">ICT</text>", 1)[1]
    assert ict.lstrip().startswith('<text x="226"')  # no <rect> bar before the "<5" label


def test_annual_report_csv_matches_the_page(client, auth, year_2025):
    auth.login("lvisser")
    response = client.get("/reports/annual.csv?year=2025")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Onderdeel", "Onderwerp", "2025", "2024"]
    assert ["Verklaringen naar afdeling", "ICT", "<5", "<5"] in rows
    assert ["Besluiten", "Goedgekeurd", "6", "5"] in rows
    assert ["Doorlooptijd beoordeling (dagen)", "Mediaan", "30,0", "5,0"] in rows


def test_invalid_year_is_reported_and_last_year_shown(clock, client, auth):
    auth.login("mjansen")
    response = client.get("/reports/annual?year=1800")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Kies een jaar tussen 2000 en 2100." in html
    # Last year in Amsterdam: on 1 January at 00:30 UTC is still in the year before.
    assert f"Jaarverslag integriteit {clock.now.astimezone(AMSTERDAM).year - 1}" in html


def test_a_declaration_submitted_at_half_past_midnight_on_new_years_day_counts_in_the_new_year(app):
    """The report's years are Amsterdam's: 00:30 on 1 January 2027 is still 2026 in UTC."""
    from portal.review.report import _declarations_of, year_bounds

    with app.app_context():
        assert year_bounds(2027) == (datetime(2026, 12, 31, 23, tzinfo=timezone.utc),
                                     datetime(2027, 12, 31, 23, tzinfo=timezone.utc))
        for name, moment in (("late", datetime(2026, 12, 31, 22, 30, tzinfo=timezone.utc)),    # 23:30 local
                             ("early", datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc))):  # 00:30 local
            owner = make_user(name, display_name=name, department="ICT")
            declaration, _ = create_declaration(owner, DeclarationKind.side_activity, SIDE_ANSWERS)
            submit_version(declaration.pending_version, owner, now=moment)
        db.session.commit()
        assert (len(_declarations_of(2026)), len(_declarations_of(2027))) == (1, 1)


def test_the_annual_report_opens_on_the_latest_year_with_figures(app, client, auth):
    from portal.core.time import today_local
    from tests.review.helpers import declare, person

    with app.app_context():
        this_year = today_local().year
    auth.login("mjansen")
    empty = client.get("/reports/annual").get_data(as_text=True)
    assert f'value="{this_year - 1}"' in empty  # nothing anywhere: last year, as before
    with app.app_context():
        declare(person("jdevries"))  # a new portal: only this year has figures
        db.session.commit()
    page = client.get("/reports/annual").get_data(as_text=True)
    assert f'value="{this_year}"' in page
