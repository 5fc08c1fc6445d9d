"""Distinguished names: one spelling for comparing, whatever the escaping."""

from __future__ import annotations

import re

from ldap3.utils.dn import parse_dn

_DN_ESCAPE = re.compile(rb"\\([0-9a-fA-F]{2}|.)", re.DOTALL)


def normalise_dn(dn: str) -> str:
    """A DN in one spelling, for comparing: escapes resolved, case and spaces around values ignored."""
    parts = []
    for attribute, value, separator in parse_dn(dn, escape=False, strip=True):
        parts.append(f"{attribute.strip().lower()}={unescape_dn_value(value).strip().lower()}")
        parts.append("+" if separator == "+" else ",")
    return "".join(parts[:-1])


def unescape_dn_value(value: str) -> str:
    """Resolve ``\\,`` and ``\\2C`` style escapes (hex pairs are UTF-8 bytes)."""
    raw = _DN_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]) if len(m[1]) == 2 else m[1], value.encode("utf-8"))
    return raw.decode("utf-8", errors="replace")
