"""Signing in against a real Active Directory (Samba AD DC): what only AD has.

Refusals with a reason (AD's ``data 773/532/701/533/775``), the primary group, ``DOMEIN\\naam`` and
``naam@domein``, ``accountExpires``, the lockout policy and the service account.
"""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from tests.conftest import AuthActions, PortalClient, make_app, password_for
from tests.declarations.helpers import make_user, user_by_name
from tests.support.samba import PASSWORD_EXPIRED

pytestmark = pytest.mark.directories("ad")

GENERIC = "De combinatie van gebruikersnaam en wachtwoord is niet bekend."


@pytest.mark.parametrize(("username", "told", "reason"), [
    ("amoetwijzigen", "Uw wachtwoord moet eerst worden gewijzigd", "must_change_password"),
    (PASSWORD_EXPIRED, "Uw wachtwoord is verlopen", "password_expired"),
    ("bverlopen", "Uw account is verlopen", "account_expired"),
    ("cuitgeschakeld", "Uw account is uitgeschakeld", "disabled"),
], ids=["must-change-773", "password-expired-532", "account-expired-701", "disabled-533"])
def test_right_password_on_an_unusable_account_is_told_why_and_not_counted(app, auth, caplog, username, told, reason):
    app.config.update(LOGIN_HELP_TEXT="Servicedesk: 030 123 4567", LOGIN_HELP_URL="https://wachtwoord.example.nl/")
    caplog.set_level(logging.INFO, logger="portal.auth")
    for _attempt in range(4):  # more than the 3 wrong guesses the throttle allows
        response = auth.login(username)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert told in html and GENERIC not in html
        assert "Servicedesk: 030 123 4567" in html and 'href="https://wachtwoord.example.nl/"' in html
    assert any(f"with the right password ({reason})" in r.getMessage() for r in caplog.records)
    # A wrong password on the same account tells nothing.
    wrong = auth.login(username, "not-the-password").get_data(as_text=True)
    assert GENERIC in wrong and told not in wrong and "Servicedesk" not in wrong


def test_locked_account_gets_the_generic_answer_even_with_the_right_password(app, auth, caplog):
    caplog.set_level(logging.INFO, logger="portal.auth")
    html = auth.login("dvergrendeld").get_data(as_text=True)
    assert GENERIC in html and "is vergrendeld" not in html
    assert any("sign-in refused (locked)" in r.getMessage() for r in caplog.records)


def test_primary_group_membership_gives_its_role(app, auth):
    assert auth.login("eprimair").status_code == 302
    with app.app_context():
        assert user_by_name("eprimair").is_high_risk


@pytest.mark.parametrize("typed", ["GEMEENTE\\jdevries", "gemeente\\JDeVries", "jdevries@gemeente.test",
                                   "JDevries@GEMEENTE.TEST", "gemeente.test\\jdevries"])
def test_domain_and_upn_logon_names_sign_in_to_the_same_account(app, auth, typed):
    assert auth.login("jdevries").status_code == 302
    auth.logout()
    assert auth.login(typed, password_for("jdevries")).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert user_by_name("jdevries").last_login_at is not None


@pytest.mark.parametrize("typed", ["ANDERDOMEIN\\jdevries", "jdevries@elders.test", "GEMEENTE\\"])
def test_another_domain_is_not_this_account(auth, typed):
    assert GENERIC in auth.login(typed, password_for("jdevries")).get_data(as_text=True)


def test_expired_account_is_gone_for_the_sync_and_its_session_ends(app, runner):
    with app.app_context():
        for name in ("jdevries", "bverlopen"):
            make_user(name)
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        from portal.auth.services import open_session

        with app.app_context():
            user = user_by_name("bverlopen")
            session.update({"_user_id": user.get_id(), "sid": open_session(user), "login_at": time.time(),
                            "seen_at": time.time()})
            db.session.commit()
    assert client.get("/").status_code == 200

    result = runner.invoke(args=["portal", "sync-directory"])

    assert result.exit_code == 0, result.output
    assert "marked as left 1 (bverlopen)" in result.output
    assert client.get("/").status_code == 302
    with app.app_context():
        assert user_by_name("bverlopen").left_reason == "account_expired"
        assert user_by_name("jdevries").left_at is None


def test_expired_account_signing_in_is_marked_left(app, auth):
    with app.app_context():
        make_user("bverlopen")
        db.session.commit()
    assert "Uw account is verlopen" in auth.login("bverlopen").get_data(as_text=True)
    with app.app_context():
        assert user_by_name("bverlopen").left_reason == "account_expired"


def test_disabled_in_ad_then_enabled_again_comes_back(app, auth, runner, samba_dc):
    assert auth.login("ebrouwer").status_code == 302
    auth.logout()
    samba_dc.disable("ebrouwer")
    try:
        assert runner.invoke(args=["portal", "sync-directory"]).exit_code == 0
        with app.app_context():
            assert user_by_name("ebrouwer").left_reason == "disabled"
    finally:
        samba_dc.disable("ebrouwer", False)
    result = runner.invoke(args=["portal", "sync-directory"])
    assert "back 1 (ebrouwer)" in result.output
    with app.app_context():
        assert user_by_name("ebrouwer").left_at is None
    assert auth.login("ebrouwer").status_code == 302


def test_the_portal_never_locks_an_ad_account(app, auth, samba_dc):
    statuses = [auth.login("fvaak", f"guess-{n}").status_code for n in range(8)]
    assert statuses == [200, 200, 200, 429, 429, 429, 429, 429]
    assert "Wacht 30 minuten" in auth.login("fvaak").get_data(as_text=True)
    # AD counted 3 wrong passwords, 2 below its threshold of 5: the account still works.
    assert samba_dc.bind_as("fvaak", password_for("fvaak"))["result"] == 0


def test_a_refused_service_account_is_not_tried_again_until_an_administrator_retries(app_config, samba_dc, caplog):
    from portal import create_app

    app_config.update(LDAP_BIND_PASSWORD="Verkeerd-Wachtwoord-1", LDAP_RETRY_SECONDS=0)
    app = make_app(app_config)  # no refusal recorded by an earlier test
    app.test_client_class = PortalClient
    auth = AuthActions(app.test_client())
    logging.getLogger().addHandler(caplog.handler)  # create_app set the root logger's handlers
    caplog.set_level(logging.ERROR, logger="portal.auth")

    responses = [auth.login("jdevries") for _attempt in range(4)]

    assert [r.status_code for r in responses] == [503] * 4
    assert "niet bereikbaar" in responses[-1].get_data(as_text=True)
    refusals = [r for r in caplog.records if "service account's password was refused" in r.getMessage()]
    assert len(refusals) == 1  # logged once
    conn = samba_dc.connection()
    try:
        conn.search(samba_dc.service_dn, "(objectClass=*)", search_scope="BASE", attributes=["badPwdCount"])
        assert int(conn.entries[0]["badPwdCount"].value) == 1  # tried once, not four times
    finally:
        conn.unbind()
    # Another app server (a new process) does not try either: the refusal is in the database.
    other = create_app(app_config)
    other.test_client_class = PortalClient
    assert AuthActions(other.test_client()).login("jdevries").status_code == 503
    # An administrator retries with the setting still wrong: refused again, recorded again.
    retried = other.test_cli_runner().invoke(args=["portal", "retry-directory"])
    assert retried.exit_code != 0 and "still refuses" in retried.output
    # The configuration is corrected: another fingerprint, tried at once.
    app_config.update(LDAP_BIND_PASSWORD=samba_dc.service_password)
    fixed = create_app(app_config)
    fixed.test_client_class = PortalClient
    assert AuthActions(fixed.test_client()).login("jdevries").status_code == 302
    # And the retry command, with the right setting, clears the record.
    assert fixed.test_cli_runner().invoke(args=["portal", "retry-directory"]).exit_code == 0
