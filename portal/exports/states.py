"""The life of an export job, with its labels."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class ExportStatus(str, enum.Enum):
    queued = "queued"  #: asked for, waiting for a worker
    running = "running"  #: claimed by a worker until ``locked_until``
    ready = "ready"  #: the file can be downloaded until ``expires_at``
    failed = "failed"  #: the worker gave up; the person can ask again
    expired = "expired"  #: the file was deleted after the retention period

    @property
    def label(self) -> str:
        return str(LABELS[self])

    @property
    def is_pending(self) -> bool:
        return self in (ExportStatus.queued, ExportStatus.running)


LABELS = {
    ExportStatus.queued: _l("In de wachtrij"),
    ExportStatus.running: _l("Wordt gemaakt"),
    ExportStatus.ready: _l("Klaar"),
    ExportStatus.failed: _l("Mislukt"),
    ExportStatus.expired: _l("Verlopen"),
}


class InvalidTransition(ValueError):
    """An export cannot go from its current status to the requested one."""


#: ``running -> running`` is a worker taking over a job whose lease ran out (the previous worker died);
#: ``running -> queued`` hands a job back unfinished when the worker is stopped
TRANSITIONS: dict[ExportStatus, frozenset[ExportStatus]] = {
    ExportStatus.queued: frozenset({ExportStatus.running}),
    ExportStatus.running: frozenset({ExportStatus.running, ExportStatus.ready, ExportStatus.failed,
                                     ExportStatus.queued}),
    ExportStatus.ready: frozenset({ExportStatus.expired}),
    ExportStatus.failed: frozenset({ExportStatus.expired}),
    ExportStatus.expired: frozenset(),
}


def ensure_transition(current: ExportStatus, target: ExportStatus) -> None:
    """Raise InvalidTransition unless ``current -> target`` is allowed."""
    if target not in TRANSITIONS[ExportStatus(current)]:
        raise InvalidTransition(f"a {current.value} export cannot become {target.value}")
