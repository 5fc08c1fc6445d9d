"""Demo content: the starter content plus the example internal advisers of content/advisers.json."""

from __future__ import annotations

from portal.policies.content import load_advisers, load_starter_content, parse_front_matter  # noqa: F401


def load_demo_content() -> None:
    """Policy pages and every contact, the made-up internal advisers included (idempotent)."""
    load_starter_content()
    load_advisers(external_only=False)
