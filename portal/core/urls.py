"""Redirect targets that can only ever stay on this site."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit


def safe_next(target: Optional[str], default: str = "/") -> str:
    """Return ``target`` if it is a local path ("/..."), else ``default``.

    Refuses absolute URLs, scheme-relative ``//host``, backslash tricks and
    control characters, which browsers may turn into another host.
    """
    if not target or len(target) > 2048:
        return default
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
