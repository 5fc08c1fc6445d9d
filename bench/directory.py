"""The benchmark's slapd: the tests' server, loaded quickly with every employee in it."""

from __future__ import annotations

import atexit
import subprocess

from tests.support.slapd import SlapdServer, _free_port, _require


class BenchSlapd(SlapdServer):
    """slapadd in quick mode (no per-entry sync and checks: 10,000 entries in seconds, not minutes),
    and a database map large enough for them."""

    def _prepare(self) -> None:
        _require("slapd")
        slapadd = _require("slapadd")
        self.port = _free_port()
        data_dir = self.workdir / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        self._conf.write_text(self._slapd_conf(data_dir).replace("maxsize 16777216", "maxsize 1073741824"))
        result = subprocess.run([slapadd, "-q", "-f", str(self._conf), "-l", str(self.ldif_path)],
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"slapadd failed for {self.ldif_path}:\n{result.stderr}")
        self._prepared = True
        atexit.register(self.stop)


def align_directory_ids(slapd, dsn: str) -> int:
    """Give each user row the ``entryUUID`` this slapd gave its entry; returns the rows changed.

    slapd makes new ids each time it is loaded, while a kept database (``--keep-data``) holds the
    ids of an earlier slapd: without this every sign-in would look like a new person whose login
    name an old account still holds (that row renamed away, a new empty row inserted) and the
    sync would import everyone again. The portal's real directory keeps its ids.
    """
    import psycopg
    from ldap3 import NONE, SUBTREE, Connection, Server

    config = slapd.config()
    conn = Connection(Server(config["LDAP_URL"], get_info=NONE), config["LDAP_BIND_DN"], config["LDAP_BIND_PASSWORD"],
                      read_only=True, auto_bind=True)
    try:
        ids = [(entry["raw_attributes"]["uid"][0].decode().lower(), entry["raw_attributes"]["entryUUID"][0].decode())
               for entry in conn.extend.standard.paged_search(
                   config["LDAP_USER_BASE"], "(uid=*)", search_scope=SUBTREE, attributes=["uid", "entryUUID"],
                   paged_size=1000, generator=True)
               if entry.get("type") == "searchResEntry" and entry["raw_attributes"].get("uid")]
    finally:
        conn.unbind()
    with psycopg.connect(dsn) as db:
        db.execute("CREATE TEMP TABLE directory_ids (username text PRIMARY KEY, directory_id text)")
        with db.cursor().copy("COPY directory_ids FROM STDIN") as copy:
            for row in ids:
                copy.write_row(row)
        changed = db.execute('UPDATE "user" u SET directory_id = d.directory_id FROM directory_ids d '
                             "WHERE u.username = d.username AND u.directory_id IS DISTINCT FROM d.directory_id"
                             ).rowcount
        db.commit()
    return changed
