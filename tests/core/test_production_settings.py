"""Production refuses what it must: an unknown environment, debug, weak secrets, plain LDAP; no cookie on public pages."""

from __future__ import annotations

import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal import ConfigError
from portal.config import check_production, secret_bits

ROOT = Path(__file__).resolve().parents[2]
SAFE = {
    "ENV": "production",
    "SECRET_KEY": "Zx8-q2Lm0Pa9vR4tY7uI1oP3sD6fG5hJ",
    "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/db",
    "LDAP_URL": "ldaps://ldap.example.nl",
    "DEBUG": False,
}


def _start(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "import wsgi"], env={"PATH": "/usr/bin:/bin", **env},
                          capture_output=True, text=True, cwd=ROOT, timeout=60)


@pytest.mark.parametrize("env", ["Production", "prod", "PRODUCTION", " production", "productie", "dev"])
def test_an_environment_not_spelt_exactly_stops_with_a_one_line_reason(env):
    result = _start({"PORTAL_ENV": env})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORTAL_ENV" in lines[0] and "development, production, testing" in lines[0]


def test_the_safe_production_settings_pass():
    check_production(SAFE, environ={})


def test_flask_debug_is_refused_in_production():
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        check_production(SAFE, environ={"FLASK_DEBUG": "1"})
    check_production(SAFE, environ={"FLASK_DEBUG": "0"})


def test_flask_debug_stops_a_production_start():
    result = _start({"PORTAL_ENV": "production", "FLASK_DEBUG": "1", "PORTAL_SECRET_KEY": SAFE["SECRET_KEY"],
                     "PORTAL_DATABASE_URL": SAFE["DATABASE_URL"], "PORTAL_LDAP_URL": SAFE["LDAP_URL"]})
    assert result.returncode != 0 and "FLASK_DEBUG" in result.stderr


@pytest.mark.parametrize("secret", ["0123456789" * 4, "abcd" * 10, "Aa1!" * 10, "x" * 64,
                                    "passwordpasswordpasswordpassword"])
def test_secrets_with_repeated_patterns_are_weak(secret):
    assert len(secret) >= 32
    with pytest.raises(ConfigError, match="PORTAL_SECRET_KEY"):
        check_production({**SAFE, "SECRET_KEY": secret}, environ={})


@pytest.mark.parametrize("secret", [secrets.token_urlsafe(48), secrets.token_hex(16), secrets.token_hex(32),
                                    secrets.token_urlsafe(24)])
def test_generated_secrets_are_strong(secret):
    assert secret_bits(secret) >= 128
    check_production({**SAFE, "SECRET_KEY": secret}, environ={})


def test_plain_ldap_without_start_tls_is_refused_in_production_unless_allowed_on_purpose():
    plain = {**SAFE, "LDAP_URL": "ldap://dc1.gemeente.local"}
    with pytest.raises(ConfigError, match="PORTAL_LDAP_ALLOW_PLAIN"):
        check_production(plain, environ={})
    check_production({**plain, "LDAP_START_TLS": True}, environ={})
    check_production({**plain, "LDAP_ALLOW_PLAIN": True}, environ={})


def test_public_cacheable_register_never_carries_the_visitors_cookie(client, auth):
    auth.login("jdevries")
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 120  # this request would renew the session cookie
    response = client.get("/register.json")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    # A private page in the same state does renew it.
    with client.session_transaction() as session:
        session["seen_at"] = time.time() - 120
    assert "Set-Cookie" in client.get("/").headers


def test_the_development_mail_catcher_is_refused_in_production():
    with pytest.raises(ConfigError, match="PORTAL_DEV_MAIL"):
        check_production({**SAFE, "DEV_MAIL": True}, environ={})
    result = _start({"PORTAL_ENV": "production", "PORTAL_DEV_MAIL": "1", "PORTAL_SECRET_KEY": SAFE["SECRET_KEY"],
                     "PORTAL_DATABASE_URL": SAFE["DATABASE_URL"], "PORTAL_LDAP_URL": SAFE["LDAP_URL"]})
    assert result.returncode != 0 and "PORTAL_DEV_MAIL" in result.stderr
