"""Directory client: checks a username and password against LDAP / Active Directory.

Sign-in takes a search with the service account (or anonymously), a bind as the user that
was found (on a connection of its own, unbound right after), and a look-up of the user's
groups, nested groups included. Every sign-in and every search opens new connections and
unbinds them: nothing is kept between requests. The defects that directory logins commonly
have (see DOMAIN.md) are guarded here: empty passwords, filter injection, awkward DNs,
referrals, nested groups, case, unverified TLS, missing timeouts, ambiguous entries and
missing attributes.
"""

from __future__ import annotations

import logging
import math
import secrets
import ssl
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Callable, Iterator, Mapping, Sequence
from urllib.parse import urlsplit

from ldap3 import NONE, SUBTREE, SYNC, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException, LDAPSASLPrepError
from ldap3.utils.conv import escape_filter_chars

from portal.core.time import utcnow

from . import ad
from .breaker import CircuitBreaker
from .entry import (
    ROLE_GROUP_SETTINGS,
    Account,
    DirectoryUser,
    Listed,
    checked_credentials,
    decoded,
    name_key,
    to_directory_user,
)
from .errors import AccountUnusable, DirectoryUnavailable, InvalidCredentials, NoEntry, ServiceAccountRefused
from .dn import normalise_dn
from .groups import count_people, nested_groups, people_in

# Bind results that mean "this user may not sign in" rather than "the directory is broken":
# constraintViolation (locked, expired), inappropriateAuthentication, invalidCredentials,
# insufficientAccessRights, unwillingToPerform (disabled).
_REFUSED_BIND = {19, 48, 49, 50, 53}
_INVALID_CREDENTIALS = 49
_SIZE_LIMIT_EXCEEDED = 4
#: the simple paged results control (RFC 2696)
_PAGED_RESULTS = "1.2.840.113556.1.4.319"

log = logging.getLogger("portal.auth")

#: called with the account key (and the entry, when one was found) before the password is tried
BeforeBind = Callable[[str, "Account | None"], None]
#: called after the password was proven right, before roles are read; may refuse (InvalidCredentials)
AfterBind = Callable[[Account], None]


class Directory:
    client_strategy = SYNC

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = dict(config)
        self.url = str(self.config.get("LDAP_URL", "")).strip()
        self.timeout = float(self.config.get("LDAP_TIMEOUT") or 5)
        self.login_attribute = self.config.get("LDAP_LOGIN_ATTRIBUTE") or "uid"
        self.id_attribute = (self.config.get("LDAP_ID_ATTRIBUTE") or "").strip()
        self.breaker = CircuitBreaker(float(self.config.get("LDAP_RETRY_SECONDS") or 0), self.timeout, self.url)
        #: learnt from the rootDSE on first use: whether this is AD, and its domain names
        self._root: dict[str, Any] | None = None
        self._role_sids: dict[str, bytes] | None = None
        #: set when the directory refused the service account's password: never tried again
        self.service_refused: str | None = None

    # -- what the portal asks --------------------------------------------

    def authenticate(self, username: str, password: str, *, before_bind: BeforeBind | None = None,
                     after_bind: AfterBind | None = None) -> DirectoryUser:
        """The user whose username and password these are.

        Raises InvalidCredentials (the generic refusal), AccountUnusable (the password was right
        but the account cannot be used now) or DirectoryUnavailable. Every refusal that does not
        prove the password does the same work: a search, ``before_bind``, one bind.
        """
        username = checked_credentials(username, password)
        with self._guarded() as service:
            try:
                account = self._find_account(service, username)
            except NoEntry:
                if before_bind:
                    before_bind(name_key(username), None)
                # The same work as a wrong password, so that time does not tell whether a name exists.
                try:
                    self._bind(f"cn=portal-no-such-account-{secrets.token_hex(4)},{self.config['LDAP_USER_BASE']}",
                               password, service.server)
                except (InvalidCredentials, AccountUnusable):
                    pass
                raise
            if before_bind:
                before_bind(account.key, account)
            self._bind(account.dn, password, service.server)
            if account.unusable:  # AD refuses these binds itself; a server that did not still may not sign in
                raise AccountUnusable(account.unusable, f"{account.dn}: {account.unusable}")
            if after_bind:
                after_bind(account)
            return self._user(account, self._groups_of(service, account), typed_username=username)

    def entry_of(self, username: str) -> DirectoryUser | None:
        """The entry and roles of ``username`` as a sign-in would find them, without a password.

        None when there is no entry; InvalidCredentials when there are several.
        """
        with self._guarded() as service:
            try:
                account = self._find_account(service, username)
            except NoEntry:
                return None
            return self._user(account, self._groups_of(service, account), typed_username=username)

    def everyone(self, now: datetime | None = None) -> list[Listed]:
        """Every person the user filter finds below the user base, with their roles: for the directory sync.

        One paged search reads the entries; the role groups are read once for everyone (below
        LDAP_GROUP_BASE, nested groups resolved; on AD by the in-chain rule, the primary group
        included), not per person. Left out: entries without a login name, a login name that
        several entries share (nobody can sign in with it), and the portal's own service account.
        Raises DirectoryUnavailable when any search fails, so that a broken directory is never
        read as "everyone left".
        """
        now = now or utcnow()
        with self._guarded(breaker=False) as service:
            entries = self._paged_search(
                service, self.config["LDAP_USER_BASE"], f"(&{self._user_filter()}({self.login_attribute}=*))",
                self._account_attributes())
            if self._is_active_directory(service):
                role_members, primary_rids = self._ad_role_members(service)
            else:
                role_members, primary_rids = self._role_members(service), {}
        service_dn = normalise_dn(self.config["LDAP_BIND_DN"]) if self.config.get("LDAP_BIND_DN") else None
        accounts: dict[str, list[tuple[Account, str]]] = {}
        for entry in entries:
            account = self._account(entry, now)
            key = normalise_dn(account.dn)
            if account.username and key != service_dn:
                accounts.setdefault(account.username, []).append((account, key))
        listed = []
        for username, found in accounts.items():
            if len(found) > 1:
                log.warning("directory sync: %d entries share the login name %s; none imported", len(found), username)
                continue
            account, key = found[0]
            groups = {group for group, people in role_members.items() if key in people}
            primary = (account.attributes.get("primarygroupid") or [""])[0]
            groups |= {group for group, rids in primary_rids.items() if primary in rids}
            listed.append(Listed(self._user(account, groups, typed_username=username), account.unusable))
        return listed

    def group_member_counts(self, group_dns: Sequence[str]) -> dict[str, int | None]:
        """How many people each group holds, nested groups resolved; None for a group not found.

        For the administrator's go-live checklist: one search reads every group below
        LDAP_GROUP_BASE. Raises DirectoryUnavailable.
        """
        members: dict[str, list[str]] = {}
        if self.config.get("LDAP_GROUP_BASE"):
            with self._guarded(breaker=False) as service:
                members = self._all_groups(service)
        return {dn: count_people(members, dn) for dn in group_dns}

    def ping(self) -> None:
        """Raise DirectoryUnavailable unless the service account can bind."""
        with self._guarded(breaker=False):
            pass

    def close(self) -> None:
        """Nothing is kept between requests; kept for callers that tidy up."""

    # -- connections -----------------------------------------------------

    @contextmanager
    def _guarded(self, *, breaker: bool = True) -> Iterator[Connection]:
        """A bound service connection for the ``with`` block, unbound after it, behind the breaker.

        Network and protocol errors (also a malformed group DN in the configuration) become
        DirectoryUnavailable and open the breaker; an answer (even a refusal) closes it.
        """
        if self.service_refused:
            raise ServiceAccountRefused(self.service_refused)
        if breaker:
            self.breaker.enter()
        try:
            service = self._service_connection()
            try:
                yield service
            finally:
                _unbind(service)
        except (LDAPException, OSError) as exc:
            self.breaker.trip()
            raise DirectoryUnavailable(f"{self.url}: {type(exc).__name__}: {exc}") from exc
        except ServiceAccountRefused:
            raise
        except DirectoryUnavailable:
            self.breaker.trip()
            raise
        except BaseException:
            self.breaker.reset()  # the directory answered
            raise
        self.breaker.reset()

    def _server(self) -> Server:
        tls = Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file=self.config.get("LDAP_CA_FILE") or None,
            sni=urlsplit(self.url).hostname,
        )
        return Server(self.url, tls=tls, connect_timeout=self.timeout, get_info=NONE)

    def _open(self, user: str | None, password: str | None, server: Server | None = None) -> Connection:
        """An open connection after a bind attempt; the bind result is left for the caller to judge.

        ``server``: the service connection's, for the user's bind (one address look-up per sign-in).
        """
        conn = Connection(
            server or self._server(), user=user, password=password, client_strategy=self.client_strategy,
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

    def _service_connection(self) -> Connection:
        bind_dn = self.config.get("LDAP_BIND_DN") or None
        password = self.config.get("LDAP_BIND_PASSWORD") or ""
        if bind_dn and not password:
            # An empty password would turn into an unauthenticated bind.
            raise DirectoryUnavailable("service account password missing")
        conn = self._open(bind_dn, password if bind_dn else None)
        if conn.bound:
            return conn
        description = _describe(conn)
        refused = conn.result.get("result") == _INVALID_CREDENTIALS
        _unbind(conn)
        if refused and bind_dn:
            # Trying again would count toward locking the service account: stop until the
            # configuration changes or an administrator retries (flask portal retry-directory).
            self.service_refused = f"{self.url}: the service account's password was refused: {description}"
            raise ServiceAccountRefused(self.service_refused)
        raise DirectoryUnavailable(f"{self.url}: service account bind failed: {description}")

    def _bind(self, dn: str, password: str, server: Server | None = None) -> None:
        """Bind as the user on a connection of its own; raise unless the password is right."""
        try:
            conn = self._open(dn, password, server)
        except LDAPSASLPrepError as exc:  # a control character: no directory accepts it as a password
            raise InvalidCredentials(f"unusable password for {dn}: {exc}", reason="unusable_password") from exc
        try:
            conn.password = None  # not kept in memory with the connection
            if conn.bound:
                return
            description = _describe(conn)
            if conn.result.get("result") not in _REFUSED_BIND:
                raise DirectoryUnavailable(f"{self.url}: user bind failed: {description}")
            reason, proven = ad.bind_refusal(conn.result.get("message") or "")
        finally:
            _unbind(conn)
        if proven:
            raise AccountUnusable(reason, f"bind refused for {dn}: {description}")
        raise InvalidCredentials(f"bind refused for {dn}: {description}", reason=reason)

    # -- searches --------------------------------------------------------

    def _search(self, conn: Connection, base: str, search_filter: str, attributes: list[str],
                *, scope: str = SUBTREE, size_limit: int = 0, allowed: tuple[int, ...] = (0,)) -> list[dict]:
        conn.search(base, search_filter, search_scope=scope, attributes=attributes, size_limit=size_limit)
        if conn.result.get("result") not in allowed:
            raise DirectoryUnavailable(f"{self.url}: search below {base!r} failed: {_describe(conn)}")
        # With referrals not chased, continuation references (searchResRef) are skipped.
        return [entry for entry in conn.response or [] if entry.get("type") == "searchResEntry"]

    def _paged_search(self, conn: Connection, base: str, search_filter: str, attributes: list[str],
                      *, page_size: int = 500) -> list[dict]:
        """Every entry of a subtree search, page by page (AD answers at most 1,000 per search without paging)."""
        found: list[dict] = []
        cookie: bytes | None = None
        while True:
            conn.search(base, search_filter, search_scope=SUBTREE, attributes=attributes, paged_size=page_size,
                        paged_cookie=cookie)
            if conn.result.get("result") != 0:
                raise DirectoryUnavailable(f"{self.url}: search below {base!r} failed: {_describe(conn)}")
            found.extend(entry for entry in conn.response or [] if entry.get("type") == "searchResEntry")
            control = (conn.result.get("controls") or {}).get(_PAGED_RESULTS) or {}
            cookie = (control.get("value") or {}).get("cookie")
            if not cookie:
                return found

    def _all_groups(self, conn: Connection) -> dict[str, list[str]]:
        """Every group below LDAP_GROUP_BASE (normalised DN) with its member DNs, in one paged search."""
        entries = self._paged_search(conn, self.config["LDAP_GROUP_BASE"],
                                     "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))",
                                     ["member", "uniqueMember"])
        members: dict[str, list[str]] = {}
        for entry in entries:
            values = decoded(entry.get("raw_attributes") or {})
            members[normalise_dn(entry["dn"])] = values.get("member", []) + values.get("uniquemember", [])
        return members

    def _role_members(self, conn: Connection) -> dict[str, set[str]]:
        """Each configured role group (normalised DN) with the people it holds, nested groups resolved."""
        role_groups = [normalise_dn(self.config[key]) for key in ROLE_GROUP_SETTINGS.values() if self.config.get(key)]
        if not role_groups or not self.config.get("LDAP_GROUP_BASE"):
            return {}
        members = self._all_groups(conn)
        return {group: people_in(members, group) or set() for group in role_groups}

    def _ad_role_members(self, conn: Connection) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """AD: each role group's people by the in-chain rule, and the primary group ids that give the role.

        ``tokenGroups`` (what sign-in reads) holds the primary group too, which ``member`` never
        lists: a person whose ``primaryGroupID`` is the role group, or a group nested in it, has the role.
        """
        base = self.config["LDAP_USER_BASE"]
        naming = (self._root or {}).get("naming") or base
        members: dict[str, set[str]] = {}
        rids: dict[str, set[str]] = {}
        for key in ROLE_GROUP_SETTINGS.values():
            dn = self.config.get(key)
            if not dn:
                continue
            in_chain = f"(memberOf:{ad.AD_IN_CHAIN}:={escape_filter_chars(dn)})"
            people = self._paged_search(conn, base, f"(&{self._user_filter()}{in_chain})", ["1.1"])
            members[normalise_dn(dn)] = {normalise_dn(entry["dn"]) for entry in people}
            groups = self._search(conn, naming, f"(&(objectClass=group)(|{in_chain}(distinguishedName="
                                                f"{escape_filter_chars(dn)})))", ["objectSid"])
            rids[normalise_dn(dn)] = {rid for rid in map(ad.relative_id, groups) if rid}
        return members, rids

    def _user_filter(self) -> str:
        user_filter = (self.config.get("LDAP_USER_FILTER") or "objectClass=*").strip()
        return user_filter if user_filter.startswith("(") else f"({user_filter})"

    def _account_attributes(self) -> list[str]:
        attributes = [self.login_attribute, "givenName", "sn", "userAccountControl", "accountExpires",
                      "objectSid", "primaryGroupID"]
        if self.id_attribute:
            attributes.append(self.id_attribute)
        return attributes + [self.config[key] for key in self.config if key.startswith("LDAP_ATTR_") and self.config[key]]

    def _login_clause(self, conn: Connection, username: str) -> str:
        if self._is_active_directory(conn):
            root = self._root or {}
            clause = ad.logon_name_clauses(username, self.login_attribute, root.get("netbios"), root.get("dns_domain"))
            if clause:
                return clause
        return f"({self.login_attribute}={escape_filter_chars(username)})"

    def _find_account(self, conn: Connection, username: str) -> Account:
        search_filter = f"(&{self._user_filter()}{self._login_clause(conn, username)})"
        entries = self._search(conn, self.config["LDAP_USER_BASE"], search_filter, self._account_attributes(),
                               size_limit=2, allowed=(0, _SIZE_LIMIT_EXCEEDED))
        if not entries:
            raise NoEntry(f"no entry for {username!r}")
        if len(entries) > 1:
            raise InvalidCredentials(f"several entries for {username!r}", reason="ambiguous")
        return self._account(entries[0])

    def _account(self, entry: dict, now: datetime | None = None) -> Account:
        raw = entry.get("raw_attributes") or {}
        attributes = decoded(raw)
        directory_id = None
        if self.id_attribute:
            values = next((v for k, v in raw.items() if k.lower() == self.id_attribute.lower()), None)
            if values:
                directory_id = ad.id_from_raw(values[0] if isinstance(values, (list, tuple)) else values)
        login = next((v.strip().lower() for v in attributes.get(self.login_attribute.lower(), []) if v.strip()), "")
        unusable = ad.unusable_reason(attributes, now or utcnow()) if "useraccountcontrol" in attributes else None
        return Account(dn=entry["dn"], attributes=attributes, directory_id=directory_id, username=login,
                       unusable=unusable)

    def _groups_of(self, conn: Connection, account: Account) -> set[str]:
        """Normalised DNs of the role groups that hold the account: nested, and on AD the primary group too."""
        if self._is_active_directory(conn):
            return self._ad_role_groups(conn, account)
        base = self.config.get("LDAP_GROUP_BASE")
        if not base:
            return set()
        return nested_groups(lambda f: self._search(conn, base, f, ["1.1"]), account.dn)

    def _ad_role_groups(self, conn: Connection, account: Account) -> set[str]:
        """AD: the user's ``tokenGroups`` against the role groups' ``objectSid`` (learnt once)."""
        if self._role_sids is None:
            dns = [self.config[key] for key in ROLE_GROUP_SETTINGS.values() if self.config.get(key)]
            self._role_sids = ad.role_group_sids(self._searcher(conn), dns)
        return ad.role_groups_in_token(self._searcher(conn), account.dn, self._role_sids)

    def _is_active_directory(self, conn: Connection) -> bool:
        if self._root is None:
            self._root = ad.read_root(self._searcher(conn))
        return bool(self._root["ad"])

    def _searcher(self, conn: Connection) -> ad.Search:
        def search(base: str, search_filter: str, attributes: list[str], scope: str = SUBTREE,
                   allowed: tuple[int, ...] = (0,)) -> list[dict]:
            return self._search(conn, base, search_filter, attributes, scope=scope, allowed=allowed)
        return search

    # -- result ----------------------------------------------------------

    def _user(self, account: Account, groups: set[str], *, typed_username: str) -> DirectoryUser:
        return to_directory_user(self.config, self.login_attribute, account, groups, typed_username)


def _describe(conn: Connection) -> str:
    result = conn.result or {}
    message = result.get("message") or ""
    return f"{result.get('description', 'no result')} ({result.get('result')}){': ' + message if message else ''}"


def _unbind(conn: Connection) -> None:
    try:
        conn.unbind()
    except (LDAPException, OSError):
        pass  # the connection is being dropped anyway
