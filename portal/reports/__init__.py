"""The annual integrity report for the council (/reports/annual): HTML, PDF and CSV.

HR reviewers and integrity coordinators read it; coordinators write the explanation per section
and close a year (its figures are then frozen) or reopen it with a reason.
"""

from flask import Blueprint, Flask

from portal.core.i18n import lazy_gettext as _l
from portal.core.registry import NavItem, register_demo_loader, register_nav_item

bp = Blueprint("reports", __name__, url_prefix="/reports")

def init_app(app: Flask) -> None:
    from portal.core.audit_sentences import register_audit_texts
    from portal.reports import audit_texts
    from portal.reports.access import can_read_report
    from portal.reports.demo import load_demo_report

    register_nav_item(NavItem("reports.annual", lambda: _l("Jaarverslag"), order=32, visible=can_read_report))
    register_demo_loader(load_demo_report, order=70)  # after the concerns' demo content
    register_audit_texts(audit_texts.SENTENCES)

from portal.reports import routes  # noqa: E402,F401
