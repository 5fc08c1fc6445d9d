"""bandit over the application code: no finding of medium or high severity."""

from __future__ import annotations

import json
import subprocess
import sys

from portal.config import PROJECT_ROOT


def test_bandit_finds_nothing_of_medium_or_high_severity():
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-r", "portal", "-f", "json", "-q", "--severity-level", "medium"],
        cwd=PROJECT_ROOT, capture_output=True, text=True,
    )
    report = json.loads(result.stdout)
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}" for r in report["results"]
    ]
    assert findings == []
    assert report["metrics"]["_totals"]["loc"] > 1000  # it really scanned the code


# -- one clock ---------------------------------------------------------------

#: reads of the wall clock that bypass portal/core/time.py (and so the tests' control of it)
CLOCK_READS = {
    ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("date", "today"),
    ("time", "time"), ("time", "time_ns"),
    ("func", "now"), ("func", "current_timestamp"), ("func", "current_date"), ("func", "localtimestamp"),
}
#: these read the clock only when called without the moment to convert (``time.gmtime()``)
CLOCK_READS_WITHOUT_ARGUMENT = {("time", "gmtime"), ("time", "localtime"), ("time", "ctime"), ("time", "strftime")}
CLOCK_MODULE = "portal/core/time.py"


def clock_reads(source: str) -> list[str]:
    """Every use of the wall clock in ``source`` that does not go through portal.core.time."""
    import ast

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and (_last_name(node.value), node.attr) in CLOCK_READS:
            found.append(f"{node.lineno}: {_last_name(node.value)}.{node.attr}")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and (_last_name(node.func.value), node.func.attr) in CLOCK_READS_WITHOUT_ARGUMENT
              and len(node.args) < (2 if node.func.attr == "strftime" else 1)):
            found.append(f"{node.lineno}: {_last_name(node.func.value)}.{node.func.attr}()")
        elif isinstance(node, ast.ImportFrom) and node.module in ("time", "datetime"):
            found += [f"{node.lineno}: from {node.module} import {a.name}" for a in node.names
                      if (node.module, a.name) in CLOCK_READS]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                sql in node.value.upper() for sql in ("CURRENT_TIMESTAMP", "CURRENT_DATE", "NOW()")):
            found.append(f"{node.lineno}: the database's clock in {node.value[:40]!r}")
    return found


def _last_name(node) -> str:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):  # datetime.datetime.now, sa.func.now
        return node.attr
    return ""


def test_the_clock_check_finds_every_way_round_the_clock():
    planted = (
        "import datetime as dt, time\nfrom datetime import date, datetime\nfrom time import time as t\n"
        "a = datetime.now()\nb = dt.datetime.utcnow()\nc = date.today()\nd = time.time()\n"
        "e = mapped_column(default=datetime.now)\nf = sa.func.now()\ng = text('select CURRENT_TIMESTAMP')\n"
        "h = time.strftime('%Y')\ni = time.localtime()\n"
    )
    assert len(clock_reads(planted)) == 10
    allowed = "x = utcnow()\ny = time.monotonic()\nconverter = time.gmtime\nz = time.strftime('%Y', t)\n"
    assert clock_reads(allowed) == []


def test_only_portal_core_time_reads_the_clock():
    """Everything in portal/ asks portal.core.time for the time, so tests can move one clock."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "portal").rglob("*.py")):
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        if relative != CLOCK_MODULE:
            offenders += [f"{relative}:{hit}" for hit in clock_reads(path.read_text(encoding="utf-8"))]
    assert offenders == []
    assert "datetime.now(timezone.utc)" in (PROJECT_ROOT / CLOCK_MODULE).read_text(encoding="utf-8")
