"""Attachments to a concern: which files are accepted, decided from their bytes.

Only documents and pictures that no browser or office program runs: PDF, PNG, JPEG and plain
UTF-8 text. The name and the browser's content type are ignored; the file is always served as a
download (``Content-Disposition: attachment``, ``nosniff``, a sandboxing CSP).
"""

from __future__ import annotations

from portal.concerns.states import ConcernError
from portal.core.i18n import lazy_gettext as _l

SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


class FileRefused(ConcernError):
    """The file is too large or of a type that is not accepted."""


def sniff_content_type(data: bytes) -> str:
    """The content type of ``data`` judged by its first bytes; FileRefused for anything else."""
    if not data:
        raise FileRefused(_l("Het bestand is leeg."))
    for magic, content_type in SIGNATURES:
        if data.startswith(magic):
            return content_type
    if _is_plain_text(data):
        return "text/plain"
    raise FileRefused(_l("Dit soort bestand wordt niet aangenomen. Kies een PDF, PNG, JPEG of tekstbestand."))


def _is_plain_text(data: bytes) -> bool:
    """UTF-8 without control characters (other than tab and line ends) and without markup."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return False
    head = text.lstrip()[:512].lower()
    return not head.startswith(("<", "#!", "mz")) and "<script" not in text.lower() and "<html" not in head
