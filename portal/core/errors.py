"""Error pages in the site's layout; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from portal.core.transaction import rollback_quietly

log = logging.getLogger("portal.errors")

PAGES = (400, 401, 403, 404, 405, 413, 429, 500, 503)


def _render(code: int, *, reason: str = ""):
    return render_template("errors/error.html", code=code, reason=reason), code


def handle_http_error(exc: HTTPException):
    code = exc.code or 500
    if code not in PAGES:
        return exc
    return _render(code)


def handle_csrf_error(exc: CSRFError):
    log.info("CSRF refused on %s: %s", request.path, exc.description)
    return _render(400, reason="csrf")


def handle_database_down(exc: Exception):
    """The database is unreachable: a 503 page rendered without touching it."""
    log.error("database unavailable: %s", exc)
    rollback_quietly()
    g._login_user = AnonymousUserMixin()  # the page must not try to load the user again
    return _render(503, reason="database")


def handle_unexpected(exc: Exception):
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    rollback_quietly()
    return _render(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(OperationalError, handle_database_down)
    app.register_error_handler(DBAPIError, _dbapi_error)
    app.register_error_handler(Exception, handle_unexpected)


def _dbapi_error(exc: DBAPIError):
    if exc.connection_invalidated:
        return handle_database_down(exc)
    return handle_unexpected(exc)

