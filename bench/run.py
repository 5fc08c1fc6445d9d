"""Benchmark of the portal on PostgreSQL under gunicorn, with signed-in load from wrk.

    .venv/bin/python bench/run.py                 # full data set (10,000 employees, 100,000 declarations)
    .venv/bin/python bench/run.py --small         # a quick check (1,000 / 10,000)
    .venv/bin/python bench/run.py --keep-data     # measure again on the data of the previous run

Steps: (1) a fresh database ``portal_bench`` (dropped and created), migrated with
``flask db upgrade heads``, filled by bench/dataset.py and the areas' demo loaders; (2) a
real slapd with directory entries for the employees who sign in; (3) for every page one
request through Flask's test client to count its SQL statements; (4) the ceiling: a bare
Flask app under the same gunicorn settings; (5) the portal under gunicorn, each page driven
by wrk at 1, 16 and 64 concurrent clients, worker memory sampled from /proc; (6) bare ldap3
search-and-bind cycles against the same slapd; (7) the verdict on every target, printed and
written to docs/performance.md (between the markers; the hand-written parts stay).

Needs: PostgreSQL on 127.0.0.1:5432 reachable as ``postgres`` (trust), ``wrk``
(``apt-get install -y wrk``) and ``slapd`` (``apt-get install -y slapd ldap-utils``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench import dataset, ldap_baseline, load, report  # noqa: E402
from bench.report import PageResult  # noqa: E402

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "portal_bench"
DEEP_PAGE = 200  #: "a page deep in the review queue"
WARMUP_SECONDS = 3


@dataclass
class PageSpec:
    key: str
    label: str
    who: Optional[str]  #: "employee", "reviewer" or None (not signed in)
    min_ratio: Optional[float]
    resolve: Callable[["Context"], str]  #: the path to load
    expected_status: int = 200
    reference: bool = False  #: measured for comparison, no target


@dataclass
class Context:
    counter: "object"  #: bench.queries.QueryCounter
    employee: dataset.Person
    reviewer: dataset.Person
    deep_page: int = 0  #: the page number _review_deep reached


def _rule(counter, pattern: str, description: str) -> str:
    """The first URL rule matching ``pattern`` (a regex on the rule text)."""
    rules = sorted(str(rule) for rule in counter.app.url_map.iter_rules())
    for rule in rules:
        if re.fullmatch(pattern, rule):
            return rule
    raise LookupError(f"no route for {description} (looked for {pattern!r}); routes: {', '.join(rules)}")


def _policy_page(ctx: Context) -> str:
    _rule(ctx.counter, r"/policies/<slug>", "a policy page")
    from sqlalchemy import text

    with ctx.counter.app.app_context():
        from portal.extensions import db

        slugs = list(db.session.scalars(text(
            "SELECT p.slug FROM policy_page p WHERE EXISTS (SELECT 1 FROM policy_version v "
            "WHERE v.page_id = p.id AND v.status = 'published') ORDER BY p.sort_order, p.id")))
        db.session.remove()
    if not slugs:
        raise LookupError("no published policy page (the policies demo loader did not run?)")
    # the code of conduct is the page everyone reads; else the first page
    slug = next((s for s in slugs if s in ("gedragscode", "code-of-conduct")), slugs[0])
    return f"/policies/{slug}"


def _review_queue(ctx: Context) -> str:
    return _rule(ctx.counter, r"/review/?(queue/?)?", "the review queue")


_NEXT_LINK = re.compile(r'<a\s[^>]*rel="next"[^>]*>')
_HREF = re.compile(r'href="([^"]+)"')


def _review_deep(ctx: Context) -> str:
    """Page DEEP_PAGE of the queue (or its last page), reached by following its "next" links (keyset)."""
    import html

    path = _review_queue(ctx)
    client = ctx.counter.client_for(ctx.reviewer.username, ctx.reviewer.password)
    number = 1
    while number < DEEP_PAGE:
        body = client.get(path).get_data(as_text=True)
        link = _NEXT_LINK.search(body)
        if link is None:
            if number == 1:
                raise LookupError(f"no next-page link (rel=next) on {path}")
            break
        path = html.unescape(_HREF.search(link.group(0)).group(1))
        number += 1
    ctx.deep_page = number
    return path


def _register_json(ctx: Context) -> str:
    return _rule(ctx.counter, r"/[\w/-]*register[\w-]*\.json", "the register as JSON")


PAGES = [
    # Not in the issue: the cheapest signed-in page (static text in the layout, no query of its own),
    # to show what the layout, the session and the sign-in check cost on every page.
    PageSpec("floor", "reference: /privacy signed in", "employee", None, lambda ctx: "/privacy", reference=True),
    PageSpec("dashboard", "dashboard", "employee", 0.40, lambda ctx: "/"),
    PageSpec("policy", "policy page", "employee", 0.40, _policy_page),
    PageSpec("declarations", "my declarations", "employee", None,
             lambda ctx: _rule(ctx.counter, r"/declarations/", "my declarations")),
    PageSpec("review", "review queue, first page", "reviewer", 0.25, _review_queue),
    PageSpec("review-deep", "review queue, page {deep_page}", "reviewer", 0.25, _review_deep),
    PageSpec("register", "register JSON", None, None, _register_json),
]


# -- steps --------------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def database_urls(args) -> tuple[str, str]:
    """(libpq DSN, SQLAlchemy URL) of the benchmark database."""
    url = make_url(args.database_url or DEFAULT_SERVER + DEFAULT_DATABASE)
    if not url.database:
        url = url.set(database=DEFAULT_DATABASE)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    return dsn, url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def recreate_database(dsn: str) -> None:
    url = make_url(dsn)
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{url.database}"')


def migrate(sqlalchemy_url: str, log_path: Path) -> str:
    """``flask db upgrade heads`` (``upgrade`` when that fails); returns the command that worked."""
    env = {**_clean_environ(), "PORTAL_DATABASE_URL": sqlalchemy_url, "PORTAL_LOG_LEVEL": "WARNING"}
    for target in (["heads"], []):
        command = [str(load.VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade", *target]
        with log_path.open("ab") as out:
            result = subprocess.run(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        if result.returncode == 0:
            return " ".join(["flask", "--app", "wsgi", "db", "upgrade", *target])
    raise SystemExit(f"migrating the benchmark database failed; see {log_path}")


def _clean_environ() -> dict[str, str]:
    """This process's environment without PORTAL_* settings (the benchmark sets its own)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_") or k == "PORTAL_THREADS"}


def production_settings(sqlalchemy_url: str) -> dict[str, str]:
    """The portal's settings under measurement (bench/timing.py uses them too), the directory aside."""
    return {
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_DATABASE_URL": sqlalchemy_url,
        "PORTAL_LOG_LEVEL": "WARNING",
        "PORTAL_LOG_FORMAT": "json",
        "PORTAL_BASE_URL": "https://integriteit.example.nl",
        "PORTAL_SMTP_HOST": "127.0.0.1",
        "PORTAL_SMTP_PORT": "1",
    }


def portal_environment(args, sqlalchemy_url: str, slapd) -> dict[str, str]:
    env = _clean_environ()
    env.update(production_settings(sqlalchemy_url))
    for key, value in slapd.config(LDAP_TIMEOUT=5.0).items():
        env[f"PORTAL_{key}"] = "" if value is None else str(value)
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    if args.threads:
        env["PORTAL_THREADS"] = str(args.threads)
    if args.gunicorn_args:
        env["GUNICORN_CMD_ARGS"] = args.gunicorn_args
    return env


def gunicorn_settings(env: dict[str, str]) -> dict[str, object]:
    """The settings gunicorn.conf.py gives under ``env`` (read, not guessed)."""
    code = (
        "import runpy, json; c = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: c[k] for k in ('workers', 'threads', 'worker_class', 'max_requests', "
        "'max_requests_jitter', 'keepalive', 'timeout', 'preload_app')}))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         check=True)
    import json

    settings = json.loads(out.stdout)
    if env.get("GUNICORN_CMD_ARGS"):
        settings["GUNICORN_CMD_ARGS"] = env["GUNICORN_CMD_ARGS"]
    return settings


class OwnProcesses:
    """The pids that belong to the benchmark: gunicorn, slapd and the benchmark database's backends."""

    def __init__(self, dsn: str, slapd, server: Optional[load.Gunicorn] = None) -> None:
        self.dsn = dsn
        self.slapd = slapd
        self.server = server
        self._backends: list[int] = []
        self._checked = 0.0
        self._conn: Optional[psycopg.Connection] = None

    def __call__(self) -> list[int]:
        pids = []
        if self.server is not None and self.server.process is not None:
            pids += [self.server.process.pid, *self.server.workers()]
        process = getattr(self.slapd, "_process", None)
        if process is not None:
            pids.append(process.pid)
        if time.monotonic() - self._checked > 1.0:
            self._checked = time.monotonic()
            try:
                if self._conn is None:
                    self._conn = psycopg.connect(self.dsn, autocommit=True)
                self._backends = [row[0] for row in self._conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()")]
            except psycopg.Error:
                self._conn = None
        return pids + self._backends

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def measure(server: load.Gunicorn, page: PageResult, clients: list[int], duration: float, own: OwnProcesses,
            quiet_wait: float, *, sign_in: Optional[Callable[[], str]] = None,
            credentials: Optional[Path] = None, ceiling: Optional[load.Gunicorn] = None,
            first_ceiling: Optional[PageResult] = None) -> None:
    """wrk at each number of clients; with ``ceiling``, the bare app is measured right before each
    run too (half as long), so that the machine's drift between minutes does not enter the ratio.

    ``sign_in`` gives a fresh session cookie for every run: wrk replays one cookie, where a browser
    keeps the one the portal renews each minute ("last seen"); an old cookie would be renewed, and
    its session re-signed, on every request.
    """
    url = server.url + page.path
    own.server = server
    with load.MemorySampler(server) as sampler:
        cookie = sign_in() if sign_in else None
        load.run_wrk(url, max(clients), WARMUP_SECONDS, cookie=cookie, credentials_file=credentials)
        for n in clients:
            load.wait_for_quiet(quiet_wait)
            if ceiling is not None:
                first = first_ceiling.runs.get(n) if first_ceiling is not None else None
                page.paired_ceiling[n] = paired_ceiling(ceiling, n, duration / 2, first.rps if first else None)
            cookie = sign_in() if sign_in else None
            if cookie:
                load.run_wrk(url, n, 1.0, cookie=cookie)  # this session's pages into the cache
            with load.CpuWatch(own) as cpu:
                run = load.run_wrk(url, n, duration, cookie=cookie, credentials_file=credentials)
            run.other_cpu = cpu.other
            run.server_cpu_ms = cpu.server_seconds * 1000 / run.requests if run.requests else 0.0
            page.runs[n] = run
            log(f"  {page.label:<28} {n:>3} clients: {run.rps:7.0f} req/s  p50 {run.p50_ms:6.1f}  "
                f"p95 {run.p95_ms:6.1f}  p99 {run.p99_ms:6.1f} ms  statuses {run.statuses}  "
                f"server CPU {run.server_cpu_ms:.1f} ms/req  other CPU {cpu.other:.0%}")
    page.memory = sampler.peak


def paired_ceiling(ceiling: load.Gunicorn, clients: int, duration: float, first: Optional[float]) -> float:
    """The ceiling right before a page: measured again (up to three times, the best counts) when it
    comes out under three quarters of the first measurement at this many clients. A dip of the
    bare app (another process, a worker restarting) would otherwise flatter the page's ratio;
    taking the best makes the ratio stricter, never kinder."""
    best = 0.0
    for attempt in range(3):
        rps = load.run_wrk(ceiling.url + "/", clients, duration).rps
        best = max(best, rps)
        if first is None or best >= 0.75 * first:
            break
        log(f"  ceiling at {clients} clients: {rps:.0f} req/s, under 3/4 of the first {first:.0f}: measured again")
    log(f"  ceiling at {clients} clients right before: {best:.0f} req/s")
    return best


def sign_in_credentials(server: load.Gunicorn, people: list[dataset.Person], path: Path) -> Path:
    """One pre-fetched (session cookie, CSRF token) per employee; the token stays valid for its session."""
    lines = []
    for person in people:
        cookie, token = load.login_form(server.host, server.port)
        lines.append(f"{cookie}\t{load.login_body(token, person.username, person.password)}")
    path.write_text("\n".join(lines) + "\n")
    return path


def machine() -> dict[str, str]:
    meminfo = Path("/proc/meminfo").read_text()
    total_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpu = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
    revision = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    changed = len([line for line in dirty.splitlines() if line.strip()])
    return {
        "cores": str(os.cpu_count()),
        "memory": f"{total_kb / 1024 / 1024:.1f} GiB",
        "cpu": cpu.group(1).strip() if cpu else platform.processor(),
        "revision": revision + (f" + {changed} uncommitted changes" if changed else ""),
        "python": platform.python_version(),
        "load": Path("/proc/loadavg").read_text().split()[0],
    }


def postgres_facts(dsn: str) -> dict[str, str]:
    with psycopg.connect(dsn) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "max_connections", "synchronous_commit")
        }
    return {"version": version, **settings}


# -- main -----------------------------------------------------------------------------------


def parse_args(argv: Optional[list[str]] = None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="full",
                        help="data set size (default full: 10,000 employees, 100,000 declarations)")
    parser.add_argument("--small", action="store_const", const="small", dest="scale",
                        help="shorthand for --scale small (1,000 employees, 10,000 declarations)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per measurement (default 10)")
    parser.add_argument("--clients", default="1,16,64", help="concurrent clients, comma-separated")
    parser.add_argument("--database-url", default="",
                        help=f"PostgreSQL database (default {DEFAULT_SERVER}{DEFAULT_DATABASE}; dropped and "
                             "created; the role must be a superuser to load with triggers off)")
    parser.add_argument("--keep-data", action="store_true",
                        help="use the database as it is (loaded by an earlier run) instead of recreating it")
    parser.add_argument("--workers", type=int, default=0, help="WEB_CONCURRENCY (default: gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, default=0, help="PORTAL_THREADS (default: gunicorn.conf.py)")
    parser.add_argument("--gunicorn-args", default="", help="extra GUNICORN_CMD_ARGS, e.g. '--max-requests 0'")
    parser.add_argument("--quiet-wait", type=float, default=120.0,
                        help="before each measurement wait up to this many seconds for other processes to "
                             "leave the CPU idle (default 120)")
    parser.add_argument("--data-only", action="store_true", help="make the database and stop")
    parser.add_argument("--pages", default="", help="only these pages (keys: "
                        + ", ".join([p.key for p in PAGES] + ["signin"]) + ")")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"),
                        help="Markdown file to update ('' to skip)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    clients = [int(n) for n in args.clients.split(",") if n.strip()]
    wanted = {key.strip() for key in args.pages.split(",") if key.strip()}
    scale = dataset.SCALES[args.scale]
    load.require_wrk()
    from tests.support.slapd import SlapdServer, slapd_available

    if slapd_available() is None:
        raise SystemExit("slapd not found: install it with: apt-get install -y slapd ldap-utils")

    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    log(f"work directory {workdir} (server logs)")
    dsn, sqlalchemy_url = database_urls(args)
    everyone = dataset.people(scale)
    signing_in = dataset.signin_people(everyone, scale)
    reviewer = next(p for p in everyone if p.is_reviewer and not p.is_admin)
    employees = [p for p in signing_in if not (p.is_reviewer or p.is_top_official)]

    # 1. data
    timings: dict[str, float] = {}
    demo_problems: list[str] = []
    migrate_command = "(kept)"
    if not args.keep_data:
        log(f"creating {make_url(dsn).database} and migrating")
        t = time.monotonic()
        recreate_database(dsn)
        migrate_command = migrate(sqlalchemy_url, workdir / "migrate.log")
        timings["migrate"] = time.monotonic() - t
        log(f"loading the {scale.name} data set")
    # 2. directory
    ldif_path = workdir / "directory.ldif"
    ldif_path.write_text(dataset.ldif(signing_in))
    slapd = SlapdServer(ldif_path, workdir=workdir / "slapd")
    slapd.start()
    log(f"slapd on {slapd.url} with {len(signing_in)} entries")
    env = portal_environment(args, sqlalchemy_url, slapd)
    from portal.config import load_config

    config = load_config(env)
    from bench.queries import QueryCounter

    counter = QueryCounter(config)
    servers: list[load.Gunicorn] = []
    own = OwnProcesses(dsn, slapd)
    try:
        if not args.keep_data:
            steps, demo_problems = dataset.build(dsn, scale, counter.app)
            timings.update(steps)
            for problem in demo_problems:
                log(f"demo loader failed: {problem}")
        problems = dataset.check(dsn)
        if problems:
            raise SystemExit("the data set is inconsistent: " + "; ".join(problems))
        facts = dataset.facts(dsn)
        log("data: " + ", ".join(f"{k} {v}" for k, v in facts.items()))
        if timings:
            log("generation: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
        if args.data_only:
            return 0
        owner_id, owner_count = dataset.median_owner(dsn, [p.id for p in employees])
        employee = next(p for p in everyone if p.id == owner_id)
        ctx = Context(counter=counter, employee=employee, reviewer=reviewer)

        # 3. paths and queries per request
        pages: list[PageResult] = []
        users = {"employee": employee, "reviewer": reviewer, None: None}
        for spec in PAGES:
            if wanted and spec.key not in wanted:
                continue
            try:
                path = spec.resolve(ctx)
            except LookupError as exc:
                log(f"skipping {spec.label}: {exc}")
                continue
            page = PageResult(spec.key, spec.label.format(deep_page=ctx.deep_page), path, spec.expected_status,
                              spec.min_ratio, reference=spec.reference)
            person = users[spec.who]
            status, page.queries, statements = counter.page(
                path, person.username if person else None, person.password if person else None)
            page.note = f"as {spec.who}" if spec.who else "not signed in"
            if status != spec.expected_status:
                raise SystemExit(f"{spec.label} ({path}) answered {status} in the test client")
            (workdir / f"queries-{spec.key}.sql").write_text(";\n\n".join(statements) + ";\n")
            log(f"{page.label}: {path} — {page.queries} queries")
            pages.append(page)
        sign_in_page: Optional[PageResult] = None
        if not wanted or "signin" in wanted:
            sign_in_page = PageResult("signin", "sign-in (POST /login)", "/login", 302, None)
            status, sign_in_page.queries, statements = counter.sign_in(employees[0].username,
                                                                        employees[0].password)
            (workdir / "queries-signin.sql").write_text(";\n\n".join(statements) + ";\n")
            log(f"sign-in: {sign_in_page.queries} queries (status {status})")
        counter.close()

        # 4. the ceiling
        ceiling = PageResult("hello", "ceiling: bare Flask hello", "/", 200, None)
        hello = load.Gunicorn("bench.hello:app", env, workdir / "gunicorn-hello.log")
        servers.append(hello)
        hello.start("/")
        settings = gunicorn_settings(hello.env)
        log(f"gunicorn settings: {settings}")
        log("ceiling")
        measure(hello, ceiling, clients, args.duration, own, args.quiet_wait)
        # it keeps running: measured again right before every page (the ratio's reference)

        # 5. the portal
        portal = load.Gunicorn("wsgi:app", env, workdir / "gunicorn-portal.log")
        servers.append(portal)
        portal.start("/healthz")
        log(f"portal under gunicorn on {portal.url}, workers {portal.workers()}")
        for page in pages:
            person = users[next(s.who for s in PAGES if s.key == page.key)]
            sign_in = (lambda p=person: load.sign_in(portal.host, portal.port, p.username, p.password)) \
                if person else None
            measure(portal, page, clients, args.duration, own, args.quiet_wait, sign_in=sign_in,
                    ceiling=None if page.reference else hello, first_ceiling=ceiling)
        if sign_in_page is not None:
            credentials = sign_in_credentials(portal, employees, workdir / "sign-in.tsv")
            measure(portal, sign_in_page, clients, args.duration, own, args.quiet_wait, credentials=credentials)
        portal.stop()
        hello.stop()

        # 6. bare ldap3 against the same slapd
        baseline: dict[int, ldap_baseline.BaselineResult] = {}
        if sign_in_page is not None:
            service = slapd.config()
            pairs = [(p.username, p.password) for p in employees]
            own.server = None
            for n in clients:
                load.wait_for_quiet(args.quiet_wait)
                with load.CpuWatch(own) as cpu:
                    result = ldap_baseline.measure(slapd.url, service["LDAP_BIND_DN"],
                                                   service["LDAP_BIND_PASSWORD"], service["LDAP_USER_BASE"],
                                                   pairs, n, args.duration)
                result.other_cpu = cpu.other
                baseline[n] = result
                log(f"  bare ldap3 search-and-bind {n:>3} clients: {result.rps:7.0f} per s  "
                    f"p50 {result.p50_ms:6.1f}  p99 {result.p99_ms:6.1f} ms  other CPU {cpu.other:.0%}")
    finally:
        for server in servers:
            server.stop()
        own.close()
        slapd.close()

    # 7. verdict
    verdicts = report.verdicts(pages, ceiling, baseline, sign_in_page)
    all_pages = pages + ([sign_in_page] if sign_in_page else [])
    table = report.results_table(all_pages, ceiling, clients)
    base_rows = report.baseline_table(baseline, sign_in_page)
    print()
    print(report.text_table(table))
    print()
    print(report.text_table(base_rows))
    print()
    print(report.text_table([[v.target, v.figure, "PASS" if v.passed else "FAIL"] for v in verdicts]))
    elapsed = time.monotonic() - started
    noisy = report.disturbed([ceiling, *all_pages], baseline)
    if noisy:
        print("\nWARNING: other processes used the CPU during: " + "; ".join(noisy))
    print(f"\nbenchmark took {elapsed / 60:.1f} min")

    if args.output:
        info = machine()
        pg = postgres_facts(dsn)
        command = ".venv/bin/python bench/run.py" + (" " + " ".join(argv if argv is not None else sys.argv[1:])
                                                     if (argv if argv is not None else sys.argv[1:]) else "")
        lines = [
            f"Generated by `{command.strip()}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
            f"({elapsed / 60:.1f} min in all).",
            "",
            f"- machine: {info['cores']} cores ({info['cpu']}), {info['memory']} RAM; "
            f"load average {info['load']} at the end; Python {info['python']}; PostgreSQL {pg['version']} "
            f"(shared_buffers {pg['shared_buffers']}, work_mem {pg['work_mem']}, "
            f"max_connections {pg['max_connections']}) on the same machine",
            f"- revision: {info['revision']}",
            "- gunicorn (gunicorn.conf.py): " + ", ".join(f"{k} {v}" for k, v in settings.items()),
            "- portal: PORTAL_ENV=production, PORTAL_LOG_LEVEL=WARNING (request lines are INFO: logging "
            "is kept out of the measurement), PORTAL_LOG_FORMAT=json, a real slapd on loopback",
            f"- load: wrk, {args.duration:g} s per measurement after a {WARMUP_SECONDS} s warm-up at "
            f"{max(clients)} clients; keep-alive connections; signed-in pages with a session cookie from "
            "a fresh sign-in for every measurement; ratios against the ceiling measured right before "
            "each page",
            f"- data ({scale.name}): " + ", ".join(f"{k} {v}" for k, v in facts.items()),
            f"- pages as: employee `{employee.username}` ({owner_count} declarations, the median among "
            f"the employees who sign in), reviewer `{reviewer.username}`",
        ]
        if timings:
            lines.append(f"- data generation {sum(timings.values()):.0f} s: "
                         + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
                         + f" (schema: `{migrate_command}`)")
        for problem in demo_problems:
            lines.append(f"- demo loader failed: {problem}")
        if noisy:
            lines.append("- **disturbed**: other processes used more than "
                         f"{report.DISTURBED:.0%} of the CPU during: " + "; ".join(noisy))
        lines += ["", "### Targets", "", report.markdown_table(report.verdict_table(verdicts)),
                  "", "### Every measurement", "",
                  "Latencies from wrk (ms); `× ceiling` is req/s against the bare Flask app at the same "
                  "number of clients, measured right before the page (`ceiling req/s`: this machine's speed "
                  "drifts by a fifth within an hour; the reference page uses the first ceiling measurement); "
                  "queries/req counted on one warm request through the test client; "
                  "peak worker memory is the highest VmHWM (peak resident set, shared pages included) and "
                  "PSS (shared pages divided among the processes) of any worker while the page was measured.",
                  "", report.markdown_table(table), "",
                  "### Sign-in against a bare ldap3 search-and-bind", "",
                  "Both against the same slapd; ldap3 cycles run in as many processes as there are clients.",
                  "", report.markdown_table(base_rows)]
        for page in all_pages:
            lines.append("")
            lines.append(f"- {page.label}: `{page.path}` ({page.note or 'POST with CSRF token'})")
        report.write_markdown(Path(args.output), "\n".join(lines))
        log(f"wrote {args.output}")
    return 0 if all(v.passed for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
