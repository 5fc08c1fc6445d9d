"""Driving load: gunicorn processes, signed-in sessions, wrk runs and worker memory."""

from __future__ import annotations

import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
LUA_SCRIPT = Path(__file__).resolve().parent / "wrk" / "report.lua"
SESSION_COOKIE = "portal_session"
_CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(
            "wrk not found: the benchmark drives load with wrk. Install it with: apt-get install -y wrk"
        )
    return found


# -- gunicorn ---------------------------------------------------------------------


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py <app>`` in its own process group, with the given environment."""

    def __init__(self, app_spec: str, env: dict[str, str], log_path: Path) -> None:
        self.app_spec = app_spec
        self.port = free_port()
        self.env = {**env, "PORTAL_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_path: str, timeout: float = 60.0) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                # its own control socket, so that no other gunicorn on the machine is disturbed
                [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py"),
                 "--control-socket", str(self.log_path.with_suffix(".ctl")), self.app_spec],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        finally:
            log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app_spec} exited with {self.process.returncode}; "
                                   f"see {self.log_path}:\n{_tail(self.log_path)}")
            try:
                status, _, _ = request(self.host, self.port, "GET", ready_path)
                if status == 200 and len(self.workers()) >= 1:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {self.app_spec} did not answer {ready_path} within {timeout:.0f}s; "
                           f"see {self.log_path}")

    def workers(self) -> list[int]:
        """Process ids of the master's children (the workers)."""
        if self.process is None:
            return []
        return children_of(self.process.pid)

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def children_of(pid: int) -> list[int]:
    result = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # the command name is in parentheses and may hold spaces: split after the last ")"
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            result.append(int(entry))
    return result


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# -- plain HTTP (no cookie jar: the session cookie is Secure in production) ---------------


def request(host: str, port: int, method: str, path: str, *, cookie: str | None = None,
            form: dict[str, str] | None = None) -> tuple[int, dict[str, list[str]], str]:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        headers = {}
        body = None
        if cookie:
            headers["Cookie"] = cookie
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        header_map: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            header_map.setdefault(name.lower(), []).append(value)
        return response.status, header_map, text
    finally:
        conn.close()


def session_cookie(headers: dict[str, list[str]]) -> str | None:
    for value in headers.get("set-cookie", []):
        first = value.split(";", 1)[0].strip()
        if first.startswith(SESSION_COOKIE + "="):
            return first
    return None


def login_form(host: str, port: int) -> tuple[str, str]:
    """A fresh pre-sign-in session: (Cookie header value, CSRF token)."""
    status, headers, body = request(host, port, "GET", "/login")
    cookie = session_cookie(headers)
    match = _CSRF.search(body)
    if status != 200 or cookie is None or match is None:
        raise RuntimeError(f"GET /login gave {status} without a session cookie or CSRF token")
    return cookie, match.group(1)


def login_body(token: str, username: str, password: str) -> str:
    return urlencode({"csrf_token": token, "username": username, "password": password, "next": "",
                      "submit": "Aanmelden"})


def sign_in(host: str, port: int, username: str, password: str) -> str:
    """Sign in through the login form; returns the signed-in session's Cookie header value."""
    cookie, token = login_form(host, port)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.request("POST", "/login", body=login_body(token, username, password),
                     headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        headers: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            headers.setdefault(name.lower(), []).append(value)
        signed_in = session_cookie(headers)
        if response.status != 302 or signed_in is None:
            raise RuntimeError(f"sign-in of {username} gave {response.status}, not a redirect with a session")
        return signed_in
    finally:
        conn.close()


# -- wrk ----------------------------------------------------------------------------


@dataclass
class WrkResult:
    clients: int
    requests: int
    duration_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    errors: dict[str, int]
    other_cpu: float = 0.0  #: share of the machine's CPU that other processes used meanwhile
    server_cpu_ms: float = 0.0  #: CPU per request of gunicorn + the database backends + slapd

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    def unexpected(self, expected: int) -> int:
        """Responses with another status than ``expected`` plus socket errors."""
        other = sum(n for code, n in self.statuses.items() if int(code) != expected)
        sockets = sum(self.errors.get(kind, 0) for kind in ("connect", "read", "write", "timeout"))
        return other + sockets


def run_wrk(url: str, clients: int, duration: float, *, cookie: str | None = None,
            credentials_file: Path | None = None) -> WrkResult:
    threads = max(1, min(clients, 2))
    command = [require_wrk(), f"-t{threads}", f"-c{clients}", f"-d{max(1, round(duration))}s",
               "--timeout", "10s", "-s", str(LUA_SCRIPT)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    if credentials_file is not None:
        command += ["--", str(credentials_file)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("WRK_RESULT ")), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    data = json.loads(line[len("WRK_RESULT "):])
    return WrkResult(
        clients=clients,
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        max_ms=data["max_us"] / 1000,
        statuses=data["statuses"],
        errors=data["errors"],
    )


# -- worker memory --------------------------------------------------------------------


def _status_kb(pid: int, key: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class MemoryPeak:
    hwm_mb: float = 0.0  #: highest VmHWM (peak resident set) of any worker
    pss_mb: float = 0.0  #: highest proportional set size of any worker (shared pages split)
    workers_seen: set[int] = field(default_factory=set)


class MemorySampler:
    """Polls the gunicorn workers' /proc entries while load runs (workers are recycled under load)."""

    def __init__(self, server: Gunicorn, interval: float = 0.25) -> None:
        self.server = server
        self.interval = interval
        self.peak = MemoryPeak()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> MemorySampler:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.sample(pss=True)

    def _run(self) -> None:
        ticks = 0
        while not self._stop.wait(self.interval):
            ticks += 1
            self.sample(pss=ticks % 4 == 0)

    def sample(self, *, pss: bool) -> None:
        for pid in self.server.workers():
            hwm = _status_kb(pid, "VmHWM") / 1024
            pss_mb = _pss_kb(pid) / 1024 if pss else 0.0
            with self._lock:
                self.peak.workers_seen.add(pid)
                self.peak.hwm_mb = max(self.peak.hwm_mb, hwm)
                self.peak.pss_mb = max(self.peak.pss_mb, pss_mb)


# -- is the machine ours? ----------------------------------------------------------------------


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine since boot."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:9]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def process_jiffies(pid: int) -> Optional[int]:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rusage_jiffies() -> int:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return round(total * tick)


def wait_for_quiet(max_wait: float, threshold: float = 0.10, sample: float = 2.0) -> float:
    """Wait (up to ``max_wait`` s) until the machine's CPU use is at most ``threshold``; returns the last value.

    Called between measurements, when nothing of the benchmark is running.
    """
    deadline = time.monotonic() + max_wait
    announced = False
    while True:
        busy0, total0 = machine_jiffies()
        time.sleep(sample)
        busy1, total1 = machine_jiffies()
        busy = (busy1 - busy0) / max(1, total1 - total0)
        if busy <= threshold or time.monotonic() >= deadline:
            return busy
        if not announced:
            print(f"    (other processes use {busy:.0%} of the CPU: waiting up to {max_wait:.0f} s for quiet)",
                  flush=True)
            announced = True


class CpuWatch:
    """How much of the machine's CPU went to processes that are not part of the benchmark.

    Ours: this process and its reaped children (wrk), plus the pids ``own_pids`` returns
    (gunicorn, slapd, the PostgreSQL backends of the benchmark database), polled because
    gunicorn recycles workers. The rest of the machine's busy time is "other".
    """

    def __init__(self, own_pids: Callable[[], Iterable[int]], interval: float = 0.2) -> None:
        self.own_pids = own_pids
        self.interval = interval
        self.other = 0.0  #: share of all cores used by other processes
        self.busy = 0.0  #: share of all cores used in all
        self.server_seconds = 0.0  #: CPU seconds of the polled processes (server side: gunicorn, database, slapd)
        self._seen: dict[int, list[int]] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _poll(self) -> None:
        for pid in self.own_pids():
            jiffies = process_jiffies(pid)
            if jiffies is None:
                continue
            if pid in self._seen:
                self._seen[pid][1] = jiffies
            else:
                self._seen[pid] = [jiffies, jiffies]

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._poll()

    def __enter__(self) -> CpuWatch:
        self._poll()
        self._machine0 = machine_jiffies()
        self._self0 = _rusage_jiffies()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._poll()
        busy1, total1 = machine_jiffies()
        busy0, total0 = self._machine0
        total = max(1, total1 - total0)
        server = sum(last - first for first, last in self._seen.values())
        own = (_rusage_jiffies() - self._self0) + server
        self.busy = (busy1 - busy0) / total
        self.other = max(0.0, (busy1 - busy0) - own) / total
        self.server_seconds = server / os.sysconf("SC_CLK_TCK")
