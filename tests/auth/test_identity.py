"""People are known by the directory's stable id (entryUUID, objectGUID), and people who left can return.

Each test runs against OpenLDAP and against Active Directory.
"""

from __future__ import annotations

from sqlalchemy import func, select

from portal.auth.models import User
from portal.auth.services import mark_left
from portal.core.models import AuditEvent
from portal.core.time import utcnow
from portal.extensions import db
from tests.conftest import password_for
from tests.declarations.helpers import make_user, user_by_name

GENERIC = "De combinatie van gebruikersnaam en wachtwoord is niet bekend."


def _user_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def test_a_renamed_account_keeps_its_history_at_sync_and_sign_in(app, auth, runner, ldap_server):
    assert auth.login("ddekker").status_code == 302
    auth.logout()
    with app.app_context():
        before = user_by_name("ddekker")
        person_id, directory_id = before.id, before.directory_id
    assert directory_id  # learnt at sign-in
    ldap_server.rename("ddekker", "ddekker2")  # a new name after marriage
    try:
        result = runner.invoke(args=["portal", "sync-directory"])
        assert result.exit_code == 0, result.output
        assert "marked as left 0" in result.output and "renamed 1" in result.output
        with app.app_context():
            person = db.session.get(User, person_id)
            assert (person.username, person.left_at) == ("ddekker2", None)
            assert "ddekker2" in person.dn.lower() or ldap_server.kind == "ad"
        # The new name signs in as the same person (the password did not change).
        assert auth.login("ddekker2", password_for("ddekker")).status_code == 302
        auth.logout()
        with app.app_context():
            assert user_by_name("ddekker2").id == person_id
    finally:
        ldap_server.rename("ddekker2", "ddekker")
    # Back to the old name: the same person again, at the next sign-in, nobody locked out.
    assert auth.login("ddekker").status_code == 302
    with app.app_context():
        assert user_by_name("ddekker").id == person_id
        renames = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "user.renamed")).all()
        assert [(d["from"], d["to"]) for d in renames] == [("ddekker", "ddekker2"), ("ddekker2", "ddekker")]
        # one row for this person (the sync imported everyone else the directory lists)
        assert db.session.scalars(select(User.id).where(User.username.like("ddekker%"))).all() == [person_id]


def test_rows_from_before_the_upgrade_get_their_id_at_the_first_sign_in(app, auth):
    with app.app_context():
        person_id = make_user("jdevries").id  # as the portal knew people before stable ids
        db.session.commit()
        assert user_by_name("jdevries").directory_id is None
    assert auth.login("jdevries").status_code == 302
    with app.app_context():
        person = user_by_name("jdevries")
        assert person.id == person_id and person.directory_id
    assert _user_count(app) == 1


def test_rows_from_before_the_upgrade_get_their_id_at_the_first_sync(app, runner):
    with app.app_context():
        make_user("sbakker")
        db.session.commit()
    assert runner.invoke(args=["portal", "sync-directory"]).exit_code == 0
    with app.app_context():
        assert user_by_name("sbakker").directory_id


def _left(app, username: str, reason: str) -> None:
    with app.app_context():
        person = user_by_name(username) or make_user(username)
        mark_left(person, utcnow(), reason=reason)
        db.session.commit()


def test_someone_marked_left_by_the_sync_returns_at_sign_in_and_hr_sees_it(app, client, auth):
    assert auth.login("ebrouwer").status_code == 302
    auth.logout()
    _left(app, "ebrouwer", "directory")  # e.g. away from the directory during long leave

    assert auth.login("ebrouwer").status_code == 302

    with app.app_context():
        person = user_by_name("ebrouwer")
        assert person.left_at is None and person.left_reason is None  # retention countdown stopped
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.returned"))
        assert event.subject_user_id == person.id
    auth.logout()
    auth.login("lvisser")  # HR (P&O) with access to the audit trail
    html = client.get("/review/audit?action=user.returned").get_data(as_text=True)
    assert "user.returned" in html and "Emma Brouwer" in html, html[html.find("<main"):][:3000]


def test_someone_marked_left_by_the_sync_returns_at_the_next_sync(app, runner):
    with app.app_context():
        make_user("jvos")
        db.session.commit()
    _left(app, "jvos", "directory")
    result = runner.invoke(args=["portal", "sync-directory"])
    assert result.exit_code == 0 and "back 1 (jvos)" in result.output
    with app.app_context():
        assert user_by_name("jvos").left_at is None


def test_someone_marked_left_by_hand_stays_left_until_marked_returned(app, auth, runner):
    assert auth.login("lpeters").status_code == 302
    auth.logout()
    assert runner.invoke(args=["portal", "mark-left", "lpeters"]).exit_code == 0
    assert runner.invoke(args=["portal", "sync-directory"]).exit_code == 0
    assert GENERIC in auth.login("lpeters").get_data(as_text=True)
    with app.app_context():
        assert user_by_name("lpeters").left_reason == "manual"

    result = runner.invoke(args=["portal", "mark-returned", "lpeters"])

    assert result.exit_code == 0, result.output
    assert auth.login("lpeters").status_code == 302
    with app.app_context():
        assert user_by_name("lpeters").left_at is None


def test_mark_returned_refuses_someone_who_has_not_left(app, runner):
    with app.app_context():
        make_user("tkok")
        db.session.commit()
    result = runner.invoke(args=["portal", "mark-returned", "tkok"])
    assert result.exit_code != 0 and "has not left" in result.output
