"""Declarations: side activities, financial interests, nothing-to-declare statements, reconfirmation.

Public pieces for other areas (the review area in particular):

* models: ``portal.declarations.models`` (Declaration, DeclarationVersion, InformationRequest, NilStatement,
  Campaign, CampaignTask) and the lifecycle in ``portal.declarations.states``;
* services: ``portal.declarations.services`` (the employee's actions; HR's are in ``portal.review.services``);
* display helpers: ``portal.declarations.display`` (answer_rows, previous_version, readable).
"""

from flask import Blueprint, Flask

bp = Blueprint("declarations", __name__, url_prefix="/declarations")

def init_app(app: Flask) -> None:
    from portal.core.access import has_role
    from portal.core.registry import (
        NavItem,
        register_checklist_source,
        register_demo_loader,
        register_nav_item,
        register_personal_data_provider,
    )
    from portal.core.audit_sentences import register_audit_texts
    from portal.declarations import audit_texts
    from portal.declarations import jobs  # noqa: F401  the campaign mail job
    from portal.declarations.demo import load_demo_declarations
    from portal.declarations.personal_data import declarations_data
    from portal.declarations.statements import CHECKLIST

    register_nav_item(NavItem("declarations.index", lambda: _l("Mijn verklaringen"), order=20))
    register_nav_item(NavItem(
        "declarations.campaigns", lambda: _l("Campagnes"), order=60,
        visible=lambda user: has_role(user, "reviewer") or has_role(user, "admin"),
    ))
    register_checklist_source(CHECKLIST)
    register_demo_loader(load_demo_declarations, order=50)
    register_personal_data_provider("declarations", declarations_data)
    register_audit_texts(audit_texts.SENTENCES, objects=audit_texts.OBJECTS)

from portal.core.i18n import lazy_gettext as _l
from portal.declarations import routes  # noqa: E402,F401
