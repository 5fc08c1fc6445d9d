"""The review area's exports: the register (CSV in the request, XLSX by a job) and the audit trail (CSV by a job).

Rows are plain tuples from a server-side cursor (``yield_per``), formatted here, so that a file of
100,000 rows costs the same memory as one of ten.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date
from itertools import islice
from typing import Any, Iterator, Optional

from sqlalchemy import func, select

from portal.core.audit_sentences import describe_events
from portal.core.exports import Column, stream_rows
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import local_zone
from portal.declarations.display import readable
from portal.declarations.models import DeclarationKind
from portal.exports.kinds import ExportKind, register_export_kind
from portal.extensions import db
from portal.review.queries import RegisterFilters, register_export_statement
from portal.review.trail import AuditFilters, audit_export_statement

BATCH = 2_000


# -- the register ------------------------------------------------------------------------------


def register_columns() -> list[Column]:
    return [Column(_("Naam"), 28), Column(_("Gebruikersnaam"), 18), Column(_("Afdeling"), 22),
            Column(_("Functie"), 28), Column(_("Topfunctionaris"), 10), Column(_("Verhoogd risico"), 10),
            Column(_("Soort"), 20), Column(_("Organisatie of belang"), 36), Column(_("Rol"), 18),
            Column(_("Betaald"), 9), Column(_("Uren per maand"), 9), Column(_("Sinds"), 12),
            Column(_("Voorwaarden"), 40), Column(_("Besloten op"), 18)]


def register_rows(filters: RegisterFilters) -> Iterator[list[Any]]:
    """One row per current entry, by name."""
    # labels looked up once, not per row (a row is 14 cells; a register is 100,000 rows)
    yes_no = {True: _("Ja"), False: _("Nee")}
    paid_text = {None: "", True: readable(True), False: readable(False)}
    kinds = {kind.value: str(kind.label) for kind in DeclarationKind}
    side = DeclarationKind.side_activity.value
    zone = local_zone()
    for (name, username, department, title, top, high_risk, kind, organisation, entity, role, paid, hours,
         start, acquired, conditions, decided) in stream_rows(register_export_statement(filters), BATCH):
        kind = getattr(kind, "value", kind)
        yield [
            name, username, department, title, yes_no[bool(top)], yes_no[bool(high_risk)], kinds[kind],
            (organisation if kind == side else entity) or "", role or "", paid_text[paid], hours,
            start or acquired, conditions or "",
            decided.astimezone(zone).replace(tzinfo=None) if decided else None,
        ]


def register_parameters(filters: RegisterFilters) -> dict[str, Any]:
    return {k: v for k, v in asdict(filters).items() if v is not None}


def _build_register(parameters: dict[str, Any]):
    filters = RegisterFilters(**parameters)
    total = db.session.scalar(select(func.count()).select_from(register_export_statement(filters).subquery()))
    return register_columns(), register_rows(filters), total


# -- the audit trail -----------------------------------------------------------------------------


def audit_columns() -> list[Column]:
    return [Column(_("Nummer"), 10), Column(_("Tijdstip"), 20), Column(_("Door"), 18), Column(_("Handeling"), 28),
            Column(_("Soort object"), 16), Column(_("Object"), 10), Column(_("Over wie"), 18),
            Column(_("Details"), 50), Column(_("Wat er gebeurde"), 80)]


@dataclass(frozen=True)
class _ExportedEvent:
    """What a sentence needs of an exported row (the export reads columns, not ORM objects)."""

    action: str
    object_type: Optional[str]
    object_id: Optional[int]
    details: Any


def audit_rows(filters: AuditFilters) -> Iterator[list[Any]]:
    """The codes in their own columns (for filtering in a spreadsheet), and the sentence a person reads.

    The sentences name objects as for a reader without extra rights (no declaration titles, no links):
    the file may travel further than the page.
    """
    zone = local_zone()
    rows = iter(stream_rows(audit_export_statement(filters), BATCH))
    while batch := list(islice(rows, BATCH)):
        described = describe_events(
            (_ExportedEvent(action, object_type, object_id, details), actor_name, subject_name)
            for _id, _at, _actor, action, object_type, object_id, _subject, details, actor_name, subject_name
            in batch)
        for (event_id, created_at, actor, action, object_type, object_id, subject, details, _an, _sn), line in zip(
                batch, described):
            yield [event_id, created_at.astimezone(zone).replace(tzinfo=None), actor or "", action,
                   object_type or "", object_id or "", subject or "",
                   json.dumps(details, ensure_ascii=False) if details else "{}", line.text]


def audit_parameters(filters: AuditFilters) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(filters).items() if v is not None}


def audit_filters_from(parameters: dict[str, Any]) -> AuditFilters:
    values: dict[str, Optional[Any]] = dict(parameters)
    for key in ("date_from", "date_to"):
        if values.get(key):
            values[key] = date.fromisoformat(values[key])
    return AuditFilters(**values)


def _build_audit(parameters: dict[str, Any]):
    filters = audit_filters_from(parameters)
    total = db.session.scalar(select(func.count()).select_from(audit_export_statement(filters).subquery()))
    return audit_columns(), audit_rows(filters), total


def _register_parameters_from(args) -> dict[str, Any]:
    from portal.auth.services import list_departments
    from portal.review.forms import RegisterFilterForm

    form = RegisterFilterForm(args, departments=list_departments())
    form.validate()
    return register_parameters(RegisterFilters.from_form(form))


def _audit_parameters_from(args) -> dict[str, Any]:
    """The filters of the audit page; events about concerns only when an integrity coordinator asks."""
    from flask_login import current_user

    from portal.core.access import has_role
    from portal.review.forms import AuditFilterForm

    form = AuditFilterForm(args)
    form.validate()
    confidential = has_role(current_user, "integrity_officer")
    return audit_parameters(AuditFilters.from_form(form, include_confidential=confidential))


REGISTER_XLSX = register_export_kind(ExportKind(
    name="review.register_xlsx", title=lambda: _l("Register van nevenwerkzaamheden en financiële belangen (Excel)"),
    file_format="xlsx", role="reviewer", file_stem="register", sheet_title=lambda: _l("Register"),
    build=_build_register, back_endpoint="review.register", parameters=_register_parameters_from,
))
AUDIT_CSV = register_export_kind(ExportKind(
    name="review.audit_csv", title=lambda: _l("Audittrail (CSV)"), file_format="csv", role="admin",
    file_stem="audit", sheet_title=lambda: _l("Audittrail"), build=_build_audit, back_endpoint="review.audit",
    parameters=_audit_parameters_from,
))
