"""Exports made by a job: asked in a request, built by a worker, downloaded by the person who asked only."""

from __future__ import annotations

import csv
import io
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.core.time import utcnow
from portal.exports.kinds import ExportKind, register_export_kind
from portal.exports.models import ExportJob
from portal.exports.states import ExportStatus
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.exports.helpers import ask_export, make_register_data
from tests.review.helpers import person


@pytest.fixture()
def register_data(app):
    make_register_data(app)


def _job(app, job_id: int) -> ExportJob:
    with app.app_context():
        job = db.session.get(ExportJob, job_id)
        db.session.expunge(job)
        return job


def _ask(client, path: str = "/review/register.xlsx") -> int:
    response = ask_export(client, path)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert re.search(r"/exports/\d+$", location), location
    return int(re.search(r"/exports/(\d+)$", location).group(1))


def test_reviewer_asks_sees_progress_gets_mail_and_downloads_a_workbook(app, client, auth, runner, register_data):
    from openpyxl import load_workbook

    auth.login("mjansen")
    page = client.get("/review/register.xlsx?kind=side_activity").get_data(as_text=True)
    assert "Bestand laten maken" in page and "Nevenwerkzaamheid" in page  # the filter it will use, by its label
    job_id = _ask(client, "/review/register.xlsx?kind=side_activity")
    waiting = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "In de wachtrij" in waiting and 'http-equiv="refresh"' in waiting and "/download" not in waiting
    assert client.get(f"/exports/{job_id}/download").status_code == 404  # nothing to download yet
    # asking again while it waits gives the same job, not a second one
    assert _ask(client, "/review/register.xlsx?kind=side_activity") == job_id

    result = runner.invoke(args=["portal", "run-exports"])
    assert result.exit_code == 0 and "exports: 1" in result.output
    ready = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "Klaar" in ready and f"/exports/{job_id}/download" in ready and "http-equiv" not in ready
    response = client.get(f"/exports/{job_id}/download")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N3"
    assert sheet["A1"].value == "Naam" and sheet["A1"].font.b
    assert sheet.column_dimensions["H"].width == 36
    organisations = [sheet.cell(row=r, column=8) for r in (2, 3)]
    assert {c.value for c in organisations} == {"@SUM(1+1)", "Stichting Bibliotheek"}  # no apostrophe shown
    assert all(c.data_type == "s" for c in organisations)  # text, never a formula

    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "exports/ready")).all()
        assert [m.recipient for m in mails] == ["mjansen@example.nl"]
        assert f"/exports/{job_id}" in mails[0].text_body
        downloads = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.download")).all()
        assert [(d.object_type, d.object_id) for d in downloads] == [("export_job", job_id)]
    assert f"/exports/{job_id}" in client.get("/exports/").get_data(as_text=True)


def test_only_the_person_who_asked_downloads_and_only_while_they_hold_the_role(app, client, auth, runner,
                                                                               register_data):
    auth.login("mjansen")
    job_id = _ask(client)
    runner.invoke(args=["portal", "run-exports"])
    auth.logout()
    auth.login("lvisser")  # another reviewer (and administrator)
    assert client.get(f"/exports/{job_id}").status_code == 404
    assert client.get(f"/exports/{job_id}/download").status_code == 404
    assert f"/exports/{job_id}" not in client.get("/exports/").get_data(as_text=True)
    auth.logout()
    auth.login("jdevries")
    assert client.get(f"/exports/{job_id}/download").status_code == 404
    assert client.get("/review/register.xlsx").status_code == 403
    assert client.submit("/exports/new/review.register_xlsx").status_code == 403
    assert client.submit("/exports/new/review.audit_csv").status_code == 403
    assert client.submit("/exports/new/no.such_kind").status_code == 403
    auth.logout()
    auth.login("mjansen")
    with app.app_context():  # the nightly sync took the role away
        db.session.execute(update(User).where(User.username == "mjansen").values(is_reviewer=False))
        db.session.commit()
    assert client.get(f"/exports/{job_id}/download").status_code == 403
    with app.app_context():
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.download")).all() == []


def test_the_file_is_deleted_after_the_retention_period(app, client, auth, runner, register_data):
    from portal.exports.services import expire_exports, export_dir

    auth.login("mjansen")
    job_id = _ask(client)
    runner.invoke(args=["portal", "run-exports"])
    job = _job(app, job_id)
    with app.app_context():
        path = export_dir() / job.stored_name
        assert path.is_file()
        hours = app.config["EXPORT_RETENTION_HOURS"]
        assert job.expires_at - job.finished_at == timedelta(hours=hours)
        assert expire_exports(utcnow() + timedelta(hours=hours - 1)) == 0
        assert expire_exports(utcnow() + timedelta(hours=hours + 1)) == 1
        db.session.commit()
        assert not path.exists()
    assert _job(app, job_id).status == ExportStatus.expired
    assert client.get(f"/exports/{job_id}/download").status_code == 404
    assert "verwijderd" in client.get(f"/exports/{job_id}").get_data(as_text=True)


def test_audit_trail_csv_is_made_by_a_job_for_dutch_excel(app, client, auth, runner, register_data):
    auth.login("lvisser")
    job_id = _ask(client, "/review/audit.csv?action=declaration.")
    assert runner.invoke(args=["portal", "run-jobs"]).exit_code == 0  # the scheduled-jobs cron line builds it too
    response = client.get(f"/exports/{job_id}/download")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffNummer;Tijdstip;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) > 2 and all(row[3].startswith("declaration.") for row in rows[1:])
    assert _job(app, job_id).rows_done == len(rows) - 1
    auth.logout()
    auth.login("mjansen")  # a reviewer, not an administrator
    assert client.get("/review/audit.csv").status_code == 403


def test_a_job_is_built_by_one_worker_and_taken_over_when_its_lease_runs_out(app, register_data):
    from portal.exports.services import request_export
    from portal.exports.worker import LEASE, claim_next

    with app.test_request_context():
        reviewer = db.session.scalars(select(User).where(User.username == "abakker")).one()
        job = request_export("review.register_xlsx", {}, reviewer)
        db.session.commit()
        now = utcnow()
        assert claim_next(now, "worker-a") == job.id
        assert claim_next(now, "worker-b") is None  # held by worker-a
        assert claim_next(now + LEASE + timedelta(seconds=1), "worker-b") == job.id  # worker-a died
        claimed = db.session.get(ExportJob, job.id, populate_existing=True)
        assert claimed.locked_by == "worker-b" and claimed.attempts == 2


def test_a_failing_export_is_tried_three_times_then_failed_with_a_mail(app, client, auth, runner):
    def explode(parameters):
        raise RuntimeError("disk full")

    register_export_kind(ExportKind(
        name="test.broken", title=lambda: "Kapot", file_format="csv", role="reviewer", file_stem="kapot",
        sheet_title=lambda: "Kapot", build=explode, back_endpoint="review.register", parameters=lambda args: {}))
    from portal.exports.services import request_export

    with app.test_request_context():
        job = request_export("test.broken", {}, person("mjansen"))
        db.session.commit()
        job_id = job.id
    for _ in range(3):
        assert runner.invoke(args=["portal", "run-exports"]).exit_code == 0
    job = _job(app, job_id)
    assert job.status == ExportStatus.failed and job.attempts == 3 and "disk full" in job.error
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.template)).all() == ["exports/failed"]
    auth.login("mjansen")
    assert "kon niet worden gemaakt" in client.get(f"/exports/{job_id}").get_data(as_text=True)


def test_register_csv_streams_in_the_request(client, auth, register_data):
    auth.login("mjansen")
    response = client.get("/review/register.csv")
    assert response.is_streamed
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffNaam;Gebruikersnaam;") and "'@SUM(1+1)" in text


@pytest.mark.postgres_only
def test_the_progress_page_counts_rows_while_the_file_is_written(app, client, auth):
    """Progress is committed on its own connection, so the page shows it before the job is done (PostgreSQL;
    SQLite allows one writer, and the page says "being made" until the file is there)."""
    from portal.core.exports import PROGRESS_EVERY
    from portal.exports.services import request_export
    from portal.exports.worker import run_pending_exports

    seen = []

    def rows():
        for n in range(PROGRESS_EVERY + 1):
            if n == PROGRESS_EVERY:  # the worker has reported the first batch: look as the person would,
                # from another thread (its own app context and session, like another process)
                look = threading.Thread(target=lambda: seen.append(client.get(f"/exports/{job_id}").get_data(as_text=True)))
                look.start()
                look.join(30)
            yield [n, f"rij {n}"]

    register_export_kind(ExportKind(
        name="test.counting", title=lambda: "Tellen", file_format="csv", role="reviewer", file_stem="tellen",
        sheet_title=lambda: "Tellen", build=lambda parameters: (["Nummer", "Tekst"], rows(), PROGRESS_EVERY + 1),
        back_endpoint="review.register", parameters=lambda args: {}))
    auth.login("mjansen")
    with app.test_request_context():
        job = request_export("test.counting", {}, db.session.scalars(
            select(User).where(User.username == "mjansen")).one())
        db.session.commit()
        job_id = job.id
        run_pending_exports()
    assert f"{PROGRESS_EVERY} van {PROGRESS_EVERY + 1} rijen" in seen[0]
    assert _job(app, job_id).status == ExportStatus.ready


def test_the_mail_worker_builds_waiting_exports_between_its_passes(app, smtp, register_data):
    from portal.exports.services import request_export
    from portal.exports.worker import run_pending_exports
    from portal.notifications.delivery import run_worker

    with app.test_request_context():
        job = request_export("review.register_xlsx", {}, person("mjansen"))
        db.session.commit()
        job_id = job.id
        passes = []
        run_worker(lambda: len(passes) > 0, interval=0,
                   also=lambda should_stop: passes.append(run_pending_exports(should_stop)))
    assert passes == [1] and _job(app, job_id).status == ExportStatus.ready
