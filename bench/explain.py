"""Where a page spends its time: per-request time, every SQL statement timed, EXPLAIN ANALYZE of the slowest.

Runs against the database that ``bench/run.py`` filled (``portal_bench``) without a directory
or gunicorn: the session is set up directly, as Flask-Login would after a sign-in.

    .venv/bin/python bench/explain.py /review/ --user ibakker3
    .venv/bin/python bench/explain.py /  --user jylmaz221 --profile     # plus a cProfile of 20 requests
    .venv/bin/python bench/explain.py /register.json                    # not signed in
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"


def build_app(dsn: str):
    from portal import create_app

    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    app = create_app({
        "ENV": "production", "SECRET_KEY": "bench-explain-0123456789-abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": url, "LDAP_URL": "ldap://127.0.0.1:1", "LDAP_ALLOW_PLAIN": True, "LOG_LEVEL": "WARNING", "LOG_FORMAT": "json",
    })
    app.config["SESSION_COOKIE_SECURE"] = False
    return app


def client_for(app, username: str | None):
    from portal.core.time import utcnow
    from portal.extensions import db

    client = app.test_client()
    if username:
        from portal.auth.models import User
        from portal.auth.services import open_session

        with app.test_request_context():
            user = db.session.scalar(db.select(User).where(User.username == username))
            if user is None:
                raise SystemExit(f"no user {username!r} in the database")
            user_id, session_id = user.get_id(), open_session(user)  # the server-side session row
            db.session.commit()
            db.session.remove()
        with client.session_transaction() as session:
            now = utcnow().timestamp()
            session.update({"_user_id": user_id, "sid": session_id, "_fresh": True, "login_at": now,
                            "seen_at": now})
    return client


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path")
    parser.add_argument("--user", help="username to be signed in as (default: not signed in)")
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN ANALYZE this many slowest statements")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the requests")
    args = parser.parse_args()

    app = build_app(args.database_url)
    from portal.extensions import db

    timings: list[tuple[float, str, object]] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        timings.append(((time.perf_counter() - conn.info["bench_started"]) * 1000, statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    client = client_for(app, args.user)
    first = client.get(args.path)
    if first.status_code != 200:
        raise SystemExit(f"{args.path} answered {first.status_code} {first.location or ''}")
    client.get(args.path)
    timings.clear()
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    for _ in range(args.requests):
        client.get(args.path)
    if profiler:
        profiler.disable()
    per_request = (time.perf_counter() - started) / args.requests * 1000
    sql_ms = sum(t for t, _, _ in timings) / args.requests
    print(f"{args.path}: {per_request:.1f} ms per request in this process, of which {sql_ms:.1f} ms waiting for "
          f"{len(timings) / args.requests:.0f} SQL statements; {len(first.data)} bytes")
    grouped: dict[str, list[tuple[float, object]]] = defaultdict(list)
    for ms, statement, parameters in timings:
        grouped[statement].append((ms, parameters))
    ranked = sorted(grouped.items(), key=lambda item: -sum(ms for ms, _ in item[1]))
    for statement, runs in ranked:
        print(f"  {sum(ms for ms, _ in runs) / args.requests:6.2f} ms  {len(runs) / args.requests:.0f}×  "
              f"{' '.join(statement.split())[:150]}")
    with psycopg.connect(args.database_url.replace("postgresql+psycopg://", "postgresql://", 1)) as raw:
        mogrifier = psycopg.ClientCursor(raw)
        for statement, runs in ranked[: args.explain]:
            sql = mogrifier.mogrify(statement, runs[0][1])
            print(f"\n=== {sum(ms for ms, _ in runs) / args.requests:.2f} ms per request\n{sql}\n")
            for (line,) in raw.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql):
                print("  " + line)
    if profiler:
        print()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
