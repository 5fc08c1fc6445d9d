"""What the review lists say, worked out once per page or per day.

A queue page shows 50 lines but only a few distinct days and waiting times, all of one kind of
link: formatting a day (Babel, the reader's time zone), a plural (the catalogue) or building a
link (the URL map) costs 10–30 µs each, so each distinct value is formatted once per page.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import ngettext

from portal.core.i18n import format_day
from portal.core.time import to_local
from portal.declarations.models import DeclarationKind
from portal.declarations.states import DeclarationStatus
from portal.review.queries import QueueItem


@dataclass(frozen=True, slots=True)
class QueueLine:
    item: QueueItem
    url: str  #: the review page
    submitted: str  #: the day it was submitted, in the reader's language
    waited: str  #: "3 dagen"
    kind: str  #: the kind's label, in the reader's language
    status: str  #: the status's label, in the reader's language


def queue_lines(items: list[QueueItem]) -> list[QueueLine]:
    """The lines of one queue page, each distinct day, waiting time and label formatted once."""
    # the rule is /review/<int:declaration_id>: the links differ only in the id at their end
    review_url = url_for("review.detail", declaration_id=1).removesuffix("1")
    days: dict = {}
    waits: dict = {}
    kinds = {kind: str(kind.label) for kind in DeclarationKind}
    statuses = {status: str(status.label) for status in DeclarationStatus}
    lines = []
    for item in items:
        day = to_local(item.submitted_at).date()
        submitted = days.get(day)
        if submitted is None:
            submitted = days[day] = format_day(day, "d MMM yyyy")
        waited = waits.get(item.waiting_days)
        if waited is None:
            waited = waits[item.waiting_days] = ngettext("%(num)d dag", "%(num)d dagen", item.waiting_days)
        lines.append(QueueLine(item=item, url=f"{review_url}{item.id}", submitted=submitted, waited=waited,
                               kind=kinds[item.kind], status=statuses[item.status]))
    return lines
