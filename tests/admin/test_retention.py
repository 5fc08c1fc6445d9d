"""Data kept no longer than needed: the retention job removes what is past its period, nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.admin.retention import apply_retention
from portal.auth.services import mark_left
from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.declarations.models import Declaration, DeclarationVersion
from portal.declarations.models import DeclarationKind
from portal.extensions import db
from tests.declarations.helpers import count, declare, make_user


def test_leavers_data_is_removed_after_the_period_and_not_before(clock, app):
    now = clock.now
    with app.app_context():
        long_gone = make_user("oudgediende", department="Burgerzaken")
        recently_left = make_user("recentweg", department="Burgerzaken")
        staying = make_user("blijver", department="Burgerzaken")
        for user in (long_gone, recently_left, staying):
            declare(user, decide="approved")
            declare(user, DeclarationKind.financial_interest)
        mark_left(long_gone, now - timedelta(days=731))
        mark_left(recently_left, now - timedelta(days=200))
        old = AuditEvent(action="test.old", created_at=now - timedelta(days=2556))
        recent = AuditEvent(action="test.recent", created_at=now - timedelta(days=10))
        db.session.add_all([old, recent])
        db.session.commit()
        gone_id, recent_id, staying_id = long_gone.id, recently_left.id, staying.id

        counts = apply_retention(now)
        db.session.commit()

        assert counts["users"] == 1 and counts["declarations"] == 2 and counts["audit_events"] == 1
        assert db.session.get(User, gone_id) is None
        assert count(Declaration, Declaration.owner_id == gone_id) == 0
        assert count(DeclarationVersion) == 4  # the two remaining people's versions only
        assert db.session.get(User, recent_id) is not None and db.session.get(User, staying_id) is not None
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert "test.old" not in actions and "test.recent" in actions
        assert "retention.applied" in actions  # it logs what it removed

        # running it again removes nothing more
        assert sum(apply_retention(now).values()) == 0


def test_marking_someone_as_left_ends_their_session(app, client, auth, runner):
    auth.login("jdevries")
    assert client.get("/").status_code == 200
    result = runner.invoke(args=["portal", "mark-left", "JDeVries"])
    assert result.exit_code == 0, result.output
    assert client.get("/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.left_at).where(User.username == "jdevries")) is not None


def test_retention_runs_as_a_scheduled_job(clock, app, runner):
    result = runner.invoke(args=["portal", "run-jobs"])
    assert result.exit_code == 0
    assert "retention" in result.output
