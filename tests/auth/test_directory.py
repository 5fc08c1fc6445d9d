"""The directory client against a real OpenLDAP server, and the demo (mock) directory.

Each test names the directory defect (DOMAIN.md, 1-11) it guards against.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ldap3
import pytest

from portal.auth.directory import client as directory_module
from portal.auth.directory.demo import DEFAULT_LDIF, DemoDirectory, canonical_dn, demo_server, parse_ldif
from portal.auth.directory import (
    Directory,
    DirectoryUnavailable,
    InvalidCredentials,
    ServiceAccountRefused,
    get_directory,
    normalise_dn,
)
from tests.support.slapd import SlapdServer, slapd_available

TEST_LDIF = Path(__file__).resolve().parents[1] / "data" / "directory.ldif"
GROUPS = "ou=groups,dc=example,dc=nl"
ABAKKER_DN = r"cn=Bakker\, Anna (P&O),ou=people,dc=example,dc=nl"

EXPECTED_ROLES = {
    "jdevries": set(),
    "mjansen": {"reviewer"},
    "abakker": {"reviewer"},
    "lvisser": {"reviewer", "admin"},
    "pmeijer": {"top_official"},
    "evanleeuwen": {"top_official", "high_risk"},
    "zcelik": {"high_risk"},
}


def password(username: str) -> str:
    return f"Welkom-{username}-2026"


def _require_slapd() -> None:
    if slapd_available() is None:
        pytest.fail("slapd not found: install the Debian packages `slapd ldap-utils` to run the directory tests")


@pytest.fixture(scope="module")
def tls_slapd():
    """One OpenLDAP server (plain, ldaps and StartTLS) for the whole module."""
    _require_slapd()
    with SlapdServer(TEST_LDIF, tls=True) as server:
        yield server


@pytest.fixture
def own_slapd():
    """A server of its own, for tests that stop or freeze it."""
    _require_slapd()
    with SlapdServer(TEST_LDIF) as server:
        yield server


@pytest.fixture
def directory(tls_slapd):
    return Directory(tls_slapd.config())


@pytest.fixture
def no_network(monkeypatch):
    """Fail the test if the client opens any connection."""
    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(directory_module, "Connection", refuse)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"ldap://127.0.0.1:{sock.getsockname()[1]}"


def demo(**overrides) -> Directory:
    from portal.config import load_config

    return get_directory({**load_config({}), "LDAP_URL": "demo", **overrides})


# -- 1. empty passwords and unusable usernames ------------------------------------


@pytest.mark.parametrize(
    ("username", "secret"),
    [
        ("jdevries", ""),
        ("jdevries", "   "),
        ("jdevries", "\t\n"),
        ("", password("jdevries")),
        ("   ", password("jdevries")),
        ("j" * 257, password("jdevries")),
        ("jde\nvries", password("jdevries")),
        ("jdevries\x00", password("jdevries")),
        ("jdevries", "Welkom\x00"),
        (None, password("jdevries")),
        ("jdevries", None),
    ],
)
def test_unusable_credentials_are_refused_before_any_connection(tls_slapd, no_network, username, secret):
    config = tls_slapd.config(LDAP_URL=closed_port_url())  # a stopped directory
    with pytest.raises(InvalidCredentials):
        Directory(config).authenticate(username, secret)


def test_empty_password_does_not_sign_in_on_demo_directory():
    # The ldap3 mock, like some servers, treats an empty password as a successful anonymous bind.
    with pytest.raises(InvalidCredentials):
        demo().authenticate("jdevries", "")


def test_service_account_without_password_never_binds_unauthenticated(tls_slapd, no_network):
    config = tls_slapd.config(LDAP_BIND_PASSWORD="")
    with pytest.raises(DirectoryUnavailable, match="service account password missing"):
        Directory(config).authenticate("jdevries", password("jdevries"))
    with pytest.raises(DirectoryUnavailable, match="service account password missing"):
        Directory(config).ping()


def test_wrong_service_password_is_an_outage_not_bad_user_credentials(tls_slapd, monkeypatch):
    directory = Directory(tls_slapd.config(LDAP_BIND_PASSWORD="wrong", LDAP_RETRY_SECONDS=0))
    with pytest.raises(ServiceAccountRefused, match="service account's password was refused"):
        directory.authenticate("jdevries", password("jdevries"))
    # Not tried again: each try would count toward locking the service account.
    opened = _tracking_connections(monkeypatch)
    for _attempt in range(3):
        with pytest.raises(ServiceAccountRefused):
            directory.authenticate("jdevries", password("jdevries"))
    assert opened == []


@pytest.mark.parametrize("secret", ["Welkom\x01-2026", "tab\there", "bell\x07"])
def test_a_password_with_a_control_character_is_refused_not_an_outage(tls_slapd, secret):
    directory = Directory(tls_slapd.config(LDAP_RETRY_SECONDS=60))
    with pytest.raises(InvalidCredentials):
        directory.authenticate("jdevries", secret)
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"  # breaker not tripped


def test_anonymous_search_when_no_service_account(tls_slapd):
    config = tls_slapd.config(LDAP_BIND_DN="", LDAP_BIND_PASSWORD="")
    user = Directory(config).authenticate("mjansen", password("mjansen"))
    assert user.username == "mjansen" and user.roles == {"reviewer"}


def test_correct_password_signs_in(directory):
    user = directory.authenticate("jdevries", password("jdevries"))
    assert user.dn == "uid=jdevries,ou=people,dc=example,dc=nl"
    assert (user.username, user.display_name, user.email) == ("jdevries", "Jan de Vries", "jdevries@example.nl")
    assert (user.department, user.job_title, user.employee_type, user.employee_number) == (
        "Openbare Werken", "Uitvoerder wegen", "medewerker", "10000",
    )


@pytest.mark.parametrize(("username", "secret"), [("jdevries", "wrong"), ("jdevries", password("sbakker")),
                                                   ("niemand", "Welkom-niemand-2026")])
def test_wrong_password_or_unknown_user_is_invalid(directory, username, secret):
    with pytest.raises(InvalidCredentials):
        directory.authenticate(username, secret)


# -- 2. filter injection ----------------------------------------------------------


@pytest.mark.parametrize("username", ["*)(uid=*", "*", "jdev*", "jdevries)(|(uid=*", "jdevries)(uid=jdevries", "*vries"])
def test_filter_characters_in_username_never_sign_in(directory, username):
    with pytest.raises(InvalidCredentials):
        directory.authenticate(username, password("jdevries"))


@pytest.mark.parametrize("username", ["jdev*", "jdevries)(|(uid=*"])
def test_filter_characters_never_sign_in_on_demo_directory(username):
    with pytest.raises(InvalidCredentials):
        demo().authenticate(username, password("jdevries"))


# -- 3. DNs with commas, parentheses, ampersands and accents ----------------------


def test_user_whose_dn_needs_escaping_signs_in_with_groups(directory):
    user = directory.authenticate("abakker", password("abakker"))
    assert normalise_dn(user.dn) == normalise_dn(ABAKKER_DN)
    assert user.display_name == "Bakker, Anna (P&O)"
    assert user.roles == {"reviewer"}


def test_groups_whose_dns_need_escaping_are_followed(tls_slapd):
    config = tls_slapd.config(
        # The same DN spelt with hex escapes and other case, as an administrator might type it.
        LDAP_GROUP_ADMINS=r"CN=Werkgroep Integriteit \28WIO\29\2C intern,OU=Groups,DC=example,DC=nl",
        LDAP_GROUP_TOP_OFFICIALS=f"cn=WIO-overleg,{GROUPS}",
    )
    user = Directory(config).authenticate("abakker", password("abakker"))
    assert user.roles == {"reviewer", "admin", "top_official"}


def test_accented_values_are_decoded(directory):
    user = directory.authenticate("zcelik", password("zcelik"))
    assert (user.display_name, user.department) == ("Zoë Çelik-Öztürk", "Financiën")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (ABAKKER_DN, r"cn=Bakker\2C Anna \28P&O\29,ou=people,dc=example,dc=nl"),
        (ABAKKER_DN, r"CN=bakker\, anna (p&o), OU=People,DC=Example,DC=NL"),
        ("cn=Financiën,dc=nl", r"cn=Financi\C3\ABn,dc=nl"),
    ],
)
def test_normalise_dn_ignores_escaping_case_and_spaces(left, right):
    assert normalise_dn(left) == normalise_dn(right)


def test_normalise_dn_keeps_different_dns_apart():
    assert normalise_dn(r"cn=a\,b,dc=nl") != normalise_dn("cn=a,cn=b,dc=nl")


# -- 4. referrals -----------------------------------------------------------------


def test_referral_below_user_base_does_not_break_the_search(directory):
    # ou=partners,ou=people is a referral: the search returns a continuation reference next to the entry.
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"


def test_referrals_are_not_chased(tls_slapd):
    """A referral must not send the service account's password to the host it names."""
    contacted = threading.Event()
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(5)
        port = listener.getsockname()[1]
        admin = ldap3.Connection(ldap3.Server(tls_slapd.url, get_info=ldap3.NONE), tls_slapd.admin_dn,
                                 tls_slapd.admin_password, auto_bind=True)
        manage_dsa_it = [("2.16.840.1.113730.3.4.2", True, None)]
        admin.modify("ou=partners,ou=people,dc=example,dc=nl",
                     {"ref": [(ldap3.MODIFY_REPLACE, [f"ldap://127.0.0.1:{port}/ou=partners,dc=elders,dc=nl"])]},
                     controls=manage_dsa_it)
        assert admin.result["result"] == 0, admin.result
        admin.unbind()

        def watch():
            try:
                conn, _ = listener.accept()
                contacted.set()
                conn.close()
            except OSError:
                pass

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        config = tls_slapd.config(LDAP_USER_BASE="ou=partners,ou=people,dc=example,dc=nl", LDAP_TIMEOUT=1)
        with pytest.raises(DirectoryUnavailable, match="referral"):
            Directory(config).authenticate("jdevries", password("jdevries"))
        assert not contacted.wait(0.3), "the client followed the referral"


# -- 5. nested groups -------------------------------------------------------------


@pytest.mark.parametrize(("username", "roles"), sorted(EXPECTED_ROLES.items()))
def test_roles_come_from_nested_groups(directory, username, roles):
    assert directory.authenticate(username, password(username)).roles == roles


def test_nesting_through_unique_member_groups_and_a_cycle(tls_slapd, monkeypatch):
    config = tls_slapd.config(LDAP_GROUP_ADMINS=f"cn=inkoop-directie,{GROUPS}",
                          LDAP_GROUP_TOP_OFFICIALS=f"cn=inkoop-cirkel,{GROUPS}")
    searches = count_group_searches(monkeypatch)
    user = Directory(config).authenticate("nmulder", password("nmulder"))
    assert user.roles == {"admin", "top_official", "high_risk"}
    # team, afdeling, directie, cirkel, and one more that finds only directie again: the cycle ends there.
    assert len(searches) == 5


def test_nesting_is_followed_ten_levels_deep_and_no_further(tls_slapd):
    config = tls_slapd.config(LDAP_GROUP_ADMINS=f"cn=keten-10,{GROUPS}", LDAP_GROUP_REVIEWERS=f"cn=keten-11,{GROUPS}")
    assert Directory(config).authenticate("tkok", password("tkok")).roles == {"admin"}


def count_group_searches(monkeypatch) -> list[str]:
    """The filters of the group searches made from now on."""
    filters: list[str] = []
    original = Directory._search

    def spy(self, conn, base, search_filter, *args, **kwargs):
        if base == GROUPS:
            filters.append(search_filter)
        return original(self, conn, base, search_filter, *args, **kwargs)

    monkeypatch.setattr(Directory, "_search", spy)
    return filters


def test_one_group_search_per_nesting_level(directory, monkeypatch):
    filters = count_group_searches(monkeypatch)
    directory.authenticate("lvisser", password("lvisser"))
    # lvisser -> {medewerkers, pno-team, portal-beheer} -> {integriteit-reviewers} -> nothing
    assert len(filters) == 3
    assert "(uniqueMember=uid=lvisser,ou=people,dc=example,dc=nl)" in filters[0]


def test_openldap_is_not_taken_for_active_directory(directory):
    directory.authenticate("jdevries", password("jdevries"))
    assert directory._root == {"ad": False}


def test_malformed_group_dn_in_configuration_is_an_outage(tls_slapd):
    with pytest.raises(DirectoryUnavailable, match="LDAPInvalidDnError"):
        Directory(tls_slapd.config(LDAP_GROUP_ADMINS="portal-beheer")).authenticate("lvisser", password("lvisser"))


# -- 6. case ----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["JDeVries", "JDEVRIES", " jdevries "])
def test_username_is_matched_case_insensitively_to_one_account(directory, username):
    user = directory.authenticate(username, password("jdevries"))
    assert user == directory.authenticate("jdevries", password("jdevries"))
    assert user.username == "jdevries"


def test_account_key_is_lower_case_even_when_the_directory_is_not(directory):
    user = directory.authenticate("RVANDIJK", password("rvandijk"))
    assert (user.username, user.employee_type) == ("rvandijk", "inhuur")


# -- 7. TLS -----------------------------------------------------------------------


def test_ldaps_with_the_right_ca_signs_in(tls_slapd):
    config = tls_slapd.config(LDAP_URL=tls_slapd.ldaps_url, LDAP_CA_FILE=tls_slapd.ca_file)
    assert Directory(config).authenticate("lvisser", password("lvisser")).roles == {"reviewer", "admin"}


def test_start_tls_with_the_right_ca_signs_in(tls_slapd):
    config = tls_slapd.config(LDAP_START_TLS=True, LDAP_CA_FILE=tls_slapd.ca_file)
    assert Directory(config).authenticate("jdevries", password("jdevries")).username == "jdevries"


@pytest.mark.parametrize("start_tls", [False, True], ids=["ldaps", "starttls"])
@pytest.mark.parametrize("ca_file", ["", "server.pem", "missing.pem"], ids=["system-store", "wrong-ca", "missing-file"])
def test_unverifiable_certificate_is_an_outage(tls_slapd, start_tls, ca_file):
    ca_path = str(Path(tls_slapd.ca_file).with_name(ca_file)) if ca_file else ""
    url = tls_slapd.url if start_tls else tls_slapd.ldaps_url
    config = tls_slapd.config(LDAP_URL=url, LDAP_START_TLS=start_tls, LDAP_CA_FILE=ca_path)
    with pytest.raises(DirectoryUnavailable):
        Directory(config).authenticate("jdevries", password("jdevries"))
    with pytest.raises(DirectoryUnavailable):
        Directory(config).ping()


def test_certificates_are_always_required(tls_slapd):
    assert Directory(tls_slapd.config())._server().tls.validate == ssl.CERT_REQUIRED


def test_start_tls_refused_by_the_server_is_an_outage(own_slapd):
    # own_slapd has no certificate, so StartTLS fails; the client must not carry on in plain text.
    with pytest.raises(DirectoryUnavailable):
        Directory(own_slapd.config(LDAP_START_TLS=True)).authenticate("jdevries", password("jdevries"))


# -- 8. timeouts ------------------------------------------------------------------


def test_frozen_directory_times_out(own_slapd):
    directory = Directory(own_slapd.config(LDAP_TIMEOUT=1, LDAP_RETRY_SECONDS=0))
    own_slapd.freeze()
    # Run in a thread, so that a missing timeout fails the test instead of hanging it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            for call in (lambda: directory.authenticate("jdevries", password("jdevries")), directory.ping):
                started = time.monotonic()
                with pytest.raises(DirectoryUnavailable, match="timed out"):
                    pool.submit(call).result(timeout=5)
                assert time.monotonic() - started < 2.5
        finally:
            own_slapd.thaw()
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"


def test_after_a_timeout_sign_ins_fail_at_once_until_one_try_succeeds(own_slapd):
    """The circuit breaker: one hanging directory call per process at a time, not one per person retrying."""
    directory = Directory(own_slapd.config(LDAP_TIMEOUT=1, LDAP_RETRY_SECONDS=1.5))
    own_slapd.freeze()
    try:
        with pytest.raises(DirectoryUnavailable, match="timed out"):
            directory.authenticate("jdevries", password("jdevries"))
        started = time.monotonic()
        for _ in range(20):
            with pytest.raises(DirectoryUnavailable, match="not tried"):
                directory.authenticate("jdevries", password("jdevries"))
        assert time.monotonic() - started < 0.5  # twenty refusals without waiting on the directory
    finally:
        own_slapd.thaw()
    time.sleep(1.6)
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"
    assert directory.authenticate("sbakker", password("sbakker")).username == "sbakker"  # closed again


def test_stopped_directory_is_unavailable_quickly(own_slapd):
    directory = Directory(own_slapd.config(LDAP_RETRY_SECONDS=0))
    directory.ping()
    own_slapd.stop()
    started = time.monotonic()
    with pytest.raises(DirectoryUnavailable, match="127.0.0.1"):
        directory.authenticate("jdevries", password("jdevries"))
    with pytest.raises(DirectoryUnavailable):
        directory.ping()
    assert time.monotonic() - started < 1
    own_slapd.restart()
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"


def _tracking_connections(monkeypatch) -> list[ldap3.Connection]:
    opened: list[ldap3.Connection] = []
    real_connection = directory_module.Connection

    def tracking(*args, **kwargs):
        conn = real_connection(*args, **kwargs)
        opened.append(conn)
        return conn

    monkeypatch.setattr(directory_module, "Connection", tracking)
    return opened


def _three_sign_ins(directory) -> None:
    directory.authenticate("jdevries", password("jdevries"))
    with pytest.raises(InvalidCredentials):
        directory.authenticate("jdevries", "wrong")
    with pytest.raises(InvalidCredentials):
        directory.authenticate("dubbel", password("dubbel"))


def test_every_connection_is_new_and_unbound_after_use(tls_slapd, monkeypatch):
    directory = Directory(tls_slapd.config())
    opened = _tracking_connections(monkeypatch)
    _three_sign_ins(directory)
    assert len(opened) == 5  # a service connection each, a bind connection for the two that got that far
    assert all(conn.closed for conn in opened)
    # Timeouts on every connection (defect 8): connect and receive.
    assert {(conn.server.connect_timeout, conn.receive_timeout) for conn in opened} == {(2, 2)}


def test_a_directory_restart_between_sign_ins_is_no_outage(own_slapd):
    directory = Directory(own_slapd.config(LDAP_RETRY_SECONDS=60))
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"
    own_slapd.restart()
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"
    with pytest.raises(InvalidCredentials):
        directory.authenticate("jdevries", "wrong")


def test_a_frozen_directory_costs_one_timeout_after_a_good_sign_in(own_slapd):
    directory = Directory(own_slapd.config(LDAP_TIMEOUT=1, LDAP_RETRY_SECONDS=0))
    directory.authenticate("jdevries", password("jdevries"))
    own_slapd.freeze()
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            started = time.monotonic()
            with pytest.raises(DirectoryUnavailable, match="timed out"):
                pool.submit(directory.authenticate, "jdevries", password("jdevries")).result(timeout=5)
            assert time.monotonic() - started < 1.8  # one timeout, not two
        finally:
            own_slapd.thaw()
    assert directory.authenticate("jdevries", password("jdevries")).username == "jdevries"


# -- 10. several entries ----------------------------------------------------------


def test_username_matching_several_entries_signs_nobody_in(directory):
    with pytest.raises(InvalidCredentials, match="several entries"):
        directory.authenticate("dubbel", password("dubbel"))


# -- 11. missing attributes -------------------------------------------------------


def test_missing_mail_is_none(directory):
    assert directory.authenticate("kobrien", password("kobrien")).email is None


def test_entry_with_only_required_attributes(directory):
    user = directory.authenticate("gleeg", password("gleeg"))
    assert (user.display_name, user.email, user.department, user.job_title) == ("Geert Leeg", None, None, None)
    assert (user.employee_type, user.employee_number, user.roles) == (None, None, frozenset())


@pytest.mark.parametrize(("username", "display_name"), [("jdevries", "Jan de Vries"), ("gleeg", "Leeg"), ("kiosk", "kiosk")])
def test_display_name_falls_back_to_given_name_and_surname_then_username(tls_slapd, username, display_name):
    config = tls_slapd.config(LDAP_ATTR_DISPLAY_NAME="displayName",
                          LDAP_USER_FILTER="(|(objectClass=inetOrgPerson)(objectClass=account))")
    assert Directory(config).authenticate(username, password(username)).display_name == display_name


def test_user_filter_without_parentheses_is_accepted(tls_slapd):
    config = tls_slapd.config(LDAP_USER_FILTER="objectClass=inetOrgPerson")
    assert Directory(config).authenticate("jdevries", password("jdevries")).username == "jdevries"


def test_employee_type_is_lower_cased(directory):
    assert directory.authenticate("tdejong", password("tdejong")).employee_type == "stagiair"


# -- the demo directory (ldap3 mock) ----------------------------------------------


@pytest.mark.parametrize(("username", "roles"), sorted(EXPECTED_ROLES.items()))
def test_demo_directory_resolves_nested_groups(username, roles):
    assert demo().authenticate(username, password(username)).roles == roles


def test_demo_directory_signs_in_user_whose_dn_needs_escaping():
    user = demo().authenticate("ABakker", password("abakker"))
    assert (user.username, user.display_name, user.department) == ("abakker", "Bakker, Anna (P&O)", "P&O")
    assert normalise_dn(user.dn) == normalise_dn(ABAKKER_DN)


@pytest.mark.parametrize("secret", ["welkom-jdevries-2026", "WELKOM-JDEVRIES-2026", "wrong"])
def test_demo_directory_checks_passwords_exactly(secret):
    # The mock compares userPassword case-insensitively; the demo directory must not.
    with pytest.raises(InvalidCredentials):
        demo().authenticate("jdevries", secret)


def test_demo_directory_missing_mail_and_accents():
    directory = demo()
    assert directory.authenticate("kobrien", password("kobrien")).email is None
    assert directory.authenticate("zcelik", password("zcelik")).display_name == "Zoë Çelik-Öztürk"


def test_demo_directory_with_test_ldif_handles_unique_members_cycles_and_duplicates():
    directory = demo(
        LDAP_DEMO_LDIF=str(TEST_LDIF),
        LDAP_GROUP_ADMINS=r"CN=Werkgroep Integriteit \28WIO\29\2C intern,OU=Groups,DC=example,DC=nl",
        LDAP_GROUP_TOP_OFFICIALS=f"cn=inkoop-cirkel,{GROUPS}",
    )
    assert isinstance(directory, DemoDirectory)
    assert directory.authenticate("abakker", password("abakker")).roles == {"reviewer", "admin"}
    assert directory.authenticate("nmulder", password("nmulder")).roles == {"top_official", "high_risk"}
    with pytest.raises(InvalidCredentials):
        directory.authenticate("dubbel", password("dubbel"))


def test_demo_directory_matches_members_however_their_dns_are_escaped(tmp_path):
    # The mock compares member values as strings; the loader must spell every DN the same way.
    ldif = tmp_path / "demo.ldif"
    ldif.write_text(
        "dn: cn=Bakker\\, Anna (P&O),ou=people,dc=example,dc=nl\n"
        "objectClass: inetOrgPerson\ncn: Bakker, Anna (P&O)\nsn: Bakker\nuid: abakker\n"
        f"userPassword: {password('abakker')}\n\n"
        f"dn: cn=portal-beheer,{GROUPS}\n"
        "objectClass: groupOfNames\ncn: portal-beheer\n"
        "member: CN=Bakker\\2C Anna \\28P&O\\29, OU=people,DC=example,DC=nl\n"
    )
    user = demo(LDAP_DEMO_LDIF=str(ldif)).authenticate("abakker", password("abakker"))
    assert user.roles == {"admin"}


def test_demo_directory_lower_cases_the_account_key():
    user = demo(LDAP_DEMO_LDIF=str(TEST_LDIF)).authenticate("rvandijk", password("rvandijk"))
    assert user.username == "rvandijk"


def test_demo_server_is_built_once_per_ldif():
    assert demo_server(DEFAULT_LDIF) is demo_server(str(DEFAULT_LDIF))
    assert demo_server(DEFAULT_LDIF) is not demo_server(TEST_LDIF)


def test_demo_directory_serves_concurrent_sign_ins():
    directory = demo()
    names = list(EXPECTED_ROLES) * 5

    def sign_in(username: str) -> frozenset[str]:
        return get_directory({**directory.config, "LDAP_URL": "demo"}).authenticate(username, password(username)).roles

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(sign_in, names))
    assert results == [EXPECTED_ROLES[name] for name in names]


def test_demo_ping():
    demo().ping()


def test_parse_ldif_reads_folded_lines_base64_and_comments():
    text = (
        "version: 1\n"
        "# a comment\n"
        "dn: cn=Bakker\\, Anna (P&O),ou=people,\n"
        " dc=example,dc=nl\n"
        "cn:: QmFra2VyLCBBbm5hIChQJk8p\n"
        "description: one\n"
        "description: t\n"
        " wo\n"
        "\n"
        "\n"
        "dn:: Y249RmluYW5jacOrbixkYz1ubA==\n"
        "ou: x\n"
    )
    assert list(parse_ldif(text)) == [
        ("cn=Bakker\\, Anna (P&O),ou=people,dc=example,dc=nl",
         {"cn": ["Bakker, Anna (P&O)"], "description": ["one", "two"]}),
        ("cn=Financiën,dc=nl", {"ou": ["x"]}),
    ]


def test_canonical_dn_spells_escapes_one_way():
    assert canonical_dn(r"cn=Bakker\2C Anna \28P&O\29,ou=people") == canonical_dn(r"cn=Bakker\, Anna (P&O),ou=people")
