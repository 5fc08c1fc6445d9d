"""Column types shared by every area's models."""

from __future__ import annotations

import enum

import sqlalchemy as sa


def enum_type(enum_cls: type[enum.Enum], name: str, *, length: int = 32) -> sa.Enum:
    """A portable enum column: VARCHAR holding the member *values*, with a CHECK constraint.

    The same on SQLite and PostgreSQL (no native enum types to migrate). ``name``
    names the CHECK constraint (``ck_<table>_<name>``).
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [member.value for member in members],
    )
