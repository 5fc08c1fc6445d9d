"""Demo content of the auth area: everyone in the demo directory, as the nightly sync imports them."""

from __future__ import annotations

from flask import current_app

from portal.auth.sync import sync_directory
from portal.core.time import utcnow


def import_demo_directory() -> None:
    """Run the directory sync once on the demo directory, so the demo shows people who never signed in."""
    if str(current_app.config.get("LDAP_URL", "")).strip().lower() != "demo":
        return  # a real directory: its sync is the nightly job's (or ``flask portal sync-directory``)
    sync_directory(utcnow())
