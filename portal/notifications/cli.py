"""``flask portal send-mail``, ``worker`` and ``run-jobs``."""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from typing import Iterator

import click

from portal.cli import portal_cli
from portal.notifications.delivery import deliver_due, run_worker
from portal.notifications.jobs import run_due_jobs


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGTERM or SIGINT: the current message is finished, then the command ends."""
    stop = threading.Event()

    def handle(signum, _frame):
        click.echo(f"{signal.Signals(signum).name} received: finishing the current message", err=True)
        stop.set()

    if threading.current_thread() is not threading.main_thread():
        yield stop  # signals can only be caught in the main thread
        return
    previous = {signum: signal.signal(signum, handle) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@portal_cli.command("send-mail")
def send_mail() -> None:
    """Send the mail that is due, then exit (run it from cron every minute)."""
    with _stop_on_signals() as stop:
        report = deliver_due(should_stop=stop.is_set)
    click.echo(f"mail: {report}")


@portal_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes over the outbox.")
def worker(interval: float) -> None:
    """Keep sending mail and building exports until SIGTERM or SIGINT (a service instead of the cron lines)."""
    from portal.exports.worker import run_pending_exports

    with _stop_on_signals() as stop:
        click.echo("mail worker started", err=True)
        run_worker(stop.is_set, interval=interval, also=lambda should_stop: run_pending_exports(should_stop))
    click.echo("mail worker stopped", err=True)


@portal_cli.command("run-jobs")
def run_jobs() -> None:
    """Run the scheduled jobs that are due (each at most once per interval; run it from cron), then the
    exports that are waiting."""
    from portal.exports.worker import run_pending_exports

    failed = False
    for outcome in run_due_jobs():
        if outcome.error:
            failed = True
            click.echo(f"{outcome.name}: failed ({outcome.error})", err=True)
        elif outcome.ran:
            click.echo(f"{outcome.name}: {outcome.result}")
    with _stop_on_signals() as stop:
        taken = run_pending_exports(should_stop=stop.is_set)
    if taken:
        click.echo(f"exports: {taken}")
    if failed:
        raise SystemExit(1)


@portal_cli.command("dev-mail")
@click.option("--port", default=8025, show_default=True, help="Loopback port to listen on.")
def dev_mail(port: int) -> None:
    """Development only: catch every mail on 127.0.0.1:PORT and keep it for /admin/mail/dev-inbox (make run starts it)."""
    from flask import current_app

    from portal.notifications.devmail import mail_dir, start_catcher

    if current_app.config.get("ENV") != "development":
        raise click.ClickException("the mail catcher is for development only (PORTAL_ENV=development)")
    directory = mail_dir()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command at INFO
    try:
        controller = start_catcher(directory, port=port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from exc
    click.echo(f"mail catcher on 127.0.0.1:{port}, writing to {directory}; read it at /admin/mail/dev-inbox",
               err=True)
    with _stop_on_signals() as stop:
        try:
            while not stop.wait(0.5):
                pass
        finally:
            controller.stop()
    click.echo("mail catcher stopped", err=True)
