"""The directory sync alone, against a real slapd holding every employee: import, again, changes.

    .venv/bin/python bench/sync.py                 # 10,000 entries (about a minute)
    .venv/bin/python bench/sync.py --employees 1000

A fresh PostgreSQL database (``portal_bench_sync``: not the full benchmark's), migrated and empty;
slapd loaded with bench/dataset.py's people and role groups. Measured, each next to a bare ldap3
paged search of the same entries (the best of three): (1) the first sync, which imports everyone;
(2) a second sync, which changes nothing; (3) a sync after 100 people moved department. The
target (docs/performance.md) is at most 2× the bare search. Needs what ``make bench`` needs.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from ldap3 import MODIFY_REPLACE, NONE, SUBTREE, Connection, Server  # noqa: E402

from bench import dataset  # noqa: E402
from bench.environment import database_urls, log, migrate, recreate_database  # noqa: E402

ATTRIBUTES = ["uid", "givenName", "sn", "userAccountControl", "accountExpires", "objectSid", "primaryGroupID",
              "entryUUID", "cn", "mail", "ou", "title", "employeeType", "employeeNumber", "manager"]


def bare_search(config: dict, attributes: list[str]) -> tuple[float, float, int]:
    """The best of three bare ldap3 paged searches of every entry below the user base: (seconds, CPU seconds, entries)."""
    best, best_cpu, count = float("inf"), float("inf"), 0
    for _attempt in range(3):
        started, cpu = time.monotonic(), time.process_time()
        conn = Connection(Server(config["LDAP_URL"], get_info=NONE, connect_timeout=5), config["LDAP_BIND_DN"],
                          config["LDAP_BIND_PASSWORD"], read_only=True, receive_timeout=30)
        conn.bind()
        entries = conn.extend.standard.paged_search(config["LDAP_USER_BASE"], "(&(objectClass=inetOrgPerson)(uid=*))",
                                                    search_scope=SUBTREE, attributes=attributes, paged_size=500,
                                                    generator=True)
        count = sum(1 for entry in entries if entry.get("type") == "searchResEntry")
        conn.unbind()
        best, best_cpu = min(best, time.monotonic() - started), min(best_cpu, time.process_time() - cpu)
    return best, best_cpu, count


def timed_sync(app) -> tuple[float, float, object]:
    from portal.auth.sync import sync_directory
    from portal.core.time import utcnow
    from portal.core.transaction import transaction

    with app.app_context():
        started, cpu = time.monotonic(), time.process_time()
        with transaction():
            report = sync_directory(utcnow(), force=False)
        elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
        from portal.extensions import db

        db.session.remove()
    return elapsed, cpu, report


def move_departments(config: dict, people: list, count: int) -> None:
    conn = Connection(Server(config["LDAP_URL"], get_info=NONE), config["LDAP_BIND_DN"], config["LDAP_BIND_PASSWORD"],
                      auto_bind=True)
    for person in people[-count:]:
        conn.modify(person.dn, {"ou": [(MODIFY_REPLACE, ["Verhuisd"])]})
    conn.unbind()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1:5432/portal_bench_sync")
    args = parser.parse_args()

    from bench.directory import BenchSlapd
    from portal import create_app

    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-sync-"))
    dsn, sqlalchemy_url = database_urls(argparse.Namespace(database_url=args.database_url))
    recreate_database(dsn)
    migrate(sqlalchemy_url, workdir / "migrate.log")
    scale = dataset.Scale("sync", employees=args.employees, declarations=0, audit_events=0)
    everyone = dataset.people(scale)
    ldif_path = workdir / "directory.ldif"
    ldif_path.write_text(dataset.ldif(everyone))
    slapd = BenchSlapd(ldif_path, workdir=workdir / "slapd")
    slapd.start()
    try:
        config = slapd.config(LDAP_TIMEOUT=30.0)
        app = create_app({"SQLALCHEMY_DATABASE_URI": sqlalchemy_url, "DATABASE_URL": sqlalchemy_url, "TESTING": True,
                          "SECRET_KEY": "bench-sync-" + "x" * 40, "LOG_LEVEL": "WARNING", **config,
                          "DIRECTORY_SYNC_MAX_LEFT": 20})
        bare_uid, _cpu, entries = bare_search(config, ["uid"])
        bare_same, bare_cpu, _ = bare_search(config, ATTRIBUTES)
        log(f"{entries} entries; bare paged search {bare_uid:.2f} s (uid only), {bare_same:.2f} s "
            f"(the sync's attributes; {bare_cpu:.2f} s CPU in this process)")
        runs = [("first sync (imports everyone)", *timed_sync(app)),
                ("second sync (nothing changed)", *timed_sync(app))]
        move_departments(config, everyone, 100)
        runs.append(("after 100 moved department", *timed_sync(app)))
        with psycopg.connect(dsn) as conn:
            users = conn.execute('SELECT count(*), count(last_login_at) FROM "user"').fetchone()
        print()
        print("| run | sync s | × bare (uid) | × bare (same attributes) | CPU s (× bare) | new | updated | left |")
        print("|---|---|---|---|---|---|---|---|")
        for label, seconds, cpu, report in runs:
            print(f"| {label} | {seconds:.2f} | {seconds / bare_uid:.1f}× | {seconds / bare_same:.1f}× | "
                  f"{cpu:.2f} ({cpu / bare_cpu:.1f}×) | {report.created} | {report.refreshed} | {report.marked_left} |")
        print(f"\n{entries} entries; bare ldap3 paged search {bare_uid:.2f} s (uid only), {bare_same:.2f} s "
              f"(the sync's attributes, {bare_cpu:.2f} s CPU); users in the portal {users[0]}, with a sign-in {users[1]}")
        worst = max(seconds for _label, seconds, _cpu, _report in runs)
        return 0 if worst <= 2 * bare_same else 1
    finally:
        slapd.close()


if __name__ == "__main__":
    sys.exit(main())
