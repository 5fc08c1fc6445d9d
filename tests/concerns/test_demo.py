"""Demo content: cases in every state, six years of figures, the years before last closed, explanations."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.concerns.models import AdviserContact, Concern
from portal.concerns.states import ConcernStatus
from portal.core.time import today_local
from portal.extensions import db
from portal.reports.models import ReportYear
from tests.reports.test_annual_report import _rows


def test_seed_demo_fills_the_report_of_last_year_and_is_idempotent(app, runner, client, auth):
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    with app.app_context():
        last_year = today_local().year - 1
        statuses = set(db.session.scalars(select(Concern.status)))
        assert {ConcernStatus.received, ConcernStatus.confirmed, ConcernStatus.investigating,
                ConcernStatus.closed} <= statuses
        assert db.session.scalar(select(func.count(Concern.id))) == 58 + 4
        assert db.session.scalar(select(func.count(AdviserContact.id))) == 215
        closed = sorted(db.session.scalars(select(ReportYear.year).where(ReportYear.closed_at.is_not(None))))
        assert closed == list(range(last_year - 5, last_year))
    auth.login("rkoster")
    html = client.get("/reports/annual").get_data(as_text=True)
    assert f"Jaarverslag integriteit {last_year}" in html and "Toelichting" in html
    totals = _rows(html, "concerns")["Totaal meldingen"]
    # this year's open cases go back 40 days: early in January some of them fall in last year
    assert totals[1:] == ["10", "11", "8", "9", "7"] and int(totals[0]) >= 13
    assert _rows(html, "measures")["Disciplinair ontslag"][0] == "1"
    assert _rows(html, "contacts")["Totaal contacten"] == ["44", "37", "40", "35", "28", "31"]
    cases = client.get("/concerns/").get_data(as_text=True)
    assert "Termijn verlopen" in cases  # the concern received nine days ago still waits for its confirmation
