"""Demo content for the annual report: the years before last closed (figures frozen), and the
coordinator's explanation of last year's sections, so that ``make run`` shows a finished report."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.core.audit import record_event
from portal.core.time import today_local, utcnow
from portal.extensions import db
from portal.reports.models import ReportExplanation, ReportYear
from portal.reports.report import YEARS_SHOWN, year_figures

EXPLANATIONS = {
    "concerns": "Het aantal meldingen steeg ten opzichte van vorig jaar. Wij zien dat als een teken dat medewerkers het meldpunt "
                "beter weten te vinden, niet als een teken dat er meer misgaat: de meeste meldingen gingen over "
                "omgangsvormen en nevenwerkzaamheden.",
    "measures": "Eén melding leidde tot disciplinair ontslag; bij de andere gegronde meldingen volstond een gesprek, "
                "een schriftelijke waarschuwing of een andere disciplinaire maatregel.",
    "contacts": "De vertrouwenspersonen werden vaker gevonden, vooral voor vragen over de werksituatie en over een "
                "vermoeden van een integriteitsschending. Vijf mensen zijn doorverwezen naar het meldpunt.",
}


def load_demo_report() -> None:
    """Idempotent: does nothing when any year was closed or explained before."""
    if db.session.scalar(select(func.count()).select_from(ReportYear)) or db.session.scalar(
            select(func.count()).select_from(ReportExplanation)):
        return
    demo_year = today_local().year - 1
    for year in range(demo_year - YEARS_SHOWN + 1, demo_year):
        db.session.add(ReportYear(year=year, figures=year_figures(year), closed_at=utcnow()))
        record_event("report.close", object_type="report_year", object_id=year, details={"year": year, "demo": True})
    for section, body in EXPLANATIONS.items():
        db.session.add(ReportExplanation(year=demo_year, section=section, body=body))
    db.session.flush()
