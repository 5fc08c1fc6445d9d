"""Enums that carry their own Dutch label: ``RegistrationStatus.confirmed.label``.

Each member is written as ``name = "value", _l("Label")``; the value is what the database
stores, the label what people read (lazy, so it follows the reader's language).
"""

from __future__ import annotations

import enum
from typing import Any


class LabelledEnum(enum.StrEnum):
    """A string enum whose members have a ``label``."""

    label: Any

    def __new__(cls, value: str, label: Any = None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label if label is not None else value
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, Any]]:
        """``(value, label)`` pairs for a WTForms choice field, in definition order."""
        return [(member.value, member.label) for member in cls]


def label_of(labels: dict, code) -> str:
    """The translated label of a code an administrator configures (categories, measures); the code itself
    when it has none, so a municipality's own code still shows as typed."""
    if code is None:
        return ""
    label = labels.get(code)
    return str(label) if label is not None else str(code)
