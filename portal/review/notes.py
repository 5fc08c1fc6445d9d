"""Reviewers' own records on a declaration: internal notes and the assessment against the framework.

Neither is ever shown or mailed to the employee (see InternalNote in models.py).
"""

from __future__ import annotations

from functools import cache
from typing import Mapping, Optional

from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.core.i18n import lazy_gettext as _l
from portal.declarations.lifecycle import audit, guarded, is_blank
from portal.declarations.models import Declaration, DeclarationVersion
from portal.declarations.services import StaleDeclaration
from portal.extensions import db
from portal.review.models import ASSESSMENT_POINTS, InternalNote, Rating, ReviewAssessment
from portal.review.queries import version_under_review
from portal.review.services import ReviewError, ensure_can_decide



@guarded
def add_internal_note(declaration: Declaration, body: str, actor) -> InternalNote:
    """A note for reviewers only; the audit trail records that it was written, not what it says."""
    ensure_can_decide(declaration, actor)
    if is_blank(body):
        raise ReviewError(_l("Schrijf de notitie."))
    latest = declaration.latest_version
    note = InternalNote(declaration_id=declaration.id, version_id=latest.id if latest else None,
                        author_id=actor.id, body=body.strip())
    db.session.add(note)
    db.session.flush()
    audit("review.note", declaration, actor, note=note.id)
    return note


def internal_notes(declaration: Declaration) -> list[InternalNote]:
    return list(db.session.scalars(_notes_statement(), {"declaration_id": declaration.id}))


def assessment_for(version: Optional[DeclarationVersion]) -> Optional[ReviewAssessment]:
    if version is None:
        return None
    return db.session.scalar(_assessment_statement(), {"version_id": version.id})


# The review page asks these on every view: built once, bound with :declaration_id / :version_id.


@cache
def _notes_statement() -> Select:
    return (select(InternalNote).options(selectinload(InternalNote.author))
            .where(InternalNote.declaration_id == bindparam("declaration_id"))
            .order_by(InternalNote.created_at, InternalNote.id))


@cache
def _assessment_statement() -> Select:
    return select(ReviewAssessment).where(ReviewAssessment.version_id == bindparam("version_id"))


@guarded
def save_assessment(declaration: Declaration, answers: Mapping[str, tuple[Optional[str], Optional[str]]],
                    actor) -> ReviewAssessment:
    """Store a rating and a note per point of the framework for the version under review."""
    ensure_can_decide(declaration, actor)
    version = version_under_review(declaration)
    if version is None:
        raise ReviewError(_l("Over deze versie is al besloten; de afweging ligt vast."))
    assessment = assessment_for(version)
    if assessment is None:
        assessment = ReviewAssessment(version_id=version.id)
        db.session.add(assessment)
    for point in ASSESSMENT_POINTS:
        rating, note = answers.get(point, (None, None))
        setattr(assessment, f"{point}_rating", Rating(rating) if rating else None)
        setattr(assessment, f"{point}_note", note.strip() if note and note.strip() else None)
    assessment.reviewer_id = actor.id
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as exc:  # two reviewers created it at the same moment
        raise StaleDeclaration() from exc
    audit("review.assess", declaration, actor, version=version.number)
    return assessment
