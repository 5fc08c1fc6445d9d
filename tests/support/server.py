"""Run the portal as a real gunicorn server (a separate process) for tests."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

from tests.support.clock import child_env, clocked_command
from tests.support.net import free_port

ROOT = Path(__file__).resolve().parents[2]


def portal_env(config: dict) -> dict[str, str]:
    """PORTAL_* environment variables for a config mapping (as the tests build it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    for key, value in config.items():
        if key in ("TESTING", "SERVER_NAME", "SQLALCHEMY_DATABASE_URI") or value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (list, tuple)):
            value = ",".join(value)
        env[f"PORTAL_{key}"] = str(value)
    env["PORTAL_DATABASE_URL"] = config["SQLALCHEMY_DATABASE_URI"]
    return env


class ServerURL(str):
    """The base URL of a running server; ``master_pid`` is gunicorn's master process."""

    master_pid: int

    def worker_pids(self) -> list[int]:
        """The master's children: the worker processes."""
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.master_pid:
                pids.append(int(stat.parent.name))
        return pids


@contextlib.contextmanager
def gunicorn(config: dict, *, workers: int = 2, threads: int = 4) -> Iterator[ServerURL]:
    """Start gunicorn on a free port; yield its base URL; stop it afterwards."""
    port = free_port()
    env = portal_env(config)
    env.update(WEB_CONCURRENCY=str(workers), PORTAL_THREADS=str(threads), PORTAL_BIND=f"127.0.0.1:{port}")
    env.update(child_env())  # the server reads the same (possibly shifted) clock as the test
    process = subprocess.Popen(
        clocked_command("gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "wsgi:app"),
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = ServerURL(f"http://127.0.0.1:{port}")
    base.master_pid = process.pid
    try:
        _wait_for(base + "/healthz", process)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(url: str, process: subprocess.Popen, deadline: float = 30.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {deadline}s")


class Browser:
    """A tiny cookie-keeping HTTP client that fills in CSRF tokens like a browser."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def get(self, path: str, timeout: float = 10) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.base + path), timeout)

    def post(self, path: str, data: dict, token_from: str = "/login", timeout: float = 10) -> tuple[int, str]:
        _, html = self.get(token_from)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        body = dict(data, csrf_token=match.group(1) if match else "")
        request = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(body).encode())
        return self._open(request, timeout)

    def login(self, username: str, timeout: float = 10) -> tuple[int, str]:
        return self.post("/login", {"username": username, "password": f"Welkom-{username}-2026"}, timeout=timeout)

    def _open(self, request, timeout) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
