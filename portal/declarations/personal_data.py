"""The "my data" export (AVG right of access): what the declarations area holds about a person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.i18n import lazy_gettext as _l
from portal.declarations.display import json_value
from portal.declarations.models import (
    Campaign,
    CampaignTask,
    Declaration,
    DeclarationVersion,
    NilStatement,
)
from portal.extensions import db


def _version(version: DeclarationVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status.value,
        "status_label": version.status_label,
        "answers": {name: json_value(value) for name, value in version.answers().items()},
        "change_note": version.change_note,
        "created_at": json_value(version.created_at),
        "submitted_at": json_value(version.submitted_at),
        "decided_at": json_value(version.decided_at),
        "conditions": version.conditions,
        "refusal_reason": version.refusal_reason,
        "withdrawn_at": json_value(version.withdrawn_at),
        "information_requests": [
            {"question": r.question, "asked_at": json_value(r.asked_at),
             "answer": r.answer, "answered_at": json_value(r.answered_at)}
            for r in version.information_requests
        ],
    }


def profile_data(user) -> dict[str, Any]:
    """The person's own profile as the portal keeps it (from the directory) and the roles it gives."""
    roles = [label for flag, label in (("is_reviewer", _l("Beoordelaar (P&O)")), ("is_admin", _l("Beheerder")),
                                       ("is_top_official", _l("Topfunctionaris")),
                                       ("is_high_risk", _l("Functie met verhoogd risico"))) if getattr(user, flag, False)]
    language = getattr(user, "language", None)
    return {
        "display_name": user.display_name,
        "username": user.username,
        "email": user.email,
        "department": user.department,
        "job_title": user.job_title,
        "employee_type": user.employee_type,
        "employee_number": user.employee_number,
        "roles": [str(role) for role in roles],
        "language": language,
        "language_label": {"nl": "Nederlands", "en": "English"}.get(language or "", language),
        "first_seen_at": user.first_seen_at,
        "last_login_at": user.last_login_at,
        "left_at": user.left_at,
    }


def held_about(user) -> tuple[list[Declaration], list[NilStatement], list[tuple[CampaignTask, Campaign]]]:
    """The person's declarations (with versions and questions), statements and reconfirmation tasks."""
    declarations = db.session.scalars(
        select(Declaration).where(Declaration.owner_id == user.id)
        .options(selectinload(Declaration.versions).selectinload(DeclarationVersion.information_requests))
        .order_by(Declaration.id)
    ).all()
    statements = db.session.scalars(
        select(NilStatement).where(NilStatement.user_id == user.id).order_by(NilStatement.stated_at)
    ).all()
    tasks = db.session.execute(
        select(CampaignTask, Campaign).join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.user_id == user.id).order_by(Campaign.year, Campaign.id)
    ).all()
    return list(declarations), list(statements), [tuple(row) for row in tasks]


def declarations_data(user) -> dict[str, Any]:
    """Declarations with every version, decision, condition and question; statements; campaign tasks."""
    declarations, statements, tasks = held_about(user)
    return {
        "declarations": [
            {
                "id": d.id,
                "kind": d.kind.value,
                "status": d.status.value,
                "status_label": d.status_label,
                "created_at": json_value(d.created_at),
                "ended_on": json_value(d.ended_on),
                "last_confirmed_at": json_value(d.last_confirmed_at),
                "version_in_force": next((v.number for v in d.versions if v.id == d.current_version_id), None),
                "versions": [_version(v) for v in d.versions],
            }
            for d in declarations
        ],
        "nil_statements": [
            {"kind": s.kind.value, "stated_at": json_value(s.stated_at), "withdrawn_at": json_value(s.withdrawn_at)}
            for s in statements
        ],
        "reconfirmation_tasks": [
            {"year": c.year, "due_on": json_value(c.due_on), "completed_at": json_value(t.completed_at),
             "reminders_sent": t.reminders_sent}
            for t, c in tasks
        ],
    }
