"""Redirect targets that can only ever stay on this site."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit

from flask import current_app, url_for
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

#: URLs whose arguments are all whole numbers (``/review/<int:id>``, ``?page=2``), as the parts between them
_number_urls: dict[tuple[str, str, tuple[str, ...]], tuple[str, ...] | None] = {}

#: stand-ins for the numbers while a pattern is built: long enough never to occur in a rule's own text
_SENTINEL = 7_340_000_000_000_001


def fixed_url_for(endpoint: str, **values) -> str:
    """``url_for`` for the templates: the same URLs, built once per shape instead of once per link.

    A page builds dozens of URLs and each costs Flask and Werkzeug about forty calls (defaults,
    the rule's converters, the query string). Two shapes are kept, per prefix (``SCRIPT_NAME``):
    an endpoint without arguments or a static file (the layout's links) as the URL itself, and an
    endpoint whose arguments are all whole numbers (``review.detail`` with ``decl_id``, a list's
    ``page``) as the text around the numbers, since a number is written as itself in a URL. Any
    other call (text arguments, anchors, external URLs, relative endpoints) goes to ``url_for``.
    """
    request_context = _cv_request.get(None)  # the request without the proxy: this runs dozens of times a page
    if request_context is None or endpoint[:1] == ".":
        return url_for(endpoint, **values)
    script_root = request_context.request.script_root
    if not values or (endpoint == "static" and len(values) == 1 and "filename" in values):
        key = (script_root, endpoint, values.get("filename"))
        url = _fixed_urls.get(key)
        if url is None:
            if len(_fixed_urls) > 2000:  # a bound, never reached by the portal's own endpoints
                _fixed_urls.clear()
            url = _fixed_urls[key] = url_for(endpoint, **values)
        return url
    for value in values.values():
        if type(value) is not int:  # bool is an int too, but is not written as one
            return url_for(endpoint, **values)
    names = tuple(values)
    key = (script_root, endpoint, names)
    try:
        parts = _number_urls[key]
    except KeyError:
        if len(_number_urls) > 2000:
            _number_urls.clear()
        parts = _number_urls[key] = _number_pattern(endpoint, names)
    if parts is None:
        return url_for(endpoint, **values)
    url = [parts[0]]
    for name, part in zip(names, parts[1:]):
        url.append(str(values[name]))
        url.append(part)
    return "".join(url)


def _number_pattern(endpoint: str, names: tuple[str, ...]) -> tuple[str, ...] | None:
    """The text of the URL around each argument, in the order of ``names`` (None: not that simple).

    Built from the URL ``url_for`` gives with stand-in numbers: each must come out exactly once and
    in the order the arguments were given, and the endpoint must have one rule without defaults
    (else Werkzeug picks a rule by the values); otherwise the URL is left to ``url_for`` every time.
    """
    rules = list(current_app.url_map.iter_rules(endpoint))
    if len(rules) != 1 or rules[0].defaults:  # Werkzeug would choose among rules by the values
        return None
    stand_ins = [str(_SENTINEL + index) for index in range(len(names))]
    url = url_for(endpoint, **{name: int(stand_in) for name, stand_in in zip(names, stand_ins)})
    parts, rest = [], url
    for stand_in in stand_ins:
        if url.count(stand_in) != 1 or stand_in not in rest:
            return None
        before, rest = rest.split(stand_in, 1)
        parts.append(before)
    parts.append(rest)
    return tuple(parts)
