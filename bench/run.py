"""Benchmark of the portal as people use it: PostgreSQL, gunicorn, a real slapd, signed-in people.

    make bench                                    # = .venv/bin/python bench/run.py (about 15 minutes)
    .venv/bin/python bench/run.py --keep-data     # measure again on the data of the previous run
    .venv/bin/python bench/run.py --keep-data --parts cold --pages floor,dashboard   # a few pages
    .venv/bin/python bench/run.py --small         # quick check of the scripts (1,000 employees)

Parts: (1) data: a fresh database ``portal_bench`` (bench/dataset.py: 10,000 employees,
100,000 declarations, 500,000 audit events), every employee in a real slapd; (2) ``cold``: each
page requested by another signed-in person every time (rotating over at least 200 sessions),
at 1 and 16 clients, server CPU per request next to a bare Flask app under the same gunicorn
settings measured right before; (3) ``day``: campaign day, employees' journeys and reviewers'
decisions at 16 and 64 concurrent users; (4) ``heavy``: register exports, annual report, the
ceremony rush, sign-in next to bare ldap3, a campaign for everyone, the mail worker, the
directory sync. Results are printed and written between the markers in docs/performance.md.

Needs PostgreSQL on 127.0.0.1:5432 reachable as ``postgres`` (trust) and ``slapd``
(``apt-get install -y slapd ldap-utils``); all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import cold, dataset, heavy, journeys, ldap_baseline, load, report  # noqa: E402
from bench.drive import Call, run_calls, run_scenarios  # noqa: E402
from bench.environment import (  # noqa: E402
    OwnProcesses, database_urls, gunicorn_settings, log, machine, migrate, portal_environment, postgres_facts,
    recreate_database,
)
from bench.web import Connection, sign_in  # noqa: E402

PARTS = ("cold", "day", "heavy")
REVIEWER_SESSIONS = 10  #: sessions per reviewer (20 reviewers: 200 sessions)
EMPLOYEE_SESSIONS = 240  #: ordinary employees signed in for the cold pages
RUSH = 300
DEEP_PAGE = 200


def sign_in_many(port: int, people: list[tuple[str, str, int]], threads: int = 6) -> list[cold.SignedIn]:
    """Sign each (username, password, id) in through the form, a few at a time."""
    def one(chunk):
        conn = Connection(port)
        out = []
        try:
            for username, password, user_id in chunk:
                cookie, token = sign_in(conn, username, password)
                out.append(cold.SignedIn(username, user_id, cookie, token))
        finally:
            conn.close()
        return out

    chunks = [people[i::threads] for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(one, chunks))
    by_name = {s.username: s for part in parts for s in part}
    return [by_name[username] for username, _p, _i in people]


def registrant_ids(dsn: str, count: int) -> list[int]:
    """Employees who take the oath and have no record and no active registration yet."""
    with psycopg.connect(dsn) as conn:
        return [row[0] for row in conn.execute(
            """SELECT u.id FROM "user" u WHERE u.employee_type = 'medewerker' AND u.id > 30
                 AND u.left_at IS NULL AND NOT EXISTS (SELECT 1 FROM oath_record r WHERE r.user_id = u.id)
                 AND NOT EXISTS (SELECT 1 FROM oath_registration g WHERE g.user_id = u.id
                                 AND g.status IN ('confirmed', 'waitlisted'))
               ORDER BY u.id DESC LIMIT %s""", (count,))]


def undo_previous_run(dsn: str, campaign_year: int) -> None:
    """With --keep-data: take back what an earlier run added that this run adds again (its campaign,
    its mails, its registrations and rush sessions), so that the measurements repeat."""
    with psycopg.connect(dsn) as conn:
        campaigns = [row[0] for row in conn.execute(
            "SELECT id FROM declaration_campaign WHERE year = %s", (campaign_year,))]
        for campaign_id in campaigns:
            conn.execute("DELETE FROM outbox_message WHERE dedup_key LIKE %s", (f"campaign-{campaign_id}-%",))
            conn.execute("DELETE FROM declaration_campaign_task WHERE campaign_id = %s", (campaign_id,))
            conn.execute("DELETE FROM declaration_campaign WHERE id = %s", (campaign_id,))
        # registrations made through the portal (the data set's own have no session in their audit details)
        conn.execute("""DELETE FROM oath_registration WHERE id IN (
                            SELECT object_id FROM audit_event WHERE action = 'oath.register'
                            AND details::text LIKE '%%session_id%%')""")
        conn.execute("DELETE FROM oath_session s WHERE capacity = %s AND NOT EXISTS "
                     "(SELECT 1 FROM oath_registration r WHERE r.session_id = s.id)", (heavy.RUSH_SEATS,))
        conn.commit()


def parse_args(argv: Optional[list[str]] = None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="full")
    parser.add_argument("--small", action="store_const", const="small", dest="scale")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep-data", action="store_true", help="use the database of an earlier run")
    parser.add_argument("--data-only", action="store_true", help="make the database and stop")
    parser.add_argument("--parts", default=",".join(PARTS), help="cold, day, heavy (comma-separated)")
    parser.add_argument("--pages", default="", help="only these cold pages (keys: "
                        + ", ".join(p.key for p in cold.PAGES) + ")")
    parser.add_argument("--seconds", type=float, default=6.0, help="seconds per cold-page measurement (default 6)")
    parser.add_argument("--ceiling-seconds", type=float, default=3.0,
                        help="seconds of the bare Flask measurement right before each page (default 3)")
    parser.add_argument("--day-seconds", type=float, default=30.0, help="seconds of each campaign-day run")
    parser.add_argument("--mail-seconds", type=float, default=20.0, help="seconds the mail worker runs")
    parser.add_argument("--workers", type=int, default=0, help="WEB_CONCURRENCY (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=0, help="PORTAL_THREADS (default: gunicorn.conf.py)")
    parser.add_argument("--gunicorn-args", default="", help="extra GUNICORN_CMD_ARGS")
    parser.add_argument("--quiet-wait", type=float, default=5.0,
                        help="before each measurement wait up to this many seconds for an idle CPU (default 5)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"), help="'' to skip")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    wanted = {k.strip() for k in args.pages.split(",") if k.strip()}
    scale = dataset.SCALES[args.scale]
    from bench.directory import BenchSlapd as SlapdServer, align_directory_ids
    from tests.support.slapd import slapd_available

    if slapd_available() is None:
        raise SystemExit("slapd not found: install it with: apt-get install -y slapd ldap-utils")
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    log(f"work directory {workdir} (server logs)")
    dsn, sqlalchemy_url = database_urls(args)
    everyone = dataset.people(scale)
    by_id = {p.id: p for p in everyone}

    timings: dict[str, float] = {}
    if not args.keep_data:
        log(f"creating {make_url(dsn).database} and migrating")
        t = time.monotonic()
        recreate_database(dsn)
        migrate(sqlalchemy_url, workdir / "migrate.log")
        timings["migrate"] = time.monotonic() - t
    # every employee has a directory entry: the sync reads them all, anyone may sign in
    ldif_path = workdir / "directory.ldif"
    ldif_path.write_text(dataset.ldif(everyone))
    slapd = SlapdServer(ldif_path, workdir=workdir / "slapd")
    slapd.start()
    log(f"slapd on {slapd.url} with {len(everyone)} entries")
    env = portal_environment(args, sqlalchemy_url, slapd)
    from portal import create_app
    from portal.config import load_config

    app = create_app(load_config(env))
    app.config["SESSION_COOKIE_SECURE"] = False
    servers: list[load.Gunicorn] = []
    own = OwnProcesses(dsn, slapd)
    results = report.Results()
    try:
        if not args.keep_data:
            log(f"loading the {scale.name} data set")
            steps, problems = dataset.build(dsn, scale, app)
            timings.update(steps)
            for problem in problems:
                log(f"demo loader failed: {problem}")
        else:
            undo_previous_run(dsn, datetime.now(timezone.utc).year + 1)
        # this slapd's entry ids, as if the nightly sync had run (a kept database holds an earlier slapd's)
        log(f"directory ids of this slapd given to {align_directory_ids(slapd, dsn)} people")
        problems = dataset.check(dsn)
        if problems:
            raise SystemExit("the data set is inconsistent: " + "; ".join(problems))
        results.facts = dataset.facts(dsn)
        log("data: " + ", ".join(f"{k} {v}" for k, v in results.facts.items()))
        if args.data_only:
            return 0

        hello = load.Gunicorn("bench.hello:app", env, workdir / "gunicorn-hello.log")
        servers.append(hello)
        hello.start("/")
        portal = load.Gunicorn("wsgi:app", env, workdir / "gunicorn-portal.log")
        servers.append(portal)
        portal.start("/healthz")
        results.settings = gunicorn_settings(portal.env)
        log(f"gunicorn {results.settings}; portal on {portal.url}, bare Flask on {hello.url}")

        def watch():
            own.server = portal
            return load.CpuWatch(own)

        def watch_hello():
            own.server = hello
            return load.CpuWatch(own)

        # sessions: ordinary employees, reviewers (several sessions each), people who may register
        t = time.monotonic()
        employees = [p for p in everyone if not (p.is_reviewer or p.is_top_official)][:EMPLOYEE_SESSIONS]
        reviewers = [p for p in everyone if p.is_reviewer]
        wanted_registrants = sum(cold.POSTS_AT.values()) + RUSH
        registrants = [by_id[i] for i in registrant_ids(dsn, wanted_registrants) if i in by_id]
        ctx = cold.Context(
            port=portal.port, dsn=dsn,
            employees=sign_in_many(portal.port, [(p.username, p.password, p.id) for p in employees]),
            oath_takers=[],
            reviewers=sign_in_many(portal.port, [(p.username, p.password, p.id) for p in reviewers
                                                 for _ in range(REVIEWER_SESSIONS)]),
            registrants=sign_in_many(portal.port, [(p.username, p.password, p.id) for p in registrants]),
        )
        ctx.oath_takers = [s for s in ctx.employees if by_id[s.user_id].employee_type == "medewerker"]
        log(f"signed in {len(ctx.employees)} employees, {len(ctx.reviewers)} reviewer sessions, "
            f"{len(ctx.registrants)} registrants in {time.monotonic() - t:.0f} s")
        rush = min(RUSH, len(ctx.registrants) // 2)  # a small data set has fewer people who may register
        rush_people = ctx.registrants[:rush]
        ctx.registrants = ctx.registrants[rush:]
        ctx.policy_path = cold.policy_path(ctx)
        ctx.deep_path, ctx.deep_page = cold.deep_queue_path(ctx, DEEP_PAGE)
        log(f"policy page {ctx.policy_path}; queue page {ctx.deep_page}: {ctx.deep_path}")
        # warm the workers (imports, templates, connections) before anything is measured
        run_calls(portal.port, [Call("GET", "/privacy", s.cookie) for s in ctx.employees], 16, 3.0)
        run_calls(hello.port, [Call("GET", "/")], 16, 2.0)

        if "cold" in parts:
            for spec in cold.PAGES:
                if wanted and spec.key not in wanted:
                    continue
                label = spec.label.format(deep_page=ctx.deep_page)
                page = report.PageResult(spec.key, label, spec.target)
                for clients in (1, 16):
                    try:
                        calls = spec.build(ctx, clients)
                    except LookupError as exc:
                        log(f"skipping {label}: {exc}")
                        break
                    if not spec.once:
                        calls = cold.shuffled(calls)
                    load.wait_for_quiet(args.quiet_wait)
                    base = run_calls(hello.port, [Call("GET", "/")], clients, args.ceiling_seconds,
                                     cpu_watch=watch_hello)
                    run = run_calls(portal.port, calls, clients, args.seconds, once=spec.once, cpu_watch=watch)
                    page.runs[clients] = run
                    page.ceiling[clients] = base
                    log(f"  {label:<40} {clients:>2} clients: {run.rps:6.0f} req/s  p50 {run.timings.pct(50):6.1f}"
                        f"  p99 {run.timings.pct(99):6.1f} ms  CPU {run.server_cpu_ms:5.2f} ms/req "
                        f"(bare {base.server_cpu_ms:.2f}: {report.ratio(run, base):.1f}×)  "
                        f"errors {run.timings.errors}  other CPU {run.other_cpu:.0%}")
                    for example in run.timings.examples[:2]:
                        log(f"    error: {example[:300]}")
                results.pages.append(page)

        if "day" in parts:
            pool = [p for p in everyone if not (p.is_reviewer or p.is_top_official) and p.id > 1000]
            people = journeys.prepare(dsn, [(p.id, p.username, p.password) for p in pool], 3000)
            halves = {16: people[: len(people) // 2], 64: people[len(people) // 2:]}
            for users in (16, 64):
                n_reviewers = max(1, users // journeys.REVIEWER_SHARE)
                n_employees = users - n_reviewers
                mine = halves[users]
                scenarios = [journeys.employee_scenario(mine[i::n_employees], ctx.policy_path)
                             for i in range(n_employees)]
                team = reviewers[:n_reviewers]
                items = journeys.reviewer_items(dsn, [r.id for r in team], 400)
                scenarios += [journeys.reviewer_scenario(r.username, r.password, items[r.id]) for r in team]
                load.wait_for_quiet(args.quiet_wait)
                steps, done, failed, elapsed = run_scenarios(portal.port, scenarios, args.day_seconds,
                                                             cpu_watch=watch)
                day = report.DayResult(users, n_employees, n_reviewers, steps, done, failed, elapsed)
                results.days.append(day)
                log(f"  campaign day, {users} users: {day.summary()}")
                for name, t in steps.items():
                    for example in t.examples[:2]:
                        log(f"    {name} error: {example[:300]}")

        if "heavy" in parts:
            admin = ctx.reviewers[0]  # id 1: reviewer and administrator
            for fmt, limit in (("csv", 10.0), ("xlsx", 30.0)):
                load.wait_for_quiet(args.quiet_wait)
                results.add_heavy(heavy.register_export(portal.port, admin.cookie, fmt, limit, portal.workers, env))
            load.wait_for_quiet(args.quiet_wait)
            results.add_heavy(heavy.annual_report(portal.port, admin.cookie))
            load.wait_for_quiet(args.quiet_wait)
            results.add_heavy(heavy.ceremony_rush(portal.port, dsn, rush_people, cold._sample_form(ctx, "registration")))
            # sign-in next to bare ldap3 doing the same directory operations
            signin_people = [(p.username, p.password) for p in employees]
            service = slapd.config()
            for clients in (1, 16):
                calls = heavy.sign_in_calls(portal.port, signin_people, 150 if clients == 1 else 600)
                load.wait_for_quiet(args.quiet_wait)
                run = run_calls(portal.port, calls, clients, args.seconds, once=True, cpu_watch=watch)
                load.wait_for_quiet(args.quiet_wait)
                own.server = None
                with load.CpuWatch(own) as cpu:
                    base = ldap_baseline.measure(slapd.url, service["LDAP_BIND_DN"], service["LDAP_BIND_PASSWORD"],
                                                 service["LDAP_USER_BASE"], signin_people, clients, args.seconds,
                                                 group_base=service["LDAP_GROUP_BASE"])
                base.other_cpu = cpu.other
                results.signin[clients] = (run, base)
                log(f"  sign-in {clients:>2} clients: portal {run.rps:.0f}/s p50 {run.timings.pct(50):.1f} ms "
                    f"(errors {run.timings.errors}); bare ldap3 {base.rps:.0f}/s p50 {base.p50_ms:.1f} ms")
            load.wait_for_quiet(args.quiet_wait)
            year = datetime.now(timezone.utc).year + 1
            results.add_heavy(heavy.launch_campaign(portal.port, admin.cookie, app, year))
            portal.stop()
            hello.stop()
            load.wait_for_quiet(args.quiet_wait)
            results.add_heavy(heavy.mail_worker(env, dsn, args.mail_seconds, workdir))
            load.wait_for_quiet(args.quiet_wait)
            results.add_heavy(heavy.directory_sync(app, slapd.config()))
    finally:
        for server in servers:
            server.stop()
        own.close()
        slapd.close()

    results.elapsed = time.monotonic() - started
    text = report.render(results, markdown=False)
    print()
    print(text)
    if args.output:
        info = machine()
        pg = postgres_facts(dsn)
        command = ".venv/bin/python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
        report.write_markdown(Path(args.output), report.header(results, info, pg, command.strip(), timings)
                              + "\n\n" + report.render(results, markdown=True))
        log(f"wrote {args.output}")
    return 0 if results.all_passed() else 1


if __name__ == "__main__":
    sys.exit(main())
