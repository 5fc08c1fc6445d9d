"""What the oath area holds about a person, for the "my data" export (AVG right of access)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.oath.models import StatementSignature
from portal.oath.queries import record_of, registrations_of


def _iso(value):
    """Kept as it is: the export writes times once, in local time with offset (declarations/display.py)."""
    return value


def oath_personal_data(user) -> dict:
    record = record_of(user.id)
    signatures = db.session.scalars(
        select(StatementSignature)
        .where(StatementSignature.user_id == user.id)
        .options(selectinload(StatementSignature.text_version))
        .order_by(StatementSignature.signed_at)
    )
    return {
        "registrations": [
            {
                "session_starts_at": _iso(r.session.starts_at),
                "status": r.status.value,
                "status_label": str(r.status.label),
                "formula": r.formula.value,
                "formula_label": str(r.formula.label),
                "accessibility_needs": r.accessibility_needs,
                "registered_at": _iso(r.created_at),
                "cancelled_at": _iso(r.cancelled_at),
                "promoted_at": _iso(r.promoted_at),
                "marked_at": _iso(r.marked_at),
            }
            for r in registrations_of(user.id)
        ],
        "oath_record": None if record is None else {
            "formula": record.formula.value,
            "formula_label": str(record.formula.label),
            "taken_on": _iso(record.taken_on),
            "official": record.official,
            "source": record.source.value,
            "certificate_number": record.certificate_number,
        },
        "statement_signatures": [
            {"version": s.text_version.version, "signed_name": s.signed_name, "signed_at": _iso(s.signed_at)}
            for s in signatures
        ],
    }
