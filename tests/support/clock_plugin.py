"""The tests' clock as pytest sees it: the ``clock`` fixture and the session clock (PORTAL_TEST_CLOCK).

tests/conftest.py imports these; the instants and the child-process plumbing are in tests/support/clock.py.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterator

import pytest
import time_machine

from tests.support.clock import AMSTERDAM, AWKWARD_INSTANTS, start_session_clock, utc

_session_clock = None


def pytest_configure(config):
    """With PORTAL_TEST_CLOCK set, the whole session (and the servers it starts) runs at that moment."""
    global _session_clock
    _session_clock = start_session_clock()


def pytest_unconfigure(config):
    if _session_clock is not None:
        _session_clock.stop()


def pytest_report_header(config):
    if _session_clock is not None:
        return f"shifted clock (PORTAL_TEST_CLOCK): started at {datetime.now(timezone.utc).astimezone(AMSTERDAM)}"
    return None


class Clock:
    """The test's hold on the clock: ``now`` is where it stands; ``move_to``/``shift`` move it."""

    def __init__(self, traveller):
        self._traveller = traveller

    @property
    def now(self):
        from portal.core.time import utcnow

        return utcnow()

    def move_to(self, instant, *, tick: bool = False) -> None:
        self._traveller.move_to(utc(instant), tick=tick)

    def shift(self, delta) -> None:
        self._traveller.shift(delta)


@pytest.fixture(params=list(AWKWARD_INSTANTS), ids=list(AWKWARD_INSTANTS))
def clock(request) -> Iterator[Clock]:
    """The test runs at each of the awkward instants (tests/support/clock.py), the clock standing still.

    A test that needs one fixed moment instead parametrises it: ``@pytest.mark.parametrize("clock",
    [instant], indirect=True)``.
    """
    instant = request.param if not isinstance(request.param, str) else AWKWARD_INSTANTS[request.param]
    with time_machine.travel(utc(instant), tick=False) as traveller:
        yield Clock(traveller)
