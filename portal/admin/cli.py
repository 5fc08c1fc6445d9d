"""Administrator commands."""

from __future__ import annotations

import click
from sqlalchemy import select

from portal.admin.retention import apply_retention
from portal.auth.directory import DirectoryUnavailable
from portal.auth.models import User
from portal.auth.services import mark_left, sync_directory
from portal.cli import portal_cli
from portal.core.time import utcnow
from portal.core.transaction import transaction
from portal.extensions import db


@portal_cli.command("mark-left")
@click.argument("username")
def mark_left_command(username: str) -> None:
    """Record that USERNAME left the organisation (starts the retention period, ends sessions)."""
    with transaction():
        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        mark_left(user, utcnow())
    click.echo(f"{user.username} marked as left")


@portal_cli.command("apply-retention")
def apply_retention_command() -> None:
    """Anonymise leavers and delete audit entries past their retention period now (the daily job does the same)."""
    with transaction():
        counts = apply_retention(utcnow())
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@portal_cli.command("sync-directory")
@click.option("--force", is_flag=True, help="Mark everyone without an entry as left, however many.")
def sync_directory_command(force: bool) -> None:
    """Compare the people in the portal with the directory now (the nightly job does the same)."""
    try:
        with transaction():
            report = sync_directory(utcnow(), force=force)
    except DirectoryUnavailable as exc:
        raise click.ClickException(f"the directory cannot be read, nothing changed: {exc}") from exc
    if report.refused:
        raise click.ClickException(
            f"{len(report.missing)} of {report.checked} people have no directory entry; nobody was marked as "
            f"left. Check PORTAL_LDAP_USER_BASE and PORTAL_LDAP_USER_FILTER, or use --force. Missing: "
            + ", ".join(report.missing[:20]) + (" …" if len(report.missing) > 20 else ""))
    click.echo(f"checked {report.checked}, marked as left {report.marked_left}"
               + (f" ({', '.join(report.missing)})" if report.missing else "")
               + f", roles read again {report.refreshed}")
