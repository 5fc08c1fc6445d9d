"""One check for every workflow: which status may follow which, and the refusal when it may not.

Each area writes its own diagram and its table of allowed moves in its ``states.py`` and makes
one ``Transitions`` of them; services call ``check`` (which returns the new status or raises
the area's refusal), templates ask ``allows`` to show or hide a button.
"""

from __future__ import annotations

import enum
from typing import Callable, Generic, Mapping, TypeVar

S = TypeVar("S", bound=enum.Enum)


class Transitions(Generic[S]):
    """The allowed moves of one workflow's status enum."""

    def __init__(self, status: type[S], allowed: Mapping[S, frozenset[S] | set[S]],
                 refuse: Callable[[S, S], Exception]):
        missing = [member for member in status if member not in allowed]
        if missing:  # a status added to the enum but forgotten in the table: fail at import, not in use
            raise ValueError(f"{status.__name__}: no transitions written for {missing}")
        self.status = status
        self.allowed = {current: frozenset(targets) for current, targets in allowed.items()}
        self._refuse = refuse

    def allows(self, current: S | str, target: S | str) -> bool:
        """True when ``current → target`` is allowed."""
        return self.status(target) in self.allowed[self.status(current)]

    def check(self, current: S | str, target: S | str) -> S:
        """``target`` as a member when ``current → target`` is allowed; the area's refusal otherwise."""
        current, target = self.status(current), self.status(target)
        if target not in self.allowed[current]:
            raise self._refuse(current, target)
        return target
