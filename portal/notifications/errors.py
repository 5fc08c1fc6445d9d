"""What went wrong while sending, as a Dutch sentence for the administrator (never an exception name).

Each sentence names the mail server (host and port) and, where it helps, the setting to check.
The server's own reply code and text stay in it: they are what the mail administrator searches for.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from typing import Mapping


def _reply(code, reply) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {text}".strip()


def _ssl_reason(exc: OSError) -> str:
    return (getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or exc.strerror
            or "onbekende reden")


def smtp_error_text(exc: BaseException, config: Mapping) -> str:
    """One Dutch sentence (or two) about ``exc``, raised while talking to the configured SMTP server."""
    host, port = config.get("SMTP_HOST", ""), config.get("SMTP_PORT", "")
    where = f"{host}:{port}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        return f"De mailserver {where} weigert de ontvanger ({_reply(code, reply)})."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (f"De mailserver {where} weigert het afzenderadres ({_reply(exc.smtp_code, exc.smtp_error)}). "
                "Controleer PORTAL_MAIL_FROM.")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (f"De mailserver {where} weigert de gebruikersnaam of het wachtwoord "
                f"({_reply(exc.smtp_code, exc.smtp_error)}). Controleer PORTAL_SMTP_USER en PORTAL_SMTP_PASSWORD.")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return (f"De mailserver {where} ondersteunt niet wat het portaal vraagt (STARTTLS of aanmelden). "
                "Controleer PORTAL_SMTP_STARTTLS en PORTAL_SMTP_USER.")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (f"De beveiligde verbinding (TLS) met de mailserver {where} is mislukt: het certificaat van de "
                f"server is niet te controleren ({_ssl_reason(exc)}).")
    if isinstance(exc, ssl.SSLError):
        return (f"De beveiligde verbinding (TLS) met de mailserver {where} is mislukt "
                f"({_ssl_reason(exc)}).")
    if isinstance(exc, (smtplib.SMTPConnectError, smtplib.SMTPHeloError)):
        return f"De mailserver {where} weigert de verbinding ({_reply(exc.smtp_code, exc.smtp_error)})."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"De mailserver {where} heeft de verbinding onverwacht verbroken. Het wordt later opnieuw geprobeerd."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"De mailserver {where} antwoordde met een fout ({_reply(exc.smtp_code, exc.smtp_error)})."
    if isinstance(exc, ConnectionRefusedError):
        return (f"De mailserver {where} weigert de verbinding: daar luistert geen mailserver. Controleer "
                "PORTAL_SMTP_HOST en PORTAL_SMTP_PORT, en of de mailserver draait.")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return (f"De mailserver {where} antwoordt niet binnen {config.get('SMTP_TIMEOUT', '?')} seconden. "
                "Controleer PORTAL_SMTP_HOST en PORTAL_SMTP_PORT, en of een firewall de verbinding tegenhoudt.")
    if isinstance(exc, socket.gaierror):
        return f"De naam van de mailserver '{host}' is onbekend. Controleer PORTAL_SMTP_HOST."
    if isinstance(exc, OSError):
        return f"De mailserver {where} is niet bereikbaar ({exc.strerror or 'netwerkfout'})."
    return "Het versturen is mislukt door een onverwachte fout. Het logboek van het portaal zegt meer."
