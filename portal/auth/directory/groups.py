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


def count_people(members: dict[str, list[str]], group_dn: str) -> int | None:
    """How many people ``group_dn`` holds, nested groups resolved; None when it is not among ``members``."""
    people = people_in(members, group_dn)
    return None if people is None else len(people)


def people_in(members: dict[str, list[str]], group_dn: str) -> set[str] | None:
    """Normalised DNs of the people ``group_dn`` holds, nested groups resolved; None when it is not among ``members``.

    ``members`` maps every group's normalised DN to its member DNs; a member that is itself a
    group there is followed (at most MAX_GROUP_DEPTH levels), anything else counts as a person.
    """
    key = normalise_dn(group_dn) if group_dn else ""
    if key not in members:
        return None
    people: set[str] = set()
    seen = {key}
    frontier = [key]
    for _level in range(MAX_GROUP_DEPTH):
        nested = []
        for group in frontier:
            for member in map(normalise_dn, members[group]):
                if member not in members:
                    people.add(member)
                elif member not in seen:
                    seen.add(member)
                    nested.append(member)
        frontier = nested
        if not frontier:
            break
    return people
