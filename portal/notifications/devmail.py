"""Development only: a mail catcher on loopback and the folder it writes to.

``make run`` starts ``flask portal dev-mail`` (an aiosmtpd server on 127.0.0.1) and the mail
worker beside the portal, and points the portal's SMTP settings at the catcher. Every message
the worker delivers lands in a Maildir under ``instance/dev-mail``, which administrators read
at ``/admin/mail/dev-inbox``. Nothing leaves the machine. Production refuses PORTAL_DEV_MAIL.
"""

from __future__ import annotations

import email
import mailbox
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Optional

from flask import current_app

#: Maildir keys are made by ``mailbox.Maildir``: time, unique part and host name
_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._,:-]{0,200}")
#: how many messages the inbox page lists (the newest)
LIMIT = 200


def dev_mail_enabled() -> bool:
    """The catcher and its inbox page exist only in development with PORTAL_DEV_MAIL on."""
    return current_app.config.get("ENV") == "development" and bool(current_app.config.get("DEV_MAIL"))


def mail_dir(config=None) -> Path:
    config = config if config is not None else current_app.config
    return Path(config.get("DEV_MAIL_DIR") or Path(current_app.instance_path) / "dev-mail")


def open_maildir(directory: Path) -> mailbox.Maildir:
    """The Maildir at ``directory``, made with its parents when missing."""
    for sub in ("tmp", "new", "cur"):
        (directory / sub).mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(directory, factory=None, create=False)


def _maildir(config=None) -> mailbox.Maildir:
    return open_maildir(mail_dir(config))


class CatchingHandler:
    """aiosmtpd handler: every message goes into the Maildir, the envelope's recipients in a header."""

    def __init__(self, directory: Path) -> None:
        self.box = open_maildir(directory)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        header = ("X-Dev-Mail-Recipients: " + ", ".join(envelope.rcpt_tos) + "\r\n").encode("utf-8")
        self.box.add(header + content)
        return "250 Message accepted for delivery"


def start_catcher(directory: Path, host: str = "127.0.0.1", port: int = 8025):
    """Start the catcher in a thread; returns the aiosmtpd Controller (call ``stop()``)."""
    from aiosmtpd.controller import Controller

    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the development mail catcher listens on loopback only")
    controller = Controller(CatchingHandler(directory), hostname=host, port=port)
    controller.start()
    return controller


@dataclass
class CaughtAttachment:
    number: int
    filename: str
    content_type: str
    size: int


@dataclass
class CaughtMail:
    key: str
    subject: str
    to: str
    sender: str
    date: Optional[datetime]
    text: str
    attachments: list[CaughtAttachment]


def _parse(key: str, raw: bytes, with_body: bool) -> CaughtMail:
    message = email.message_from_bytes(raw, policy=policy.default)
    try:
        date = parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    text = ""
    if with_body:
        body = message.get_body(("plain",)) if isinstance(message, EmailMessage) else None
        try:
            text = body.get_content() if body is not None else ""
        except (LookupError, ValueError):
            text = ""
    attachments = [
        CaughtAttachment(number, part.get_filename() or f"bijlage-{number}", part.get_content_type(),
                         len(part.get_payload(decode=True) or b""))
        for number, part in enumerate(_attachments(message), start=1)
    ]
    return CaughtMail(key=key, subject=str(message["Subject"] or ""), to=str(message["To"] or
                      message["X-Dev-Mail-Recipients"] or ""), sender=str(message["From"] or ""), date=date,
                      text=text, attachments=attachments)


def _attachments(message) -> list:
    return [part for part in message.walk()
            if not part.is_multipart() and (part.get_filename() or part.get_content_disposition() == "attachment"
                                            or part.get_content_type() == "text/calendar")]


def caught_mails(limit: int = LIMIT) -> list[CaughtMail]:
    """The newest caught messages first (without their bodies)."""
    box = _maildir()
    mails = []
    for key in box.keys():
        try:
            mails.append(_parse(key, box.get_bytes(key), with_body=False))
        except (KeyError, OSError):
            continue  # removed meanwhile
    mails.sort(key=lambda m: (m.date.timestamp() if m.date else 0, m.key), reverse=True)
    return mails[:limit]


def caught_mail(key: str) -> Optional[CaughtMail]:
    """One caught message with its text body, or None."""
    raw = _raw(key)
    return _parse(key, raw, with_body=True) if raw is not None else None


def caught_attachment(key: str, number: int) -> Optional[tuple[str, str, bytes]]:
    """(file name, content type, bytes) of the ``number``-th attachment (from 1), or None."""
    raw = _raw(key)
    if raw is None:
        return None
    parts = _attachments(email.message_from_bytes(raw, policy=policy.default))
    if not 1 <= number <= len(parts):
        return None
    part = parts[number - 1]
    return part.get_filename() or f"bijlage-{number}", part.get_content_type(), part.get_payload(decode=True) or b""


def _raw(key: str) -> Optional[bytes]:
    if not _KEY.fullmatch(key or ""):
        return None
    try:
        return _maildir().get_bytes(key)
    except (KeyError, OSError):
        return None
