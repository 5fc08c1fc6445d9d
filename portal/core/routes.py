"""Dashboard and health check."""

from __future__ import annotations

from flask import jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.core import bp
from portal.core.registry import checklist_for
from portal.extensions import db


@bp.route("/")
@login_required
def dashboard():
    """The signed-in user's start page: checklist and what they can do."""
    checklist = checklist_for(current_user)
    # the shortcuts are the menu's items (nav_items, from the layout) but this page
    return render_template(
        "core/dashboard.html", checklist=checklist, open_items=sum(1 for item in checklist if not item.is_done)
    )


@bp.route("/healthz")
def healthz():
    """200 with the database status; 503 when the database is unreachable."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return jsonify(status="unavailable", database="unreachable", error=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")


@bp.route("/privacy")
def privacy():
    """The privacy statement: what the portal keeps, why and how long (public)."""
    return render_template("core/privacy.html")
