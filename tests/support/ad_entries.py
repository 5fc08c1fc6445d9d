"""The AD test directory's people and groups: those of tests/data/directory.ldif, made AD entries.

OpenLDAP's ``uid`` becomes ``sAMAccountName``, ``cn`` the RDN and ``displayName``, ``ou`` the
``department``; groups keep their names and nesting (``uniqueMember`` becomes ``member``). AD
needs a login name to be unique in the domain, so the LDIF's deliberately duplicated ``dubbel``
is left out.
"""

from __future__ import annotations

from datetime import datetime, timezone

from ldap3 import MODIFY_ADD, MODIFY_REPLACE
from ldap3.utils.dn import escape_rdn, parse_dn

from portal.auth.directory.dn import normalise_dn
from tests.support.samba import AD_ONLY, filetime, password_for

#: LDIF attribute → AD attribute
ATTRIBUTES = {"givenName": "givenName", "sn": "sn", "mail": "mail", "title": "title", "ou": "department",
              "employeeType": "employeeType", "employeeNumber": "employeeNumber"}
USER_ACCOUNT_NORMAL = 512


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def _ad_dn(ldif_dn: str, cn: str, dc) -> str:
    """The AD DN for an LDIF entry: CN=<cn> below the OU path the LDIF entry sits in."""
    parts = parse_dn(ldif_dn, escape=False, strip=True)[1:]
    ous = [value for attribute, value, _sep in parts if attribute.lower() == "ou"]
    return ",".join([f"CN={escape_rdn(cn)}", *(f"OU={escape_rdn(ou)}" for ou in ous), dc.base_dn])


def _add(conn, dn: str, object_class, attributes: dict) -> None:
    if not conn.add(dn, object_class, attributes):
        raise RuntimeError(f"cannot add {dn}: {conn.result}")


def populate(dc, conn) -> dict[str, str]:
    """Create every test entry; returns the DN of every account by username."""
    from portal.auth.directory.demo import parse_ldif

    entries = list(parse_ldif(dc.ldif_path.read_text(encoding="utf-8")))
    for dn, attributes in entries:  # OUs, parents first (the LDIF lists them so)
        if dn.lower().startswith("ou="):
            ad_dn = ",".join(f"OU={escape_rdn(value)}" for _a, value, _s in parse_dn(dn, escape=False, strip=True)
                             if _a.lower() == "ou") + f",{dc.base_dn}"
            _add(conn, ad_dn, "organizationalUnit", {})
    dns: dict[str, str] = {}
    ldif_to_ad: dict[str, str] = {}
    for dn, attributes in entries:
        classes = {_text(value).lower() for value in attributes.get("objectClass", [])}
        if "inetorgperson" not in classes:
            continue
        uid = _text(attributes["uid"][0])
        if uid == "dubbel":
            continue
        cn = _text(attributes["cn"][0])
        ad_dn = _ad_dn(dn, cn, dc)
        values = {"sAMAccountName": uid, "userPrincipalName": f"{uid.lower()}@{dc.dns_domain}", "displayName": cn,
                  "unicodePwd": f'"{password_for(uid.lower())}"'.encode("utf-16-le"),
                  "userAccountControl": str(USER_ACCOUNT_NORMAL)}
        for name, ad_name in ATTRIBUTES.items():
            if attributes.get(name):
                values[ad_name] = _text(attributes[name][0])
        _add(conn, ad_dn, "user", values)
        dns[uid.lower()] = ad_dn
        ldif_to_ad[normalise_dn(dn)] = ad_dn
    # The manager attribute points at the manager's AD entry (a DN, as in the LDIF).
    for dn, attributes in entries:
        managers = [normalise_dn(_text(value)) for value in attributes.get("manager", [])]
        if managers and managers[0] in ldif_to_ad and normalise_dn(dn) in ldif_to_ad:
            if not conn.modify(ldif_to_ad[normalise_dn(dn)], {"manager": [(MODIFY_REPLACE, [ldif_to_ad[managers[0]]])]}):
                raise RuntimeError(f"cannot set the manager of {dn}: {conn.result}")
    groups: list[tuple[str, list[str]]] = []
    for dn, attributes in entries:
        classes = {_text(value).lower() for value in attributes.get("objectClass", [])}
        if not classes & {"groupofnames", "groupofuniquenames"}:
            continue
        ad_dn = _ad_dn(dn, _text(attributes["cn"][0]), dc)
        _add(conn, ad_dn, "group", {})
        ldif_to_ad[normalise_dn(dn)] = ad_dn
        groups.append((ad_dn, [_text(v) for v in attributes.get("member", []) + attributes.get("uniqueMember", [])]))
    for ad_dn, members in groups:
        mapped = [ldif_to_ad[normalise_dn(member)] for member in members if normalise_dn(member) in ldif_to_ad]
        if mapped and not conn.modify(ad_dn, {"member": [(MODIFY_ADD, mapped)]}):
            raise RuntimeError(f"cannot add members to {ad_dn}: {conn.result}")
    # The service account the portal searches with: an ordinary user, as in a municipality.
    _add(conn, dc.service_dn, "user", {
        "sAMAccountName": "svc-portal", "userAccountControl": str(USER_ACCOUNT_NORMAL),
        "unicodePwd": f'"{dc.service_password}"'.encode("utf-16-le")})
    dns.update(_add_ad_only(dc, conn))
    return dns


def _add_ad_only(dc, conn) -> dict[str, str]:
    dns = {}
    # A fixed past moment, not "yesterday": the suite may run at a shifted clock (PORTAL_TEST_CLOCK),
    # the DC never does.
    expired = datetime(2020, 1, 1, tzinfo=timezone.utc)
    for username in AD_ONLY:
        dn = f"CN={username},{dc.people_dn}"
        values = {"sAMAccountName": username, "userPrincipalName": f"{username}@{dc.dns_domain}",
                  "displayName": f"Test {username}", "unicodePwd": f'"{password_for(username)}"'.encode("utf-16-le"),
                  "userAccountControl": str(USER_ACCOUNT_NORMAL)}
        if username == "bverlopen":
            values["accountExpires"] = str(filetime(expired))
        if username == "cuitgeschakeld":
            values["userAccountControl"] = "514"
        _add(conn, dn, "user", values)
        if username == "amoetwijzigen":
            conn.modify(dn, {"pwdLastSet": [(MODIFY_REPLACE, ["0"])]})
        dns[username] = dn
    # eprimair: member of verhoogd-risico only through primaryGroupID (AD then drops the `member` value).
    group = f"CN=verhoogd-risico,{dc.groups_dn}"
    conn.modify(group, {"member": [(MODIFY_ADD, [dns["eprimair"]])]})
    conn.search(group, "(objectClass=group)", search_scope="BASE", attributes=["primaryGroupToken"])
    token = conn.entries[0]["primaryGroupToken"].value
    if not conn.modify(dns["eprimair"], {"primaryGroupID": [(MODIFY_REPLACE, [str(token)])]}):
        raise RuntimeError(f"cannot set the primary group: {conn.result}")
    return dns
