"""Administrator commands."""

from __future__ import annotations

import click

from portal.admin.retention import apply_retention
from portal.cli import portal_cli
from portal.core.time import utcnow
from portal.core.transaction import transaction


@portal_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Remove personal data past its retention period now (the daily job does the same)."""
    with transaction():
        counts = apply_retention(utcnow())
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
