"""``flask portal import-oaths``: oaths taken before the portal, from HR's CSV."""

from __future__ import annotations

from pathlib import Path

import click

from portal.cli import portal_cli
from portal.core.i18n import gettext as _
from portal.core.transaction import transaction
from portal.oath.imports import MAX_BYTES, ImportFileError, import_oaths


@portal_cli.command("import-oaths")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_oaths_command(file: Path, dry_run: bool) -> None:
    """Record oaths taken before the portal from FILE (CSV: username or employee number; date; eed/belofte; certificate number). Nothing is recorded while a line is wrong; a second run changes nothing."""
    with file.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    try:
        with transaction():
            report = import_oaths(data, None, dry_run=dry_run, file_name=file.name)
    except ImportFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.new:
        click.echo(_("Regel %(line)d: %(who)s (%(username)s): %(formula)s op %(date)s %(what)s",
                     line=line.number, who=line.user.display_name, username=line.user.username,
                     formula=line.formula.label, date=line.taken_on.strftime("%d-%m-%Y"),
                     what=_("vastgelegd") if report.applied else _("wordt vastgelegd")))
    for line in report.existing:
        click.echo(_("Regel %(line)d: %(who)s (%(username)s) heeft al een eed of belofte in het portaal; "
                     "niets gewijzigd", line=line.number, who=line.user.display_name, username=line.user.username))
    for error in report.errors:
        click.echo(error, err=True)
    summary = _("Nieuw: %(new)d, al vastgelegd: %(existing)d, regels met een fout: %(errors)d.",
                new=len(report.new), existing=len(report.existing), errors=len(report.errors))
    if report.errors:
        raise click.ClickException(summary + " " + _("Er is niets vastgelegd. Verbeter de regels met een fout en "
                                                      "lees het bestand opnieuw in."))
    if not report.applied:
        click.echo(summary + " " + _("Proefdraai: er is niets vastgelegd."))
    else:
        click.echo(summary)
