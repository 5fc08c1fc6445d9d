"""Distinguished names: one spelling for comparing, whatever the escaping."""

from __future__ import annotations

import re
from functools import lru_cache

from ldap3.utils.dn import parse_dn

_DN_ESCAPE = re.compile(rb"\\([0-9a-fA-F]{2}|.)", re.DOTALL)
#: characters that need ldap3's full parser: escapes, quotes, multi-valued RDNs, old separators, hex values
_NOT_PLAIN = re.compile(r'[\\"+;<>#]')
_ATTRIBUTE_TYPE = re.compile(r"\s*(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)\s*")


@lru_cache(maxsize=65536)
def normalise_dn(dn: str) -> str:
    """A DN in one spelling, for comparing: escapes resolved, case and spaces around values ignored.

    Kept for the process (the sync compares every person's DN and every manager's); a plain DN
    (no escapes, quotes or ``+``) is split directly, which gives what the parser gives, quicker.
    """
    if not _NOT_PLAIN.search(dn):
        pairs = [part.split("=") for part in dn.split(",")]
        if all(len(pair) == 2 and _ATTRIBUTE_TYPE.fullmatch(pair[0]) and pair[1].strip() for pair in pairs):
            return ",".join(f"{attribute.strip().lower()}={value.strip().lower()}" for attribute, value in pairs)
    parts = []
    for attribute, value, separator in parse_dn(dn, escape=False, strip=True):
        parts.append(f"{attribute.strip().lower()}={unescape_dn_value(value).strip().lower()}")
        parts.append("+" if separator == "+" else ",")
    return "".join(parts[:-1])


def unescape_dn_value(value: str) -> str:
    """Resolve ``\\,`` and ``\\2C`` style escapes (hex pairs are UTF-8 bytes)."""
    raw = _DN_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]) if len(m[1]) == 2 else m[1], value.encode("utf-8"))
    return raw.decode("utf-8", errors="replace")
