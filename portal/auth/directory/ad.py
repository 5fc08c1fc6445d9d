"""What only Active Directory has: bind sub-codes, account flags and expiry, binary ids, logon names."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from ldap3 import BASE
from ldap3.utils.conv import escape_filter_chars

from .dn import normalise_dn
from .entry import decoded

#: ``search(base, filter, attributes, scope=SUBTREE, allowed=(0,))`` on an open connection
Search = Callable[..., list]
_NO_SUCH_OBJECT = 32

#: LDAP_CAP_ACTIVE_DIRECTORY_OID in the rootDSE's supportedCapabilities
AD_CAPABILITY = "1.2.840.113556.1.4.800"
#: LDAP_MATCHING_RULE_IN_CHAIN: membership through any depth of nesting
AD_IN_CHAIN = "1.2.840.113556.1.4.1941"

#: "AcceptSecurityContext error, data 773, v4563": the reason AD gives for a refused bind
_SUB_CODE = re.compile(r"\bdata ([0-9a-fA-F]{3,8})\b")
#: sub-codes AD sends only when the password was right: the person may be told
PROVEN_REFUSALS = {
    "773": "must_change_password",
    "532": "password_expired",
    "701": "account_expired",
    "533": "disabled",
}
#: sub-codes that do not prove the password (locked is sent for any password)
OTHER_REFUSALS = {"775": "locked", "52e": "invalid", "525": "unknown", "530": "not_permitted_now",
                  "531": "not_permitted_here"}

ACCOUNTDISABLE = 0x0002
_NEVER = (0, 0x7FFFFFFFFFFFFFFF)
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)


def bind_refusal(message: str) -> tuple[str, bool]:
    """``(reason, proven)`` for a refused bind's diagnostic message; ("invalid", False) when it has none."""
    match = _SUB_CODE.search(message or "")
    if not match:
        return "invalid", False
    code = match[1].lower().lstrip("0") or "0"
    if code in PROVEN_REFUSALS:
        return PROVEN_REFUSALS[code], True
    return OTHER_REFUSALS.get(code, f"ad_{code}"), False


def from_filetime(value: int) -> datetime | None:
    """An AD time (100-ns intervals since 1601); None for 0 and "never"."""
    if value in _NEVER or value < 0:
        return None
    return datetime.fromtimestamp((value - 116444736000000000) / 10_000_000, tz=timezone.utc)


def unusable_reason(attributes: dict[str, list[str]], now: datetime) -> str | None:
    """``disabled`` or ``account_expired`` when AD's own attributes say so, else None.

    ``userAccountControl`` bit 2 and ``accountExpires`` in the past make an account unusable:
    for the portal such a person is gone, like one without an entry.
    """
    try:
        flags = int((attributes.get("useraccountcontrol") or ["0"])[0])
    except ValueError:
        flags = 0
    if flags & ACCOUNTDISABLE:
        return "disabled"
    try:
        expires = from_filetime(int((attributes.get("accountexpires") or ["0"])[0]))
    except ValueError:
        expires = None
    if expires is not None and expires <= now:
        return "account_expired"
    return None


def id_from_raw(value: bytes | str) -> str:
    """A stable id as text: a 16-byte binary GUID as its usual UUID spelling, text as it is (lower-cased)."""
    if isinstance(value, bytes):
        if len(value) == 16:
            return str(uuid.UUID(bytes_le=value))
        value = value.decode("utf-8", errors="replace")
    return value.strip().lower()


def id_filter_value(attribute: str, directory_id: str) -> str:
    """The filter value matching ``directory_id`` in ``attribute`` (binary for objectGUID)."""
    if attribute.lower() == "objectguid":
        return "".join(f"\\{byte:02x}" for byte in uuid.UUID(directory_id).bytes_le)
    return escape_filter_chars(directory_id)


def logon_name_clauses(typed: str, login_attribute: str, netbios: str | None, dns_domain: str | None) -> str | None:
    """The filter for ``DOMEIN\\naam`` or ``naam@domein`` on AD; None when ``typed`` is a plain name.

    ``DOMEIN\\naam`` is accepted for the domain's own NetBIOS (or DNS) name only;
    ``naam@domein`` matches ``userPrincipalName``, and also the plain name when the
    suffix is the domain's DNS name (accounts without a UPN).
    """
    if "\\" in typed:
        domain, _sep, name = typed.partition("\\")
        known = {d.casefold() for d in (netbios, dns_domain) if d}
        if not name or domain.casefold() not in known or "\\" in name:
            return "(objectClass=portalNoSuchAccount)"  # a name nobody has: the same work as unknown
        return f"({login_attribute}={escape_filter_chars(name)})"
    if "@" in typed:
        name, _sep, suffix = typed.rpartition("@")
        clauses = f"(userPrincipalName={escape_filter_chars(typed)})"
        if name and dns_domain and suffix.casefold() == dns_domain.casefold():
            clauses = f"(|{clauses}({login_attribute}={escape_filter_chars(name)}))"
        return clauses
    return None


def read_root(search: Search) -> dict[str, Any]:
    """What the rootDSE says: whether this is AD, and then the domain's DNS and NetBIOS names."""
    entries = search("", "(objectClass=*)", ["supportedCapabilities", "defaultNamingContext",
                                             "configurationNamingContext"], scope=BASE, allowed=(0, _NO_SUCH_OBJECT))
    values = decoded(entries[0].get("raw_attributes") or {}) if entries else {}
    root: dict[str, Any] = {"ad": AD_CAPABILITY in values.get("supportedcapabilities", [])}
    if root["ad"]:
        naming = (values.get("defaultnamingcontext") or [""])[0]
        root["naming"] = naming
        root["dns_domain"] = ".".join(part.split("=", 1)[1] for part in naming.split(",") if "=" in part)
        partitions = f"CN=Partitions,{(values.get('configurationnamingcontext') or [''])[0]}"
        found = search(partitions, f"(&(objectClass=crossRef)(nCName={escape_filter_chars(naming)}))",
                       ["nETBIOSName"], allowed=(0, _NO_SUCH_OBJECT))
        names = decoded(found[0].get("raw_attributes") or {}).get("netbiosname", []) if found else []
        root["netbios"] = names[0] if names else None
    return root


def role_group_sids(search: Search, group_dns: Sequence[str]) -> dict[str, bytes]:
    """``objectSid`` of each configured role group that exists, by normalised DN."""
    sids: dict[str, bytes] = {}
    for dn in group_dns:
        found = search(dn, "(objectClass=*)", ["objectSid"], scope=BASE, allowed=(0, _NO_SUCH_OBJECT))
        sid = (found[0].get("raw_attributes") or {}).get("objectSid") if found else None
        if sid:
            sids[normalise_dn(dn)] = sid[0]
    return sids


def relative_id(entry: dict) -> str | None:
    """The relative id (the last part of ``objectSid``) of a group entry, as ``primaryGroupID`` spells it."""
    sids = (entry.get("raw_attributes") or {}).get("objectSid") or []
    sid = sids[0] if sids else b""
    if not isinstance(sid, bytes) or len(sid) < 12 or len(sid) != 8 + 4 * sid[1]:
        return None
    return str(int.from_bytes(sid[-4:], "little"))


def role_groups_in_token(search: Search, user_dn: str, role_sids: dict[str, bytes]) -> set[str]:
    """The role groups among the user's ``tokenGroups``: every group, nested, the primary group included."""
    entries = search(user_dn, "(objectClass=*)", ["tokenGroups"], scope=BASE)
    token = set((entries[0].get("raw_attributes") or {}).get("tokenGroups", [])) if entries else set()
    return {dn for dn, sid in role_sids.items() if sid in token}
