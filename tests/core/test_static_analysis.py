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
