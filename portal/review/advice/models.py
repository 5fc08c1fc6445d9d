"""The advice request: one question of HR to an employee's manager about one subject, and the answer.

The subject is named by kind and id (``subject_kind`` = "declaration" or "gift"; see subjects.py), not
by a foreign key, so that other areas (gifts) can ask for advice without a table of their own. The
manager is fixed when the question is asked: a later change in the directory does not move an open
question to someone else, nor show an old one to the new manager.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.extensions import db
from portal.review.advice.states import NEEDS_EXPLANATION, AdviceStatus, Opinion

if TYPE_CHECKING:
    from portal.auth.models import User

QUESTION_MAX = 2000
#: ``subject_kind`` of a declaration (a side activity); the registry of subjects is subjects.py
DECLARATION = "declaration"
EXPLANATION_MAX = 4000


class AdviceRequest(db.Model):
    """HR asks the employee's manager for advice on a side activity or a gift."""

    __tablename__ = "review_advice_request"
    audit_type = "advice_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what the advice is about: a kind registered in subjects.py ("declaration", "gift")
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(Integer)
    #: the revision asked about (a declaration's version number); None for subjects without versions
    subject_revision: Mapped[Optional[int]] = mapped_column(Integer)
    #: whose subject it is: the employee never sees the request, the audit trail names them
    employee_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    #: the manager asked, as the directory said when the question was asked
    manager_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[AdviceStatus] = mapped_column(enum_type(AdviceStatus, "status"), default=AdviceStatus.asked)
    opinion: Mapped[Optional[Opinion]] = mapped_column(enum_type(Opinion, "opinion"))
    #: the manager's explanation: the conditions, the reason of an objection, or anything they add
    explanation: Mapped[Optional[str]] = mapped_column(Text)
    answered_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    employee: Mapped["User"] = relationship(foreign_keys=[employee_id])
    manager: Mapped["User"] = relationship(foreign_keys=[manager_id])
    asked_by: Mapped[Optional["User"]] = relationship(foreign_keys=[asked_by_id])
    withdrawn_by: Mapped[Optional["User"]] = relationship(foreign_keys=[withdrawn_by_id])

    __table_args__ = (
        Index("ix_review_advice_request_subject", "subject_kind", "subject_id", "asked_at"),
        Index("ix_review_advice_request_manager", "manager_id", "status", "asked_at"),
        # One open question per subject at a time: a double click or two reviewers ask once.
        Index(
            "uq_review_advice_request_subject_open", "subject_kind", "subject_id", unique=True,
            sqlite_where=text("status = 'asked'"), postgresql_where=text("status = 'asked'"),
        ),
        CheckConstraint("length(question) > 0", name="question"),
        CheckConstraint("manager_id <> employee_id", name="not_own_manager"),
        CheckConstraint("(status = 'answered') = (answered_at IS NOT NULL AND opinion IS NOT NULL)",
                        name="answered"),
        CheckConstraint("(status = 'withdrawn') = (withdrawn_at IS NOT NULL)", name="withdrawn"),
        CheckConstraint(
            "opinion IS NULL OR opinion = 'no_objection' OR explanation IS NOT NULL", name="explained"
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.status == AdviceStatus.asked

    @property
    def needs_explanation(self) -> bool:
        return self.opinion in NEEDS_EXPLANATION

    def __repr__(self) -> str:
        return f"<AdviceRequest {self.id} {self.subject_kind}:{self.subject_id} {self.status}>"


__all__ = ["EXPLANATION_MAX", "QUESTION_MAX", "AdviceRequest"]
