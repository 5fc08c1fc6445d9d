"""Gifts and invitations (art. 8 lid 1 sub e Ambtenarenwet 2017): an employee reports what they received
or were offered, or asks beforehand; their manager or HR decides; HR and integrity coordinators keep
the register; the annual report counts them (portal.reports)."""

from flask import Blueprint, Flask

bp = Blueprint("gifts", __name__, url_prefix="/gifts")

def init_app(app: Flask) -> None:
    from portal.core.registry import (NavItem, register_demo_loader, register_nav_item,
                                      register_personal_data_provider, register_user_fact)
    from portal.core.audit_sentences import register_audit_texts
    from portal.gifts import audit_texts
    from portal.gifts.access import can_read_register, is_hr
    from portal.gifts.advice import register_gift_subject
    from portal.gifts.demo import load_demo_gifts
    from portal.gifts.queries import has_staff, has_staff_fact, personal_gift_data

    register_nav_item(NavItem("gifts.index", lambda: _l("Geschenken en uitnodigingen"), order=21))
    register_user_fact("has_staff", has_staff_fact)
    register_nav_item(NavItem("gifts.team", lambda: _l("Geschenken beslissen"), order=35,
                              visible=lambda user: is_hr(user) or has_staff(user)))
    register_nav_item(NavItem("gifts.register", lambda: _l("Register geschenken"), order=36,
                              visible=can_read_register))
    register_demo_loader(load_demo_gifts, order=65)
    register_personal_data_provider("gifts", personal_gift_data)
    register_audit_texts(audit_texts.SENTENCES, objects=audit_texts.OBJECTS)
    register_gift_subject()  # HR asks the manager's advice on a gift (portal.review.advice)

from portal.core.i18n import lazy_gettext as _l
from portal.gifts import routes  # noqa: E402,F401
