"""Only integrity coordinators see concerns: every concern URL and export, tried as everyone else.

The ids are real (a concern with a note and a file exists), so a refusal proves the check, not a 404
for a missing row. Administrators do not find them in the audit trail, its export or the outbox.
"""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal.concerns.models import Concern, ConcernAttachment
from portal.core.models import AuditEvent
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.concerns.helpers import OTHERS

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture()
def a_concern(app, client, auth):
    """jdevries files one; the coordinator adds a note and a file (and so a view and mails exist)."""
    auth.login("jdevries")
    client.submit("/concerns/new", {"what_happened": "Vertrouwelijk: de wethouder en de aannemer"})
    auth.logout()
    auth.login("rkoster")
    with app.app_context():
        concern_id = db.session.scalar(select(Concern.id))
    client.get(f"/concerns/{concern_id}")
    client.submit(f"/concerns/{concern_id}/notes", {"body": "Notitie van de coördinator"})
    client.submit(f"/concerns/{concern_id}/attachments", {"file": (io.BytesIO(PDF), "stuk.pdf")},
                  content_type="multipart/form-data")
    client.get("/concerns/export.csv").close()
    auth.logout()
    with app.app_context():
        attachment_id = db.session.scalar(select(ConcernAttachment.id))
    assert attachment_id is not None
    return concern_id, attachment_id


def _concern_urls(app, concern_id: int, attachment_id: int) -> list[tuple[str, str]]:
    """(method, url) of every route of the concerns blueprint except the two every employee has, and the
    annual report's coordinator-only steps."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("concerns.new", "concerns.mine") or not (
                rule.endpoint.startswith("concerns.") or rule.endpoint in ("reports.explain", "reports.close",
                                                                           "reports.reopen")):
            continue
        url = rule.rule.replace("<int:concern_id>", str(concern_id)).replace("<int:attachment_id>", str(attachment_id))
        url = url.replace("<int:year>", "2025")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            urls.append((method, url))
    return urls


@pytest.mark.parametrize("username", OTHERS)
def test_nobody_but_a_coordinator_reaches_any_concern_url(app, client, auth, a_concern, username):
    concern_id, attachment_id = a_concern
    urls = _concern_urls(app, concern_id, attachment_id)
    assert len(urls) == 16
    auth.login(username)
    token = client.csrf_token()
    answers = {}
    for method, url in urls:
        response = client.get(url) if method == "GET" else client.post(url, data={"csrf_token": token})
        answers[(method, url)] = response.status_code
        assert b"Vertrouwelijk" not in response.data and b"Notitie van de co" not in response.data
        response.close()
    assert set(answers.values()) == {403}, answers
    with app.app_context():
        concern = db.session.get(Concern, concern_id)
        assert (concern.status.value, len(concern.notes), len(concern.attachments)) == ("received", 1, 1)


def test_the_coordinator_reaches_every_concern_url(app, client, auth, a_concern):
    concern_id, attachment_id = a_concern
    auth.login("rkoster")
    for method, url in _concern_urls(app, concern_id, attachment_id):
        if method == "GET" and url.startswith("/concerns"):
            response = client.get(url)
            assert response.status_code == 200, url
            response.close()


def test_an_administrator_finds_no_concern_in_the_audit_trail_its_export_or_the_outbox(app, client, auth, runner,
                                                                                      a_concern):
    concern_id, _ = a_concern
    with app.app_context():
        kinds = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("concern."))))
        assert {"concern.file", "concern.view", "concern.note", "concern.attach", "concern.export"} <= kinds
        mail_id = db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.template.startswith("concerns/")))
        assert mail_id is not None
    auth.login("lvisser")
    # the audit trail's CSV is made by a job: ask for all of it, build it, read the file
    response = client.submit("/exports/new/review.audit_csv")
    assert response.status_code == 302
    job_id = int(re.search(r"/exports/(\d+)$", response.headers["Location"]).group(1))
    assert runner.invoke(args=["portal", "run-exports"]).exit_code == 0
    exported = client.get(f"/exports/{job_id}/download").get_data(as_text=True)
    assert "auth.sign_in" in exported and "concern." not in exported
    for url in ("/review/audit", "/review/audit?action=concern", "/review/audit.csv", "/review/audit.csv?action=concern"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        response.close()
        assert response.status_code == 200 and "concern." not in body and "concern:" not in body, url
    mail_page = client.get("/admin/mail").get_data(as_text=True)
    assert "Uw melding" not in mail_page and "jdevries@example.nl" not in mail_page
    assert client.get(f"/admin/mail/{mail_id}").status_code == 404
    # the annual report shows counts only: HR may read it, but not change it
    assert client.get("/reports/annual").status_code == 200
    assert client.submit("/reports/annual/2025/close").status_code == 403


def test_an_adviser_sees_only_their_own_lines_and_nobody_else_reaches_the_advisers_page(app, client, auth):
    for username in ("jdevries", "mjansen", "lvisser", "rkoster"):
        auth.login(username)
        assert client.get("/advisers/contacts").status_code == 403, username
        auth.logout()
