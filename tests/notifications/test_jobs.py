"""Scheduled jobs run at most once per window, however often run-jobs is started."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from portal.core.time import utcnow
from portal.extensions import db
from portal.notifications.jobs import run_due_jobs, scheduled_job, unregister_job
from portal.notifications.models import JobRun, MailStatus, OutboxAttachment
from portal.notifications.services import Attachment, queue_mail
from tests.notifications.conftest import flask_command, outbox_rows, queue_test


@pytest.fixture()
def counting_job():
    """A job that queues one reminder per run and counts its runs."""
    runs: list[datetime] = []

    @scheduled_job("test-reminders", every=timedelta(minutes=5))
    def reminders(now):
        runs.append(now)
        queue_mail("jdevries@example.nl", "notifications/test", {"requested_by": "job", "requested_at": now})
        return 1

    yield runs
    unregister_job("test-reminders")


def job_runs(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.name == name))


def test_run_jobs_twice_in_a_minute_runs_the_job_once(clock, app, runner, counting_job):
    # The clock stands still: two runs on either side of a 5-minute boundary would rightly run it twice.
    first = runner.invoke(args=["portal", "run-jobs"])
    second = runner.invoke(args=["portal", "run-jobs"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert "test-reminders: 1" in first.output and "test-reminders" not in second.output
    assert len(counting_job) == 1
    with app.app_context():
        assert job_runs("test-reminders") == 1
        assert len(outbox_rows()) == 1


def test_job_runs_again_in_the_next_window(app, counting_job):
    start = datetime(2026, 11, 23, 9, 0, 30, tzinfo=timezone.utc)
    with app.app_context():
        run_due_jobs(start)
        run_due_jobs(start + timedelta(minutes=4))  # same 09:00–09:05 window
        run_due_jobs(start + timedelta(minutes=5))  # 09:05 window
        assert len(counting_job) == 2
        slots = db.session.scalars(
            select(JobRun.slot).where(JobRun.name == "test-reminders").order_by(JobRun.slot))
        assert [s.replace(tzinfo=timezone.utc) for s in slots] == [
            datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc),
            datetime(2026, 11, 23, 9, 5, tzinfo=timezone.utc),
        ]


def test_run_jobs_in_two_processes_at_once_runs_the_job_once(app, database_url):
    """Both processes race for the same (name, slot) row: the unique key lets one of them run."""
    with app.app_context():
        db.session.remove()
    processes = [flask_command(database_url, 1, "run-jobs") for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in processes]
    # (other areas' jobs run too; only this one is looked at)
    assert sum(out.count("mail-cleanup: 0") for out, _ in outputs) == 1, outputs
    assert not any("mail-cleanup: failed" in err for _, err in outputs), outputs
    with app.app_context():
        assert job_runs("mail-cleanup") == 1


def test_failing_job_leaves_nothing_behind_and_is_tried_again(app):
    calls = []

    @scheduled_job("test-broken", every=timedelta(hours=1))
    def broken(now):
        calls.append(now)
        queue_mail("jdevries@example.nl", "notifications/test", {"requested_by": "job", "requested_at": now})
        if len(calls) == 1:
            raise RuntimeError("directory unavailable")
        return 1

    try:
        with app.app_context():
            [outcome] = [o for o in run_due_jobs() if o.name == "test-broken"]
            assert outcome.error == "RuntimeError: directory unavailable" and not outcome.ran
            assert job_runs("test-broken") == 0 and outbox_rows() == []  # the queued mail rolled back too
            [outcome] = [o for o in run_due_jobs() if o.name == "test-broken"]
            assert outcome.ran and job_runs("test-broken") == 1 and len(outbox_rows()) == 1
    finally:
        unregister_job("test-broken")


def test_mail_cleanup_deletes_only_sent_messages_older_than_90_days(app):
    from portal.notifications.jobs import mail_cleanup

    now = utcnow()
    with app.app_context():
        for key, status, sent_days_ago in [("old", MailStatus.sent, 91), ("recent", MailStatus.sent, 89),
                                           ("old-failed", MailStatus.failed, None)]:
            ics = Attachment("a.ics", "text/calendar", b"x")
            message = queue_test(f"{key}@example.nl", attachments=[ics])
            message.status = status
            message.created_at = now - timedelta(days=100)
            message.sent_at = now - timedelta(days=sent_days_ago) if sent_days_ago else None
        db.session.commit()
        assert mail_cleanup(now) == 1
        db.session.commit()
        assert [r.recipient for r in outbox_rows()] == ["recent@example.nl", "old-failed@example.nl"]
        assert db.session.scalar(select(func.count()).select_from(OutboxAttachment)) == 2
