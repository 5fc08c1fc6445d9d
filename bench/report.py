"""The benchmark's verdicts and tables, as text for the console and Markdown for docs/performance.md."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bench.drive import RunResult, Timings

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"
DAY_P95_MS, DAY_P99_MS, DAY_USERS = 100.0, 250.0, 16
SIGN_IN_FACTOR = 2.0
DISTURBED = 0.10


@dataclass
class PageResult:
    key: str
    label: str
    target: Optional[float]  #: at most this many times bare Flask's server CPU per request
    runs: dict[int, RunResult] = field(default_factory=dict)
    ceiling: dict[int, RunResult] = field(default_factory=dict)  #: bare Flask, measured right before


@dataclass
class DayResult:
    users: int
    employees: int
    reviewers: int
    steps: dict[str, Timings]
    journeys: int  #: finished (employees' journeys and reviewers' decisions)
    broken: int  #: broken off by an error
    elapsed: float

    @property
    def errors(self) -> int:
        return sum(t.errors for t in self.steps.values())

    @property
    def per_minute(self) -> float:
        return self.journeys / self.elapsed * 60 if self.elapsed else 0.0

    def summary(self) -> str:
        worst = max(self.steps.items(), key=lambda kv: kv[1].pct(99), default=("-", Timings()))
        return (f"{self.per_minute:.0f} journeys/min, {self.errors} errors, slowest step {worst[0]} "
                f"p95 {worst[1].pct(95):.0f} / p99 {worst[1].pct(99):.0f} ms")


@dataclass
class Verdict:
    target: str
    measured: str
    passed: bool


@dataclass
class Results:
    facts: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)
    pages: list[PageResult] = field(default_factory=list)
    days: list[DayResult] = field(default_factory=list)
    heavy: list = field(default_factory=list)  #: bench.heavy.Heavy
    signin: dict[int, tuple] = field(default_factory=dict)  #: clients → (RunResult, BaselineResult)
    elapsed: float = 0.0

    def add_heavy(self, item) -> None:
        self.heavy.append(item)
        from datetime import datetime

        print(f"[{datetime.now():%H:%M:%S}]   {item.label}: {item.measured} — {'PASS' if item.passed else 'FAIL'}",
              flush=True)

    def verdicts(self) -> list[Verdict]:
        out = []
        for page in self.pages:
            if page.target is None:
                continue
            worst = max((ratio(page.runs[n], page.ceiling[n]) for n in page.runs), default=float("inf"))
            errors = sum(r.timings.errors for r in page.runs.values())
            figures = ", ".join(f"{ratio(page.runs[n], page.ceiling[n]):.1f}× at {n}" for n in sorted(page.runs))
            out.append(Verdict(f"{page.label}: ≤ {page.target:g}× bare Flask's server CPU per request",
                               (figures or "not measured") + (f"; {errors} errors" if errors else ""),
                               bool(page.runs) and worst <= page.target and errors == 0))
        for day in self.days:
            if day.users != DAY_USERS:
                continue
            slow = [f"{name} p95 {t.pct(95):.0f}/p99 {t.pct(99):.0f}" for name, t in day.steps.items()
                    if t.count and (t.pct(95) >= DAY_P95_MS or t.pct(99) >= DAY_P99_MS)]
            out.append(Verdict(f"campaign day, {day.users} users: every step p95 < {DAY_P95_MS:g} ms, "
                               f"p99 < {DAY_P99_MS:g} ms, 0 errors",
                               f"{day.errors} errors; " + ("; ".join(slow) if slow else "every step within"),
                               not slow and day.errors == 0 and day.journeys > 0))
        for item in self.heavy:
            out.append(Verdict(f"{item.label}: {item.target}", item.measured, bool(item.passed)))
        for clients, (run, base) in sorted(self.signin.items()):
            if clients == 1:
                factor = run.timings.pct(50) / base.p50_ms if base.p50_ms else float("inf")
                out.append(Verdict(f"sign-in: ≤ {SIGN_IN_FACTOR:g}× bare ldap3 (latency p50, 1 client)",
                                   f"{factor:.2f}× ({run.timings.pct(50):.1f} vs {base.p50_ms:.1f} ms)",
                                   factor <= SIGN_IN_FACTOR and run.timings.errors == 0))
            else:
                factor = base.rps / run.rps if run.rps else float("inf")
                out.append(Verdict(f"sign-in: ≤ {SIGN_IN_FACTOR:g}× bare ldap3 (throughput, {clients} clients)",
                                   f"{factor:.2f}× ({run.rps:.0f} vs {base.rps:.0f} per s)",
                                   factor <= SIGN_IN_FACTOR and run.timings.errors == 0))
        return out

    def all_passed(self) -> bool:
        return all(v.passed for v in self.verdicts())


def ratio(run: RunResult, base: RunResult) -> float:
    """Server CPU per request against bare Flask's; no answered request is no figure (infinite)."""
    if not run.timings.count or not base.server_cpu_ms:
        return float("inf")
    return run.server_cpu_ms / base.server_cpu_ms


# -- tables ------------------------------------------------------------------------------------------


def page_table(results: Results) -> list[list[str]]:
    rows = [["page", "clients", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "server CPU ms/req",
             "bare Flask ms/req", "× bare", "target", "errors", "other CPU"]]
    for page in results.pages:
        for n in sorted(page.runs):
            run, base = page.runs[n], page.ceiling[n]
            t = run.timings
            rows.append([page.label if n == min(page.runs) else "", str(n), str(t.count), f"{run.rps:.0f}",
                         f"{t.pct(50):.1f}", f"{t.pct(95):.1f}", f"{t.pct(99):.1f}", f"{run.server_cpu_ms:.2f}",
                         f"{base.server_cpu_ms:.2f}", f"{ratio(run, base):.1f}",
                         f"≤ {page.target:g}×" if page.target else "—", str(t.errors), f"{run.other_cpu:.0%}"])
    return rows


def day_tables(results: Results) -> list[list[list[str]]]:
    tables = []
    for day in results.days:
        rows = [["step", "requests", "p50 ms", "p95 ms", "p99 ms", "errors"]]
        for name, t in day.steps.items():
            rows.append([name, str(t.count), f"{t.pct(50):.0f}", f"{t.pct(95):.0f}", f"{t.pct(99):.0f}",
                         str(t.errors)])
        tables.append(rows)
    return tables


def heavy_table(results: Results) -> list[list[str]]:
    rows = [["work", "measured", "target", "result"]]
    for item in results.heavy:
        rows.append([item.label, item.measured, item.target, "PASS" if item.passed else "FAIL"])
    for clients, (run, base) in sorted(results.signin.items()):
        rows.append([f"sign-in, {clients} client{'s' if clients > 1 else ''}",
                     f"portal {run.rps:.0f}/s, p50 {run.timings.pct(50):.1f} ms, p99 {run.timings.pct(99):.1f} ms, "
                     f"{run.server_cpu_ms:.1f} ms server CPU; bare ldap3 {base.rps:.0f}/s, p50 {base.p50_ms:.1f} ms, "
                     f"p99 {base.p99_ms:.1f} ms", f"≤ {SIGN_IN_FACTOR:g}× bare ldap3", ""])
    return rows


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(c.rjust(widths[i]) if i else c.ljust(widths[i]) for i, c in enumerate(row)))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def render(results: Results, *, markdown: bool) -> str:
    table = markdown_table if markdown else text_table
    verdicts = results.verdicts()
    met = sum(v.passed for v in verdicts)
    parts = [f"### Targets: {met} of {len(verdicts)} met", "",
             table([["target", "measured", "result"]] + [[v.target, v.measured, "PASS" if v.passed else "**FAIL**"]
                                                        for v in verdicts])]
    if results.pages:
        parts += ["", "### Cold pages", "",
                  "Each request by another signed-in person (rotating over at least 200 sessions); server CPU is "
                  "gunicorn's workers, the database backends and slapd, per request; bare Flask measured right "
                  "before each page at the same number of clients.", "", table(page_table(results))]
    for day, rows in zip(results.days, day_tables(results)):
        parts += ["", f"### Campaign day, {day.users} concurrent users ({day.employees} employees, "
                      f"{day.reviewers} reviewers)", "",
                  f"{day.journeys} journeys and decisions finished in {day.elapsed:.0f} s "
                  f"({day.per_minute:.0f} per minute), {day.broken} broken off, {day.errors} errors.", "",
                  table(rows)]
    if results.heavy or results.signin:
        parts += ["", "### Heavy work", "", table(heavy_table(results))]
    return "\n".join(parts)


def header(results: Results, info: dict, pg: dict, command: str, timings: dict) -> str:
    from datetime import datetime, timezone

    lines = [
        f"Generated by `{command}` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC "
        f"({results.elapsed / 60:.1f} min in all).",
        "",
        f"- machine: {info['cores']} cores ({info['cpu']}), {info['memory']} RAM; load average {info['load']} at the "
        f"end; Python {info['python']}; PostgreSQL {pg['version']} (shared_buffers {pg['shared_buffers']}, "
        f"work_mem {pg['work_mem']}) on the same machine",
        f"- revision: {info['revision']}",
        "- gunicorn (gunicorn.conf.py): " + ", ".join(f"{k} {v}" for k, v in results.settings.items()),
        "- portal: PORTAL_ENV=production, PORTAL_LOG_LEVEL=WARNING (no page cache), a real slapd with "
        "every employee on loopback",
        "- data: " + ", ".join(f"{k} {v}" for k, v in results.facts.items()),
    ]
    if timings:
        lines.append(f"- data generation {sum(timings.values()):.0f} s")
    return "\n".join(lines)


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
