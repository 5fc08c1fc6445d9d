"""The benchmark's surroundings: the database, the portal's settings, gunicorn's, whose processes are ours."""

from __future__ import annotations

import json
import os
import platform
import re
import secrets
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Optional

import psycopg
from sqlalchemy.engine import make_url

from bench import load

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/"
DEFAULT_DATABASE = "portal_bench"


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
    env["PORTAL_LDAP_ALLOW_PLAIN"] = "1"  # the benchmark's slapd is on loopback, without TLS
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


