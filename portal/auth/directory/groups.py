"""Nested group membership on directories without AD's in-chain matching rule (OpenLDAP)."""

from __future__ import annotations

from typing import Callable

from ldap3.utils.conv import escape_filter_chars

from .dn import normalise_dn

MAX_GROUP_DEPTH = 10


def nested_groups(search: Callable[[str], list[dict]], dn: str) -> set[str]:
    """Normalised DNs of every group that holds ``dn``, directly or nested (``member``, ``uniqueMember``).

    Breadth-first, one search per level, at most MAX_GROUP_DEPTH levels; ``seen`` guards against cycles.
    """
    seen: set[str] = {normalise_dn(dn)}
    groups: set[str] = set()
    frontier = [dn]
    for _level in range(MAX_GROUP_DEPTH):
        clauses = "".join(
            f"(member={value})(uniqueMember={value})" for value in map(escape_filter_chars, frontier)
        )
        frontier = []
        for entry in search(f"(|{clauses})"):
            key = normalise_dn(entry["dn"])
            if key not in seen:
                seen.add(key)
                groups.add(key)
                frontier.append(entry["dn"])
        if not frontier:
            break
    return groups
