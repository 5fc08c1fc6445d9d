"""My data: everything the portal holds about the signed-in person, as a page and as JSON."""

from __future__ import annotations

import json

from flask import Response, render_template
from flask_login import current_user, login_required

from portal.core.audit import record_event
from portal.core.registry import personal_data_for
from portal.declarations import bp
from portal.declarations.display import CODE_LABEL_KEYS, answer_rows, data_label, json_value, page_value
from portal.declarations.personal_data import held_about, profile_data


def _everything(user) -> dict:
    """The person's profile first, then what every area holds about them."""
    return {"profile": profile_data(user), **personal_data_for(user)}


@bp.route("/my-data")
@login_required
def my_data():
    """A readable page with every area's data about me (declarations in full, other areas as listed)."""
    declarations, statements, tasks = held_about(current_user)
    sections = {name: data for name, data in _everything(current_user).items() if name != "declarations"}
    return render_template(
        "declarations/my_data.html", declarations=declarations, statements=statements, tasks=tasks,
        answers={v.id: answer_rows(v) for d in declarations for v in d.versions}, sections=sections, label=data_label,
        page_value=page_value, code_labels=CODE_LABEL_KEYS,
    )


@bp.route("/my-data.json")
@login_required
def my_data_json():
    """The same data as a JSON download."""
    body = json.dumps(_everything(current_user), ensure_ascii=False, indent=2, default=json_value)
    record_event("personal_data.export", actor=current_user, obj=current_user, subject_user_id=current_user.id)
    return Response(
        body, mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="mijn-gegevens-{current_user.id}.json"',
                 "Cache-Control": "no-store"},
    )
