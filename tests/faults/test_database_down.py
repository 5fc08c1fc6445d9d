"""PostgreSQL goes away and comes back: a clear 503, then recovery without a restart."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from portal import create_app
from tests.conftest import AuthActions, PortalClient
from tests.support.tcpproxy import TcpProxy


@pytest.fixture()
def proxied_app(app_config, database_url):
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        pytest.skip("SQLite is a file inside the app process: it cannot go down separately")
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432).start()
    app_config["SQLALCHEMY_DATABASE_URI"] = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False
    )
    app = create_app(app_config)
    app.test_client_class = PortalClient
    yield app, proxy
    proxy.stop()
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()


def test_database_down_gives_503_page_and_recovers_without_restart(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.login("jdevries").status_code == 302
    assert client.get("/").status_code == 200

    proxy.stop()
    page = client.get("/")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Het portaal is even niet beschikbaar" in html
    assert "Traceback" not in html and "psycopg" not in html
    assert client.get("/healthz").status_code == 503

    proxy.start()  # same port: the database is back
    assert client.get("/healthz").status_code == 200
    response = client.get("/")
    assert response.status_code == 200  # still signed in: the session lives in the cookie
    assert "Welkom, Jan de Vries" in response.get_data(as_text=True)


def test_sign_in_while_database_down_is_a_clear_503(proxied_app):
    app, proxy = proxied_app
    client = app.test_client()
    token = client.csrf_token()
    proxy.stop()
    response = client.post("/login", data={"csrf_token": token, "username": "jdevries",
                                           "password": "Welkom-jdevries-2026"})
    assert response.status_code == 503
    assert "niet beschikbaar" in response.get_data(as_text=True)


def _signed_in_with_a_pooled_connection(app):
    client = app.test_client()
    assert AuthActions(client).login("jdevries").status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_a_connection_broken_while_idle_is_replaced_before_anyone_sees_it(proxied_app, monkeypatch):
    """The database restarted at night: the pooled connections are dead. The first person in the
    morning gets the page, not an error (an idle connection is tested before use, portal/core/database.py)."""
    from portal.core import database

    app, proxy = proxied_app
    client = _signed_in_with_a_pooled_connection(app)
    proxy.stop()  # every pooled connection is cut
    proxy.start()
    monkeypatch.setattr(database, "IDLE_PING_SECONDS", -1)  # as if they sat idle for the night
    for _ in range(3):
        response = client.get("/")
        assert response.status_code == 200
        assert "Welkom, Jan de Vries" in response.get_data(as_text=True)


def test_without_the_idle_test_a_cut_connection_would_fail_the_request(proxied_app):
    """The counterpart: a connection used a moment ago is not tested, so the test above means something."""
    app, proxy = proxied_app
    client = _signed_in_with_a_pooled_connection(app)
    proxy.stop()
    proxy.start()
    assert client.get("/").status_code == 503  # the broken connection was used at once
    assert client.get("/").status_code == 200  # and the pool replaced it
