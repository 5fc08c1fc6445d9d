"""Who reads and who writes the annual report."""

from __future__ import annotations

from portal.core.access import has_role


def can_read_report(user) -> bool:
    """HR reviewers and integrity coordinators (the figures are anonymous counts)."""
    return has_role(user, "reviewer") or has_role(user, "integrity_officer")


def can_edit_report(user) -> bool:
    """Explanations, closing and reopening: integrity coordinators only."""
    return has_role(user, "integrity_officer")
