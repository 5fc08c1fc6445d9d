"""The sign-in throttle protects people: one budget per account however the name is spelt, below the lockout."""

from __future__ import annotations

import pytest

from portal.auth.directory import name_key

SPELLINGS = ["ｊｄｅｖｒｉｅｓ", "jdevrieſ", "jdevrİes", "JDEVRIES"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_name_key_folds_unicode_spellings_to_one(spelling):
    assert name_key(spelling) == name_key("jdevries")


def test_unicode_spellings_of_a_name_share_one_budget(client, auth):
    # Three wrong guesses, each with another spelling the directory may treat as jdevries.
    for spelling in SPELLINGS[:3]:
        assert auth.login(spelling, "wrong").status_code == 200
    # The budget (threshold 5 - 2 = 3) is spent: no spelling gets another try, not even the right password.
    for spelling in ["jdevries", SPELLINGS[3], SPELLINGS[0]]:
        assert auth.login(spelling, "Welkom-jdevries-2026").status_code == 429


def test_without_a_directory_lockout_the_rate_limit_applies_per_account(app, client, auth):
    app.config.update(LDAP_LOCKOUT_THRESHOLD=0, LOGIN_RATE_LIMIT="4 per minute")
    for n in range(4):  # from four addresses: only the account's count can stop the fifth
        assert auth.login("sbakker", "wrong", environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code == 200
    assert auth.login("sbakker", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 429
