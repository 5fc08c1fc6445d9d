"""Prints the current time (UTC, ISO): a child process for tests/core/test_test_clock.py."""

from datetime import datetime, timezone

print(datetime.now(timezone.utc).isoformat())
