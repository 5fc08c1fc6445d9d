"""Declarations: side activities, financial interests, nothing-to-declare statements, reconfirmation.

Public pieces for other areas (the review area in particular):

* models: ``portal.declarations.models`` (Declaration, DeclarationVersion, InformationRequest, NilStatement,
  Campaign, CampaignTask) and the lifecycle in ``portal.declarations.states``;
* services: ``portal.declarations.services`` (get_declaration_for_review, start_review,
  request_information, decide_version, ensure_lock_version …);
* display helpers: ``portal.declarations.display`` (answer_rows, previous_version, readable).
"""

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("declarations", __name__, url_prefix="/declarations")


def init_app(app: Flask) -> None:
    from portal.core.access import has_role
    from portal.core.registry import (
        NavItem,
        register_checklist_provider,
        register_demo_loader,
        register_nav_item,
        register_personal_data_provider,
    )
    from portal.declarations import jobs  # noqa: F401  the campaign mail job
    from portal.declarations.demo import load_demo_declarations
    from portal.declarations.personal_data import declarations_data
    from portal.declarations.statements import checklist_items

    register_nav_item(NavItem("declarations.index", lambda: _l("Mijn verklaringen"), order=20))
    register_nav_item(NavItem(
        "declarations.campaigns", lambda: _l("Campagnes"), order=60,
        visible=lambda user: has_role(user, "reviewer") or has_role(user, "admin"),
    ))
    register_checklist_provider(checklist_items)
    register_demo_loader(load_demo_declarations, order=50)
    register_personal_data_provider("declarations", declarations_data)
    _register_page_owners()


def _register_page_owners() -> None:
    """Whose pages a change to a declaration, or to one of its versions, makes stale."""
    from sqlalchemy import select

    from portal.core.pagecache import register_owner_resolver
    from portal.declarations.models import Declaration, DeclarationVersion

    register_owner_resolver("declaration", lambda ids: select(Declaration.owner_id).where(Declaration.id.in_(ids)))
    register_owner_resolver("version", lambda ids: (
        select(Declaration.owner_id).join(DeclarationVersion, DeclarationVersion.declaration_id == Declaration.id)
        .where(DeclarationVersion.id.in_(ids))
    ))


from portal.declarations import routes  # noqa: E402,F401
