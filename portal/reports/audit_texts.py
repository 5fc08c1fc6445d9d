"""The audit trail's sentences for the annual report."""

from __future__ import annotations

from flask import url_for

from portal.core.audit_sentences import AuditObject, EventFacts, Sentence
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.reports.access import can_read_report


def report(e: EventFacts) -> AuditObject:
    """The year's report, linked for those who may read it."""
    year = e.detail("year", e.object_id)
    url = url_for("reports.annual", year=year) if can_read_report(e.viewer) and isinstance(year, int) else None
    return AuditObject(_("het jaarverslag over %(year)s", year=year), url)


def _close(e: EventFacts) -> Sentence:
    return e.by(_l("%(actor)s heeft %(report)s afgesloten; de cijfers liggen nu vast."),
                _l("%(report)s is afgesloten; de cijfers liggen nu vast."), report=report(e))


def _reopen(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(report)s weer geopend. Reden: %(reason)s"),
                 report=report(e), reason=e.detail("reason", "-"))


def _explain(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de toelichting bij %(report)s opgeslagen (%(count)s onderdelen)."),
                 report=report(e), count=len(e.detail("sections", [])))


SENTENCES = {"report.close": _close, "report.reopen": _reopen, "report.explain": _explain}
