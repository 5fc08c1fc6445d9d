"""Where one page's time goes: the app called in-process (no HTTP, no gunicorn), timed or profiled.

    .venv/bin/python bench/timing.py / --user wdijkstra54                # µs per request
    .venv/bin/python bench/timing.py / --user wdijkstra54 --profile      # top functions (cProfile)
    .venv/bin/python bench/timing.py /register.json                      # not signed in

Runs against the benchmark database (``bench/run.py --data-only`` builds it) with the production
settings the benchmark uses. The session is made directly (no directory needed), as the sign-in
form would leave it. Complements bench/explain.py, which looks at the SQL of one page.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build_app(database_url: str):
    from bench.environment import production_settings

    os.environ.update(production_settings(database_url))
    os.environ.update({  # never contacted: the session is made directly
        "PORTAL_LDAP_URL": "ldap://127.0.0.1:1",
        "PORTAL_LDAP_BIND_DN": "cn=admin,dc=example,dc=org",
        "PORTAL_LDAP_BIND_PASSWORD": "unused",
        "PORTAL_LDAP_START_TLS": "false",
        "PORTAL_LDAP_ALLOW_PLAIN": "1",
    })
    from portal import create_app

    return create_app()


def signed_in_cookie(app, username: str | None) -> str:
    """The session cookie of ``username`` as after sign-in ('' when not signed in)."""
    if not username:
        return ""
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.core.sessions import start_session
    from portal.extensions import db

    with app.test_request_context("/", base_url="https://portal.example.org"):
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            raise SystemExit(f"no user {username!r} in the benchmark database")
        from flask import session
        from flask_login import login_user

        from portal.auth.services import open_session

        start_session(user, open_session(user))
        db.session.commit()
        login_user(user)
        response = app.make_response("")
        app.session_interface.save_session(app, session, response)
        db.session.remove()
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    return cookie


def call(app, environ_template: dict) -> tuple[str, bytes]:
    """One request; a session cookie the answer renews is kept in ``environ_template``, as a browser keeps it."""
    environ = dict(environ_template)
    environ["wsgi.input"] = io.BytesIO(b"")
    status_holder = []

    def start_response(status, headers, exc_info=None):
        status_holder.append(status)
        for name, value in headers:
            if name.lower() == "set-cookie" and value.startswith("portal_session=") and "HTTP_COOKIE" in environ:
                environ_template["HTTP_COOKIE"] = value.split(";", 1)[0]

    body = b"".join(app(environ, start_response))
    return status_holder[0], body


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--user", help="username to sign in as (default: not signed in)")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="print the top functions by own and total time")
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/portal_bench")
    args = parser.parse_args(argv)

    from werkzeug.test import EnvironBuilder

    app = build_app(args.database_url)
    cookie = signed_in_cookie(app, args.user)
    builder = EnvironBuilder(path=args.path, base_url="https://portal.example.org",
                             headers={"Cookie": cookie} if cookie else {})
    template = builder.get_environ()
    template["REMOTE_ADDR"] = "127.0.0.1"
    status, body = call(app, template)
    print(f"{args.path}: {status}, {len(body):,} bytes")
    for _ in range(20):  # warm: templates compiled, pool filled, caches filled
        call(app, template)
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for the database
        profiler.enable()
        for _ in range(args.requests):
            call(app, template)
        profiler.disable()
        stats = pstats.Stats(profiler).strip_dirs()
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        return
    started = time.process_time()
    wall = time.perf_counter()
    for _ in range(args.requests):
        call(app, template)
    cpu = (time.process_time() - started) / args.requests * 1e6
    elapsed = (time.perf_counter() - wall) / args.requests * 1e6
    print(f"{cpu:,.0f} µs CPU (this process) and {elapsed:,.0f} µs wall per request, {args.requests} requests")


if __name__ == "__main__":
    main()
