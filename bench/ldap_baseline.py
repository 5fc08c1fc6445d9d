"""The sign-in baseline: a bare ldap3 script doing the directory operations a portal sign-in does.

One cycle: open a connection and bind as the service account, search the user's entry, open
a second connection and bind as that entry with the password, look up the user's groups
(nested: one search per level, as the portal does, until a level finds nothing new), unbind
both. The portal adds the HTTP request, the form, the database update, the audit line and
the session; the target is that it costs at most twice this.

Concurrency comes from separate processes (as gunicorn's workers are), each running
cycles back to back for the given time.
"""

from __future__ import annotations

import multiprocessing
import statistics
import socket
import struct
import time
from dataclasses import dataclass

from ldap3 import NONE, SUBTREE, Connection, Server
from ldap3.utils.conv import escape_filter_chars


#: what the portal's search asks for with the benchmark's settings (``Directory._account_attributes``:
#: the login name, AD's account state and ids, the stable id, the LDAP_ATTR_* columns)
ATTRIBUTES = ["uid", "givenName", "sn", "userAccountControl", "accountExpires", "objectSid", "primaryGroupID",
              "entryUUID", "cn", "mail", "ou", "title", "employeeType", "employeeNumber", "manager"]


@dataclass
class BaselineResult:
    clients: int
    cycles: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    other_cpu: float = 0.0  #: share of the machine's CPU that other processes used meanwhile

    @property
    def rps(self) -> float:
        return self.cycles / self.duration_s if self.duration_s else 0.0


def search_and_bind(url: str, service_dn: str, service_password: str, user_base: str,
                    username: str, password: str, group_base: str = "") -> None:
    server = Server(url, get_info=NONE, connect_timeout=5)
    service = Connection(server, service_dn, service_password, read_only=True, receive_timeout=5)
    try:
        if not service.bind():
            raise RuntimeError(f"service bind failed: {service.result}")
        service.search(user_base, f"(&(objectClass=inetOrgPerson)(uid={escape_filter_chars(username)}))",
                       search_scope=SUBTREE, attributes=ATTRIBUTES, size_limit=2)
        entries = [e for e in service.response or [] if e.get("type") == "searchResEntry"]
        if len(entries) != 1:
            raise RuntimeError(f"{len(entries)} entries for {username}")
        user = Connection(server, entries[0]["dn"], password, read_only=True, receive_timeout=5)
        try:
            if not user.bind():
                raise RuntimeError(f"user bind failed for {username}: {user.result}")
        finally:
            _close_without_time_wait(user)
        if group_base:
            _groups(service, group_base, entries[0]["dn"])
    finally:
        _close_without_time_wait(service)


def _groups(conn: Connection, base: str, dn: str) -> set[str]:
    """The groups holding ``dn``, directly or nested: one search per level, as the portal does."""
    seen, groups, frontier = {dn.lower()}, set(), [dn]
    for _level in range(10):  # the portal's MAX_GROUP_DEPTH
        clauses = "".join(f"(member={v})(uniqueMember={v})" for v in map(escape_filter_chars, frontier))
        conn.search(base, f"(|{clauses})", search_scope=SUBTREE, attributes=["1.1"])
        frontier = []
        for entry in conn.response or []:
            if entry.get("type") == "searchResEntry" and entry["dn"].lower() not in seen:
                seen.add(entry["dn"].lower())
                groups.add(entry["dn"])
                frontier.append(entry["dn"])
        if not frontier:
            break
    return groups


def _close_without_time_wait(conn: Connection) -> None:
    """Unbind, then reset rather than close the socket: at 1,000 cycles a second and more, the
    closed sockets waiting out TIME_WAIT (60 s) use up the loopback's 28,000 ephemeral ports
    and connecting fails with EADDRINUSE. A real client on its own machine would not share them."""
    sock = getattr(conn, "socket", None)
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    conn.unbind()


def _worker(args: tuple) -> list[float]:
    url, service_dn, service_password, user_base, group_base, credentials, offset, deadline = args
    latencies = []
    i = offset
    while time.time() < deadline:
        username, password = credentials[i % len(credentials)]
        started = time.perf_counter()
        try:
            search_and_bind(url, service_dn, service_password, user_base, username, password, group_base)
        except Exception as exc:  # noqa: BLE001 - ldap3's exceptions do not pickle: report the text
            raise RuntimeError(f"cycle {i - offset} of client {offset // 37}: {type(exc).__name__}: {exc}") from None
        latencies.append(time.perf_counter() - started)
        i += 1
    return latencies


def measure(url: str, service_dn: str, service_password: str, user_base: str,
            credentials: list[tuple[str, str]], clients: int, duration: float, group_base: str = "") -> BaselineResult:
    """``clients`` processes doing search-and-bind cycles back to back for ``duration`` seconds."""
    # warm up (connection set-up paths, slapd caches) before timing
    for username, password in credentials[:20]:
        search_and_bind(url, service_dn, service_password, user_base, username, password, group_base)
    context = multiprocessing.get_context("fork")
    pool = context.Pool(clients)
    try:
        started = time.time()
        deadline = started + duration
        jobs = [(url, service_dn, service_password, user_base, group_base, credentials, n * 37, deadline)
                for n in range(clients)]
        results = pool.map(_worker, jobs)
        elapsed = time.time() - started
    finally:
        pool.close()
        pool.join()  # reaped, so that their CPU time counts as the benchmark's own
    latencies = sorted(lat for chunk in results for lat in chunk)
    return BaselineResult(
        clients=clients,
        cycles=len(latencies),
        duration_s=elapsed,
        p50_ms=_percentile(latencies, 50) * 1000,
        p95_ms=_percentile(latencies, 95) * 1000,
        p99_ms=_percentile(latencies, 99) * 1000,
    )


def _percentile(sorted_values: list[float], pct: float) -> float:
    if not sorted_values:
        return 0.0
    if len(sorted_values) == 1:
        return sorted_values[0]
    return statistics.quantiles(sorted_values, n=100, method="inclusive")[int(pct) - 1]
