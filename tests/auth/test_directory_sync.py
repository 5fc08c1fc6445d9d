"""The nightly comparison with the directory: leavers marked, roles taken away, a broken directory harmless."""

from __future__ import annotations

import time

from sqlalchemy import select

from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.extensions import db
from tests.declarations.helpers import make_user, user_by_name

IN_DIRECTORY = ("jdevries", "sbakker", "mjansen", "pmeijer")


def _people(app, *extra: str, **flags) -> None:
    with app.app_context():
        for username in IN_DIRECTORY + extra:
            make_user(username, **flags.get(username, {}))
        db.session.commit()


def _signed_in_as(client, app, username: str) -> None:
    """A session as a sign-in earlier today would have left it."""
    from portal.auth.services import open_session

    with app.app_context():
        user = user_by_name(username)
        user_id, session_id = user.get_id(), open_session(user)
        db.session.commit()
    now = time.time()
    with client.session_transaction() as session:
        session.update({"_user_id": user_id, "_fresh": True, "login_at": now, "seen_at": now, "lang": "nl",
                        "sid": session_id})


def _left(app) -> dict[str, bool]:
    with app.app_context():
        return {u.username: u.left_at is not None for u in db.session.scalars(select(User))}


def test_someone_without_an_entry_is_marked_left_and_their_session_ends(app, client, runner):
    _people(app, "oudgediende")
    _signed_in_as(client, app, "oudgediende")
    assert client.get("/").status_code == 200

    result = runner.invoke(args=["portal", "sync-directory"])

    assert result.exit_code == 0, result.output
    assert "marked as left 1 (oudgediende)" in result.output
    left = _left(app)  # everyone else the directory lists was imported, and has not left
    assert {name for name, has_left in left.items() if has_left} == {"oudgediende"}
    assert set(IN_DIRECTORY) < set(left)
    assert client.get("/").status_code == 302  # signed out: back to the sign-in page
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.left"))
        assert event.details["reason"] == "directory"


def test_a_role_taken_away_in_the_directory_is_gone_without_a_new_sign_in(app, client, runner):
    # jdevries was a reviewer when he last signed in; the directory no longer has him in the group
    _people(app, jdevries={"is_reviewer": True})
    _signed_in_as(client, app, "jdevries")
    assert client.get("/review/").status_code == 200

    assert runner.invoke(args=["portal", "run-jobs"]).exit_code == 0

    assert client.get("/review/").status_code == 403
    with app.app_context():
        assert user_by_name("jdevries").left_at is None


def test_a_filter_that_finds_nobody_is_refused_not_read_as_everyone_leaving(app, runner):
    app.config.update(LDAP_USER_FILTER="(objectClass=device)", DIRECTORY_SYNC_MAX_LEFT=2)
    _people(app)

    refused = runner.invoke(args=["portal", "sync-directory"])

    assert refused.exit_code != 0
    assert "4 of 4 people have no directory entry; nobody was marked as left" in refused.output
    assert not any(_left(app).values())
    forced = runner.invoke(args=["portal", "sync-directory", "--force"])
    assert forced.exit_code == 0 and all(_left(app).values())


def test_a_directory_that_cannot_be_read_changes_nothing(app, runner):
    app.config.update(LDAP_USER_BASE="ou=bestaat-niet,dc=example,dc=nl")
    _people(app, "oudgediende")

    result = runner.invoke(args=["portal", "sync-directory"])

    assert result.exit_code != 0
    assert "the directory cannot be read, nothing changed" in result.output
    assert not any(_left(app).values())
