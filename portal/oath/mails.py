"""The oath area's mails, queued in the outbox inside the caller's transaction.

Every mail has a dedup key, so a retried or concurrent transaction never sends
the same notice twice. Bodies say what happened and link to the portal; they
never carry accessibility needs or other personal details.
"""

from __future__ import annotations

from typing import Optional

from portal.auth.models import User
from portal.notifications.services import Attachment, queue_mail
from portal.oath.ics import Method, build_invitation
from portal.oath.models import OathSession, Registration
from portal.oath.states import RegistrationStatus

MY_PATH = "/oath/my"
SESSIONS_PATH = "/oath/sessions"
STATEMENT_PATH = "/oath/statement"
ICS_FILENAME = "ambtseed.ics"


def session_context(session: OathSession) -> dict:
    """What every oath mail may say about a session (templates show the times in local time)."""
    return {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "location": session.location or "",
        "online_url": session.online_url or "",
        "official": session.official,
        "my_path": MY_PATH,
        "sessions_path": SESSIONS_PATH,
    }


def _invitation(session: OathSession, registration: Registration, method: Method) -> Attachment:
    return Attachment(
        filename=ICS_FILENAME,
        content_type="text/calendar",
        data=build_invitation(session, registration, method),
        method=method,
    )


def _send(registration: Registration, session: OathSession, template: str, key: str, *,
          method: Optional[Method] = None, **extra) -> bool:
    context = {**session_context(session), "name": registration.user.display_name, **extra}
    attachments = [_invitation(session, registration, method)] if method else None
    message = queue_mail(
        to=registration.user,
        template=f"oath/{template}",
        context=context,
        dedup_key=f"oath-reg-{registration.id}-{key}",
        attachments=attachments,
    )
    return message is not None  # None: already queued once under this key


def mail_confirmed(registration: Registration, session: OathSession) -> None:
    _send(registration, session, "confirmed", "confirmed", method="REQUEST")


def mail_waitlisted(registration: Registration, session: OathSession, position: int) -> None:
    _send(registration, session, "waitlisted", "waitlisted", position=position)


def mail_promoted(registration: Registration, session: OathSession) -> None:
    _send(registration, session, "promoted", "promoted", method="REQUEST")


def mail_session_changed(registration: Registration, session: OathSession, changes: list[str]) -> None:
    """Confirmed registrants get the updated invitation; the waiting list a notice only."""
    method: Optional[Method] = "REQUEST" if registration.status == RegistrationStatus.confirmed else None
    _send(registration, session, "changed", f"changed-seq{session.sequence}", method=method,
          changes=changes, is_waitlisted=method is None)


def mail_cancelled(registration: Registration, session: OathSession, *, was_confirmed: bool,
                   reason: str, note: str = "") -> None:
    """``reason``: "self" (the employee), "hr" (P&O cancelled the place) or "session" (cancelled)."""
    _send(registration, session, "cancelled", "cancelled", method="CANCEL" if was_confirmed else None,
          reason=reason, note=note, was_waitlisted=not was_confirmed)


def mail_reminder(registration: Registration, session: OathSession, days: int) -> bool:
    return _send(registration, session, "reminder", "reminder", days=days)


def mail_waitlist_closed(registration: Registration, session: OathSession) -> None:
    _send(registration, session, "waitlist_closed", "waitlist-closed")


def mail_todo_reminder(user: User, month: str, *, statement: bool) -> bool:
    """Ask someone to sign up for a ceremony or sign the statement; once per month. False if deduplicated."""
    message = queue_mail(
        to=user,
        template="oath/todo_reminder",
        context={
            "name": user.display_name,
            "statement": statement,
            "path": STATEMENT_PATH if statement else SESSIONS_PATH,
        },
        dedup_key=f"oath-todo-{user.id}-{month}",
    )
    return message is not None
