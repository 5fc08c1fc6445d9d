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
