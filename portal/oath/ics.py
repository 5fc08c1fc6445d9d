"""iCalendar invitations (RFC 5545 / iTIP) for a registration.

One calendar object per registration, with a stable UID: the first invitation,
every update and the cancellation all carry it, with a growing SEQUENCE (the
session's), so calendar programs replace or remove the same entry.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Literal, Optional
from urllib.parse import urlsplit

from flask import current_app
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from portal.core.time import to_local, utcnow
from portal.oath.models import OathSession, Registration

#: REQUEST and CANCEL travel by mail (iTIP); PUBLISH is the file someone downloads and imports
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


def invitation_uid(session: OathSession, registration: Registration) -> str:
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"oath-session-{session.id}-reg-{registration.id}@{host}"


def build_invitation(session: OathSession, registration: Registration, method: Method) -> bytes:
    """The .ics for ``registration``: METHOD:REQUEST (new or changed), METHOD:CANCEL, or METHOD:PUBLISH (download)."""
    config = current_app.config
    organisation = config["ORGANISATION_NAME"]
    cal = Calendar()
    cal.add("prodid", f"-//{organisation}//Integriteitsportaal//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    event = Event()
    event.add("uid", invitation_uid(session, registration))
    event.add("sequence", session.sequence)
    event.add("dtstamp", utcnow())
    # Local wall-clock times with TZID, so the calendar keeps 10:00 across daylight-saving changes.
    event.add("dtstart", to_local(session.starts_at))
    event.add("dtend", to_local(session.ends_at))
    event.add("summary", vText(f"Ambtseed of belofte – {organisation}"))
    event.add("location", vText(session.location or "Online"))
    if session.online_url:
        event.add("url", session.online_url)
    event.add("description", vText(_description(session, config["BASE_URL"])))
    organizer = vCalAddress(f"mailto:{config['MAIL_FROM']}")
    organizer.params["cn"] = vText(organisation)
    event.add("organizer", organizer)
    if registration.user and registration.user.email:
        attendee = vCalAddress(f"mailto:{registration.user.email}")
        attendee.params["cn"] = vText(registration.user.display_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    if method == "CANCEL":
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    cal.add_component(event)
    start_day = to_local(session.starts_at).date()
    return _with_timezones(cal, start_day - timedelta(days=366), start_day + timedelta(days=366))


def _with_timezones(cal: Calendar, first_date: date, last_date: date) -> bytes:
    """``cal.add_missing_timezones(first_date=…, last_date=…)`` then ``cal.to_ical()``, the same bytes.

    The VTIMEZONE components are most of the file and of the time it takes to build it; they
    depend only on the zone and the dates, so each is built and serialised once per process and
    placed where ``add_missing_timezones`` would insert it (before the first other component).
    """
    blocks = [block for block in (_vtimezone(tzid, first_date, last_date) for tzid in cal.get_missing_tzids())
              if block is not None]
    ical = cal.to_ical()
    if not blocks:
        return ical
    at = ical.index(b"BEGIN:" + cal.subcomponents[0].name.encode() + b"\r\n")
    return ical[:at] + b"".join(blocks) + ical[at:]


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, first_date: date, last_date: date) -> Optional[bytes]:
    try:
        return Timezone.from_tzid(tzid, first_date=first_date, last_date=last_date).to_ical()
    except ValueError:  # a zone icalendar does not know is left out, as add_missing_timezones does
        return None


def _description(session: OathSession, base_url: str) -> str:
    lines = ["Bijeenkomst voor het afleggen van de ambtseed of belofte.", f"Afgenomen door: {session.official}."]
    if session.online_url:
        lines.append(f"Online: {session.online_url}")
    lines.append(f"Uw aanmelding: {base_url.rstrip('/')}/oath/my")
    return "\n".join(lines)


def install_short_line_folding() -> None:
    """icalendar folds every content line character by character (its ``_foldline``): about 12 µs for
    a line that needs no folding, 20 lines per invitation. A line shorter than the limit in UTF-8
    comes out of it unchanged, so it is returned at once; longer lines still go through icalendar's
    own. Same bytes (tests/oath compares invitations with and without it)."""
    from icalendar.parser import content_line

    original = getattr(content_line, "_foldline", None)
    if original is None or getattr(original, "portal_short_lines", False):
        return  # another icalendar layout, or installed already

    def foldline(line: str, limit: int = 75, fold_sep: str = "\r\n ") -> str:
        if isinstance(line, str) and "\n" not in line and len(line.encode("utf-8")) < limit:
            return line
        return original(line, limit, fold_sep)

    foldline.portal_short_lines = True
    foldline.original = original
    content_line._foldline = foldline

