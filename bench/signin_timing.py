"""Where a sign-in's time goes: POST /login in-process against a real slapd, timed or profiled.

    .venv/bin/python bench/signin_timing.py                 # µs per sign-in, and a bare ldap3 cycle
    .venv/bin/python bench/signin_timing.py --profile       # top functions (cProfile)
    .venv/bin/python bench/signin_timing.py --split         # wall time of each step (no profiler overhead)

Runs against the benchmark database (``bench/run.py --data-only`` builds it) with the production
settings the benchmark uses, and a slapd holding the benchmark's directory entries. Each
sign-in is the form as a browser posts it (its own session cookie and CSRF token), cycling
over the employees, as in the benchmark's sign-in load. Complements bench/timing.py (pages).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="store_true", help="print the top functions by own and total time")
    parser.add_argument("--split", action="store_true", help="wall time of each step of a sign-in")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench")
    args = parser.parse_args(argv)

    from bench import dataset, ldap_baseline
    from bench.queries import _CSRF
    from bench.environment import production_settings
    from tests.support.slapd import SlapdServer

    scale = dataset.SCALES["full"]
    everyone = dataset.people(scale)
    signing_in = dataset.signin_people(everyone, scale)
    employees = [p for p in signing_in if not (p.is_reviewer or p.is_top_official)]
    workdir = Path(tempfile.mkdtemp(prefix="portal-signin-"))
    ldif_path = workdir / "directory.ldif"
    ldif_path.write_text(dataset.ldif(signing_in))
    slapd = SlapdServer(ldif_path, workdir=workdir / "slapd")
    slapd.start()
    try:
        from bench.directory import align_directory_ids
        from sqlalchemy.engine import make_url

        align_directory_ids(slapd, make_url(args.database_url).set(drivername="postgresql")
                            .render_as_string(hide_password=False))
        os.environ.update(production_settings(args.database_url))
        for key, value in slapd.config(LDAP_TIMEOUT=5.0).items():
            os.environ[f"PORTAL_{key}"] = "" if value is None else str(value)
        os.environ["PORTAL_LDAP_ALLOW_PLAIN"] = "1"  # the slapd is on loopback, without TLS
        from portal import create_app

        app = create_app()
        app.config["SESSION_COOKIE_SECURE"] = False  # the test client talks plain http
        forms = []
        for n in range(args.requests + 20):
            person = employees[n % len(employees)]
            client = app.test_client()
            token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
            forms.append((client, {"csrf_token": token, "username": person.username,
                                   "password": person.password, "next": "", "submit": "Aanmelden"}))

        def sign_in(n: int) -> None:
            client, form = forms[n]
            status = client.post("/login", data=form).status_code
            if status != 302:
                raise SystemExit(f"sign-in of {form['username']} gave {status}")

        for n in range(20):
            sign_in(args.requests + n)
        if args.split:
            _print_split(app, args.requests, sign_in)
            return
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for n in range(args.requests):
                sign_in(n)
            profiler.disable()
            stats = pstats.Stats(profiler).strip_dirs()
            stats.sort_stats("tottime").print_stats(30)
            stats.sort_stats("cumulative").print_stats(50)
            return
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(args.requests):
            sign_in(n)
        cpu = (time.process_time() - cpu) / args.requests * 1e6
        wall = (time.perf_counter() - wall) / args.requests * 1e6
        print(f"sign-in: {cpu:,.0f} µs CPU (this process) and {wall:,.0f} µs wall each, {args.requests} sign-ins")
        service = slapd.config()
        credentials = [(p.username, p.password) for p in employees]
        cpu, wall = time.process_time(), time.perf_counter()
        for n in range(args.requests):
            username, password = credentials[n % len(credentials)]
            ldap_baseline.search_and_bind(slapd.url, service["LDAP_BIND_DN"], service["LDAP_BIND_PASSWORD"],
                                          service["LDAP_USER_BASE"], username, password, service["LDAP_GROUP_BASE"])
        cpu = (time.process_time() - cpu) / args.requests * 1e6
        wall = (time.perf_counter() - wall) / args.requests * 1e6
        print(f"bare ldap3 search, bind and group search: {cpu:,.0f} µs CPU and {wall:,.0f} µs wall each")
    finally:
        slapd.close()


def _print_split(app, requests: int, sign_in) -> None:
    """Wrap each step of a sign-in in a timer (nested steps are counted in their parent too)."""
    from portal.auth import directory, routes, services
    from portal.core import transaction

    spent: dict[str, float] = {}

    def timed(name: str, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
        return wrapper

    steps = [
        (routes, "sign_in", "service sign_in (all of the below but the cookie and the commit)"),
        (directory.Directory, "authenticate", "  directory: authenticate"),
        (services, "directory_in_use", "  directory_in_use (the service account's refusal looked up)"),
        (directory.Directory, "_service_connection", "    service connection: connect and bind"),
        (directory.Directory, "_find_account", "    search for the user"),
        (services, "match_user", "    the person's row (before the user bind)"),
        (directory.Directory, "_bind", "    bind as the user"),
        (directory.Directory, "_groups_of", "    group searches"),
        (services, "sync_user", "  sync_user (read and refresh the user row)"),
        (services, "open_session", "  open_session (last_login_at, audit line, sessions)"),
        (routes, "start_session", "start_session"),
        (routes, "login_user", "login_user"),
        (transaction, "commit", "commit (the request's transaction)"),
    ]
    for owner, attribute, label in steps:
        if not hasattr(owner, attribute):  # the code moved on: time what is still there
            continue
        setattr(owner, attribute, timed(label, getattr(owner, attribute)))
    total_label = "whole request (test client)"
    started = time.perf_counter()
    for n in range(requests):
        sign_in(n)
    spent[total_label] = time.perf_counter() - started
    for label, seconds in spent.items():
        print(f"{label:<66} {seconds / requests * 1e6:8,.0f} µs")


if __name__ == "__main__":
    main()
