"""HR review: the queue, decisions, registers, the public register and the audit trail.

Two blueprints: ``review`` (/review/…, reviewers; /review/audit for administrators) and
``public_register`` (/register, /register.csv, /register.json, no sign-in). The annual report
lives in ``portal.reports``.
"""

from flask import Blueprint, Flask

from portal.core.access import has_role
from portal.core.i18n import lazy_gettext as _l
from portal.core.registry import NavItem, register_nav_item, register_user_fact

bp = Blueprint("review", __name__, url_prefix="/review")
public_bp = Blueprint("public_register", __name__)

def _is_reviewer(user) -> bool:
    return has_role(user, "reviewer")

def _has_advice_requests(user) -> bool:
    """Managers who were ever asked for advice see "Adviesvragen" (portal.review.advice)."""
    from portal.review.advice.queries import has_advice_requests

    return has_advice_requests(user)

def init_app(app: Flask) -> None:
    from portal.core.audit_sentences import register_audit_texts
    from portal.review import exports, jobs  # noqa: F401  the register and audit exports; the digest, the snapshot
    from portal.review import labels
    from portal.review.advice.queries import advice_requests_fact

    app.register_blueprint(public_bp)
    register_audit_texts(labels.SENTENCES, references=labels.REFERENCES)
    register_nav_item(NavItem("review.queue", lambda: _l("Beoordelen"), order=30, visible=_is_reviewer))
    register_nav_item(NavItem("review.register", lambda: _l("Register"), order=31, visible=_is_reviewer))
    register_user_fact("advice_requests", advice_requests_fact)
    register_nav_item(NavItem("review.advice_requests", lambda: _l("Adviesvragen"), order=32,
                              visible=_has_advice_requests))
    register_nav_item(NavItem(
        "review.audit", lambda: _l("Audit"), order=85, visible=lambda user: has_role(user, "admin")
    ))

from portal.review import routes  # noqa: E402,F401
