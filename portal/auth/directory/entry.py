"""A directory entry as the portal sees it, and the checks on what is typed before any network call."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from .errors import InvalidCredentials

MAX_USERNAME_LENGTH = 256
MAX_PASSWORD_LENGTH = 1024

ROLE_GROUP_SETTINGS = {
    "reviewer": "LDAP_GROUP_REVIEWERS",
    "admin": "LDAP_GROUP_ADMINS",
    "top_official": "LDAP_GROUP_TOP_OFFICIALS",
    "high_risk": "LDAP_GROUP_HIGH_RISK",
}


@dataclass(frozen=True)
class DirectoryUser:
    dn: str
    username: str  #: value of the login attribute, lower-cased
    directory_id: str | None  #: the stable id (objectGUID, entryUUID): the same person after a rename
    display_name: str  #: never empty
    email: str | None
    department: str | None
    job_title: str | None
    employee_type: str | None  #: lower-cased
    employee_number: str | None
    roles: frozenset[str]


@dataclass(frozen=True)
class Account:
    """An entry found by a search, before any bind: what the throttle and the sync need."""

    dn: str
    attributes: dict[str, list[str]]  #: decoded, keyed by lower-cased name
    directory_id: str | None
    username: str  #: the login attribute's value, lower-cased
    unusable: str | None = None  #: "disabled" or "account_expired" when AD's attributes say so

    @property
    def key(self) -> str:
        """What failed sign-ins are counted under: one budget per account, however it is spelt."""
        return f"id:{self.directory_id}" if self.directory_id else f"dn:{self.dn.lower()}"


def name_key(username: str) -> str:
    """One spelling of a typed name for counting failures when no entry was found.

    NFKC folds full-width and compatibility letters (``ｊｄｅｖｒｉｅｓ``), casefold folds case and
    ``ſ``; marks are dropped so that ``İ`` (I with a dot) and ``i`` count as one.
    """
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", username.strip()).casefold())
    return "name:" + unicodedata.normalize(
        "NFKC", "".join(char for char in folded if not unicodedata.combining(char)))[:MAX_USERNAME_LENGTH]


def checked_credentials(username: str, password: str) -> str:
    """The stripped username; raises InvalidCredentials before any network call for unusable input."""
    if not isinstance(username, str) or not isinstance(password, str):
        raise InvalidCredentials("username and password must be text")
    username = username.strip()
    if not username or len(username) > MAX_USERNAME_LENGTH:
        raise InvalidCredentials("empty or overlong username")
    if any(unicodedata.category(char) == "Cc" for char in username):
        raise InvalidCredentials("control character in username")
    # An empty password makes an "unauthenticated bind" that many servers accept.
    if not password.strip() or len(password) > MAX_PASSWORD_LENGTH or "\x00" in password:
        raise InvalidCredentials("empty or unusable password")
    return username


def decoded(raw_attributes: Mapping[str, Any]) -> dict[str, list[str]]:
    """Attribute values as text, keyed by lower-cased attribute name."""
    result: dict[str, list[str]] = {}
    for name, values in raw_attributes.items():
        if not isinstance(values, (list, tuple)):
            values = [values]
        result[name.lower()] = [
            value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value) for value in values
        ]
    return result
