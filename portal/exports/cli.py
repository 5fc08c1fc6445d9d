"""``flask portal run-exports``: build the exports people asked for."""

from __future__ import annotations

import click

from portal.cli import portal_cli


@portal_cli.command("run-exports")
def run_exports() -> None:
    """Build every export that is waiting, then exit (cron every minute; the mail worker does it too)."""
    from portal.exports.worker import run_pending_exports
    from portal.notifications.cli import _stop_on_signals

    with _stop_on_signals() as stop:
        taken = run_pending_exports(should_stop=stop.is_set)
    click.echo(f"exports: {taken}")
