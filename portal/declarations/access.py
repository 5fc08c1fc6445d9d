"""Who may open a declaration: its owner; anyone else gets a 404 (existence must not leak).

HR opens declarations through ``portal.review.access.load_for_review``.
"""

from __future__ import annotations

from flask import abort

from portal.declarations.lifecycle import LOAD
from portal.declarations.models import Declaration, DeclarationVersion
from portal.extensions import db


def get_declaration(declaration_id: int, for_user) -> Declaration:
    """The declaration if ``for_user`` owns it; 404 for any other id (existence must not leak)."""
    declaration = db.session.get(Declaration, declaration_id, options=LOAD)
    if declaration is None or for_user is None or declaration.owner_id != getattr(for_user, "id", None):
        abort(404)
    return declaration


def get_version(declaration: Declaration, number: int) -> DeclarationVersion:
    """Version ``number`` of an already authorised declaration, or 404."""
    for version in declaration.versions:
        if version.number == number:
            return version
    abort(404)
