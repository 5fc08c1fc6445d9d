"""A real Active Directory for tests: Samba's AD domain controller, provisioned in a temporary directory.

Needs the Debian packages ``samba``, ``samba-ad-dc``, ``samba-ad-provision`` (tools/system-deps.sh).
Samba's LDAP ports cannot be changed (389/636), so the DC listens on a loopback address of its own
(127.x.y.z, chosen at random and checked to be free), serves only LDAP (``server services = ldap``)
and runs in the foreground as one process. Its certificate is ours, signed by a throw-away CA, for
that address and the DC's host name; tests connect over ``ldaps://`` with the CA file, the way a
municipality does (Samba refuses simple binds over plain ``ldap://``, as AD does).

The people and groups of tests/data/directory.ldif are created as AD users and groups (the same
usernames, passwords, names, groups and nesting), plus accounts that only AD has: disabled, expired,
must change password, locked, and one whose primary group is a role group.
"""

from __future__ import annotations

import atexit
import random
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REALM = "GEMEENTE.TEST"
NETBIOS_DOMAIN = "GEMEENTE"
BASE_DN = "DC=gemeente,DC=test"
ADMIN_PASSWORD = "Beheer-Samba-2026!"
HOST_NAME = "dc1.gemeente.test"
START_DEADLINE = 60.0
LOCKOUT_THRESHOLD = 5

#: accounts that exist only in the AD test directory (username: what is special about it)
AD_ONLY = {
    "amoetwijzigen": "must change the password at next logon (pwdLastSet 0)",
    "bverlopen": "account expired on 1 January 2020 (accountExpires)",
    "cuitgeschakeld": "disabled (userAccountControl ACCOUNTDISABLE)",
    "dvergrendeld": "locked by wrong passwords (lockoutTime)",
    "eprimair": "primary group verhoogd-risico, member of no group by `member`",
    "fvaak": "for the lockout test (nothing special until the test locks it)",
}
#: password set 400 days ago (made with libfaketime; AD has no other way), maximum age 365 days
PASSWORD_EXPIRED = "gwwverlopen"


def password_for(username: str) -> str:
    return f"Welkom-{username}-2026"


def samba_available() -> str | None:
    return shutil.which("samba", path="/usr/sbin:/usr/bin:/usr/local/sbin")


def filetime(moment: datetime) -> int:
    """AD's time format: 100-ns intervals since 1601-01-01 UTC."""
    return int((moment - datetime(1601, 1, 1, tzinfo=timezone.utc)).total_seconds() * 10_000_000)


def _free_loopback_address() -> str:
    """127.x.y.z on which nothing listens on 389 or 636 (Samba cannot move its ports)."""
    rng = random.SystemRandom()
    for _attempt in range(50):
        address = f"127.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(2, 254)}"
        try:
            for port in (389, 636):
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    sock.bind((address, port))
        except OSError:
            continue
        return address
    raise RuntimeError("no free loopback address for Samba's LDAP ports")


class SambaDC:
    """One provisioned, running Samba AD DC (start/close), with helpers to change entries in tests."""

    base_dn = BASE_DN
    people_dn = f"OU=people,{BASE_DN}"
    groups_dn = f"OU=groups,{BASE_DN}"
    admin_dn = f"CN=Administrator,CN=Users,{BASE_DN}"
    admin_password = ADMIN_PASSWORD
    netbios_domain = NETBIOS_DOMAIN
    dns_domain = REALM.lower()

    def __init__(self, ldif_path: str | Path) -> None:
        self.ldif_path = Path(ldif_path)
        self._tempdir = tempfile.TemporaryDirectory(prefix="samba-dc-")
        self.workdir = Path(self._tempdir.name)
        self.address = ""
        self.ca_file = str(self.workdir / "ca.pem")
        self._process: subprocess.Popen[bytes] | None = None
        #: DN of every test account, by username
        self.dns: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"ldaps://{self.address}"

    def config(self, **overrides: Any) -> dict[str, Any]:
        """LDAP_* settings for the portal pointing at this DC, as a municipality would set them."""
        from portal.config import load_config

        config = {key: value for key, value in load_config({}).items() if key.startswith("LDAP_")}
        config.update(
            LDAP_URL=self.url,
            LDAP_BIND_DN=self.service_dn,
            LDAP_BIND_PASSWORD=self.service_password,
            LDAP_USER_BASE=self.people_dn,
            LDAP_GROUP_BASE=self.groups_dn,
            LDAP_USER_FILTER="(&(objectClass=user)(!(objectClass=computer)))",
            LDAP_LOGIN_ATTRIBUTE="sAMAccountName",
            LDAP_ID_ATTRIBUTE="objectGUID",
            LDAP_ATTR_DISPLAY_NAME="displayName",
            LDAP_ATTR_DEPARTMENT="department",
            LDAP_START_TLS=False,
            LDAP_CA_FILE=self.ca_file,
            LDAP_TIMEOUT=3.0,
            LDAP_GROUP_REVIEWERS=f"CN=integriteit-reviewers,{self.groups_dn}",
            LDAP_GROUP_ADMINS=f"CN=portal-beheer,{self.groups_dn}",
            LDAP_GROUP_TOP_OFFICIALS=f"CN=topfunctionarissen,{self.groups_dn}",
            LDAP_GROUP_HIGH_RISK=f"CN=verhoogd-risico,{self.groups_dn}",
        )
        config.update(overrides)
        return config

    service_dn = f"CN=svc-portal,OU=people,{BASE_DN}"
    service_password = "Dienst-Portaal-2026!"

    # -- life cycle ------------------------------------------------------

    def start(self) -> None:
        if samba_available() is None:
            raise RuntimeError("samba not found: the AD tests need Samba. Run tools/system-deps.sh "
                               "(apt-get install samba samba-ad-dc samba-ad-provision)")
        self.address = _free_loopback_address()
        atexit.register(self.close)
        try:
            self._provision()
            self._make_certificates()
            self._spawn()
            self._wait_until_ready()
            self._populate()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None  # type: ignore[assignment]

    # -- changing entries (tests) ---------------------------------------

    def connection(self):
        """A bound administrator connection over ldaps (the caller unbinds it)."""
        import ssl

        import ldap3

        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=self.ca_file)
        server = ldap3.Server(self.url, use_ssl=True, tls=tls, get_info=ldap3.NONE, connect_timeout=5)
        conn = ldap3.Connection(server, self.admin_dn, self.admin_password, receive_timeout=10,
                                raise_exceptions=True)
        conn.bind()
        return conn

    def modify(self, dn: str, changes: dict) -> None:
        conn = self.connection()
        try:
            conn.modify(dn, changes)
        finally:
            conn.unbind()

    def set_attribute(self, username: str, attribute: str, value: Any) -> None:
        import ldap3

        self.modify(self.dns[username], {attribute: [(ldap3.MODIFY_REPLACE, [value] if value != [] else [])]})

    def set_password(self, username: str, password: str) -> None:
        conn = self.connection()
        try:
            conn.extend.microsoft.modify_password(self.dns[username], password)
        finally:
            conn.unbind()

    def disable(self, username: str, disabled: bool = True) -> None:
        self.set_attribute(username, "userAccountControl", "514" if disabled else "512")

    def rename(self, username: str, new_username: str, new_cn: str | None = None) -> str:
        """Give the account a new login name (and a new RDN when ``new_cn``); returns the new DN."""
        import ldap3
        from ldap3.utils.dn import escape_rdn

        dn = self.dns.pop(username)
        conn = self.connection()
        try:
            conn.modify(dn, {"sAMAccountName": [(ldap3.MODIFY_REPLACE, [new_username])],
                             "userPrincipalName": [(ldap3.MODIFY_REPLACE, [f"{new_username}@{self.dns_domain}"])]})
            if new_cn:
                conn.modify_dn(dn, f"CN={escape_rdn(new_cn)}")
                dn = f"CN={escape_rdn(new_cn)},{self.people_dn}"
        finally:
            conn.unbind()
        self.dns[new_username] = dn
        return dn

    def add_member(self, group_cn: str, username: str) -> None:
        import ldap3

        self.modify(f"CN={group_cn},{self.groups_dn}", {"member": [(ldap3.MODIFY_ADD, [self.dns[username]])]})

    def remove_member(self, group_cn: str, username: str) -> None:
        import ldap3

        self.modify(f"CN={group_cn},{self.groups_dn}", {"member": [(ldap3.MODIFY_DELETE, [self.dns[username]])]})

    def bind_as(self, username: str, password: str) -> dict:
        """The raw result of a simple bind as ``username`` (for locking an account in a test)."""
        import ssl

        import ldap3

        tls = ldap3.Tls(validate=ssl.CERT_REQUIRED, ca_certs_file=self.ca_file)
        server = ldap3.Server(self.url, use_ssl=True, tls=tls, get_info=ldap3.NONE, connect_timeout=5)
        conn = ldap3.Connection(server, self.dns[username], password, receive_timeout=10)
        try:
            conn.bind()
            return dict(conn.result)
        finally:
            conn.unbind()

    def lock(self, username: str) -> None:
        for _attempt in range(LOCKOUT_THRESHOLD):
            self.bind_as(username, "certainly-not-the-password")

    def unlock(self, username: str) -> None:
        self.set_attribute(username, "lockoutTime", "0")

    # -- internals -------------------------------------------------------

    def _run(self, *command: str, timeout: float = 120) -> str:
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    @property
    def _smb_conf(self) -> Path:
        return self.workdir / "etc" / "smb.conf"

    def _provision(self) -> None:
        self._run(
            "samba-tool", "domain", "provision", "--use-rfc2307", "--server-role=dc", "--dns-backend=NONE",
            f"--realm={REALM}", f"--domain={NETBIOS_DOMAIN}", f"--adminpass={ADMIN_PASSWORD}",
            "--host-name=dc1", f"--targetdir={self.workdir}",
            # /8: the address is not configured on lo, but lies in its network
            f"--option=interfaces={self.address}/8", "--option=bind interfaces only=yes",
            "--option=server services=ldap", f"--option=log file={self.workdir / 'samba.log'}",
            "--option=tls enabled=yes",
            f"--option=tls keyfile={self.workdir / 'server.key'}",
            f"--option=tls certfile={self.workdir / 'server.pem'}",
            f"--option=tls cafile={self.workdir / 'ca.pem'}",
        )
        # The lockout policy of a typical municipality; no complexity rule, because the test
        # passwords contain the username (as the OpenLDAP test directory's do).
        self._run("samba-tool", "domain", "passwordsettings", "set", "-s", str(self._smb_conf),
                  "--complexity=off", "--history-length=0", "--min-pwd-age=0", "--max-pwd-age=365",
                  f"--account-lockout-threshold={LOCKOUT_THRESHOLD}", "--account-lockout-duration=30",
                  "--reset-account-lockout-after=30")

    def _make_certificates(self) -> None:
        d = self.workdir
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        (d / "server.ext").write_text(
            f"subjectAltName=DNS:{HOST_NAME},IP:{self.address}\n"
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n")
        for command in (
            ["openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3",
             "-subj", "/CN=Portal test AD CA", "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            ["openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", f"/CN={HOST_NAME}"],
            ["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "3", "-extfile", "server.ext"],
        ):
            result = subprocess.run(command, cwd=d, capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
        (d / "server.key").chmod(0o600)

    def _spawn(self) -> None:
        log = (self.workdir / "samba.out").open("ab")
        try:
            # -i: interactive (foreground, the Popen handle is the server); one process is enough.
            self._process = subprocess.Popen(
                ["samba", "-i", "-M", "single", "-s", str(self._smb_conf), "--debug-stdout"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            log.close()

    def _wait_until_ready(self) -> None:
        from ldap3.core.exceptions import LDAPException

        deadline = time.monotonic() + START_DEADLINE
        last: Exception | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"samba exited with {self._process.returncode}:\n{self._log_tail()}")
            try:
                self.connection().unbind()
                return
            except (LDAPException, OSError) as exc:
                last = exc
            time.sleep(0.2)
        raise RuntimeError(f"samba did not answer within {START_DEADLINE}s ({last}):\n{self._log_tail()}")

    def _log_tail(self) -> str:
        path = self.workdir / "samba.out"
        return "\n".join(path.read_text(errors="replace").splitlines()[-30:]) if path.exists() else ""

    def _populate(self) -> None:
        from tests.support.ad_entries import populate

        conn = self.connection()
        try:
            self.dns = populate(self, conn)
        finally:
            conn.unbind()
        self.lock("dvergrendeld")
        if shutil.which("faketime"):
            # Written into the database directly (the server's clock sets pwdLastSet over LDAP).
            self._run("faketime", "-f", "-400d", "samba-tool", "user", "create", PASSWORD_EXPIRED,
                      password_for(PASSWORD_EXPIRED), "--userou=OU=people", "-s", str(self._smb_conf),
                      "-H", str(self.workdir / "private" / "sam.ldb"))
            self.dns[PASSWORD_EXPIRED] = f"CN={PASSWORD_EXPIRED},{self.people_dn}"
