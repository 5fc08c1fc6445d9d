"""Refusals that take the same time whatever their cause.

The portal does the same work for every refusal (a search, a bind, one database look-up), but
the directory does not: AD records a wrong password (``badPwdCount``) and answers a locked or
unknown account sooner. So every generic refusal is held until it has taken as long as the
slowest of the recent ones; a stranger timing the sign-in page learns nothing from it.
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, current_app

RECENT = 32  #: refusals remembered per process
MAX_PAD_SECONDS = 1.0  #: never hold a refusal longer than this (a slow outlier must not stall everyone)


class RefusalPadding:
    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=RECENT)
        self._lock = threading.Lock()

    def hold(self, started: float) -> None:
        """Wait until this refusal, begun at ``started`` (time.perf_counter), took as long as the slowest recent one."""
        spent = time.perf_counter() - started
        with self._lock:
            target = max(self._recent, default=spent)
            self._recent.append(spent)
        wait = min(target - spent, MAX_PAD_SECONDS)
        if wait > 0:
            time.sleep(wait)


def refusal_padding(app: Flask | None = None) -> RefusalPadding:
    app = app or current_app._get_current_object()
    return app.extensions.setdefault("portal.refusal_padding", RefusalPadding())
