"""Administrator commands."""

from __future__ import annotations

import click
from sqlalchemy import select

from portal.admin.retention import apply_retention, mark_left
from portal.auth.models import User
from portal.cli import portal_cli
from portal.core.time import utcnow
from portal.extensions import db


@portal_cli.command("mark-left")
@click.argument("username")
def mark_left_command(username: str) -> None:
    """Record that USERNAME left the organisation (starts the retention period, ends sessions)."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    mark_left(user, utcnow())
    db.session.commit()
    click.echo(f"{user.username} marked as left")


@portal_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Remove personal data past its retention period now (the daily job does the same)."""
    counts = apply_retention(utcnow())
    db.session.commit()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))
