"""Time helpers: everything is stored in UTC and shown in the configured zone."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """Treat naive datetimes (SQLite returns them) as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("TIMEZONE", "Europe/Amsterdam"))


def to_local(value: datetime) -> datetime:
    """Convert a stored UTC datetime to the portal's local time zone."""
    return as_utc(value).astimezone(local_zone())


def today_local() -> date:
    return utcnow().astimezone(local_zone()).date()
