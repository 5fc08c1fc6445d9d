"""Oaths taken before the portal: read HR's CSV, say what would change, and record it.

Used by ``flask portal import-oaths`` and the upload page. All or nothing: a file with
one wrong line records nobody (the lines are corrected and the file is read again), so
nothing is ever half-imported; a person who already has an oath on record is left as
they are, so importing the same file twice changes nothing the second time.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Optional

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.i18n import gettext as _
from portal.core.time import today_local, utcnow
from portal.core.transaction import atomic
from portal.extensions import db
from portal.oath.models import OathRecord, Registration
from portal.oath.states import ACTIVE_STATUSES, Formula, RecordSource

#: largest file read, in bytes (a few thousand lines; far below PORTAL_MAX_CONTENT_LENGTH)
MAX_BYTES = 1_000_000
#: most data lines in one file
MAX_LINES = 20_000
EARLIEST = date(1950, 1, 1)

#: accepted column headings (lower case, spaces for ``_`` and ``-``), per column
HEADINGS = {
    "username": {"gebruikersnaam", "username", "user name", "inlognaam", "account"},
    "employee_number": {"personeelsnummer", "employee number", "employeenumber", "employee no", "personeelsnr"},
    "person": {"medewerker", "employee", "persoon"},
    "taken_on": {"datum", "date", "afgelegd op", "datum eed", "datum afgelegd", "taken on"},
    "formula": {"eed of belofte", "eed/belofte", "soort", "formule", "formula", "oath or affirmation",
                "oath/affirmation", "type"},
    "certificate_number": {"certificaatnummer", "certificate number", "oorkondenummer", "nummer oorkonde",
                           "certificaat", "certificate"},
}
FORMULA_WORDS = {
    "eed": Formula.oath, "ambtseed": Formula.oath, "oath": Formula.oath,
    "belofte": Formula.affirmation, "ambtsbelofte": Formula.affirmation, "affirmation": Formula.affirmation,
}
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d")
_CHUNK = 500


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not CSV, empty, binary, too large, wrong columns); Dutch message."""


@dataclass
class ImportLine:
    """One good line: who, when, which formula, and whether it would add a record."""

    number: int
    user: User
    taken_on: date
    formula: Formula
    certificate_number: Optional[str]
    #: the record already in the portal (then this line changes nothing)
    existing: Optional[OathRecord] = None
    #: an open registration for a ceremony (HR may want to cancel it)
    registration: Optional[Registration] = None


@dataclass
class ImportReport:
    """What an import would do (``applied`` False) or did."""

    new: list[ImportLine] = field(default_factory=list)
    existing: list[ImportLine] = field(default_factory=list)
    #: Dutch sentences, "Regel 7: onbekende medewerker 'xyz'"
    errors: list[str] = field(default_factory=list)
    applied: bool = False


def read_oath_file(data: bytes) -> ImportReport:
    """Check every line of the file against the portal; writes nothing."""
    rows = _rows(data)
    report = ImportReport()
    parsed: list[tuple[int, str, date, Formula, Optional[str]]] = []
    for number, row in rows:
        line = _parse_row(number, row, report.errors)
        if line is not None:
            parsed.append(line)
    people = _find_people([p[1] for p in parsed])
    found = [u.id for u in people.values() if isinstance(u, User)]
    records, registrations = _records_of(found), _registrations_of(found)
    seen: dict[int, int] = {}
    for number, key, taken_on, formula, certificate in parsed:
        user = people.get(key)
        if user is None:
            report.errors.append(_("Regel %(line)d: onbekende medewerker '%(who)s'.", line=number, who=key))
            continue
        if user is AMBIGUOUS:
            report.errors.append(_("Regel %(line)d: personeelsnummer '%(who)s' hoort bij meer dan één medewerker; "
                                   "gebruik de gebruikersnaam.", line=number, who=key))
            continue
        if user.id in seen:
            report.errors.append(_("Regel %(line)d: %(name)s staat ook op regel %(other)d.", line=number,
                                   name=user.display_name, other=seen[user.id]))
            continue
        seen[user.id] = number
        line = ImportLine(number, user, taken_on, formula, certificate, existing=records.get(user.id),
                          registration=registrations.get(user.id))
        (report.existing if line.existing else report.new).append(line)
    report.errors.sort(key=_line_number)
    return report


@atomic()
def import_oaths(data: bytes, actor=None, *, dry_run: bool = False, file_name: str = "") -> ImportReport:
    """Record the oaths of a file when every line is good; with ``dry_run`` (or any error) write nothing."""
    report = read_oath_file(data)
    if dry_run or report.errors:
        return report
    now = utcnow()
    try:
        with db.session.begin_nested():  # the unique record per person decides a file sent twice at once
            for line in report.new:
                db.session.add(OathRecord(
                    user_id=line.user.id, formula=line.formula, taken_on=line.taken_on, official="",
                    recorded_by_id=getattr(actor, "id", None), recorded_at=now, source=RecordSource.imported,
                    certificate_number=line.certificate_number,
                ))
            db.session.flush()
    except IntegrityError as exc:
        raise ImportFileError(_("Intussen is voor iemand in dit bestand al een eed of belofte vastgelegd, "
                                "bijvoorbeeld omdat het bestand twee keer is verstuurd. Er is niets vastgelegd; "
                                "controleer het bestand opnieuw.")) from exc
    record_event("oath.import", actor=actor, details={
        "file": file_name[:200], "recorded": len(report.new), "already_recorded": len(report.existing),
    })
    db.session.flush()
    report.applied = True
    return report


def _line_number(message: str) -> int:
    match = re.search(r"\d+", message)
    return int(match.group()) if match else 0


def _decode(data: bytes) -> str:
    if not data or not data.strip():
        raise ImportFileError(_("Het bestand is leeg."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("Het bestand is te groot: hoogstens %(size)d kB.", size=MAX_BYTES // 1000))
    if b"\x00" in data or data.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")):
        raise ImportFileError(_("Dit is geen CSV-bestand. Sla het bestand in Excel op als 'CSV (gescheiden door "
                                "lijstscheidingsteken)' en probeer het opnieuw."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's CSV without BOM on Windows
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise ImportFileError(_("Dit is geen CSV-bestand. Sla het bestand in Excel op als 'CSV (gescheiden door "
                                "lijstscheidingsteken)' en probeer het opnieuw."))
    return text


def _heading(text: str) -> str:
    return " ".join(text.strip().lstrip("\ufeff").lower().replace("_", " ").replace("-", " ").split())


def _rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: value}) for every non-empty data line; the heading is line 1."""
    text = _decode(data)
    first = text.splitlines()[0] if text.splitlines() else ""
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        heading = next(reader)
    except (StopIteration, csv.Error):
        raise ImportFileError(_("Het bestand is leeg.")) from None
    columns: dict[str, int] = {}
    for index, name in enumerate(heading):
        for column, names in HEADINGS.items():
            if _heading(name) in names and column not in columns:
                columns[column] = index
    missing = []
    if not {"username", "employee_number", "person"} & columns.keys():
        missing.append(_("gebruikersnaam of personeelsnummer"))
    if "taken_on" not in columns:
        missing.append(_("datum"))
    if "formula" not in columns:
        missing.append(_("eed of belofte"))
    if missing:
        raise ImportFileError(_(
            "De kolommen kloppen niet: %(missing)s ontbreekt. De eerste regel moet de kolomnamen bevatten: "
            "gebruikersnaam (of personeelsnummer); datum; eed of belofte; certificaatnummer (mag leeg).",
            missing=", ".join(missing)))
    rows = []
    try:
        for record in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) >= MAX_LINES:
                raise ImportFileError(_("Het bestand heeft te veel regels: hoogstens %(max)d.", max=MAX_LINES))
            rows.append((number, {c: (record[i].strip() if i < len(record) else "") for c, i in columns.items()}))
    except csv.Error:
        raise ImportFileError(_("Dit is geen CSV-bestand. Sla het bestand in Excel op als 'CSV (gescheiden door "
                                "lijstscheidingsteken)' en probeer het opnieuw.")) from None
    if not rows:
        raise ImportFileError(_("Het bestand heeft alleen kolomnamen en geen regels met medewerkers."))
    return rows


def _parse_row(number: int, row: dict[str, str], errors: list[str]):
    key = (row.get("username") or row.get("employee_number") or row.get("person") or "").strip()
    problems = []
    if not key:
        problems.append(_("gebruikersnaam of personeelsnummer ontbreekt"))
    elif len(key) > 256:
        problems.append(_("gebruikersnaam of personeelsnummer is te lang"))
    taken_on = _parse_date(row.get("taken_on", ""))
    if taken_on is None:
        problems.append(_("datum '%(value)s' is geen datum (gebruik bijvoorbeeld 14-03-2019)",
                          value=row.get("taken_on", "")[:40]) if row.get("taken_on") else _("datum ontbreekt"))
    elif not EARLIEST <= taken_on <= today_local():
        problems.append(_("datum %(value)s kan niet: die ligt in de toekomst of vóór 1950",
                          value=taken_on.strftime("%d-%m-%Y")))
    word = row.get("formula", "").strip().lower()
    formula = FORMULA_WORDS.get(word)
    if formula is None:
        problems.append(_("'%(value)s' is geen eed of belofte (gebruik eed, belofte, oath of affirmation)",
                          value=word[:40]) if word else _("eed of belofte ontbreekt"))
    certificate = row.get("certificate_number", "").strip() or None
    if certificate is not None and len(certificate) > 64:
        problems.append(_("certificaatnummer is te lang (hoogstens 64 tekens)"))
    if problems:
        errors.append(_("Regel %(line)d: %(problems)s.", line=number, problems="; ".join(problems)))
        return None
    return number, key, taken_on, formula, certificate


def _parse_date(value: str) -> Optional[date]:
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _chunks(values: list, size: int = _CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


#: an employee number that more than one person in the portal has
AMBIGUOUS = object()


def _find_people(keys: list[str]) -> dict:
    """Each key as a username (any case) or else an employee number; None when unknown, AMBIGUOUS when shared."""
    found: dict[str, Optional[User]] = {}
    unique = list(dict.fromkeys(keys))
    for chunk in _chunks(unique):
        by_name = {u.username: u for u in db.session.scalars(
            select(User).where(User.username.in_([k.lower() for k in chunk])))}
        by_number: dict[str, list[User]] = {}
        for user in db.session.scalars(select(User).where(User.employee_number.in_(chunk))):
            by_number.setdefault(user.employee_number, []).append(user)
        for key in chunk:
            numbered = by_number.get(key, [])
            found[key] = by_name.get(key.lower()) or (numbered[0] if len(numbered) == 1 else
                                                       AMBIGUOUS if numbered else None)
    return found


def _records_of(user_ids: Iterable[int]) -> dict[int, OathRecord]:
    ids = list(user_ids)
    records: dict[int, OathRecord] = {}
    for chunk in _chunks(ids):
        records.update((r.user_id, r) for r in db.session.scalars(
            select(OathRecord).where(OathRecord.user_id.in_(chunk))))
    return records


def _registrations_of(user_ids: Iterable[int]) -> dict[int, Registration]:
    ids = list(user_ids)
    found: dict[int, Registration] = {}
    for chunk in _chunks(ids):
        found.update((r.user_id, r) for r in db.session.scalars(
            select(Registration).where(Registration.user_id.in_(chunk), Registration.status.in_(ACTIVE_STATUSES))))
    return found
