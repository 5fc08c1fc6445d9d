"""Exports at volume: the HR register (CSV, XLSX) and the audit trail (CSV) under gunicorn.

    .venv/bin/python bench/exports.py --build          # make the full data set first (a few minutes)
    .venv/bin/python bench/exports.py                  # measure on the data of an earlier --build
    .venv/bin/python bench/exports.py --source DIR     # measure the code in DIR (e.g. an older revision)

The portal runs as in production (``gunicorn -c gunicorn.conf.py wsgi:app``, PORTAL_ENV=production, the
benchmark database). Each export is asked for by a signed-in administrator over HTTP: a streamed CSV is
timed to its last byte; an export built by a job (``--jobs``, the default when the code has them) is
timed from the request until the file is downloaded, with ``flask portal run-exports`` doing the work
in a separate process as the worker would. Worker memory: VmRSS of every gunicorn worker before and
after, and the highest VmHWM.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import dataset, load  # noqa: E402
from bench.environment import (  # noqa: E402
    DEFAULT_SERVER, _clean_environ, database_urls, log, migrate, production_settings, recreate_database,
)

DEFAULT_DATABASE = "portal_bench_exports"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def build(args) -> None:
    dsn, url = database_urls(args)
    scale = dataset.SCALES[args.scale]
    workdir = Path(tempfile.mkdtemp(prefix="portal-exports-"))
    log(f"creating and migrating {dsn}")
    started = time.monotonic()
    recreate_database(dsn)
    migrate(url, workdir / "migrate.log")
    from portal import create_app
    from portal.config import load_config

    app = create_app(load_config({**_clean_environ(), **production_settings(url), "PORTAL_LDAP_URL": "ldap://127.0.0.1:1"}))
    timings, problems = dataset.build(dsn, scale, app)
    log("built in %.0f s: %s" % (time.monotonic() - started, ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())))
    for problem in problems + dataset.check(dsn):
        log(f"problem: {problem}")


# -- measuring -------------------------------------------------------------------------------


class Browser:
    """One signed-in person over plain HTTP/1.1 (cookies kept by hand)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, sink=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        size = 0
        text = b""
        while True:
            chunk = response.read(65536)
            if not chunk:
                break
            size += len(chunk)
            if size < 2_000_000:
                text += chunk
        conn.close()
        return response.status, response.getheader("Location"), text.decode("utf-8", "replace"), size

    def csrf(self, path: str) -> str:
        _status, _loc, html, _size = self.request("GET", path)
        match = _CSRF.search(html)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def sign_in(self, username: str, password: str) -> None:
        from urllib.parse import urlencode

        token = self.csrf("/login")
        status, _loc, _html, _ = self.request("POST", "/login", urlencode(
            {"csrf_token": token, "username": username, "password": password}))
        if status != 302:
            raise RuntimeError(f"sign-in as {username}: {status}")


def rss_kb(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory(server: load.Gunicorn) -> dict[int, tuple[int, int]]:
    return {pid: (rss_kb(pid), rss_kb(pid, "VmHWM")) for pid in server.workers()}


def measure(args) -> None:
    dsn, url = database_urls(args)
    source = Path(args.source).resolve() if args.source else ROOT
    workdir = Path(tempfile.mkdtemp(prefix="portal-exports-"))
    scale = dataset.SCALES[args.scale]
    everyone = dataset.people(scale)
    admin = next(p for p in everyone if p.is_admin)
    ldif_path = workdir / "directory.ldif"
    ldif_path.write_text(dataset.ldif(dataset.signin_people(everyone, scale)[:40]))
    from tests.support.slapd import SlapdServer

    slapd = SlapdServer(ldif_path, workdir=workdir / "slapd")
    slapd.start()
    env = {**_clean_environ(), **production_settings(url), "PORTAL_EXPORT_DIR": str(workdir / "exports")}
    for key, value in slapd.config(LDAP_TIMEOUT=5.0).items():
        env[f"PORTAL_{key}"] = "" if value is None else str(value)
    env["PYTHONPATH"] = str(source)
    migrate_env = {**env}
    subprocess.run([str(load.VENV_BIN / "flask"), "--app", "wsgi", "db", "upgrade", "heads"], cwd=source,
                   env=migrate_env, check=True, capture_output=True)
    server = load.Gunicorn("wsgi:app", env, workdir / "gunicorn.log")
    original_root = load.ROOT
    load.ROOT = source  # run the code under measurement
    try:
        server.start("/healthz")
    finally:
        load.ROOT = original_root
    try:
        browser = Browser(server.port)
        browser.sign_in(admin.username, admin.password)
        before = memory(server)
        log(f"workers {sorted(before)}: RSS MB " + ", ".join(f"{v[0] / 1024:.0f}" for v in before.values()))
        for path in args.paths.split(","):
            fetch(browser, server, path, env, source)
            after = memory(server)
            log("  workers RSS MB " + ", ".join(
                f"{before.get(pid, (0, 0))[0] / 1024:.0f}→{v[0] / 1024:.0f} (peak {v[1] / 1024:.0f})"
                for pid, v in after.items()))
    finally:
        server.stop()
        slapd.close()


def fetch(browser: Browser, server, path: str, env: dict, source: Path) -> None:
    from urllib.parse import urlencode

    started = time.monotonic()
    status, location, html, size = browser.request("GET", path, sink=True)
    elapsed = time.monotonic() - started
    if status == 200 and ('name="csrf_token"' not in html[:200_000] or size > 2_000_000):
        log(f"{path}: {status}, {size / 1e6:.1f} MB in {elapsed:.1f} s (streamed in the request)")
        return
    if status != 200:
        log(f"{path}: {status} after {elapsed:.1f} s")
        return
    # a page that asks for the export: submit it, let the worker build the file, download it
    token = _CSRF.search(html).group(1)
    status, location, _html, _ = browser.request("POST", path, urlencode({"csrf_token": token}))
    asked = time.monotonic() - started
    job_path = location.replace(server.url, "") if location else ""
    worker_started = time.monotonic()
    # the job in a process of its own, as the worker runs it; its peak memory from wait4's rusage
    process = subprocess.Popen([str(load.VENV_BIN / "flask"), "--app", "wsgi", "portal", "run-exports"], cwd=source,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _pid, _status, usage = os.wait4(process.pid, 0)
    worker_seconds = time.monotonic() - worker_started
    result = subprocess.CompletedProcess(process.args, 0, process.stdout.read(), process.stderr.read())
    _status, _loc, page, _ = browser.request("GET", job_path)
    match = re.search(r'href="([^"]+/download)"', page)
    if not match:
        log(f"{path}: no download link on {job_path} after the worker ({result.stdout} {result.stderr})")
        return
    t = time.monotonic()
    status, _loc, _body, size = browser.request("GET", match.group(1), sink=True)
    download = time.monotonic() - t
    log(f"{path}: asked in {asked:.2f} s, built by the job in {worker_seconds:.1f} s "
        f"({result.stdout.strip()}; peak memory of that process {usage.ru_maxrss / 1024:.0f} MB), downloaded {size / 1e6:.1f} MB in {download:.2f} s (status {status})")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="(re)create the database with the data set, then stop")
    parser.add_argument("--scale", choices=sorted(dataset.SCALES), default="full")
    parser.add_argument("--database-url", default=DEFAULT_SERVER + DEFAULT_DATABASE)
    parser.add_argument("--source", default="", help="directory with the code to measure (default: this one)")
    parser.add_argument("--paths", default="/review/register.csv,/review/register.xlsx,/review/audit.csv")
    args = parser.parse_args(argv)
    if args.build:
        build(args)
    else:
        measure(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
