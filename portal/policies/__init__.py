"""Policy pages (code of conduct, oath, reporting …), their versions and acknowledgements, and the advisers.

One blueprint without a prefix: it serves /policies/… and /advisers (help is one click
from every page, and the reporting page and the advisers are readable without signing in).
"""

from flask import Blueprint, Flask

from portal.core.i18n import lazy_gettext as _l
from portal.core.registry import (
    NavItem,
    register_checklist_source,
    register_content_loader,
    register_demo_loader,
    register_nav_item,
    register_personal_data_provider,
)

bp = Blueprint("policies", __name__)

def init_app(app: Flask) -> None:
    from portal.core.audit_sentences import register_audit_texts
    from portal.policies import audit_texts
    from portal.policies.acknowledgements import CHECKLIST, personal_data
    from portal.policies.content import load_starter_content
    from portal.policies.demo import load_demo_content

    register_nav_item(NavItem("policies.index", lambda: _l("Integriteit"), order=10))
    register_checklist_source(CHECKLIST)
    register_content_loader(load_starter_content, order=10)
    register_demo_loader(load_demo_content, order=10)
    register_personal_data_provider("policies", personal_data)
    register_audit_texts(audit_texts.SENTENCES, objects=audit_texts.OBJECTS)

from portal.policies.routes import contacts, editing, reading, report  # noqa: E402,F401
