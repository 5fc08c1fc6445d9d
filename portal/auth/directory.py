"""Directory client: checks a username and password against LDAP / Active Directory.

Sign-in takes a search with the service account (or anonymously), a bind as
the user that was found, and a search for the user's groups, nested groups
included. The defects that directory logins commonly have (see DOMAIN.md) are
guarded here: empty passwords, filter injection, awkward DNs, referrals, nested
groups, case, unverified TLS, missing timeouts, ambiguous entries and missing
attributes.
"""

from __future__ import annotations

import math
import os
import re
import ssl
import threading
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence, TypeVar
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from ldap3 import BASE, NONE, SUBTREE, SYNC, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import parse_dn

MAX_USERNAME_LENGTH = 256
MAX_PASSWORD_LENGTH = 1024
MAX_GROUP_DEPTH = 10
AD_CAPABILITY = "1.2.840.113556.1.4.800"  # LDAP_CAP_ACTIVE_DIRECTORY_OID
AD_IN_CHAIN = "1.2.840.113556.1.4.1941"  # LDAP_MATCHING_RULE_IN_CHAIN

# Bind results that mean "this user may not sign in" rather than "the directory is broken":
# constraintViolation (locked, expired), inappropriateAuthentication, invalidCredentials,
# insufficientAccessRights, unwillingToPerform (disabled).
_REFUSED_BIND = {19, 48, 49, 50, 53}
_SIZE_LIMIT_EXCEEDED = 4
_DN_ESCAPE = re.compile(rb"\\([0-9a-fA-F]{2}|.)", re.DOTALL)

T = TypeVar("T")

ROLE_GROUP_SETTINGS = {
    "reviewer": "LDAP_GROUP_REVIEWERS",
    "admin": "LDAP_GROUP_ADMINS",
    "top_official": "LDAP_GROUP_TOP_OFFICIALS",
    "high_risk": "LDAP_GROUP_HIGH_RISK",
}


@dataclass(frozen=True)
class DirectoryUser:
    dn: str
    username: str  #: value of the login attribute, lower-cased (the account key)
    display_name: str  #: never empty
    email: str | None
    department: str | None
    job_title: str | None
    employee_type: str | None  #: lower-cased
    employee_number: str | None
    roles: frozenset[str]


class DirectoryError(Exception):
    """Sign-in through the directory failed."""


class InvalidCredentials(DirectoryError):
    """Wrong or empty password, unknown or ambiguous username."""


class NoEntry(InvalidCredentials):
    """The directory has no entry for this username."""


class DirectoryUnavailable(DirectoryError):
    """The directory cannot be reached or used; the message says why (for the log)."""


_directories: dict[tuple, Directory] = {}


def get_directory(config: Mapping[str, Any]) -> Directory:
    """The directory client for ``config``; ``LDAP_URL = "demo"`` gives the built-in demo directory.

    Clients are kept per LDAP_* configuration, so that what they learn (whether
    the server is Active Directory, whether it failed just now) is learnt once per app.
    """
    settings = {key: value for key, value in config.items() if key.startswith("LDAP_")}
    key = tuple(sorted(settings.items()))
    # Kept with the app when there is one: what a client learns, and its circuit breaker, then
    # belong to that app (tests build many apps in one process).
    cache = current_app.extensions.setdefault("portal_directories", {}) if has_app_context() else _directories
    directory = cache.get(key)
    if directory is None:
        if str(settings.get("LDAP_URL", "")).strip().lower() == "demo":
            from .demo import DemoDirectory

            directory = DemoDirectory(settings)
        else:
            directory = Directory(settings)
        cache[key] = directory
    return directory


class Directory:
    client_strategy = SYNC

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self.url = str(self.config.get("LDAP_URL", "")).strip()
        self.timeout = float(self.config.get("LDAP_TIMEOUT") or 5)
        self.login_attribute = self.config.get("LDAP_LOGIN_ATTRIBUTE") or "uid"
        self._active_directory: bool | None = None  # learnt from the rootDSE on first use
        #: the circuit breaker: until this moment (time.monotonic) sign-ins do not try the directory
        self.retry_seconds = float(self.config.get("LDAP_RETRY_SECONDS") or 0)
        self._not_before = 0.0
        self._breaker = threading.Lock()
        pool_size = int(self.config.get("LDAP_POOL_SIZE", 4) or 0)
        #: bound connections kept for reuse: the service account's (searches) and one for users' binds
        self._service_pool = ConnectionPool(pool_size)
        self._bind_pool = ConnectionPool(pool_size)

    def authenticate(self, username: str, password: str) -> DirectoryUser:
        """The user whose username and password these are; raises InvalidCredentials or DirectoryUnavailable.

        After the directory failed, sign-ins fail at once for LDAP_RETRY_SECONDS and then one is
        let through to try again: a hanging directory ties up one request thread per process at
        a time, not every thread of every worker while people keep retrying.
        """
        username = _checked_credentials(username, password)
        self._pass_breaker()
        try:
            user = self._authenticate(username, password)
        except DirectoryUnavailable:
            self._trip_breaker()
            raise
        except InvalidCredentials:
            self._reset_breaker()  # the directory answered
            raise
        self._reset_breaker()
        return user

    def _pass_breaker(self) -> None:
        if not self.retry_seconds:
            return
        with self._breaker:
            now = time.monotonic()
            if now < self._not_before:
                raise DirectoryUnavailable(f"{self.url}: not tried: it failed less than "
                                           f"{self.retry_seconds:g} s ago")
            if self._not_before:
                # This one tries; the others keep failing at once until it is back (or has timed out).
                self._not_before = now + 2 * self.timeout + 1

    def _trip_breaker(self) -> None:
        if self.retry_seconds:
            with self._breaker:
                self._not_before = time.monotonic() + self.retry_seconds

    def _reset_breaker(self) -> None:
        if self._not_before:
            with self._breaker:
                self._not_before = 0.0

    def _authenticate(self, username: str, password: str) -> DirectoryUser:
        def work(service: Connection) -> DirectoryUser:
            dn, attributes = self._find_user(service, username)
            self._bind_user(dn, password)
            groups = self._groups_of(service, dn)
            # inside: a malformed role group DN in the configuration is an outage too
            return self._user(dn, attributes, groups, typed_username=username)

        return self._with_service(work)

    def existing_usernames(self, usernames: Sequence[str], *, batch_size: int = 100) -> set[str]:
        """Which of these usernames still have an entry (lower-cased); one search per batch.

        For the directory sync: a username without an entry belongs to someone who left.
        Raises DirectoryUnavailable when any search fails, so that a broken directory is
        never read as "everyone left".
        """
        found: set[str] = set()
        with self._service(reuse=False) as service:
            for start in range(0, len(usernames), batch_size):
                batch = usernames[start:start + batch_size]
                clauses = "".join(f"({self.login_attribute}={escape_filter_chars(name)})" for name in batch)
                entries = self._search(service, self.config["LDAP_USER_BASE"],
                                       f"(&{self._user_filter()}(|{clauses}))", [self.login_attribute])
                for entry in entries:
                    values = _decoded(entry.get("raw_attributes") or {}).get(self.login_attribute.lower(), [])
                    found.update(value.strip().lower() for value in values)
        return found

    def entry_of(self, username: str) -> DirectoryUser | None:
        """The entry and roles of ``username`` as a sign-in would find them, without a password.

        None when there is no entry; InvalidCredentials when there are several.
        """
        def work(service: Connection) -> DirectoryUser | None:
            try:
                dn, attributes = self._find_user(service, username)
            except NoEntry:
                return None
            groups = self._groups_of(service, dn)
            # inside: a malformed role group DN in the configuration is an outage too
            return self._user(dn, attributes, groups, typed_username=username)

        return self._with_service(work)

    def group_member_counts(self, group_dns: Sequence[str]) -> dict[str, int | None]:
        """How many people each group holds, nested groups resolved; None for a group not found.

        For the administrator's go-live checklist: one search reads every group below
        LDAP_GROUP_BASE, the nesting is resolved here. Raises DirectoryUnavailable.
        """
        base = self.config.get("LDAP_GROUP_BASE")
        members: dict[str, list[str]] = {}
        if base:
            def work(service: Connection) -> list[dict]:
                return self._search(service, base, "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)"
                                    "(objectClass=group))", ["member", "uniqueMember"])

            for entry in self._with_service(work):
                values = _decoded(entry.get("raw_attributes") or {})
                members[normalise_dn(entry["dn"])] = values.get("member", []) + values.get("uniquemember", [])
        counts: dict[str, int | None] = {}
        for group_dn in group_dns:
            key = normalise_dn(group_dn) if group_dn else ""
            if key not in members:
                counts[group_dn] = None
                continue
            people: set[str] = set()
            seen = {key}
            frontier = [key]
            for _level in range(MAX_GROUP_DEPTH):
                nested = []
                for group in frontier:
                    for member in map(normalise_dn, members[group]):
                        if member in members:
                            if member not in seen:
                                seen.add(member)
                                nested.append(member)
                        else:
                            people.add(member)
                frontier = nested
                if not frontier:
                    break
            counts[group_dn] = len(people)
        return counts

    def ping(self) -> None:
        """Raise DirectoryUnavailable unless the service account can bind (on a new connection)."""
        with self._service(reuse=False):
            pass

    # -- connections -----------------------------------------------------

    def _server(self) -> Server:
        tls = Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file=self.config.get("LDAP_CA_FILE") or None,
            sni=urlsplit(self.url).hostname,
        )
        return Server(self.url, tls=tls, connect_timeout=self.timeout, get_info=NONE)

    def _open(self, user: str | None, password: str | None) -> Connection:
        """An open, bound connection; the bind result is left for the caller to judge."""
        conn = Connection(
            self._server(), user=user, password=password, client_strategy=self.client_strategy,
            read_only=True, raise_exceptions=False, auto_referrals=False,
            # ldap3 packs the receive timeout as a C long on POSIX: whole seconds only.
            receive_timeout=max(1, math.ceil(self.timeout)),
        )
        try:
            conn.open()
            if self.config.get("LDAP_START_TLS") and not conn.server.ssl:
                conn.start_tls(read_server_info=False)
            conn.bind()
        except BaseException:
            _unbind(conn)
            raise
        return conn

    @contextmanager
    def _service(self, *, reuse: bool = True) -> Iterator[Connection]:
        """A bound service connection, kept for reuse afterwards when the ``with`` block went well
        (unbound when ``reuse`` is false or the pool is full); network and protocol errors in
        the block (also a malformed group DN in the configuration) become DirectoryUnavailable."""
        try:
            service = (self._service_pool.take() if reuse else None) or self._service_connection()
            try:
                yield service
            except InvalidCredentials:  # the directory answered: the connection is as good as before
                self._release(service, reuse)
                raise
            except BaseException:
                _unbind(service)
                raise
            self._release(service, reuse)
        except (LDAPException, OSError) as exc:
            raise DirectoryUnavailable(f"{self.url}: {type(exc).__name__}: {exc}") from exc

    def _release(self, service: Connection, reuse: bool) -> None:
        if reuse:
            self._service_pool.give(service)
        else:
            _unbind(service)

    def close(self) -> None:
        """Unbind the kept connections (tests, and an app that is shut down)."""
        self._service_pool.clear()
        self._bind_pool.clear()

    def _with_service(self, work: Callable[[Connection], T]) -> T:
        """``work(service)`` on a kept service connection, once more on a new one if a kept one failed fast.

        A kept connection may have been closed meanwhile (the directory restarted, or dropped
        idle connections): that fails at once and is no outage. A failure that took most of the
        timeout is not tried again, so that a hanging directory still costs one timeout.
        """
        reused = self._service_pool.has_idle() or self._bind_pool.has_idle()
        started = time.monotonic()
        try:
            with self._service() as service:
                return work(service)
        except DirectoryUnavailable:
            if not reused or time.monotonic() - started > self.timeout / 2:
                raise
        self.close()  # every kept connection may be as dead as the one that failed
        with self._service() as service:
            return work(service)

    def _service_connection(self) -> Connection:
        bind_dn = self.config.get("LDAP_BIND_DN") or None
        password = self.config.get("LDAP_BIND_PASSWORD") or ""
        if bind_dn and not password:
            # An empty password would turn into an unauthenticated bind.
            raise DirectoryUnavailable("service account password missing")
        conn = self._open(bind_dn, password if bind_dn else None)
        if not conn.bound:
            _unbind(conn)
            raise DirectoryUnavailable(f"{self.url}: service account bind failed: {_describe(conn)}")
        return conn

    def _bind_user(self, dn: str, password: str) -> None:
        """Bind as the user: on a kept connection that only ever binds (never searches), or a new one."""
        conn = self._bind_pool.take()
        try:
            if conn is not None:
                conn.rebind(user=dn, password=password)
            else:
                conn = self._open(dn, password)
        except BaseException:
            if conn is not None:
                _unbind(conn)
            raise
        conn.password = None  # not kept in memory with the connection
        bound = conn.bound
        description = _describe(conn)
        refused = conn.result.get("result") in _REFUSED_BIND
        if bound or refused:
            self._bind_pool.give(conn)  # after a refused bind the connection is anonymous: still usable
        else:
            _unbind(conn)
        if bound:
            return
        if refused:
            raise InvalidCredentials(f"bind refused for {dn}: {description}")
        raise DirectoryUnavailable(f"{self.url}: user bind failed: {description}")

    # -- searches --------------------------------------------------------

    def _search(self, conn: Connection, base: str, search_filter: str, attributes: list[str],
                *, scope: str = SUBTREE, size_limit: int = 0, allowed: tuple[int, ...] = (0,)) -> list[dict]:
        conn.search(base, search_filter, search_scope=scope, attributes=attributes, size_limit=size_limit)
        if conn.result.get("result") not in allowed:
            raise DirectoryUnavailable(f"{self.url}: search below {base!r} failed: {_describe(conn)}")
        # With referrals not chased, continuation references (searchResRef) are skipped.
        return [entry for entry in conn.response or [] if entry.get("type") == "searchResEntry"]

    def _user_filter(self) -> str:
        user_filter = (self.config.get("LDAP_USER_FILTER") or "objectClass=*").strip()
        return user_filter if user_filter.startswith("(") else f"({user_filter})"

    def _find_user(self, conn: Connection, username: str) -> tuple[str, dict[str, list[str]]]:
        search_filter = f"(&{self._user_filter()}({self.login_attribute}={escape_filter_chars(username)}))"
        attributes = [self.login_attribute, "givenName", "sn"]
        attributes += [self.config[key] for key in self.config if key.startswith("LDAP_ATTR_") and self.config[key]]
        entries = self._search(conn, self.config["LDAP_USER_BASE"], search_filter, attributes,
                               size_limit=2, allowed=(0, _SIZE_LIMIT_EXCEEDED))
        if not entries:
            raise NoEntry(f"no entry for {username!r}")
        if len(entries) > 1:
            raise InvalidCredentials(f"several entries for {username!r}")
        return entries[0]["dn"], _decoded(entries[0].get("raw_attributes") or {})

    def _groups_of(self, conn: Connection, dn: str) -> set[str]:
        """Normalised DNs of every group below LDAP_GROUP_BASE that holds ``dn``, directly or nested."""
        base = self.config.get("LDAP_GROUP_BASE")
        if not base:
            return set()
        if self._is_active_directory(conn):
            search_filter = f"(member:{AD_IN_CHAIN}:={escape_filter_chars(dn)})"
            return {normalise_dn(entry["dn"]) for entry in self._search(conn, base, search_filter, ["1.1"])}
        # Breadth-first, one search per level; `seen` guards against cycles.
        seen: set[str] = {normalise_dn(dn)}
        groups: set[str] = set()
        frontier = [dn]
        for _level in range(MAX_GROUP_DEPTH):
            clauses = "".join(
                f"(member={value})(uniqueMember={value})" for value in map(escape_filter_chars, frontier)
            )
            frontier = []
            for entry in self._search(conn, base, f"(|{clauses})", ["1.1"]):
                key = normalise_dn(entry["dn"])
                if key not in seen:
                    seen.add(key)
                    groups.add(key)
                    frontier.append(entry["dn"])
            if not frontier:
                break
        return groups

    def _is_active_directory(self, conn: Connection) -> bool:
        if self._active_directory is None:
            entries = self._search(conn, "", "(objectClass=*)", ["supportedCapabilities"], scope=BASE,
                                   allowed=(0, 32))
            capabilities = _decoded(entries[0].get("raw_attributes") or {}) if entries else {}
            self._active_directory = AD_CAPABILITY in capabilities.get("supportedcapabilities", [])
        return self._active_directory

    # -- result ----------------------------------------------------------

    def _user(self, dn: str, attributes: dict[str, list[str]], groups: set[str], *, typed_username: str) -> DirectoryUser:
        def first(name: str | None) -> str | None:
            values = attributes.get(name.lower(), []) if name else []
            return next((value.strip() for value in values if value.strip()), None)

        def setting(key: str) -> str | None:
            return first(self.config.get(key))

        logins = attributes.get(self.login_attribute.lower(), [])
        # The login attribute may hold several values; keep the one that was typed.
        login = next((value for value in logins if value.lower() == typed_username.lower()), None)
        username = (login or first(self.login_attribute) or typed_username).strip().lower()
        full_name = " ".join(filter(None, (first("givenName"), first("sn"))))
        employee_type = setting("LDAP_ATTR_EMPLOYEE_TYPE")
        roles = frozenset(
            role for role, key in ROLE_GROUP_SETTINGS.items()
            if self.config.get(key) and normalise_dn(self.config[key]) in groups
        )
        return DirectoryUser(
            dn=dn,
            username=username,
            display_name=setting("LDAP_ATTR_DISPLAY_NAME") or full_name or username,
            email=setting("LDAP_ATTR_MAIL"),
            department=setting("LDAP_ATTR_DEPARTMENT"),
            job_title=setting("LDAP_ATTR_JOB_TITLE"),
            employee_type=employee_type.lower() if employee_type else None,
            employee_number=setting("LDAP_ATTR_EMPLOYEE_NUMBER"),
            roles=roles,
        )


def normalise_dn(dn: str) -> str:
    """A DN in one spelling, for comparing: escapes resolved, case and spaces around values ignored."""
    parts = []
    for attribute, value, separator in parse_dn(dn, escape=False, strip=True):
        parts.append(f"{attribute.strip().lower()}={_unescape_dn_value(value).strip().lower()}")
        parts.append("+" if separator == "+" else ",")
    return "".join(parts[:-1])


def _unescape_dn_value(value: str) -> str:
    """Resolve ``\\,`` and ``\\2C`` style escapes (hex pairs are UTF-8 bytes)."""
    raw = _DN_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]) if len(m[1]) == 2 else m[1], value.encode("utf-8"))
    return raw.decode("utf-8", errors="replace")


def _checked_credentials(username: str, password: str) -> str:
    """The stripped username; InvalidCredentials before any network call for unusable input."""
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


def _decoded(raw_attributes: Mapping[str, list[bytes]]) -> dict[str, list[str]]:
    """Attribute values as text, keyed by lower-cased attribute name."""
    decoded: dict[str, list[str]] = {}
    for name, values in raw_attributes.items():
        if not isinstance(values, (list, tuple)):
            values = [values]
        decoded[name.lower()] = [
            value.decode("utf-8", errors="replace") if isinstance(value, bytes) else str(value) for value in values
        ]
    return decoded


def _describe(conn: Connection) -> str:
    result = conn.result or {}
    message = result.get("message") or ""
    return f"{result.get('description', 'no result')} ({result.get('result')}){': ' + message if message else ''}"


class ConnectionPool:
    """Bound connections kept for reuse by the threads of one process: at most ``size`` idle ones,
    none kept longer than ``MAX_IDLE_SECONDS`` idle (directories drop idle connections; Active
    Directory after 15 minutes). A process made by fork does not use its parent's connections.
    """

    MAX_IDLE_SECONDS = 60.0

    def __init__(self, size: int) -> None:
        self.size = size
        self._idle: list[tuple[float, Connection]] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def has_idle(self) -> bool:
        return bool(self._idle) and self._pid == os.getpid()

    def take(self) -> Connection | None:
        if not self.size:
            return None
        stale: list[Connection] = []
        found = None
        with self._lock:
            if self._pid != os.getpid():  # forked: the sockets are the parent's
                self._idle, self._pid = [], os.getpid()
            now = time.monotonic()
            while self._idle:
                since, conn = self._idle.pop()
                if now - since <= self.MAX_IDLE_SECONDS:
                    found = conn
                    break
                stale.append(conn)
            if found is None:  # the rest is older still
                stale.extend(conn for _since, conn in self._idle)
                self._idle = []
        for conn in stale:
            _unbind(conn)
        return found

    def give(self, conn: Connection) -> None:
        stale: list[Connection] = []
        kept = False
        if self.size and not conn.closed:
            with self._lock:
                now = time.monotonic()
                while self._idle and now - self._idle[0][0] > self.MAX_IDLE_SECONDS:
                    stale.append(self._idle.pop(0)[1])  # the oldest first: no slot held by a stale one
                if len(self._idle) < self.size and self._pid == os.getpid():
                    self._idle.append((now, conn))
                    kept = True
        for old in stale:
            _unbind(old)
        if not kept:
            _unbind(conn)

    def clear(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _since, conn in idle:
            _unbind(conn)


def _unbind(conn: Connection) -> None:
    try:
        conn.unbind()
    except (LDAPException, OSError):
        pass  # the connection is being dropped anyway
