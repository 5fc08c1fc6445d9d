"""The benchmark's verdict: targets, the console table and the Markdown for docs/performance.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bench.ldap_baseline import BaselineResult
from bench.load import MemoryPeak, WrkResult

P99_LIMIT_MS = 100.0  #: every page at 16 clients
TARGET_CLIENTS = 16
WORKER_LIMIT_MB = 150.0
SIGN_IN_FACTOR = 2.0
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


@dataclass
class PageResult:
    key: str
    label: str
    path: str
    expected_status: int
    min_ratio: Optional[float]  #: share of the ceiling's throughput the page must reach
    reference: bool = False  #: measured for comparison only (no target)
    runs: dict[int, WrkResult] = field(default_factory=dict)
    #: the ceiling measured right before this page at the same number of clients (req/s)
    paired_ceiling: dict[int, float] = field(default_factory=dict)
    queries: Optional[int] = None
    memory: MemoryPeak = field(default_factory=MemoryPeak)
    note: str = ""


@dataclass
class Verdict:
    target: str
    figure: str
    passed: bool


def ceiling_rps(page: PageResult, ceiling: PageResult, clients: int) -> Optional[float]:
    """The ceiling to compare ``page`` with: the one measured right before it, else the run's first."""
    paired = page.paired_ceiling.get(clients)
    if paired:
        return paired
    top = ceiling.runs.get(clients)
    return top.rps if top is not None and top.rps else None


def ratio(page: PageResult, ceiling: PageResult, clients: int) -> Optional[float]:
    mine, top = page.runs.get(clients), ceiling_rps(page, ceiling, clients)
    if mine is None or not top:
        return None
    return mine.rps / top


def verdicts(pages: list[PageResult], ceiling: PageResult, baseline: dict[int, BaselineResult],
             sign_in: Optional[PageResult]) -> list[Verdict]:
    result: list[Verdict] = []
    for page in pages:
        run = page.runs.get(TARGET_CLIENTS)
        if run is None or page.reference:
            continue
        if not run.requests:
            result.append(Verdict(f"{page.label}: p99 < {P99_LIMIT_MS:.0f} ms at {TARGET_CLIENTS} clients",
                                  "no request finished", False))
            continue
        bad = run.unexpected(page.expected_status)
        if bad:
            result.append(Verdict(f"{page.label}: every answer {page.expected_status}",
                                  f"{bad} of {run.requests} were not", False))
        result.append(Verdict(f"{page.label}: p99 < {P99_LIMIT_MS:.0f} ms at {TARGET_CLIENTS} clients",
                              f"{run.p99_ms:.1f} ms", run.p99_ms < P99_LIMIT_MS))
        if page.min_ratio is not None:
            share = ratio(page, ceiling, TARGET_CLIENTS)
            result.append(Verdict(
                f"{page.label}: ≥ {page.min_ratio:.0%} of the ceiling's throughput at {TARGET_CLIENTS} clients",
                f"{share:.1%} ({run.rps:.0f} of {ceiling_rps(page, ceiling, TARGET_CLIENTS):.0f} req/s)"
                if share is not None else "n/a",
                share is not None and share >= page.min_ratio))
    if sign_in is not None:
        for clients in sorted(baseline):
            base, run = baseline[clients], sign_in.runs.get(clients)
            if run is None:
                continue
            if clients == 1:
                factor = run.p50_ms / base.p50_ms if base.p50_ms else float("inf")
                result.append(Verdict(
                    f"sign-in: latency ≤ {SIGN_IN_FACTOR:g}× bare ldap3 search-and-bind (p50, 1 client)",
                    f"{factor:.2f}× ({run.p50_ms:.1f} vs {base.p50_ms:.1f} ms)", factor <= SIGN_IN_FACTOR))
            else:
                factor = base.rps / run.rps if run.rps else float("inf")
                result.append(Verdict(
                    f"sign-in: throughput ≥ 1/{SIGN_IN_FACTOR:g} of bare ldap3 at {clients} clients",
                    f"{factor:.2f}× cost ({run.rps:.0f} vs {base.rps:.0f} per s)", factor <= SIGN_IN_FACTOR))
    everything = pages + ([sign_in] if sign_in else [])
    peak = max((page.memory.hwm_mb for page in everything), default=0.0)
    result.append(Verdict(f"no worker above {WORKER_LIMIT_MB:.0f} MB (peak RSS, VmHWM)", f"{peak:.0f} MB",
                          peak <= WORKER_LIMIT_MB))
    return result


def results_table(pages: list[PageResult], ceiling: PageResult, clients: list[int]) -> list[list[str]]:
    rows = [["page", "clients", "req/s", "p50 ms", "p95 ms", "p99 ms", "ceiling req/s", "× ceiling",
             "server CPU ms/req",
             "× ceiling by CPU", "queries/req", "peak worker MB (RSS / PSS)", "non-expected", "other CPU"]]
    for page in [ceiling, *pages]:
        for n in clients:
            run = page.runs.get(n)
            if run is None:
                continue
            share = ratio(page, ceiling, n)
            top = ceiling_rps(page, ceiling, n)
            rows.append([
                page.label if n == clients[0] else "",
                str(n), f"{run.rps:.0f}", f"{run.p50_ms:.1f}", f"{run.p95_ms:.1f}", f"{run.p99_ms:.1f}",
                f"{top:.0f}" if top else "",
                f"{share:.0%}" if share is not None else "",
                f"{run.server_cpu_ms:.2f}",
                _cpu_share(page, ceiling, n),
                "" if page.queries is None else str(page.queries),
                f"{page.memory.hwm_mb:.0f} / {page.memory.pss_mb:.0f}" if n == clients[0] else "",
                str(run.unexpected(page.expected_status)),
                f"{run.other_cpu:.0%}",
            ])
    return rows


def _cpu_share(page: PageResult, ceiling: PageResult, clients: int) -> str:
    """Throughput share predicted from CPU cost per request (robust against a busy machine)."""
    mine, top = page.runs.get(clients), ceiling.runs.get(clients)
    if mine is None or top is None or not mine.server_cpu_ms:
        return ""
    return f"{top.server_cpu_ms / mine.server_cpu_ms:.0%}"


def baseline_table(baseline: dict[int, BaselineResult], sign_in: Optional[PageResult]) -> list[list[str]]:
    rows = [["clients", "ldap3 cycles/s", "ldap3 p50 ms", "ldap3 p99 ms", "portal sign-ins/s", "portal p50 ms",
             "portal p99 ms", "cost factor (latency at 1, throughput above)", "other CPU"]]
    for clients, base in sorted(baseline.items()):
        run = sign_in.runs.get(clients) if sign_in else None
        if run is None:
            factor = ""
        elif clients == 1:
            factor = f"{run.p50_ms / base.p50_ms:.2f}×"
        else:
            factor = f"{base.rps / run.rps:.2f}×" if run.rps else "∞"
        rows.append([str(clients), f"{base.rps:.0f}", f"{base.p50_ms:.1f}", f"{base.p99_ms:.1f}",
                     f"{run.rps:.0f}" if run else "", f"{run.p50_ms:.1f}" if run else "",
                     f"{run.p99_ms:.1f}" if run else "", factor, f"{base.other_cpu:.0%}"])
    return rows


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.rjust(widths[i]) if i else cell.ljust(widths[i]) for i, cell in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def verdict_table(items: list[Verdict]) -> list[list[str]]:
    return [["target", "measured", "result"]] + [
        [v.target, v.figure, "PASS" if v.passed else "**FAIL**"] for v in items
    ]


def write_markdown(path: Path, section: str) -> None:
    """Replace the generated section of ``path`` (between the markers), keeping the hand-written rest."""
    block = f"{START}\n{section.rstrip()}\n{END}"
    if path.exists():
        text = path.read_text()
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            path.write_text(head + block + tail)
            return
        path.write_text(text.rstrip() + "\n\n" + block + "\n")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("# Performance\n\n" + block + "\n")


DISTURBED = 0.10  #: a measurement during which other processes used more than this share of the CPU


def disturbed(pages: list[PageResult], baseline: dict[int, BaselineResult]) -> list[str]:
    """Measurements during which other processes took a noticeable share of the machine."""
    found = [f"{page.label} at {n} clients ({run.other_cpu:.0%})"
             for page in pages for n, run in sorted(page.runs.items()) if run.other_cpu > DISTURBED]
    found += [f"ldap3 baseline at {n} clients ({b.other_cpu:.0%})"
              for n, b in sorted(baseline.items()) if b.other_cpu > DISTURBED]
    return found
