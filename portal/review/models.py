"""Tables of the review area: assessments, internal notes, decisions awaiting a second reviewer.

The declaration and its versions belong to the declarations area; these tables only point
at them. ``InternalNote`` is HR's own text: it has its own table, form field and template
block, so it can never be mixed up with the conditions or reasons that the employee sees.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.declarations.states import VersionStatus
from portal.extensions import db

if TYPE_CHECKING:
    from portal.auth.models import User
    from portal.declarations.models import Declaration, DeclarationVersion

NOTE_MAX = 4000

#: the points of the assessment framework (afwegingskader), in the order they are shown
class AssessmentPoint(LabelledEnum):
    """The points of the assessment framework; each has a rating and a note column (``<point>_rating``)."""

    conflict_of_interest = "conflict_of_interest", _l("Strijd met het belang van de dienst")
    appearance_of_conflict = "appearance_of_conflict", _l("Schijn van belangenverstrengeling")
    confidential_information = "confidential_information", _l("Gebruik van vertrouwelijke informatie")
    working_time = "working_time", _l("Werktijd en werkbelasting")
    reputation = "reputation", _l("Reputatie van de gemeente")
    dealings_with_municipality = "dealings_with_municipality", _l("Zakelijke relatie van de organisatie met de gemeente")

ASSESSMENT_POINTS = tuple(AssessmentPoint)

class Rating(LabelledEnum):
    """A reviewer's verdict on one point of the assessment framework."""

    no_concern = "no_concern", _l("Geen bezwaar")
    attention = "attention", _l("Aandachtspunt")
    objection = "objection", _l("Bezwaar")

class ReviewAssessment(db.Model):
    """The assessment of one version against the framework: a rating and a note per point."""

    __tablename__ = "review_assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("declaration_version.id", ondelete="CASCADE"), unique=True)
    #: the reviewer who saved the assessment last
    reviewer_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    conflict_of_interest_rating: Mapped[Optional[Rating]] = mapped_column(enum_type(Rating, "conflict_rating"))
    conflict_of_interest_note: Mapped[Optional[str]] = mapped_column(Text)
    appearance_of_conflict_rating: Mapped[Optional[Rating]] = mapped_column(enum_type(Rating, "appearance_rating"))
    appearance_of_conflict_note: Mapped[Optional[str]] = mapped_column(Text)
    confidential_information_rating: Mapped[Optional[Rating]] = mapped_column(
        enum_type(Rating, "confidential_rating")
    )
    confidential_information_note: Mapped[Optional[str]] = mapped_column(Text)
    working_time_rating: Mapped[Optional[Rating]] = mapped_column(enum_type(Rating, "working_time_rating"))
    working_time_note: Mapped[Optional[str]] = mapped_column(Text)
    reputation_rating: Mapped[Optional[Rating]] = mapped_column(enum_type(Rating, "reputation_rating"))
    reputation_note: Mapped[Optional[str]] = mapped_column(Text)
    dealings_with_municipality_rating: Mapped[Optional[Rating]] = mapped_column(enum_type(Rating, "dealings_rating"))
    dealings_with_municipality_note: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    reviewer: Mapped[Optional["User"]] = relationship()

    def points(self) -> list[tuple[str, Optional[Rating], Optional[str]]]:
        """(point, rating, note) for every point, in framework order."""
        return [(p, getattr(self, f"{p}_rating"), getattr(self, f"{p}_note")) for p in ASSESSMENT_POINTS]

    def __repr__(self) -> str:
        return f"<ReviewAssessment {self.id} version={self.version_id}>"

class InternalNote(db.Model):
    """A reviewer's note on a declaration, for reviewers only: never shown or mailed to the employee."""

    __tablename__ = "review_internal_note"
    #: notes are for HR only

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"))
    #: the version under review when the note was written
    version_id: Mapped[Optional[int]] = mapped_column(ForeignKey("declaration_version.id", ondelete="SET NULL"))
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    author: Mapped[Optional["User"]] = relationship()
    version: Mapped[Optional["DeclarationVersion"]] = relationship()

    __table_args__ = (
        Index("ix_review_internal_note_declaration", "declaration_id", "created_at"),
        CheckConstraint("length(body) > 0", name="body"),
    )

    def __repr__(self) -> str:
        return f"<InternalNote {self.id} declaration={self.declaration_id}>"

class ProposalStatus(str, enum.Enum):
    pending = "pending"
    confirmed = "confirmed"
    rejected = "rejected"

    def __str__(self) -> str:
        return self.value

class PendingDecision(db.Model):
    """A decision proposed by one reviewer that takes effect only when a second reviewer confirms it."""

    __tablename__ = "review_pending_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("declaration_version.id", ondelete="CASCADE"))
    #: approved, approved_with_conditions or refused (a VersionStatus value)
    outcome: Mapped[str] = mapped_column(String(32))
    #: conditions of an approval, shown to the employee once confirmed
    conditions: Mapped[Optional[str]] = mapped_column(Text)
    #: reason of a refusal, shown to the employee once confirmed
    reason: Mapped[Optional[str]] = mapped_column(Text)
    status: Mapped[ProposalStatus] = mapped_column(
        enum_type(ProposalStatus, "status"), default=ProposalStatus.pending
    )
    proposed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    confirmed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    rejected_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    rejected_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    declaration: Mapped["Declaration"] = relationship()
    version: Mapped["DeclarationVersion"] = relationship()
    proposed_by: Mapped[Optional["User"]] = relationship(foreign_keys=[proposed_by_id])
    confirmed_by: Mapped[Optional["User"]] = relationship(foreign_keys=[confirmed_by_id])
    rejected_by: Mapped[Optional["User"]] = relationship(foreign_keys=[rejected_by_id])

    __table_args__ = (
        # At most one proposal per version waits for confirmation.
        Index(
            "uq_review_pending_decision_version_pending", "version_id", unique=True,
            sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'"),
        ),
        CheckConstraint(
            "outcome IN ('approved', 'approved_with_conditions', 'refused')", name="outcome",
        ),
        CheckConstraint("outcome <> 'approved_with_conditions' OR conditions IS NOT NULL", name="conditions"),
        CheckConstraint("outcome <> 'refused' OR reason IS NOT NULL", name="reason"),
        CheckConstraint("(status = 'confirmed') = (confirmed_at IS NOT NULL)", name="confirmed"),
        CheckConstraint("(status = 'rejected') = (rejected_at IS NOT NULL)", name="rejected"),
    )

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.pending

    @property
    def outcome_label(self) -> str:
        return str(VersionStatus(self.outcome).label)

    def __repr__(self) -> str:
        return f"<PendingDecision {self.id} version={self.version_id} {self.outcome} {self.status}>"

class RegisterSnapshot(db.Model):
    """A fingerprint of the public register; a new row whenever its content changed ("last changed")."""

    __tablename__ = "review_register_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: sha256 of the register's rows
    content_hash: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"<RegisterSnapshot {self.id} {self.changed_at} entries={self.entry_count}>"

#: lengths of HR's public summary (the register is read by the public: short and plain)
SUMMARY_NAME_MAX = 200
SUMMARY_DESCRIPTION_MAX = 300
SUMMARY_RESTRICTIONS_MAX = 500

class PublicSummary(db.Model):
    """HR's public words for one version of a top official's side activity: all the public register shows.

    Written or approved by a reviewer on the review page (a row exists only once approved). The
    employee's free text and HR's conditions are never copied here as such: the reviewer states
    the activity and its restrictions in plain words. A new version needs its own summary; until
    it has one, the summary of the latest earlier version stays published (see review/summaries.py).
    """

    __tablename__ = "review_public_summary"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"), index=True)
    #: the version this summary describes (one summary per version)
    version_id: Mapped[int] = mapped_column(ForeignKey("declaration_version.id", ondelete="CASCADE"), unique=True)
    #: the function or role in the other organisation
    role: Mapped[str] = mapped_column(String(SUMMARY_NAME_MAX))
    organisation: Mapped[str] = mapped_column(String(SUMMARY_NAME_MAX))
    #: a short description in HR's words (optional)
    description: Mapped[Optional[str]] = mapped_column(String(SUMMARY_DESCRIPTION_MAX))
    is_paid: Mapped[bool] = mapped_column(Boolean)
    #: the restrictions imposed, in plain words; None when there are none
    restrictions: Mapped[Optional[str]] = mapped_column(String(SUMMARY_RESTRICTIONS_MAX))
    approved_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)

    version: Mapped["DeclarationVersion"] = relationship()
    approved_by: Mapped[Optional["User"]] = relationship()

    __table_args__ = (
        CheckConstraint("length(role) > 0", name="role"),
        CheckConstraint("length(organisation) > 0", name="organisation"),
    )

    def __repr__(self) -> str:
        return f"<PublicSummary {self.id} version={self.version_id}>"

__all__ = [
    "ASSESSMENT_POINTS", "NOTE_MAX", "AssessmentPoint", "InternalNote", "PendingDecision", "ProposalStatus",
    "PublicSummary", "Rating", "RegisterSnapshot", "ReviewAssessment",
    "SUMMARY_DESCRIPTION_MAX", "SUMMARY_NAME_MAX", "SUMMARY_RESTRICTIONS_MAX",
]

# the manager's advice lives in its own sub-package; imported here so that Alembic sees its table
from portal.review.advice.models import AdviceRequest  # noqa: E402,F401
