"""Commands about people and the directory: leaving, returning, the sync, a refused service account."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from portal.auth.directory import DirectoryUnavailable, ServiceAccountRefused, get_directory
from portal.auth.models import User
from portal.auth.refusal import clear_refusals, record_refusal
from portal.auth.services import mark_left, mark_returned
from portal.auth.sync import sync_directory
from portal.cli import portal_cli
from portal.core.time import utcnow
from portal.core.transaction import transaction
from portal.extensions import db


def _person(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise click.ClickException(f"no user {username!r}")
    return user


@portal_cli.command("mark-left")
@click.argument("username")
def mark_left_command(username: str) -> None:
    """Record that USERNAME left the organisation (starts the retention period, ends sessions)."""
    with transaction():
        user = _person(username)
        mark_left(user, utcnow())
    click.echo(f"{user.username} marked as left")


@portal_cli.command("mark-returned")
@click.argument("username")
def mark_returned_command(username: str) -> None:
    """Record that USERNAME, marked as left, is back (stops the retention countdown)."""
    with transaction():
        user = _person(username)
        if user.left_at is None:
            raise click.ClickException(f"{user.username} has not left")
        mark_returned(user)
    click.echo(f"{user.username} is back: no longer marked as left")


@portal_cli.command("sync-directory")
@click.option("--force", is_flag=True, help="Mark everyone without an entry as left, however many.")
def sync_directory_command(force: bool) -> None:
    """Import and update everyone the directory lists, mark leavers (the nightly job does the same)."""
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
    click.echo(f"read {report.listed} directory entries, new {report.created}; "
               f"checked {report.checked}, marked as left {report.marked_left}"
               + (f" ({', '.join(report.missing)})" if report.missing else "")
               + f", back {len(report.returned)}" + (f" ({', '.join(report.returned)})" if report.returned else "")
               + f", renamed {report.renamed}, updated {report.refreshed}")


@portal_cli.command("retry-directory")
def retry_directory_command() -> None:
    """Try the directory's service account again after its password was refused (fix the setting first)."""
    with transaction():
        forgotten = clear_refusals()
    try:
        get_directory(current_app.config).ping()
    except DirectoryUnavailable as exc:
        if isinstance(exc, ServiceAccountRefused):
            record_refusal(current_app.config, str(exc))
        raise click.ClickException(f"the directory still refuses: {exc}") from exc
    click.echo(f"the directory accepts the service account ({forgotten} refusal(s) forgotten)")
