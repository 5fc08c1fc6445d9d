"""Local times for forms, mails and certificates (stored in UTC, shown in the portal's zone)."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from babel.dates import format_date, format_datetime

from portal.core.i18n import lazy_gettext as _l
from portal.core.time import local_zone, to_local
from portal.oath.states import RegistrationStatus

#: portal-badge modifier per registration state
REGISTRATION_BADGES = {
    RegistrationStatus.confirmed: "info",
    RegistrationStatus.waitlisted: "warning",
    RegistrationStatus.cancelled: "neutral",
    RegistrationStatus.attended: "ok",
    RegistrationStatus.no_show: "error",
}

LANGUAGE_LABELS = {"nl": _l("Nederlands"), "en": _l("Engels")}


def template_context() -> dict:
    """What the oath templates need beyond the enums' own labels."""
    return {"registration_badges": REGISTRATION_BADGES, "language_labels": LANGUAGE_LABELS}


class NonexistentLocalTime(ValueError):
    """The clock skips this time (start of daylight-saving time)."""


def local_to_utc(day: date, at: time) -> datetime:
    """The UTC instant of ``day`` ``at`` local time; the earlier one when the clock repeats an hour."""
    zone = local_zone()
    local = datetime.combine(day, at, tzinfo=zone)
    as_utc = local.astimezone(timezone.utc)
    if as_utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NonexistentLocalTime(f"{day} {at} does not exist in {zone.key}")
    return as_utc


def local_datetime_text(value: datetime, locale: str = "nl") -> str:
    """E.g. "22 oktober 2026, 17:00" in local time."""
    return format_datetime(to_local(value), "d MMMM yyyy, HH:mm", tzinfo=local_zone(), locale=locale)


def long_date(value: date, locale: str = "nl") -> str:
    """E.g. "25 oktober 2026"."""
    return format_date(value, "d MMMM yyyy", locale=locale)
