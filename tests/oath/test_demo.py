"""The demo content: three upcoming sessions, one online, one nearly full; loading twice adds nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.oath.demo import load_demo_sessions
from portal.oath.models import IntegrityStatementText, OathSession, Registration
from portal.oath.queries import free_places, place_counts


@pytest.fixture()
def demo_directory(app_config):
    """The built-in demo directory, as `make run` uses it."""
    app_config["LDAP_URL"] = "demo"


def test_demo_sessions_are_upcoming_one_online_one_nearly_full_and_load_once(demo_directory, app):
    with app.test_request_context():
        for _ in range(2):
            load_demo_sessions()
            db.session.commit()
        sessions = db.session.scalars(select(OathSession).order_by(OathSession.starts_at)).all()
        assert len(sessions) == 3
        assert sum(1 for s in sessions if s.online_url) == 1
        counts = place_counts(s.id for s in sessions)
        assert free_places(sessions[0], counts[sessions[0].id]) == 1
        assert db.session.scalar(select(func.count()).select_from(Registration)) == 3
        assert db.session.scalar(select(func.count()).select_from(IntegrityStatementText)) == 1
