"""A directory entry as the portal sees it, and the checks on what is typed before any network call."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping

from .dn import normalise_dn
from .errors import InvalidCredentials

MAX_USERNAME_LENGTH = 256
MAX_PASSWORD_LENGTH = 1024

ROLE_GROUP_SETTINGS = {
    "reviewer": "LDAP_GROUP_REVIEWERS",
    "admin": "LDAP_GROUP_ADMINS",
    "top_official": "LDAP_GROUP_TOP_OFFICIALS",
    "high_risk": "LDAP_GROUP_HIGH_RISK",
    "integrity_officer": "LDAP_GROUP_INTEGRITY_OFFICERS",
    "confidential_adviser": "LDAP_GROUP_CONFIDENTIAL_ADVISERS",
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
    manager_dn: str | None = None  #: the manager's DN in one spelling (normalise_dn), or None


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


def to_directory_user(config: Mapping[str, Any], login_attribute: str, account: Account, groups: set[str],
                      typed_username: str) -> DirectoryUser:
    """The entry as the portal keeps it: attributes by the LDAP_ATTR_* settings, roles by group."""
    attributes = account.attributes

    def first(name: str | None) -> str | None:
        values = attributes.get(name.lower(), []) if name else []
        return next((value.strip() for value in values if value.strip()), None)

    def setting(key: str) -> str | None:
        return first(config.get(key))

    logins = attributes.get(login_attribute.lower(), [])
    # The login attribute may hold several values; keep the one that was typed.
    login = next((value for value in logins if value.lower() == typed_username.lower()), None)
    username = (login or first(login_attribute) or typed_username).strip().lower()
    full_name = " ".join(filter(None, (first("givenName"), first("sn"))))
    employee_type = setting("LDAP_ATTR_EMPLOYEE_TYPE")
    manager = setting("LDAP_ATTR_MANAGER")
    roles = frozenset(
        role for role, key in ROLE_GROUP_SETTINGS.items()
        if config.get(key) and normalise_dn(config[key]) in groups
    )
    return DirectoryUser(
        dn=account.dn,
        username=username,
        directory_id=account.directory_id,
        display_name=setting("LDAP_ATTR_DISPLAY_NAME") or full_name or username,
        email=setting("LDAP_ATTR_MAIL"),
        department=setting("LDAP_ATTR_DEPARTMENT"),
        job_title=setting("LDAP_ATTR_JOB_TITLE"),
        employee_type=employee_type.lower() if employee_type else None,
        employee_number=setting("LDAP_ATTR_EMPLOYEE_NUMBER"),
        roles=roles,
        manager_dn=manager_key(manager),
    )


def manager_key(manager: str | None) -> str | None:
    """The manager attribute's DN in the spelling ``User.dn_key`` uses; None when empty or not a DN."""
    if not manager:
        return None
    try:
        return normalise_dn(manager)[:1024] or None
    except Exception:  # noqa: BLE001 - ldap3 raises several kinds for a malformed DN; treat as no manager
        return None
