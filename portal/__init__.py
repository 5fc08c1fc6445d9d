"""The integrity portal: application factory."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Mapping, Optional

from flask import Flask, has_request_context, request, session
from flask_login import current_user

from portal.config import PROJECT_ROOT, ConfigError, check_production, load_config
from portal.core import database
from portal.core.i18n import format_day, format_moment
from portal.extensions import babel, csrf, db, login_manager, migrate

#: feature areas, in navigation order; each is a package with a ``bp`` blueprint
AREAS = ("core", "auth", "policies", "declarations", "review", "oath", "concerns", "gifts", "reports", "notifications",
         "admin", "exports")
LANGUAGES = ("nl", "en")

__all__ = ["create_app", "warm_up", "ConfigError"]



def create_app(config: Optional[Mapping[str, Any]] = None) -> Flask:
    """Build the app from ``PORTAL_*`` variables, with ``config`` overriding them (tests)."""
    settings = load_config()
    if config:
        settings.update(config)
    check_production(settings)

    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(PROJECT_ROOT / "instance"),
    )
    from portal.core.i18n import PortalEnvironment

    app.jinja_environment = PortalEnvironment  # type: ignore[misc] - before anything builds app.jinja_env
    app.config.update(settings)
    _derive_config(app)
    from portal.core import logging as portal_logging
    from portal.core import params

    portal_logging.init_app(app)
    # First: the id converter must exist before any route, and odd input is refused before any hook reads it.
    params.init_app(app)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    _init_login(app)

    from portal.core import cache, errors, i18n, security, sessions, transaction

    cache.init_app(app)
    transaction.init_app(app)

    # Session lifetime is checked before CSRF so that an expired form can be shown back.
    sessions.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=lambda: app.config["TIMEZONE"])
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    _init_templates(app)
    _register_areas(app)

    from portal import cli

    cli.init_app(app)
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


def warm_up(app: Flask) -> None:
    """Compile every template and load every catalogue now, not in each worker's first requests.

    Under gunicorn (``preload_app``) this runs once in the master; a new or recycled worker
    starts with them in memory instead of spending its first requests on them.
    """
    from flask_babel import force_locale, get_translations

    names = app.jinja_env.list_templates(filter_func=lambda n: n.endswith((".html", ".txt")))
    with app.test_request_context("/"):
        for language in LANGUAGES:
            with force_locale(language):
                get_translations()
                for name in names:  # each template is compiled once per language (core/i18n.py)
                    app.jinja_env.get_template(name)


def _derive_config(app: Flask) -> None:
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        url = app.config.get("DATABASE_URL")
        if not url:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            url = f"sqlite:///{Path(app.instance_path) / 'portal.sqlite3'}"
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", database.engine_options(app.config["SQLALCHEMY_DATABASE_URI"]))
    if not app.config.get("SECRET_KEY"):
        # Development only (production refuses to start without one): a per-process key.
        import secrets

        app.config["SECRET_KEY"] = secrets.token_hex(32)
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # bound to the session, which expires itself
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    app.config["BABEL_DEFAULT_LOCALE"] = "nl"
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]


def _init_login(app: Flask) -> None:
    from portal.auth.services import load_user

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page explains itself
    # No "session protection": the portal asks for no fresh sign-in anywhere, so Flask-Login's
    # "basic" mode only hashed the address and browser on every request and stored the hash in
    # the cookie. Sessions are bound server-side instead (UserSession, ended at sign-out).
    login_manager.session_protection = None
    # Without session protection Flask-Login still hashes the address and browser (SHA-512) on every
    # request and keeps the hash in the cookie (128 characters of 540); nothing reads it.
    login_manager._session_identifier_generator = lambda: ""
    login_manager.user_loader(load_user)


def _select_locale() -> str:
    if not has_request_context():
        return "nl"  # jobs and CLI commands: mails pass their language explicitly
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if getattr(current_user, "is_authenticated", False):
        return current_user.language
    return "nl"


def _init_templates(app: Flask) -> None:
    from portal.core.forms import has_form_errors, install_fast_html_params
    from portal.core.registry import nav_items_for
    from portal.core.urls import fixed_url_for

    @app.context_processor
    def inject_layout():
        user = current_user._get_current_object()  # the proxy resolved once, not per menu item
        items = nav_items_for(user) if user is not None and user.is_authenticated else []
        links = [(item, fixed_url_for(item.endpoint)) for item in items]
        return {
            "organisation_name": app.config["ORGANISATION_NAME"],
            "nav_items": items,
            "nav_links": links,
            "current_nav_endpoint": _current_nav_endpoint(links),
            "current_language": _select_locale(),
            "is_demo_directory": str(app.config.get("LDAP_URL", "")).lower() == "demo",
        }

    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.globals["request_path"] = lambda: request.full_path.rstrip("?")
    app.jinja_env.globals["has_form_errors"] = has_form_errors
    install_fast_html_params()
    app.jinja_env.globals["url_for"] = fixed_url_for


def _current_nav_endpoint(links) -> str | None:
    """The menu item for this page: the longest menu URL that the path starts with."""
    best, best_len, path = None, 0, request.path
    for item, href in links:
        matches = path == href or (href != "/" and path.startswith(href.rstrip("/") + "/"))
        if matches and len(href) > best_len:
            best, best_len = item.endpoint, len(href)
    return best


def _register_areas(app: Flask) -> None:
    for area in AREAS:
        module = importlib.import_module(f"portal.{area}")
        blueprint = getattr(module, "bp", None)
        if blueprint is None:
            continue
        app.register_blueprint(blueprint)
        init_area = getattr(module, "init_app", None)
        if init_area is not None:
            init_area(app)
