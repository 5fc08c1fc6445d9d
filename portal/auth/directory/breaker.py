"""The circuit breaker: after the directory failed, sign-ins fail at once for a while.

A hanging directory then ties up one request thread per process at a time (the one let
through to try again), not every thread of every worker while people keep retrying.
"""

from __future__ import annotations

import threading
import time

from .errors import DirectoryUnavailable


class CircuitBreaker:
    def __init__(self, retry_seconds: float, timeout: float, name: str) -> None:
        self.retry_seconds = retry_seconds
        self.timeout = timeout
        self.name = name
        #: until this moment (time.monotonic) nobody tries the directory
        self._not_before = 0.0
        self._lock = threading.Lock()

    def enter(self) -> None:
        """Raise DirectoryUnavailable while the breaker is open; let one caller through after."""
        if not self.retry_seconds:
            return
        with self._lock:
            now = time.monotonic()
            if now < self._not_before:
                raise DirectoryUnavailable(f"{self.name}: not tried: it failed less than "
                                           f"{self.retry_seconds:g} s ago")
            if self._not_before:
                # This one tries; the others keep failing at once until it is back (or has timed out).
                self._not_before = now + 2 * self.timeout + 1

    def trip(self) -> None:
        if self.retry_seconds:
            with self._lock:
                self._not_before = time.monotonic() + self.retry_seconds

    def reset(self) -> None:
        if self._not_before:
            with self._lock:
                self._not_before = 0.0
