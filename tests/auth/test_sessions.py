"""Sessions that end: sign-out, "sign out everywhere" and leaving end them on the server, on every app server."""

from __future__ import annotations

import pytest

from portal import create_app
from tests.conftest import AuthActions, PortalClient

# About sessions, not the directory: one directory is enough.
pytestmark = pytest.mark.directories("openldap")


def _cookie(client) -> str:
    return client.get_cookie("portal_session").value


def _browser(app, cookie: str | None = None) -> PortalClient:
    app.test_client_class = PortalClient
    client = app.test_client()
    if cookie:
        client.set_cookie("portal_session", cookie)
    return client


def test_an_old_cookie_replayed_after_sign_out_opens_nothing(app, app_config, client, auth):
    auth.login("jdevries")
    assert client.get("/declarations/my-data.json").status_code == 200
    token = client.csrf_token()
    stolen = _cookie(client)

    auth.logout()

    replay = _browser(app, stolen)
    assert replay.get("/").status_code == 302
    assert replay.get("/declarations/my-data.json").status_code in (302, 401)
    # A form posted with the old cookie and its CSRF token changes nothing.
    replay.post("/language", data={"csrf_token": token, "lang": "en", "next": "/"})
    from portal.extensions import db
    from tests.declarations.helpers import user_by_name

    with app.app_context():
        assert user_by_name("jdevries").language == "nl"
        db.session.remove()
    # Another app server (another process, the same database) refuses it too.
    other = create_app(app_config)
    assert _browser(other, stolen).get("/").status_code == 302


def test_signing_out_ends_only_that_session(app, client, auth):
    auth.login("jdevries")
    laptop = _cookie(client)
    phone = _browser(app)
    AuthActions(phone).login("jdevries")
    auth.logout()
    assert _browser(app, laptop).get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_sign_out_everywhere_from_the_account_page_ends_every_session(app, client, auth):
    auth.login("jdevries")
    phone = _browser(app)
    AuthActions(phone).login("jdevries")
    page = client.get("/account").get_data(as_text=True)
    assert "Overal afmelden" in page and "jdevries" in page

    response = client.submit("/account/sign-out-everywhere")

    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert phone.get("/declarations/my-data.json").status_code in (302, 401)


def test_sign_out_everywhere_needs_a_post_with_csrf(client, auth):
    auth.login("jdevries")
    assert client.get("/account/sign-out-everywhere").status_code == 405
    assert client.post("/account/sign-out-everywhere").status_code == 400
    assert client.get("/").status_code == 200


def test_marking_someone_left_ends_their_sessions(app, client, auth, runner):
    auth.login("jdevries")
    assert runner.invoke(args=["portal", "mark-left", "jdevries"]).exit_code == 0
    assert client.get("/").status_code == 302


def test_a_sign_in_records_itself_and_removes_only_that_persons_dead_sessions(app, client, auth):
    from datetime import timedelta

    from sqlalchemy import select

    from portal.auth.models import UserSession
    from portal.core.models import AuditEvent
    from portal.core.time import utcnow
    from portal.extensions import db
    from tests.declarations.helpers import user_by_name

    AuthActions(_browser(app)).login("jdevries")  # still open
    auth.login("jdevries")
    auth.logout()  # ended
    AuthActions(_browser(app)).login("pmeijer")
    auth.login("pmeijer")
    auth.logout()  # someone else's ended session
    with app.app_context():
        jan = user_by_name("jdevries")
        past_lifetime = utcnow() - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
        db.session.add(UserSession(id="past-its-lifetime", user_id=jan.id, started_at=past_lifetime))
        db.session.commit()
        before = sorted((s.user_id == jan.id, s.ended_at is None)
                        for s in db.session.scalars(select(UserSession)))
        assert before == [(False, False), (False, True), (True, False), (True, True), (True, True)]
        db.session.remove()

    assert auth.login("jdevries").status_code == 302

    with app.app_context():
        jan, piet = user_by_name("jdevries"), user_by_name("pmeijer")
        sessions = db.session.scalars(select(UserSession).order_by(UserSession.started_at)).all()
        assert [s.ended_at is None for s in sessions if s.user_id == jan.id] == [True, True]
        assert sorted(s.ended_at is None for s in sessions if s.user_id == piet.id) == [False, True]
        assert sessions[-1].user_id == jan.id and jan.last_login_at == sessions[-1].started_at
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.sign_in",
                                                             AuditEvent.subject_user_id == jan.id)).all()
        assert len(events) == 3
        assert {(e.actor_id, e.object_type, e.object_id, str(e.details)) for e in events} == {
            (jan.id, "user", jan.id, "{}")}


def test_only_the_sign_in_commits_without_waiting_for_the_disk(app, client, auth, database_url):
    """The sign-in's own transaction skips PostgreSQL's WAL flush wait (issue 14); nothing else does."""
    if not database_url.startswith("postgresql"):
        pytest.skip("synchronous_commit is PostgreSQL's; SQLite commits as before")
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    seen: list[str] = []

    def note(session) -> None:
        seen.append(session.connection().exec_driver_sql("SHOW synchronous_commit").scalar())

    event.listen(Session, "before_commit", note)
    try:
        auth.login("jdevries", "not-the-password")
        refused = seen[-1]
        auth.login("jdevries")
        signed_in = seen[-1]
        seen.clear()
        assert client.get("/").status_code == 200
        client.get("/account")
        auth.logout()
    finally:
        event.remove(Session, "before_commit", note)
    assert (refused, signed_in) == ("on", "off")
    assert seen and set(seen) == {"on"}
