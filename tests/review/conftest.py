"""Fixtures of the review tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _skip_postgres_only_on_sqlite(request):
    if request.node.get_closest_marker("postgres_only") and "database_url" in request.fixturenames:
        if not request.getfixturevalue("database_url").startswith("postgresql"):
            pytest.skip("needs PostgreSQL row locks (set PORTAL_TEST_DATABASE_URL)")
