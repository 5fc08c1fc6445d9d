"""The sign-in throttle: failures counted per directory account and per client address.

Per account, the portal stops at the directory's lockout threshold minus two within its lockout
window, so that nobody can lock a colleague's account from the sign-in page, and every spelling
of a name that leads to the same entry shares one budget (the entry's stable id is the key).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from limits import RateLimitItem, parse, parse_many, storage, strategies


class TooManyAttempts(Exception):
    """Too many failed sign-ins for this account or address; ``wait_minutes`` says how long to wait."""

    def __init__(self, wait_minutes: int, *, per_account: bool) -> None:
        super().__init__(f"wait {wait_minutes} minutes")
        self.wait_minutes = wait_minutes
        self.per_account = per_account


@dataclass(frozen=True)
class _Throttle:
    limiter: strategies.MovingWindowRateLimiter
    per_address: list[RateLimitItem]
    per_account: list[RateLimitItem]


def _throttle() -> _Throttle:
    """The rate limiter and its limits, built once per app."""
    ext = current_app.extensions.get("portal.login_throttle")
    if ext is None:
        config = current_app.config
        store = storage.storage_from_string(config["RATELIMIT_STORAGE_URI"])
        per_address = parse_many(config["LOGIN_RATE_LIMIT"])
        threshold = int(config.get("LDAP_LOCKOUT_THRESHOLD") or 0)
        if threshold > 0:
            window = max(int(config.get("LDAP_LOCKOUT_WINDOW_MINUTES") or 30), 1)
            per_account = [parse(f"{max(threshold - 2, 1)} per {window} minutes")]
        else:
            per_account = per_address
        ext = _Throttle(strategies.MovingWindowRateLimiter(store), per_address, per_account)
        current_app.extensions["portal.login_throttle"] = ext
    return ext


def _check(limits: list[RateLimitItem], key: str, *, per_account: bool) -> None:
    throttle = _throttle()
    for limit in limits:
        if not throttle.limiter.test(limit, "login", key):
            wait = max(1, round(limit.get_expiry() / 60))
            raise TooManyAttempts(wait, per_account=per_account)


def check_address(address: str) -> None:
    """Raise TooManyAttempts when this client address has failed too often."""
    _check(_throttle().per_address, f"addr:{address}", per_account=False)


def check_account(key: str) -> None:
    """Raise TooManyAttempts when this account (see ``Account.key``, ``name_key``) has failed too often."""
    _check(_throttle().per_account, f"acct:{key}", per_account=True)


def record_failure(keys: tuple[str, ...], address: str) -> None:
    """Count one failed sign-in for the account (under each of its keys) and the address."""
    throttle = _throttle()
    for key in keys:
        for limit in throttle.per_account:
            throttle.limiter.hit(limit, "login", f"acct:{key}")
    for limit in throttle.per_address:
        throttle.limiter.hit(limit, "login", f"addr:{address}")
