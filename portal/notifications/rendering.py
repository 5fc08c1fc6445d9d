"""Rendering mail templates and turning outbox rows into RFC 5322 messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale

from portal.core.time import as_utc, utcnow

MAIL_TEMPLATES = "mail"
#: appended to every plain-text body, so that no template can forget it
TEXT_FOOTER = "mail/notifications/_footer.txt"


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text_body: str
    html_body: str


def render_mail(template: str, context: Mapping[str, Any], language: str) -> RenderedMail:
    """Render ``templates/mail/<template>.{subject.txt,txt,html}`` in ``language``.

    Renders straight from the Jinja environment: no request is needed (the
    CLI and the scheduled jobs queue mail too) and the web page's context
    processors (signed-in user, navigation) never leak into a mail.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    values = {
        "base_url": app.config["BASE_URL"].rstrip("/"),
        "organisation_name": app.config["ORGANISATION_NAME"],
        "language": language,
        **context,
    }
    env = app.jinja_env
    with force_locale(language):
        subject = env.get_template(f"{MAIL_TEMPLATES}/{template}.subject.txt").render(values)
        text = env.get_template(f"{MAIL_TEMPLATES}/{template}.txt").render(values)
        footer = env.get_template(TEXT_FOOTER).render(values)
        html = env.get_template(f"{MAIL_TEMPLATES}/{template}.html").render(values)
    return RenderedMail(
        subject=" ".join(subject.split())[:512],
        text_body=text.strip() + "\n\n-- \n" + footer.strip() + "\n",
        html_body=html,
    )


def message_id_for(message) -> str:
    """A Message-ID that stays the same for every attempt to send one outbox row."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "portal.invalid"
    stamp = int(as_utc(message.created_at).timestamp())  # SQLite gives naive UTC: never the process's zone
    return f"<outbox-{message.id}-{stamp}@{host}>"


_CONTENT_TYPE = re.compile(r"^[\w.+-]+/[\w.+-]+$")


def build_email(message, *, now=None) -> EmailMessage:
    """The EmailMessage for an outbox row: text and HTML alternatives plus attachments."""
    config = current_app.config
    email = EmailMessage()
    email["From"] = formataddr((config["ORGANISATION_NAME"], config["MAIL_FROM"]))
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate((now or utcnow()).timestamp(), localtime=False, usegmt=True)
    email["Message-ID"] = message_id_for(message)
    email["Auto-Submitted"] = "auto-generated"
    # Exchange: no out-of-office replies to the portal's address.
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    for attachment in message.attachments:
        maintype, subtype = _split_type(attachment.content_type)
        params: dict[str, str] = {}
        if maintype == "text":
            params["charset"] = "utf-8"
        if attachment.method:
            params["method"] = attachment.method
        email.add_attachment(
            attachment.data, maintype=maintype, subtype=subtype, filename=attachment.filename, params=params
        )
    # After the body: setting content replaces every Content-* header.
    email["Content-Language"] = message.language
    return email


def _split_type(content_type: str) -> tuple[str, str]:
    base = content_type.split(";", 1)[0].strip().lower()
    if not _CONTENT_TYPE.match(base):
        base = "application/octet-stream"
    maintype, subtype = base.split("/", 1)
    return maintype, subtype


def valid_address(address: Optional[str]) -> bool:
    """True for a syntactically valid address (internal domains such as ``.local`` allowed)."""
    from email_validator import EmailNotValidError, validate_email

    if not address:
        return False
    try:
        validate_email(address, check_deliverability=False, globally_deliverable=False)
    except EmailNotValidError:
        return False
    return True
