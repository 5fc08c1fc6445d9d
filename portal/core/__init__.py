"""Shared building blocks: time helpers, access checks, audit log, registries, dashboard."""

from flask import Blueprint, Flask

from portal.core.i18n import lazy_gettext as _l
from portal.core.i18n import use_wtforms_messages
from portal.core.registry import NavItem, register_nav_item

bp = Blueprint("core", __name__)

def init_app(app: Flask) -> None:
    from portal.core import audit_sentences
    from portal.core.forms import WTFORMS_MESSAGES, field_parts

    register_nav_item(NavItem("core.dashboard", lambda: _l("Overzicht"), order=0))
    audit_sentences.init_app(app)
    app.jinja_env.globals["field_parts"] = field_parts  # what the form macro writes for a field
    use_wtforms_messages(WTFORMS_MESSAGES)  # the portal's messages, not WTForms' generic ones

from portal.core import routes  # noqa: E402,F401
