"""Administration pages: the go-live checklist (/admin/setup) and the mail outbox (/admin/mail)."""

from flask import Blueprint, Flask

from portal.core.access import has_role
from portal.core.i18n import lazy_gettext as _l
from portal.core.registry import NavItem, register_nav_item

bp = Blueprint("admin", __name__, url_prefix="/admin")

def init_app(app: Flask) -> None:
    from portal.admin import audit_texts
    from portal.admin import cli, retention  # noqa: F401  commands and the retention job
    from portal.core.audit_sentences import register_audit_texts

    register_audit_texts(audit_texts.SENTENCES)
    register_nav_item(
        NavItem(
            "admin.setup", lambda: _l("Beheer: klaar voor gebruik"), order=89,
            visible=lambda user: has_role(user, "admin"),
        )
    )
    register_nav_item(
        NavItem(
            "admin.mail", lambda: _l("Beheer: e-mail"), order=90,
            visible=lambda user: has_role(user, "admin"),
        )
    )

from portal.admin import routes  # noqa: E402,F401
