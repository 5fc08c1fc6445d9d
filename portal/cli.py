"""``flask portal …`` commands. Areas add theirs to ``portal_cli``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from portal.config import readme_table
from portal.core.registry import content_loaders, demo_loaders
from portal.core.transaction import transaction

portal_cli = AppGroup("portal", help="Integrity portal commands.")


@portal_cli.command("load-content")
def load_content() -> None:
    """Load the starter content for production (policy pages as model text, national contacts, statement text); safe to run twice."""
    for loader in content_loaders():
        with transaction():
            loader()
    click.echo("starter content loaded: check the policy pages (marked as model text) before inviting staff")


@portal_cli.command("seed-demo")
def seed_demo() -> None:
    """Load demo content (starter content, example advisers, sessions, declarations); safe to run twice."""
    for loader in [*content_loaders(), *demo_loaders()]:
        with transaction():
            loader()
    click.echo("demo content loaded")


@portal_cli.command("config-table")
def config_table() -> None:
    """Print the README table of PORTAL_* settings."""
    click.echo(readme_table())


def init_app(app: Flask) -> None:
    app.cli.add_command(portal_cli)
