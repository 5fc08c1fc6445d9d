"""Oath ceremonies: sessions, registrations with a waiting list, certificates, integrity statements."""

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

bp = Blueprint("oath", __name__, url_prefix="/oath")

def init_app(app: Flask) -> None:
    from portal.core.audit_sentences import register_audit_texts
    from portal.oath import audit_texts
    from portal.oath import jobs  # noqa: F401  (registers the scheduled jobs)
    from portal.oath.access import is_hr
    from portal.oath.checklist import CHECKLIST
    from portal.oath.demo import load_demo_sessions
    from portal.oath.ics import install_short_line_folding
    from portal.oath.services.formulas import load_model_formulas
    from portal.oath.services.statements import publish_statement_text
    from portal.oath.personal_data import oath_personal_data

    app.config.setdefault("CEREMONY_REMINDER_DAYS", 3)
    install_short_line_folding()  # invitations in every registration's mail
    register_nav_item(NavItem("oath.my", lambda: _l("Ambtseed"), order=40))
    register_nav_item(NavItem("oath.admin_sessions", lambda: _l("Ceremonies (P&O)"), order=70, visible=is_hr))
    register_checklist_source(CHECKLIST)
    register_content_loader(publish_statement_text, order=40)
    register_content_loader(load_model_formulas, order=41)
    register_demo_loader(load_demo_sessions, order=40)
    register_personal_data_provider("oath", oath_personal_data)
    register_audit_texts(audit_texts.SENTENCES, objects=audit_texts.OBJECTS, references=audit_texts.REFERENCES)

from portal.oath.display import template_context  # noqa: E402
from portal.oath import cli  # noqa: E402,F401
from portal.oath.routes import employee, hr  # noqa: E402,F401

bp.context_processor(template_context)
