"""A real OpenLDAP server (slapd) for tests, loaded from an LDIF file.

Needs the Debian packages ``slapd`` and ``ldap-utils``. The server listens on a
free loopback port, keeps its data in a temporary directory and, with
``tls=True``, also serves ldaps:// (and StartTLS) with a certificate signed by a
throw-away CA made with the ``openssl`` command.
"""

from __future__ import annotations

import atexit
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path("/etc/ldap/schema")
SCHEMAS = ("core", "cosine", "inetorgperson")
MODULE_DIR = Path("/usr/lib/ldap")
START_DEADLINE = 15.0  # seconds


def slapd_available() -> str | None:
    """Path of the slapd binary, or None when OpenLDAP is not installed."""
    return _find("slapd")


def _find(program: str) -> str | None:
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/usr/local/sbin")
    return found


def _require(program: str) -> str:
    found = _find(program)
    if found is None:
        raise RuntimeError(
            f"{program} not found: the directory tests need OpenLDAP. "
            "Install the Debian packages: apt-get install slapd ldap-utils"
        )
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SlapdServer:
    base_dn = "dc=example,dc=nl"
    admin_dn = "cn=admin,dc=example,dc=nl"
    admin_password = "admin-secret"

    def __init__(self, ldif_path: str | Path, *, tls: bool = False, workdir: Path | None = None) -> None:
        self.ldif_path = Path(ldif_path).resolve()
        self.tls = tls
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if workdir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="slapd-")
            workdir = Path(self._tempdir.name)
        self.workdir = Path(workdir)
        self.port = 0
        self.tls_port = 0
        self.ca_file: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._prepared = False

    # -- addresses -------------------------------------------------------

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str | None:
        return f"ldaps://127.0.0.1:{self.tls_port}" if self.tls else None

    def config(self, **overrides: Any) -> dict[str, Any]:
        """LDAP_* settings for the portal pointing at this server (service account: the root DN)."""
        from portal.config import load_config

        config = {key: value for key, value in load_config({}).items() if key.startswith("LDAP_")}
        config.update(
            LDAP_URL=self.url,
            LDAP_BIND_DN=self.admin_dn,
            LDAP_BIND_PASSWORD=self.admin_password,
            LDAP_USER_BASE=f"ou=people,{self.base_dn}",
            LDAP_GROUP_BASE=f"ou=groups,{self.base_dn}",
            LDAP_START_TLS=False,
            LDAP_CA_FILE=self.ca_file or "",
            LDAP_TIMEOUT=2.0,
            LDAP_GROUP_REVIEWERS=f"cn=integriteit-reviewers,ou=groups,{self.base_dn}",
            LDAP_GROUP_ADMINS=f"cn=portal-beheer,ou=groups,{self.base_dn}",
            LDAP_GROUP_TOP_OFFICIALS=f"cn=topfunctionarissen,ou=groups,{self.base_dn}",
            LDAP_GROUP_HIGH_RISK=f"cn=verhoogd-risico,ou=groups,{self.base_dn}",
        )
        config.update(overrides)
        return config

    # -- life cycle ------------------------------------------------------

    def start(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        if not self._prepared:
            self._prepare()
        last_error = ""
        for _attempt in range(3):
            self._spawn()
            try:
                self._wait_until_ready()
                return
            except RuntimeError as exc:
                last_error = str(exc)
                self.stop()
                # The port may have been taken between choosing and binding it.
                self.port, self.tls_port = _free_port(), _free_port() if self.tls else 0
        raise RuntimeError(last_error)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            try:
                process.send_signal(signal.SIGCONT)  # a frozen slapd cannot handle SIGTERM
                process.terminate()
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()

    def freeze(self) -> None:
        assert self._process is not None, "slapd is not running"
        self._process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        """Stop the server and remove its temporary directory."""
        self.stop()
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    def __enter__(self) -> SlapdServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------

    @property
    def _conf(self) -> Path:
        return self.workdir / "slapd.conf"

    @property
    def _log(self) -> Path:
        return self.workdir / "slapd.log"

    def _prepare(self) -> None:
        _require("slapd")
        slapadd = _require("slapadd")
        self.port = _free_port()
        if self.tls:
            self.tls_port = _free_port()
            self._make_certificates()
        data_dir = self.workdir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._conf.write_text(self._slapd_conf(data_dir))
        result = subprocess.run(
            [slapadd, "-f", str(self._conf), "-l", str(self.ldif_path)],
            capture_output=True, text=True, timeout=60,
        )
        if result.returncode != 0:
            raise RuntimeError(f"slapadd failed for {self.ldif_path}:\n{result.stderr}")
        self._prepared = True
        atexit.register(self.stop)

    def _slapd_conf(self, data_dir: Path) -> str:
        lines = [f"include {SCHEMA_DIR / name}.schema" for name in SCHEMAS]
        lines += [
            f"pidfile {self.workdir / 'slapd.pid'}",
            f"argsfile {self.workdir / 'slapd.args'}",
            f"modulepath {MODULE_DIR}",
            "moduleload back_mdb",
        ]
        if self.tls:
            lines += [
                f"TLSCACertificateFile {self.workdir / 'ca.pem'}",
                f"TLSCertificateFile {self.workdir / 'server.pem'}",
                f"TLSCertificateKeyFile {self.workdir / 'server.key'}",
            ]
        lines += [
            "database mdb",
            "maxsize 16777216",
            f'suffix "{self.base_dn}"',
            f'rootdn "{self.admin_dn}"',
            f"rootpw {self.admin_password}",
            f"directory {data_dir}",
            "index objectClass,uid,member,uniqueMember eq",
            # Anonymous may search (to test anonymous search) but never read passwords.
            "access to attrs=userPassword by anonymous auth by self read by * none",
            "access to * by * read",
        ]
        return "\n".join(lines) + "\n"

    def _make_certificates(self) -> None:
        openssl = _require("openssl")
        d = self.workdir
        ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        (d / "server.ext").write_text(
            "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
            "basicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature,keyEncipherment\n"
            "extendedKeyUsage=serverAuth\n"
            "subjectKeyIdentifier=hash\n"
            "authorityKeyIdentifier=keyid,issuer\n"
        )
        commands = [
            [openssl, "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "3",
             "-subj", "/CN=Portal test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
            [openssl, "req", *ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            [openssl, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
             "-CAcreateserial", "-out", "server.pem", "-days", "3", "-extfile", "server.ext"],
        ]
        for command in commands:
            result = subprocess.run(command, cwd=d, capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed:\n{result.stderr}")
        self.ca_file = str(d / "ca.pem")

    def _spawn(self) -> None:
        urls = f"ldap://127.0.0.1:{self.port}/"
        if self.tls:
            urls += f" ldaps://127.0.0.1:{self.tls_port}/"
        # -d keeps slapd in the foreground, so the Popen handle is the server itself.
        command = [_require("slapd"), "-f", str(self._conf), "-h", urls, "-d", "0"]
        log = self._log.open("ab")
        try:
            self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        finally:
            log.close()

    def _wait_until_ready(self) -> None:
        import ldap3
        from ldap3.core.exceptions import LDAPException

        deadline = time.monotonic() + START_DEADLINE
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"slapd exited with {self._process.returncode}:\n{self._log_tail()}")
            try:
                server = ldap3.Server(self.url, connect_timeout=1, get_info=ldap3.NONE)
                conn = ldap3.Connection(server, self.admin_dn, self.admin_password, receive_timeout=1)
                try:
                    if conn.bind() and conn.search(self.base_dn, "(objectClass=*)", ldap3.BASE):
                        return
                finally:
                    conn.unbind()
            except (LDAPException, KeyError) as exc:
                # KeyError: before slapd listens, a connection to a free port of the ephemeral
                # range can connect to itself (TCP simultaneous open) and read back its own bind
                # request, which ldap3 cannot decode as a response.
                last_error = exc
            time.sleep(0.05)
        raise RuntimeError(f"slapd did not answer within {START_DEADLINE}s ({last_error}):\n{self._log_tail()}")

    def _log_tail(self) -> str:
        try:
            return "\n".join(self._log.read_text(errors="replace").splitlines()[-20:])
        except OSError:
            return ""
