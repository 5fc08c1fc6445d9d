"""The demo directory: an in-process ldap3 mock server loaded from an LDIF file.

For development only (production refuses ``LDAP_URL = demo``). The mock is
built once per process and LDIF file and then only read, so concurrent
requests of the development server can share it.
"""

from __future__ import annotations

import base64
import threading
from pathlib import Path
from typing import Any, Iterator, Mapping

from ldap3 import MOCK_SYNC, NONE, Connection, Server
from ldap3.utils.dn import escape_rdn, parse_dn

from .client import Directory
from .dn import unescape_dn_value
from .errors import InvalidCredentials

DEFAULT_LDIF = Path(__file__).with_name("demo_directory.ldif")

# Attributes holding DNs: stored in one spelling, because the mock compares them as strings.
DN_ATTRIBUTES = {"member", "uniquemember", "owner", "manager", "seealso", "secretary"}

_servers: dict[Path, Server] = {}
_servers_lock = threading.Lock()


class LdifError(ValueError):
    """The LDIF file cannot be read as a list of entries."""


class DemoDirectory(Directory):
    """Directory backed by the mock server; searches anonymously, never over the network."""

    client_strategy = MOCK_SYNC

    def __init__(self, config: Mapping[str, Any]) -> None:
        super().__init__({**config, "LDAP_BIND_DN": "", "LDAP_BIND_PASSWORD": "", "LDAP_START_TLS": False,
                          "LDAP_ID_ATTRIBUTE": ""})
        self.url = "demo"
        self.ldif_path = Path(config.get("LDAP_DEMO_LDIF") or DEFAULT_LDIF)
        self._root = {"ad": False}  # the mock has no rootDSE and no extensible match

    def _server(self) -> Server:
        return demo_server(self.ldif_path)

    def _bind(self, dn: str, password: str, server: Server | None = None) -> None:
        super()._bind(dn, password, server)
        # The mock compares passwords case-insensitively; the real thing does not.
        stored = demo_server(self.ldif_path).dit.get(dn, {}).get("userPassword", [])
        if password.encode("utf-8") not in stored:
            raise InvalidCredentials(f"bind refused for {dn}: invalid credentials")


def demo_server(ldif_path: str | Path) -> Server:
    """The mock server for ``ldif_path``, built on first use."""
    path = Path(ldif_path).resolve()
    with _servers_lock:
        server = _servers.get(path)
        if server is None:
            server = Server("demo-directory", get_info=NONE)
            loader = Connection(server, client_strategy=MOCK_SYNC)
            for dn, attributes in parse_ldif(path.read_text(encoding="utf-8")):
                for name in attributes:
                    if name.lower() in DN_ATTRIBUTES:
                        attributes[name] = [canonical_dn(value) for value in attributes[name]]
                if not loader.strategy.add_entry(canonical_dn(dn), attributes):
                    raise LdifError(f"{path}: cannot add {dn!r} (duplicate?)")
            _servers[path] = server
    return server


def canonical_dn(dn: str) -> str:
    """``dn`` with every value escaped the same way, case kept."""
    return ",".join(
        f"{attribute.strip()}={escape_rdn(unescape_dn_value(value).strip())}"
        for attribute, value, _separator in parse_dn(dn, escape=False, strip=True)
    )


def parse_ldif(text: str) -> Iterator[tuple[str, dict[str, list[str | bytes]]]]:
    """Yield ``(dn, {attribute: [values]})`` for each content record of an LDIF text (RFC 2849)."""
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith(" ") and lines:
            lines[-1] += line[1:]  # folded line
        else:
            lines.append(line)
    record: list[tuple[str, str | bytes]] = []
    for line in [*lines, ""]:
        if line.startswith("#"):
            continue
        if line.strip():
            record.append(_parse_line(line))
            continue
        if record and record[0][0].lower() == "version":
            record.pop(0)
        if record:
            yield _entry(record)
        record = []


def _parse_line(line: str) -> tuple[str, str | bytes]:
    name, separator, rest = line.partition(":")
    if not separator or not name.strip():
        raise LdifError(f"not an LDIF line: {line!r}")
    if rest.startswith(":"):
        raw = base64.b64decode(rest[1:].strip(), validate=True)
        try:
            return name.strip(), raw.decode("utf-8")
        except UnicodeDecodeError:
            return name.strip(), raw
    if rest.startswith("<"):
        raise LdifError(f"URL values are not supported: {line!r}")
    return name.strip(), rest.lstrip(" ")


def _entry(record: list[tuple[str, str | bytes]]) -> tuple[str, dict[str, list[str | bytes]]]:
    (first, dn), rest = record[0], record[1:]
    if first.lower() != "dn" or not isinstance(dn, str):
        raise LdifError(f"record does not start with a dn: {record[0]!r}")
    attributes: dict[str, list[str | bytes]] = {}
    for name, value in rest:
        if name.lower() == "changetype":
            raise LdifError(f"{dn}: only content records are supported, not changes")
        attributes.setdefault(name, []).append(value)
    return dn, attributes
