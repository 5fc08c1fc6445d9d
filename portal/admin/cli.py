"""Administrator commands."""

from __future__ import annotations

import click

from portal.admin.retention import apply_retention
from portal.cli import portal_cli
from portal.core.time import utcnow
from portal.extensions import db


@portal_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Remove personal data past its retention period now (the daily job does the same)."""
    counts = apply_retention(utcnow())
    db.session.commit()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
