"""Security headers on every response."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, Response, current_app

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # The browsers' old XSS filter could itself be abused; OWASP advises switching it off (the CSP protects).
    ("X-XSS-Protection", "0"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
#: pages can hold personal data: never keep them in shared caches
HTML_HEADERS = (*SECURITY_HEADERS, ("Cache-Control", "no-store"))


#: production also tells browsers to use HTTPS only (the portal is served behind TLS there)
HSTS = (("Strict-Transport-Security", "max-age=31536000"),)


@lru_cache(maxsize=None)
def _security_headers(html: bool, production: bool) -> tuple[tuple[str, str], ...]:
    return (*(HTML_HEADERS if html else SECURITY_HEADERS), *(HSTS if production else ()))


def set_security_headers(response: Response) -> Response:
    """Add the headers a view did not set itself (one pass: this runs on every response)."""
    html = (response.headers.get("Content-Type") or "").startswith("text/html")  # without parsing the header
    wanted = _security_headers(html, current_app.config["ENV"] == "production")
    present = {name.lower() for name, _value in response.headers.items()}
    response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
