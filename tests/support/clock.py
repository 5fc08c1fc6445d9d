"""The tests' control over the portal's one clock (portal/core/time.py), through time-machine.

- ``PORTAL_TEST_CLOCK`` starts the whole session at another moment, the clock ticking: either a time
  of day in Amsterdam (``23:45``: today, Amsterdam's date, at that time) or an aware ISO instant
  (``2026-12-04T23:45:00+01:00``). ``.ci/run`` runs the suite a second time with it.
- ``AWKWARD_INSTANTS``: the moments at which the date-dependent tests run (see the ``clock`` fixture).
- Processes the tests start (gunicorn, the mail worker) are started through ``clocked_command`` so
  that they read the same shifted clock as the test that started them.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import time_machine

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ENV_SESSION = "PORTAL_TEST_CLOCK"
#: set for a child process: the instant (UTC, ISO) at which its clock starts, ticking
ENV_CHILD = "PORTAL_TEST_CLOCK_CHILD"


def amsterdam(year: int, month: int, day: int, hour: int, minute: int, *, fold: int = 0) -> datetime:
    """An aware instant given as Amsterdam wall-clock time (``fold=1``: the second 02:30 in October)."""
    return datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM, fold=fold)


#: Moments where "now", "today" and "this year" differ between UTC and Amsterdam, or where a local
#: day is not 24 hours long. Ids name them in the test ids.
AWKWARD_INSTANTS = {
    "2330": amsterdam(2026, 12, 4, 23, 30),           # 22:30 UTC: same day, but not an hour later
    "0030": amsterdam(2026, 12, 5, 0, 30),            # 23:30 UTC: UTC still says yesterday
    "dst-spring": amsterdam(2026, 3, 29, 1, 30),      # an hour later it is 03:30; the day has 23 hours
    "dst-autumn": amsterdam(2026, 10, 25, 2, 30),     # the first 02:30 (CEST); the day has 25 hours
    "newyears-eve": amsterdam(2026, 12, 31, 23, 30),  # the last half hour of the year
    "newyear": amsterdam(2027, 1, 1, 0, 30),          # Amsterdam is in 2027, UTC still in 2026
    "leap-day": amsterdam(2028, 2, 29, 23, 30),       # the 29th of February, half an hour before March
}


def local_day_end(instant: datetime) -> datetime:
    """The last minute of ``instant``'s day in Amsterdam (23:59 local), as an aware instant."""
    day = instant.astimezone(AMSTERDAM).date()
    return datetime.combine(day, time(23, 59), tzinfo=AMSTERDAM)


def next_local_midnight(instant: datetime) -> datetime:
    """The start of the next day in Amsterdam (00:00 local), as an aware instant."""
    day = instant.astimezone(AMSTERDAM).date()
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=AMSTERDAM)


def session_instant(value: str | None, real_now: datetime | None = None) -> datetime | None:
    """The instant ``PORTAL_TEST_CLOCK`` asks for, or None when it is empty."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) <= 8 and ":" in value:  # a time of day: today in Amsterdam
        real_now = real_now or datetime.now(timezone.utc)
        today = real_now.astimezone(AMSTERDAM).date()
        return datetime.combine(today, time.fromisoformat(value), tzinfo=AMSTERDAM)
    instant = datetime.fromisoformat(value)
    if instant.tzinfo is None:
        raise ValueError(f"{ENV_SESSION}={value!r}: give an offset (2026-12-04T23:45:00+01:00) or a time of day")
    return instant


def start_session_clock() -> time_machine.travel | None:
    """Start the session at ``PORTAL_TEST_CLOCK`` (ticking); None when it is not set."""
    instant = session_instant(os.environ.get(ENV_SESSION))
    if instant is None:
        return None
    traveller = time_machine.travel(utc(instant), tick=True)
    traveller.start()
    return traveller


def utc(instant: datetime) -> datetime:
    """The instant in UTC: time-machine given a zone would also set the process's TZ, and the portal must
    not depend on the zone its process runs in (servers run in UTC), so the tests keep the machine's."""
    return instant.astimezone(timezone.utc)


def child_env() -> dict[str, str]:
    """Environment entries that give a child process the clock of this one (empty: the real clock)."""
    if not time_machine.escape_hatch.is_travelling():
        return {}
    return {ENV_CHILD: datetime.now(timezone.utc).isoformat()}


def clocked_command(*argv: str) -> list[str]:
    """``python -m MODULE ARGS`` started through this module, so it keeps the tests' clock."""
    return [sys.executable, "-m", "tests.support.clock", *argv]


def _main() -> None:
    """Entry point for a child process: travel to ``PORTAL_TEST_CLOCK_CHILD``, then run the module."""
    import runpy

    instant = os.environ.pop(ENV_CHILD, "")
    if instant:
        time_machine.travel(datetime.fromisoformat(instant), tick=True).start()
    module, *args = sys.argv[1:]
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    _main()
