"""Closing and reopening a year of the annual report, and writing its explanations (coordinators)."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local, utcnow
from portal.extensions import db
from portal.reports.models import ReportExplanation, ReportYear
from portal.reports.report import SECTION_KEYS, year_figures


class ReportError(Exception):
    """A rule of the annual report refused an action; ``exc.message`` says why in Dutch."""

    def __init__(self, message):
        self._message = message  # lazy: translated when shown
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self._message)


def _year_row(year: int) -> ReportYear:
    row = db.session.get(ReportYear, year, with_for_update=True)
    if row is None:
        row = ReportYear(year=year)
        db.session.add(row)
    return row


def close_year(year: int, actor: User) -> ReportYear:
    """Freeze the figures of ``year``: from now on the report shows them as they are now."""
    if year >= today_local().year:
        raise ReportError(_l("Een jaar kan pas worden afgesloten als het voorbij is."))
    row = _year_row(year)
    if row.is_closed:
        raise ReportError(_l("Dit jaar is al afgesloten."))
    row.figures = year_figures(year)
    row.closed_at, row.closed_by_id = utcnow(), actor.id
    record_event("report.close", actor=actor, obj=row, object_id=year, details={"year": year})
    db.session.flush()
    return row


def reopen_year(year: int, reason: str, actor: User) -> ReportYear:
    """Open a closed year again (its figures follow the database until it is closed again)."""
    row = db.session.get(ReportYear, year, with_for_update=True)
    if row is None or not row.is_closed:
        raise ReportError(_l("Dit jaar is niet afgesloten."))
    row.closed_at, row.closed_by_id = None, None
    row.figures = None
    record_event("report.reopen", actor=actor, obj=row, object_id=year, details={"year": year, "reason": reason})
    db.session.flush()
    return row


def save_explanations(year: int, texts: dict[str, str], actor: User) -> None:
    """Store the coordinator's explanation per section; refused while the year is closed."""
    row = db.session.get(ReportYear, year)
    if row is not None and row.is_closed:
        raise ReportError(_l("Dit jaar is afgesloten: heropen het eerst om de toelichting te wijzigen."))
    existing = {e.section: e for e in db.session.scalars(
        select(ReportExplanation).where(ReportExplanation.year == year))}
    changed = []
    for section in SECTION_KEYS:
        body = (texts.get(section) or "").strip()
        current = existing.get(section)
        if current is not None and current.body != body:
            if body:
                current.body, current.updated_by_id = body, actor.id
            else:
                db.session.delete(current)
            changed.append(section)
        elif current is None and body:
            db.session.add(ReportExplanation(year=year, section=section, body=body, updated_by_id=actor.id))
            changed.append(section)
    if changed:
        record_event("report.explain", actor=actor, object_type="report_year", object_id=year,
                     details={"year": year, "sections": changed})
    db.session.flush()
