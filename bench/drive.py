"""Concurrent clients over a list of prepared requests, or running a scenario function each.

Clients are threads spread over a few forked processes (one interpreter lock would otherwise
add its own queueing to the latencies at 16 and 64 clients). Every run is bounded: by time,
and by the number of prepared requests when they may be used only once (POSTs that change
something).
"""

from __future__ import annotations

import multiprocessing
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

from bench.web import Connection

MAX_PROCESSES = 4


def _fork_map(func, jobs: list) -> list:
    """``func(job)`` for each job in a forked process of its own (arguments are inherited, not
    pickled: scenarios are closures); the results come back through a queue, in job order."""
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue()

    def run(index, job):
        try:
            queue.put((index, func(job), None))
        except BaseException as exc:  # noqa: BLE001 - reported in the parent
            queue.put((index, None, f"{type(exc).__name__}: {exc}"))

    children = [context.Process(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for child in children:
        child.start()
    results: dict[int, object] = {}
    problems = []
    for _ in children:
        index, value, problem = queue.get()
        results[index] = value
        if problem:
            problems.append(problem)
    for child in children:
        child.join()
    if problems:
        raise RuntimeError("a load process failed: " + "; ".join(problems))
    return [results[i] for i in range(len(jobs))]



@dataclass(frozen=True)
class Call:
    method: str
    path: str
    cookie: Optional[str] = None
    body: Optional[str] = None
    expect: tuple[int, ...] = (200,)


@dataclass
class Timings:
    """Latencies (seconds) and outcomes of one kind of request."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0  #: unexpected status or a socket error
    examples: list[str] = field(default_factory=list)  #: the first few errors, for the log

    def add(self, other: "Timings") -> None:
        self.latencies += other.latencies
        for code, n in other.statuses.items():
            self.statuses[code] = self.statuses.get(code, 0) + n
        self.errors += other.errors
        self.examples += other.examples[: max(0, 5 - len(self.examples))]

    def error(self, text: str) -> None:
        self.errors += 1
        if len(self.examples) < 5:
            self.examples.append(text)

    @property
    def count(self) -> int:
        return len(self.latencies)

    def pct(self, p: float) -> float:
        """The p-th percentile in milliseconds."""
        values = sorted(self.latencies)
        if not values:
            return 0.0
        if len(values) == 1:
            return values[0] * 1000
        return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1] * 1000


@dataclass
class RunResult:
    clients: int
    elapsed: float
    timings: Timings
    server_cpu_ms: float = 0.0  #: CPU per request of gunicorn + database backends + slapd
    other_cpu: float = 0.0  #: share of the machine used by processes that are not the benchmark's

    @property
    def rps(self) -> float:
        return self.timings.count / self.elapsed if self.elapsed else 0.0


# -- prepared requests ------------------------------------------------------------------------


def _call_worker(args) -> Timings:
    port, calls, threads, duration, once, offset = args
    result = Timings()
    lock = threading.Lock()
    position = [0]
    deadline = time.monotonic() + duration
    # As a browser does: a session cookie a page renews (its "last seen" time, once a minute) is sent
    # from then on. Only pages: a POST's cookie carries the message its redirect target would show.
    jar: dict[str, str] = {}

    def next_call() -> Optional[Call]:
        with lock:
            i = position[0]
            position[0] += 1
        if not calls or (once and i >= len(calls)):
            return None
        return calls[(i + offset) % len(calls)]

    def client() -> None:
        conn = Connection(port)
        mine = Timings()
        try:
            while time.monotonic() < deadline:
                call = next_call()
                if call is None:
                    break
                started = time.perf_counter()
                try:
                    cookie = jar.get(call.cookie, call.cookie) if call.cookie else None
                    response = conn.request(call.method, call.path, cookie=cookie, body=call.body)
                except OSError as exc:
                    mine.error(f"{call.method} {call.path}: {type(exc).__name__}: {exc}")
                    conn.close()
                    continue
                mine.latencies.append(time.perf_counter() - started)
                renewed = response.session_cookie() if call.cookie and call.method == "GET" else None
                if renewed is not None:
                    jar[call.cookie] = renewed
                mine.statuses[response.status] = mine.statuses.get(response.status, 0) + 1
                if response.status not in call.expect:
                    mine.error(f"{call.method} {call.path}: {response.status} {response.text[:200]!r}")
        finally:
            conn.close()
            with lock:
                result.add(mine)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return result


def run_calls(port: int, calls: list[Call], clients: int, duration: float, *, once: bool = False,
              cpu_watch=None) -> RunResult:
    """``clients`` keep-alive clients take the prepared calls in turn (rotating, or each once)."""
    processes = min(clients, MAX_PROCESSES)
    shares = [clients // processes + (1 if p < clients % processes else 0) for p in range(processes)]
    # each process gets its own slice, so a call used once is used by one process only
    slices = [calls[p::processes] for p in range(processes)]
    jobs = [(port, slices[p], shares[p], duration, once, p * 7) for p in range(processes)]
    watch = cpu_watch() if cpu_watch else None
    if watch:
        watch.__enter__()
    started = time.monotonic()
    parts = _fork_map(_call_worker, jobs)
    elapsed = time.monotonic() - started
    if watch:
        watch.__exit__(None, None, None)
    timings = Timings()
    for part in parts:
        timings.add(part)
    result = RunResult(clients, elapsed, timings)
    if watch:
        result.other_cpu = watch.other
        result.server_cpu_ms = watch.server_seconds * 1000 / timings.count if timings.count else 0.0
    return result


# -- scenarios (a function per client) ----------------------------------------------------------


class Steps:
    """Per-step timings of one client's scenario; ``step`` times one request and checks its status."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.by_step: dict[str, Timings] = {}
        self.done = 0  #: finished scenarios (journeys)
        self.failed = 0  #: scenarios broken off by an error

    def step(self, name: str, method: str, path: str, *, cookie=None, body=None, expect=(200,)):
        timings = self.by_step.setdefault(name, Timings())
        started = time.perf_counter()
        try:
            response = self.conn.request(method, path, cookie=cookie, body=body)
        except OSError as exc:
            self.conn.close()
            timings.error(f"{name} {method} {path}: {type(exc).__name__}: {exc}")
            raise StepFailed(name) from exc
        timings.latencies.append(time.perf_counter() - started)
        timings.statuses[response.status] = timings.statuses.get(response.status, 0) + 1
        if response.status not in expect:
            timings.error(f"{name} {method} {path}: {response.status} {response.text[:300]!r}")
            raise StepFailed(name)
        return response


class StepFailed(Exception):
    pass


def _scenario_worker(args):
    port, scenarios, duration, index = args
    deadline = time.monotonic() + duration
    results: list[Steps] = []
    lock = threading.Lock()

    def client(scenario: Callable[[Steps, Callable[[], bool]], None]) -> None:
        steps = Steps(Connection(port))
        try:
            scenario(steps, lambda: time.monotonic() >= deadline)
        finally:
            steps.conn.close()
            with lock:
                results.append(steps)

    workers = [threading.Thread(target=client, args=(s,)) for s in scenarios]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    merged: dict[str, Timings] = {}
    done = failed = 0
    for steps in results:
        done += steps.done
        failed += steps.failed
        for name, timings in steps.by_step.items():
            merged.setdefault(name, Timings()).add(timings)
    return merged, done, failed


def run_scenarios(port: int, scenarios: list[Callable], duration: float, *, cpu_watch=None):
    """One client per scenario function, for ``duration`` seconds; (per-step timings, done, failed, elapsed)."""
    processes = min(len(scenarios), MAX_PROCESSES)
    jobs = [(port, scenarios[p::processes], duration, p) for p in range(processes)]
    watch = cpu_watch() if cpu_watch else None
    if watch:
        watch.__enter__()
    started = time.monotonic()
    parts = _fork_map(_scenario_worker, jobs)
    elapsed = time.monotonic() - started
    if watch:
        watch.__exit__(None, None, None)
    merged: dict[str, Timings] = {}
    done = failed = 0
    for steps, d, f in parts:
        done += d
        failed += f
        for name, timings in steps.items():
            merged.setdefault(name, Timings()).add(timings)
    return merged, done, failed, elapsed
