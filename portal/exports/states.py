"""The life of an export job, with its labels."""

from __future__ import annotations

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.states import Transitions


class ExportStatus(LabelledEnum):
    queued = "queued", _l("In de wachtrij")  #: asked for, waiting for a worker
    running = "running", _l("Wordt gemaakt")  #: claimed by a worker until ``locked_until``
    ready = "ready", _l("Klaar")  #: the file can be downloaded until ``expires_at``
    failed = "failed", _l("Mislukt")  #: the worker gave up; the person can ask again
    expired = "expired", _l("Verlopen")  #: the file was deleted after the retention period

    @property
    def is_pending(self) -> bool:
        return self in (ExportStatus.queued, ExportStatus.running)


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


EXPORT_FLOW = Transitions(ExportStatus, TRANSITIONS, lambda current, target: InvalidTransition(
    f"a {current.value} export cannot become {target.value}"))


def ensure_transition(current: ExportStatus, target: ExportStatus) -> None:
    """Raise InvalidTransition unless ``current -> target`` is allowed."""
    EXPORT_FLOW.check(current, target)
