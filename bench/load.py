"""gunicorn processes for the benchmark, worker memory, and whose CPU the machine spent."""

from __future__ import annotations

import http.client
import os
import resource
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


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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

    Ours: this process and its reaped children (the load-generating processes), plus the pids
    ``own_pids`` returns (gunicorn, slapd, the PostgreSQL backends of the benchmark database), polled because
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
