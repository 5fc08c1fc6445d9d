"""Data kept no longer than needed: the retention job removes what is past its period, nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.admin.retention import VERSION_TEXTS, apply_retention
from portal.auth.services import mark_left
from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.declarations.models import Declaration, DeclarationVersion, NilStatement
from portal.declarations.models import DeclarationKind
from portal.extensions import db
from tests.declarations.helpers import count, declare, make_user


def test_leavers_are_anonymised_after_the_period_and_the_annual_figures_stay(clock, app):
    """The privacy statement says "anonymised": names and free texts go, the annual report's counts do not change."""
    from portal.reports.report import year_figures

    now = clock.now
    with app.app_context():
        long_gone = make_user("oudgediende", department="Burgerzaken", display_name="Oud Gediende",
                              job_title="Vergunningverlener", employee_number="10099",
                              manager_dn="uid=fyilmaz,ou=people,dc=example,dc=nl")
        recently_left = make_user("recentweg", department="Burgerzaken")
        staying = make_user("blijver", department="Burgerzaken")
        for user in (long_gone, recently_left, staying):
            declare(user, decide="approved_with_conditions")
            declare(user, DeclarationKind.financial_interest)
        db.session.add(NilStatement(user_id=long_gone.id, kind=DeclarationKind.financial_interest))
        mark_left(long_gone, now - timedelta(days=731))
        mark_left(recently_left, now - timedelta(days=200))
        old = AuditEvent(action="test.old", created_at=now - timedelta(days=731))
        recent = AuditEvent(action="test.recent", created_at=now - timedelta(days=10))
        db.session.add_all([old, recent])
        db.session.commit()
        gone_id, recent_id, staying_id = long_gone.id, recently_left.id, staying.id
        year = now.year
        figures_before = year_figures(year)

        counts = apply_retention(now)
        db.session.commit()

        assert counts["users"] == 1 and counts["nil_statements"] == 1 and counts["audit_events"] == 1
        gone = db.session.get(User, gone_id)
        assert gone.anonymised_at is not None and not gone.is_enabled
        assert "oudgediende" not in gone.username and gone.display_name == "(geanonimiseerd)"
        assert gone.email is None and gone.job_title is None and gone.employee_number is None and gone.dn == ""
        assert gone.dn_key is None and gone.manager_dn is None  # nothing left to find them by, as manager or staff
        assert gone.department == "Burgerzaken"  # the annual report counts per department
        kept = list(db.session.scalars(select(DeclarationVersion).join(Declaration, Declaration.id == DeclarationVersion.declaration_id)
                                       .where(Declaration.owner_id == gone_id)))
        assert len(kept) == 2
        texts = " ".join(str(getattr(v, c) or "") for v in kept for c in VERSION_TEXTS)
        assert texts.strip() == "", "every free text is erased"
        assert count(NilStatement, NilStatement.user_id == gone_id) == 0
        # the others are untouched
        for user_id in (recent_id, staying_id):
            assert db.session.get(User, user_id).anonymised_at is None
            assert "Voetbalvereniging De Bal" in {v.organisation_name for v in db.session.scalars(
                select(DeclarationVersion).join(Declaration, Declaration.id == DeclarationVersion.declaration_id).where(Declaration.owner_id == user_id))}
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert "test.old" not in actions and "test.recent" in actions
        assert "retention.applied" in actions  # it logs what it did

        assert year_figures(year) == figures_before
        # running it again changes nothing more
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
