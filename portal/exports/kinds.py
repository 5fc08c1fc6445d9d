"""What can be exported by a job: each area registers its kinds (see portal/review/exports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Optional, Sequence

from portal.core.exports import ColumnSpec

#: ``build(parameters)`` -> (columns, rows, expected row count or None); rows should be read through a
#: server-side cursor (``yield_per``) so that the worker's memory does not grow with the file
Builder = Callable[[dict[str, Any]], tuple[Sequence[ColumnSpec], Iterable[Sequence[Any]], Optional[int]]]


@dataclass(frozen=True)
class ExportKind:
    name: str  #: stored on the job, e.g. ``review.register_xlsx``
    title: Callable[[], str]  #: what people read, e.g. "Register van nevenwerkzaamheden (Excel)"
    file_format: str  #: ``xlsx`` or ``csv``
    role: str  #: the role needed to ask for it and to download it (portal.core.access.ROLES)
    file_stem: str  #: the download's name before the date, e.g. ``register``
    sheet_title: Callable[[], str]  #: XLSX worksheet name
    build: Builder
    #: the page the export was asked from (link back from the progress page)
    back_endpoint: str


_kinds: dict[str, ExportKind] = {}


def register_export_kind(kind: ExportKind) -> ExportKind:
    if kind.file_format not in ("xlsx", "csv"):
        raise ValueError(f"export {kind.name}: unknown format {kind.file_format!r}")
    existing = _kinds.get(kind.name)
    if existing is not None and existing.build.__qualname__ != kind.build.__qualname__:
        raise ValueError(f"two export kinds are called {kind.name!r}")
    _kinds[kind.name] = kind
    return kind


def export_kind(name: str) -> ExportKind:
    """The registered kind; KeyError for an unknown name."""
    return _kinds[name]
