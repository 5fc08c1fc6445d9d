"""Reports of suspected integrity breaches (meldingen), investigations, and confidential advisers' contacts.

Two blueprints: ``concerns`` (/concerns/…: filing and one's own reports for everyone, the cases for
integrity coordinators only) and ``adviser_contacts`` (/advisers/contacts, confidential advisers).
"""

from flask import Blueprint, Flask

from portal.core.i18n import lazy_gettext as _l
from portal.core.registry import NavItem, register_demo_loader, register_nav_item, register_personal_data_provider

bp = Blueprint("concerns", __name__, url_prefix="/concerns")
advisers_bp = Blueprint("adviser_contacts", __name__, url_prefix="/advisers/contacts")

def init_app(app: Flask) -> None:
    from portal.concerns import audit_texts
    from portal.concerns import jobs  # noqa: F401  (the daily deadline reminders)
    from portal.core.audit_sentences import register_audit_texts
    from portal.concerns.access import is_adviser, is_coordinator
    from portal.concerns.demo import load_demo_concerns

    app.register_blueprint(advisers_bp)
    register_nav_item(NavItem("concerns.index", lambda: _l("Meldingen"), order=33, visible=is_coordinator))
    register_nav_item(NavItem("adviser_contacts.index", lambda: _l("Contacten vertrouwenspersoon"), order=34,
                              visible=is_adviser))
    register_demo_loader(load_demo_concerns, order=60)
    from portal.concerns.queries import personal_concern_data

    register_personal_data_provider("concerns", personal_concern_data)
    register_audit_texts(audit_texts.SENTENCES, objects=audit_texts.OBJECTS)

from portal.concerns.routes import advisers, cases, employee  # noqa: E402,F401
