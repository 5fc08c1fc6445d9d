"""The audit trail: per declaration for reviewers, all of it (filtered, paged, exported) for administrators."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.core.audit import record_event
from portal.core.models import AuditEvent
from portal.extensions import db
from tests.review.helpers import declare, follow_pages, person
from tests.exports.helpers import ask_export
from tests.support.clock import AMSTERDAM


@pytest.fixture()
def trail(app, client, auth):
    """jdevries declares; mjansen opens it twice; sbakker declares too."""
    with app.app_context():
        first = declare(person("jdevries")).id
        second = declare(person("sbakker")).id
        person("lvisser")
        db.session.commit()
    auth.login("mjansen")
    client.get(f"/review/{first}")
    client.get(f"/review/{first}")
    auth.logout()
    return {"first": first, "second": second}


def _event_rows(html: str) -> int:
    return len(re.findall(r"<td class=\"utrecht-table__cell\">\d+ \w+\.? \d{4}, \d\d:\d\d:\d\d</td>", html))


def test_reviewer_sees_the_trail_of_one_declaration(client, auth, trail):
    auth.login("abakker")
    html = client.get(f"/review/{trail['first']}/audit").get_data(as_text=True)
    assert html.count("Mohamed Jansen heeft") == 2 and html.count("van Jan de Vries bekeken.") == 2
    assert "ingediend (versie 1)." in html
    assert "Sanne Bakker" not in html  # nothing of other declarations


@pytest.mark.parametrize("query, expected", [
    ("actor=mjansen&action=declaration.", 2),
    ("actor=mjansen&action=declaration.view", 2),
    ("action=declaration.", 6),  # create + submit of two declarations, two views
    ("subject=sbakker&action=declaration.", 2),
    ("actor=nobody", 0),
])
def test_administrator_filters_the_whole_trail(client, auth, trail, query, expected):
    auth.login("lvisser")
    response = client.get(f"/review/audit?{query}")
    assert response.status_code == 200
    assert _event_rows(response.get_data(as_text=True)) == expected


def test_date_filter_uses_local_days(clock, client, auth, trail):
    auth.login("lvisser")
    today = clock.now.astimezone(AMSTERDAM).date()  # the day in Amsterdam, whatever UTC says
    assert _event_rows(client.get(f"/review/audit?action=declaration.&date_from={today}&date_to={today}")
                       .get_data(as_text=True)) == 6
    yesterday = today - timedelta(days=1)
    assert _event_rows(client.get(f"/review/audit?action=declaration.&date_to={yesterday}")
                       .get_data(as_text=True)) == 0
    html = client.get(f"/review/audit?date_from={today}&date_to={yesterday}").get_data(as_text=True)
    assert "De einddatum ligt vóór de begindatum." in html


def test_the_date_hint_shows_the_format_the_field_reads_and_its_message_names(clock, client, auth, trail):
    auth.login("lvisser")
    page = client.get("/review/audit").get_data(as_text=True)
    hint = re.search(r'id="date_from-hint"[^>]*>(.*?)</', page, re.S)
    assert hint and hint.group(1).strip() == "Bijvoorbeeld 31-01-2026."
    today = clock.now.astimezone(AMSTERDAM).date()
    typed_as_hinted = client.get(f"/review/audit?action=declaration.&date_from={today:%d-%m-%Y}").get_data(as_text=True)
    assert "Vul een bestaande datum in" not in typed_as_hinted and _event_rows(typed_as_hinted) == 6
    wrong = client.get("/review/audit?date_from=31-13-2026").get_data(as_text=True)
    assert "Vul een bestaande datum in, bijvoorbeeld 31-01-2026." in wrong


def test_audit_pages_with_a_keyset(app, client, auth, trail):
    from portal.review import trail

    with app.app_context():
        for i in range(7):
            record_event("test.bulk", details={"i": i})
        db.session.commit()
    saved, trail.AUDIT_PAGE = trail.AUDIT_PAGE, 3
    try:
        auth.login("lvisser")
        pages = follow_pages(client, "/review/audit?action=test.bulk", lambda html: [_event_rows(html)])
    finally:
        trail.AUDIT_PAGE = saved
    assert pages == [3, 3, 1]


def test_administrator_exports_the_filtered_trail_and_the_export_is_recorded(app, client, auth, runner, trail):
    auth.login("lvisser")
    page = client.get("/review/audit.csv?actor=mjansen&action=declaration.")
    assert page.status_code == 200 and "mjansen" in page.get_data(as_text=True)  # the filters it will use
    job_url = ask_export(client, "/review/audit.csv?actor=mjansen&action=declaration.").headers["Location"]
    assert runner.invoke(args=["portal", "run-exports"]).exit_code == 0
    response = client.get(job_url + "/download")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:4] == ["Nummer", "Tijdstip", "Door", "Handeling"]
    assert [r[3] for r in rows[1:]] == ["declaration.view", "declaration.view"]
    assert all(r[6] == "jdevries" for r in rows[1:])
    # the sentence too, without the title: the file may travel further than the page
    assert rows[0][-1] == "Wat er gebeurde"
    assert all(r[-1] == f"Mohamed Jansen heeft de nevenwerkzaamheid met nummer {trail['first']} van Jan de Vries "
               "bekeken." for r in rows[1:])
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action.in_(["export.request", "export.download"]))) == 2
