"""What the review lists say, worked out once per page or per day.

A queue page shows 50 lines but only a few distinct days and waiting times, all of one kind of
link: formatting a day (Babel, the reader's time zone), a plural (the catalogue) or building a
link (the URL map) costs 10–30 µs each, so each distinct value is formatted once per page.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from flask import url_for
from flask_babel import ngettext

from portal.core.i18n import format_day
from portal.core.time import local_zone
from portal.review.advice.states import AdviceStatus
from portal.review.queries import QueueItem


class QueueLine(NamedTuple):
    """What one line of the queue shows, in the order of its cells (the template names the fields as it loops)."""

    submitted: str  #: the day it was submitted, in the reader's language
    waited: str  #: "3 dagen"
    is_overdue: bool
    url: str  #: the review page
    owner_name: str
    is_top_official: bool
    is_high_risk: bool
    department: Optional[str]
    kind: str  #: the kind's label, in the reader's language
    subject: str
    status_tone: str  #: the status badge's colour
    status: str  #: the status's label, in the reader's language
    awaiting_confirmation: bool
    advice: Optional[AdviceStatus]
    reviewer_name: Optional[str]


def queue_lines(items: list[QueueItem]) -> list[QueueLine]:
    """The lines of one queue page, each distinct day, waiting time and label formatted once."""
    # the rule is /review/<int:declaration_id>: the links differ only in the id at their end
    review_url = url_for("review.detail", declaration_id=1).removesuffix("1")
    zone = local_zone()
    days: dict = {}
    waits: dict = {}
    kinds: dict = {}
    statuses: dict = {}
    lines = []
    for item in items:
        day = item.submitted_at.astimezone(zone).date()  # submitted_at is aware (UTC)
        submitted = days.get(day)
        if submitted is None:
            submitted = days[day] = format_day(day, "d MMM yyyy")
        waited = waits.get(item.waiting_days)
        if waited is None:
            waited = waits[item.waiting_days] = ngettext("%(num)d dag", "%(num)d dagen", item.waiting_days)
        kind = kinds.get(item.kind)
        if kind is None:
            kind = kinds[item.kind] = str(item.kind.label)
        status = statuses.get(item.status)
        if status is None:
            status = statuses[item.status] = (item.status.tone, str(item.status.label))
        lines.append(QueueLine(
            submitted, waited, item.is_overdue, f"{review_url}{item.id}", item.owner_name, item.is_top_official,
            item.is_high_risk, item.department, kind, item.subject, *status, item.awaiting_confirmation,
            item.advice, item.reviewer_name,
        ))
    return lines
