"""Sign-in tests run against both directories: OpenLDAP (slapd) and Active Directory (Samba AD DC).

Every test here that uses ``app`` runs once per directory, unless it is marked
``@pytest.mark.directories("openldap")`` (or ``"ad"``) because it is about one of them only.
``ldap_server`` gives the same handful of changes on either (group membership, rename, disable),
so that one test body proves the behaviour on both.
"""

from __future__ import annotations

import ldap3
import pytest
from ldap3 import MODIFY_ADD, MODIFY_DELETE, MODIFY_REPLACE

from portal.auth.directory import normalise_dn
from tests.conftest import _base_config

KINDS = ("openldap", "ad")


def pytest_generate_tests(metafunc):
    if "directory_kind" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("directories")
        kinds = marker.args if marker else KINDS
        metafunc.parametrize("directory_kind", kinds, ids=list(kinds))


class OpenLdapUnderTest:
    kind = "openldap"

    def __init__(self, slapd) -> None:
        self.server = slapd
        self.people = f"ou=people,{slapd.base_dn}"
        self.groups = f"ou=groups,{slapd.base_dn}"

    def config(self, **overrides):
        return self.server.config(**overrides)

    def _modify(self, dn: str, changes: dict) -> None:
        with ldap3.Connection(self.server.url, self.server.admin_dn, self.server.admin_password, auto_bind=True) as conn:
            conn.modify(dn, changes)
            assert conn.result["result"] == 0, conn.result

    def dn_of(self, username: str) -> str:
        with ldap3.Connection(self.server.url, self.server.admin_dn, self.server.admin_password, auto_bind=True) as conn:
            conn.search(self.people, f"(uid={username})", attributes=["1.1"])
            return conn.response[0]["dn"]

    def add_member(self, group: str, username: str) -> None:
        self._modify(f"cn={group},{self.groups}", {"member": [(MODIFY_ADD, [self.dn_of(username)])]})

    def remove_member(self, group: str, username: str) -> None:
        self._modify(f"cn={group},{self.groups}", {"member": [(MODIFY_DELETE, [self.dn_of(username)])]})

    def set_department(self, username: str, department: str) -> None:
        self._modify(self.dn_of(username), {"ou": [(MODIFY_REPLACE, [department])]})

    def set_manager(self, username: str, manager: str) -> None:
        self._modify(self.dn_of(username), {"manager": [(MODIFY_REPLACE, [self.dn_of(manager)])]})

    def rename(self, username: str, new_username: str) -> None:
        """A new login name (and RDN, when the RDN is the login name), as after a marriage."""
        dn = self.dn_of(username)
        with ldap3.Connection(self.server.url, self.server.admin_dn, self.server.admin_password, auto_bind=True) as conn:
            if dn.lower().startswith("uid="):
                conn.modify_dn(dn, f"uid={new_username}", delete_old_dn=True)  # the uid value goes with it
            else:
                conn.modify(dn, {"uid": [(MODIFY_REPLACE, [new_username])]})
            assert conn.result["result"] == 0, conn.result


class AdUnderTest:
    kind = "ad"

    def __init__(self, samba_dc) -> None:
        self.server = samba_dc

    def config(self, **overrides):
        return self.server.config(**overrides)

    def dn_of(self, username: str) -> str:
        return self.server.dns[username]

    def add_member(self, group: str, username: str) -> None:
        self.server.add_member(group, username)

    def remove_member(self, group: str, username: str) -> None:
        self.server.remove_member(group, username)

    def rename(self, username: str, new_username: str) -> None:
        self.server.rename(username, new_username)

    def set_department(self, username: str, department: str) -> None:
        self.server.set_attribute(username, "department", department)

    def set_manager(self, username: str, manager: str) -> None:
        self.server.set_attribute(username, "manager", self.server.dns[manager])


@pytest.fixture()
def ldap_server(request, directory_kind):
    """The directory of this run of the test, with helpers to change it (changes are undone by the test)."""
    if directory_kind == "ad":
        return AdUnderTest(request.getfixturevalue("samba_dc"))
    return OpenLdapUnderTest(request.getfixturevalue("slapd"))


@pytest.fixture()
def app_config(database_url, ldap_server) -> dict:
    """The app under test signs in against this run's directory."""
    return _base_config(database_url, ldap_server.config())


def same_dn(left: str, right: str) -> bool:
    return normalise_dn(left) == normalise_dn(right)
