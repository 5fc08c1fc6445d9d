"""Redirect targets that can only ever stay on this site."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from flask import url_for
from flask.globals import _cv_request


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


#: URLs that take nothing from the request but the prefix the portal is served under
_fixed_urls: dict[tuple[str, str, str | None], str] = {}


def fixed_url_for(endpoint: str, **values) -> str:
    """``url_for`` for the layout's fixed links: an endpoint without arguments, or a static file.

    The layout builds about twenty of them on every page and each costs Werkzeug's URL map a
    rule lookup; they only change with the prefix (``SCRIPT_NAME``), so each is built once per
    prefix. Any other call (arguments, anchors, external URLs) goes to ``url_for`` as it is.
    """
    filename = values.get("filename") if endpoint == "static" and len(values) == 1 else None
    request_context = _cv_request.get(None)  # the request without the proxy: this runs twenty times a page
    if (values and filename is None) or request_context is None:
        return url_for(endpoint, **values)
    key = (request_context.request.script_root, endpoint, filename)
    url = _fixed_urls.get(key)
    if url is None:
        if len(_fixed_urls) > 2000:  # a bound, never reached by the portal's own endpoints
            _fixed_urls.clear()
        url = _fixed_urls[key] = url_for(endpoint, **values)
    return url
