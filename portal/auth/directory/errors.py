"""What can go wrong when signing in through the directory."""

from __future__ import annotations


class DirectoryError(Exception):
    """Sign-in through the directory failed."""


class InvalidCredentials(DirectoryError):
    """Wrong or empty password, unknown, ambiguous, locked or left: the one generic answer.

    ``reason`` is for the log only, never for the person at the keyboard.
    """

    def __init__(self, message: str = "", *, reason: str = "invalid") -> None:
        super().__init__(message)
        self.reason = reason


class NoEntry(InvalidCredentials):
    """The directory has no entry for this username."""

    def __init__(self, message: str = "") -> None:
        super().__init__(message, reason="unknown")


class AccountUnusable(DirectoryError):
    """The password was proven right, but the account cannot be used now.

    ``reason`` is one of ``must_change_password``, ``password_expired``, ``account_expired``,
    ``disabled``: the person may be told, because they proved who they are.
    """

    def __init__(self, reason: str, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason = reason


class DirectoryUnavailable(DirectoryError):
    """The directory cannot be reached or used; the message says why (for the log)."""


class ServiceAccountRefused(DirectoryUnavailable):
    """The directory refused the service account's password: not tried again automatically,
    because every try counts toward locking the service account."""
