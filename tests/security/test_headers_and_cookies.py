"""ASVS V3 (session cookies) and V14 (HTTP security headers), as a production instance answers.

The dynamic scan (``make scan``) runs against a development instance over plain HTTP, where
HSTS and the Secure cookie flag are rightly off; this checks them where they count.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_app, password_for

STRONG_SECRET = "Zx8-q2Lm0Pa9vR4tY7uI1oP3sD6fG5hJ-portal-tests"


@pytest.fixture()
def production(app_config):
    # The database is shared by the whole session: like the ``app`` fixture, start from empty tables
    # (an earlier test may have left jdevries marked as left, or sessions and throttles).
    app = make_app({**app_config, "ENV": "production", "SECRET_KEY": STRONG_SECRET, "DEBUG": False,
                    "TESTING": False, "LDAP_ALLOW_PLAIN": True})  # the test slapd is plain ldap:// on loopback
    yield _Https(app.test_client())
    with app.app_context():
        from portal.extensions import db

        db.session.remove()
        db.engine.dispose()


class _Https:
    """The test client speaking HTTPS, as the reverse proxy does in production."""

    def __init__(self, client):
        self.client = client

    def get(self, path, **kwargs):
        return self.client.get(path, base_url="https://portal.test", **kwargs)

    def post(self, path, **kwargs):
        return self.client.post(path, base_url="https://portal.test", **kwargs)


def _cookie_attributes(response, name: str) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith(name + "=")]
    assert cookies, f"no {name} cookie set"
    return cookies[-1]


def test_every_page_carries_the_security_headers(production):
    for path in ("/login", "/advisers", "/register", "/register.json", "/privacy", "/bestaat-niet"):
        response = production.get(path)
        assert response.status_code == (404 if path == "/bestaat-niet" else 200), path
        headers = response.headers
        assert "default-src 'self'" in headers["Content-Security-Policy"] and "unsafe-inline" not in headers[
            "Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert int(re.search(r"max-age=(\d+)", headers["Strict-Transport-Security"]).group(1)) >= 31536000
        assert headers["X-XSS-Protection"] == "0"  # the legacy filter is itself an XSS risk: off
        if response.mimetype == "text/html":
            assert headers["Cache-Control"] == "no-store", path


def test_the_session_cookie_is_secure_http_only_and_same_site(production):
    page = production.get("/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    before = _cookie_attributes(page, "portal_session")
    response = production.post("/login", data={"csrf_token": token, "username": "jdevries",
                                               "password": password_for("jdevries")},
                               headers={"Referer": "https://portal.test/login"})  # CSRF over HTTPS checks it
    assert response.status_code == 302
    after = _cookie_attributes(response, "portal_session")
    for cookie in (before, after):
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Domain=" not in cookie  # host-only: never sent to other intranet hosts
    assert after.split(";")[0] != before.split(";")[0]  # a fresh session after sign-in
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
