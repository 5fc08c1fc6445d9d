"""The tests' own clock control (tests/support/clock.py): what PORTAL_TEST_CLOCK means, and the children."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import pytest
import time_machine

from portal.config import PROJECT_ROOT
from tests.support.clock import AMSTERDAM, child_env, clocked_command, session_instant


def test_a_time_of_day_means_today_in_amsterdam_and_an_instant_needs_its_offset():
    real = datetime(2026, 12, 4, 23, 30, tzinfo=timezone.utc)  # already 5 December in Amsterdam
    assert session_instant("23:45", real) == datetime(2026, 12, 5, 23, 45, tzinfo=AMSTERDAM)
    assert session_instant("2026-03-29T01:30:00+01:00") == datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc)
    assert session_instant("") is None and session_instant(None) is None
    with pytest.raises(ValueError, match="offset"):
        session_instant("2026-12-04T23:45:00")


def test_a_process_started_by_a_test_reads_the_same_shifted_clock():
    instant = datetime(2028, 2, 29, 22, 30, tzinfo=timezone.utc)
    with time_machine.travel(instant, tick=True):
        env = child_env()
        result = subprocess.run(
            clocked_command("tests.support.print_now"), env={**env, "PATH": "/usr/bin:/bin"},
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60,
        )
    assert result.returncode == 0, result.stderr
    child_now = datetime.fromisoformat(result.stdout.strip())
    assert abs((child_now - instant).total_seconds()) < 30
