"""Refusals that take the same time whatever their cause.

The portal does the same work for every refusal (a search, a bind, one database look-up), but
the directory does not: AD records a wrong password (``badPwdCount``) and answers a locked or
unknown account sooner. So every generic refusal is held until it has taken as long as nine
in ten of the recent ones did; a stranger timing the sign-in page learns nothing from it. (A
high quantile of many, not the slowest of a few: one stall of a busy machine must not set the
pace of the next refusals, or the noise itself would differ from one kind of refusal to another.)
"""

from __future__ import annotations

import threading
import time
from collections import deque

from flask import Flask, current_app

RECENT = 128  #: refusals remembered per process
QUANTILE = 0.9  #: every refusal takes at least as long as this share of the recent ones
MAX_PAD_SECONDS = 1.0  #: never hold a refusal longer than this (a slow outlier must not stall everyone)


class RefusalPadding:
    def __init__(self) -> None:
        self._recent: deque[float] = deque(maxlen=RECENT)
        self._lock = threading.Lock()

    def hold(self, started: float) -> None:
        """Wait until this refusal, begun at ``started`` (time.perf_counter), took as long as most recent ones."""
        spent = time.perf_counter() - started
        with self._lock:
            self._recent.append(spent)
            ordered = sorted(self._recent)
        target = ordered[min(int(len(ordered) * QUANTILE), len(ordered) - 1)]
        wait = min(target - spent, MAX_PAD_SECONDS)
        if wait > 0:
            time.sleep(wait)


def refusal_padding(app: Flask | None = None) -> RefusalPadding:
    app = app or current_app._get_current_object()
    return app.extensions.setdefault("portal.refusal_padding", RefusalPadding())
