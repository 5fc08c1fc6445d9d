"""A closed year's report stays the same: retention and corrections never change what the council received."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy import select

from portal.admin.retention import apply_retention
from portal.concerns.models import Concern
from portal.core.models import AuditEvent
from portal.core.time import today_local
from portal.extensions import db
from portal.reports.report import annual_report
from tests.concerns.helpers import closed_concern, contact
from tests.review.helpers import count_queries
from tests.reports.test_annual_report import _rows


def _seed(app) -> int:
    with app.app_context():
        for i in range(4):
            closed_concern(date(2025, 2, 1 + i), category="financieel")
        closed_concern(date(2024, 2, 1), category="informatie")
        contact(date(2025, 3, 1), "pesten", people=3)
        first = db.session.scalar(select(Concern.id).order_by(Concern.id))
        db.session.commit()
        return first


def test_a_closed_year_stays_the_same_after_retention_and_a_correction(app, client, auth):
    first = _seed(app)
    auth.login("rkoster")
    explanation = {"concerns": "Vier meldingen, alle financieel; twee leidden tot ontslag."}
    assert client.submit("/reports/annual/2025/explanations", explanation).status_code == 302
    assert client.submit("/reports/annual/2025/close").status_code == 302
    before = client.get("/reports/annual?year=2025").get_data(as_text=True)
    assert "Dit jaar is afgesloten op" in before and explanation["concerns"] in before
    # a correction of a 2025 concern, then retention removes every closed concern and contact
    assert client.submit(f"/concerns/{first}/classify", {"category": "informatie", "measure": "gesprek"}).status_code == 302
    with app.app_context():
        counts = apply_retention(datetime.now(timezone.utc) + timedelta(days=20 * 365))
        db.session.commit()
        assert counts["concerns"] == 5 and counts["adviser_contacts"] == 1
    after = client.get("/reports/annual?year=2025").get_data(as_text=True)
    for section in ("concerns", "investigations", "outcomes", "measures", "contacts", "contact_people"):
        frozen = {label: cells[0] for label, cells in _rows(before, section).items()}
        assert {label: cells[0] for label, cells in _rows(after, section).items()} == frozen, section
    rows = _rows(after, "concerns")
    assert rows["Financiële integriteitsschendingen"][0] == "4" and rows["Totaal meldingen"][:2] == ["4", "0"]
    # 2024 was never closed: it follows the database, where its concern is gone
    assert _rows(client.get("/reports/annual?year=2024").get_data(as_text=True), "concerns")["Totaal meldingen"][0] == "0"
    # and the explanation cannot change while the year is closed
    response = client.submit("/reports/annual/2025/explanations", {"concerns": "Anders"}, follow_redirects=True)
    assert "heropen het eerst" in response.get_data(as_text=True)


def test_reopening_needs_a_reason_and_is_audited(app, client, auth):
    _seed(app)
    auth.login("rkoster")
    client.submit("/reports/annual/2025/close")
    response = client.submit("/reports/annual/2025/reopen", {"reason": " "})
    assert response.status_code == 400 and "Geef een reden" in response.get_data(as_text=True)
    assert client.submit("/reports/annual/2025/reopen", {"reason": "Melding M2025-0003 stond in het verkeerde jaar"}
                         ).status_code == 302
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.details)
                                    .where(AuditEvent.action.startswith("report.")).order_by(AuditEvent.id)).all()
        assert [a for a, _ in events] == ["report.close", "report.reopen"]
        assert events[1][1]["reason"] == "Melding M2025-0003 stond in het verkeerde jaar"
    html = client.get("/reports/annual?year=2025").get_data(as_text=True)
    assert "Dit jaar is afgesloten op" not in html and "Jaar afsluiten" in html


def test_the_current_year_cannot_be_closed(app, client, auth):
    auth.login("rkoster")
    with app.app_context():
        year = today_local().year
    response = client.submit(f"/reports/annual/{year}/close", follow_redirects=True)
    assert "pas worden afgesloten als het voorbij is" in response.get_data(as_text=True)


def test_a_year_with_500000_audit_events_is_reported_without_reading_the_audit_trail(app):
    """How long it takes is the benchmark's business (bench/heavy.py); here: what makes it fast."""
    _seed(app)
    with app.app_context():
        start = datetime(2025, 1, 1, tzinfo=timezone.utc)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500000) "
                "INSERT INTO audit_event (created_at, action, object_type, object_id, details) "
                "SELECT :start, 'concern.view', 'concern', i % 5 + 1, '{}' FROM n"), {"start": start})
        assert db.session.scalar(select(sa.func.count(AuditEvent.id))) >= 500000
        with app.test_request_context(), count_queries(db.engine) as statements:
            report = annual_report(2025)
        assert report.sections[0].rows[-1].values[0] == 4
        # one grouped query per figure (six years at once), and the audit trail is never read
        assert len(statements) <= 18 and not any("audit_event" in s for s in statements)
