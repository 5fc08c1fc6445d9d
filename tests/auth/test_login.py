"""Signing in through the portal: the form, sessions, roles, failures."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.directory import normalise_dn
from portal.auth.models import User
from portal.extensions import db


def test_anonymous_user_is_sent_to_login_with_next(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_employee_signs_in_and_sees_dutch_dashboard(client, auth):
    response = auth.login("jdevries", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Welkom, Jan de Vries" in html
    assert '<html lang="nl"' in html


def test_wrong_password_gets_generic_message_and_status_200(client, auth):
    response = auth.login("jdevries", "wrong-password")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "De combinatie van gebruikersnaam en wachtwoord is niet bekend." in html
    # The unknown user gets exactly the same answer: no hint whether an account exists.
    unknown = auth.login("nobody-here", "whatever").get_data(as_text=True)
    assert "De combinatie van gebruikersnaam en wachtwoord is niet bekend." in unknown
    assert 'value="nobody-here"' in unknown  # the typed username is kept
    assert "whatever" not in unknown  # the password never comes back


@pytest.mark.parametrize("password", ["", "   "])
def test_empty_password_never_signs_in(client, auth, password):
    response = auth.login("jdevries", password)
    assert response.status_code == 200
    assert "Vul uw wachtwoord in." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("username", ["*)(uid=*", "*", "jdevries)(|(uid=*", "jdevries*"])
def test_filter_injection_never_signs_in(client, auth, username):
    response = auth.login(username, "Welkom-jdevries-2026")
    assert "De combinatie van gebruikersnaam en wachtwoord is niet bekend." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_username_case_maps_to_one_account(app, client, auth):
    auth.login("JDeVries", "Welkom-jdevries-2026")
    auth.logout()
    auth.login("jdevries")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert db.session.scalar(select(User.username)) == "jdevries"


def test_dn_with_comma_parentheses_and_ampersand_signs_in_as_reviewer(app, client, auth, ldap_server):
    response = auth.login("abakker", follow_redirects=True)
    assert "Welkom, Bakker, Anna (P&amp;O)" in response.get_data(as_text=True)
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "abakker"))
        assert user.is_reviewer  # member of pno-team, which is nested in integriteit-reviewers
        assert normalise_dn(user.dn) == normalise_dn(ldap_server.dn_of("abakker"))
        assert normalise_dn(user.dn).startswith("cn=bakker, anna (p&o),ou=people,")


def test_accented_names_and_missing_mail_do_not_break_sign_in(app, client, auth):
    assert "Welkom, Zoë Çelik-Öztürk" in auth.login("zcelik", follow_redirects=True).get_data(as_text=True)
    auth.logout()
    auth.login("kobrien")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "kobrien"))
        assert user.email is None and user.display_name == "Kevin O'Brien"


def test_roles_follow_the_directory_at_every_sign_in(app, client, auth, ldap_server):
    auth.login("mjansen")
    with app.app_context():
        assert db.session.scalar(select(User.is_reviewer).where(User.username == "mjansen"))
    auth.logout()
    ldap_server.remove_member("pno-team", "mjansen")  # pno-team is nested in integriteit-reviewers
    try:
        auth.login("mjansen")
        with app.app_context():
            assert not db.session.scalar(select(User.is_reviewer).where(User.username == "mjansen"))
    finally:
        ldap_server.add_member("pno-team", "mjansen")


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/policies/", "/policies/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("https:/evil.example", "/"),
    ],
)
def test_next_only_ever_leads_to_this_site(client, auth, target, expected):
    client.get(f"/login?next={target}")
    response = client.submit("/login", {"username": "jdevries", "password": "Welkom-jdevries-2026", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_logout_requires_post_with_csrf(client, auth):
    auth.login()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400  # no CSRF token
    assert client.get("/").status_code == 200
    auth.logout()
    assert client.get("/").status_code == 302


def test_idle_session_expires(app, client, auth, clock):
    auth.login()
    for _ in range(3):  # activity keeps the session: 29 minutes between requests is never idle
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=31))
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/").status_code == 302


def test_absolute_session_lifetime(app, client, auth, clock):
    auth.login()
    for _ in range(20):  # active all along, 9 hours 40 minutes
        clock.shift(timedelta(minutes=29))
        assert client.get("/").status_code == 200
    clock.shift(timedelta(minutes=21))  # 10 hours and 1 minute after sign-in
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _session_cookie(client) -> str:
    return client.get_cookie("portal_session").value


def test_a_cookie_past_its_lifetime_is_refused_also_after_it_was_accepted(app, client, auth, clock):
    """The lifetime is checked on every request, with the portal's clock."""
    auth.login()
    assert client.get("/").status_code == 200
    clock.shift(app.permanent_session_lifetime + timedelta(seconds=60))
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_changed_cookie_is_refused_after_the_real_one_was_accepted(client, auth):
    auth.login()
    assert client.get("/").status_code == 200
    genuine = _session_cookie(client)
    payload, signature = genuine.rsplit(".", 1)
    forged = f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    client.set_cookie("portal_session", forged)
    assert client.get("/").status_code == 302
    client.set_cookie("portal_session", genuine)
    assert client.get("/").status_code == 200


def test_cookies_signed_with_a_replaced_secret_key_are_refused(app, client, auth):
    auth.login()
    assert client.get("/").status_code == 200
    app.secret_key = "another secret key that replaced the first one"
    assert client.get("/").status_code == 302


def test_form_posted_into_expired_session_is_shown_back_not_lost(client, auth, clock):
    auth.login()
    token = client.csrf_token()
    clock.shift(timedelta(minutes=31))
    response = client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/my text <b>kept</b>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "niet opgeslagen" in html
    assert "/my text &lt;b&gt;kept&lt;/b&gt;" in html


def test_no_remember_me_cookie_and_session_cookie_is_httponly_lax(client, auth):
    response = auth.login()
    cookies = response.headers.getlist("Set-Cookie")
    assert not any(c.startswith("remember_token") for c in cookies)
    session_cookie = next(c for c in cookies if c.startswith("portal_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie


def test_the_session_cookie_carries_no_fingerprint_of_address_or_browser(client, auth):
    """The cookie holds the session, not a hash of where and with what browser someone signed in."""
    auth.login()
    with client.session_transaction() as session:
        assert session.get("_user_id") and session.get("sid")
        assert not session.get("_id")
    assert client.get("/", headers={"User-Agent": "another browser"}).status_code == 200


def test_disabled_user_loses_session(app, client, auth):
    auth.login()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "jdevries"))
        user.is_enabled = False
        db.session.commit()
    assert client.get("/").status_code == 302
    assert "niet bekend" in auth.login().get_data(as_text=True)


def test_session_id_changes_at_sign_in(client, auth):
    """No session fixation: a cookie set before sign-in carries nothing over."""
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session


def test_failures_stop_two_below_the_directory_lockout_threshold_per_account(client, auth):
    # PORTAL_LDAP_LOCKOUT_THRESHOLD is 5 (AD's usual): the portal lets 3 wrong passwords through per window.
    for _ in range(3):
        assert auth.login("jdevries", "wrong").status_code == 200
    response = auth.login("jdevries")  # even the right password is refused for now
    assert response.status_code == 429
    assert "Wacht 30 minuten" in response.get_data(as_text=True)
    # another user from another address is not affected
    other = client.submit(
        "/login",
        {"username": "sbakker", "password": "Welkom-sbakker-2026"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert other.status_code == 302


def test_repeated_failures_are_rate_limited_per_address(client, auth):
    for n in range(5):
        auth.login(f"someone{n}", "wrong")
    assert auth.login("sbakker").status_code == 429


@pytest.mark.directories("openldap")
def test_directory_down_gives_503_within_timeout(app_config, slapd):
    from tests.conftest import AuthActions, PortalClient, make_app

    app_config.update(LDAP_URL="ldap://127.0.0.1:9", LDAP_TIMEOUT=1.0)  # nothing listens on port 9
    app = make_app(app_config)
    app.test_client_class = PortalClient
    auth = AuthActions(app.test_client())
    started = time.monotonic()
    response = auth.login("jdevries")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert "niet bereikbaar" in response.get_data(as_text=True)


@pytest.mark.directories("openldap")
def test_hanging_directory_answers_503_within_timeout(app, client, auth, slapd):
    slapd.freeze()
    try:
        started = time.monotonic()
        response = auth.login("jdevries")
        elapsed = time.monotonic() - started
    finally:
        slapd.thaw()
    assert response.status_code == 503
    assert elapsed < 2 * 2.0 + 1.5  # connect + receive timeout of 2 s each, plus slack
