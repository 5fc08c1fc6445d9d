"""Read-only lists of advice requests."""

from __future__ import annotations

from functools import cache
from typing import Optional

from sqlalchemy import Select, bindparam, case, exists, func, select
from sqlalchemy.orm import selectinload

from portal.auth.models import User
from portal.core.registry import user_fact
from portal.extensions import db
from portal.review.advice.models import AdviceRequest
from portal.review.advice.states import AdviceStatus

#: a manager's list, per page
ADVICE_PAGE = 25


def advice_for_subject(kind: str, subject_id: int) -> list[AdviceRequest]:
    """Every request about one subject, newest first, with the people named on the review page."""
    return list(db.session.scalars(_subject_statement(), {"kind": kind, "subject_id": subject_id}))


@cache
def _subject_statement() -> Select:
    # built once (every review page of a side activity asks it), bound with :kind and :subject_id
    return (
        select(AdviceRequest)
        .options(selectinload(AdviceRequest.manager), selectinload(AdviceRequest.asked_by),
                 selectinload(AdviceRequest.withdrawn_by))
        .where(AdviceRequest.subject_kind == bindparam("kind"), AdviceRequest.subject_id == bindparam("subject_id"))
        .order_by(AdviceRequest.asked_at.desc(), AdviceRequest.id.desc())
    )


@cache
def _open_request_statement() -> Select:
    # built once, bound with :kind and :subject_id (building it cost more than the index probe it makes)
    return select(AdviceRequest).where(AdviceRequest.subject_kind == bindparam("kind"),
                                       AdviceRequest.subject_id == bindparam("subject_id"),
                                       AdviceRequest.status == AdviceStatus.asked)


def open_advice_request(kind: str, subject_id: int) -> Optional[AdviceRequest]:
    """The subject's open question, if any (there is at most one: ``uq_review_advice_request_subject_open``)."""
    return db.session.scalar(_open_request_statement(), {"kind": kind, "subject_id": subject_id})


def requests_for_manager(manager: User) -> Select:
    """The requests addressed to ``manager``: open ones first, then the rest, newest first."""
    waiting_first = case((AdviceRequest.status == AdviceStatus.asked, 0), else_=1)
    return (select(AdviceRequest).options(selectinload(AdviceRequest.employee))
            .join(User, User.id == AdviceRequest.employee_id)
            # only the people they still manage: a manager who moved on no longer sees their staff's requests
            .where(AdviceRequest.manager_id == manager.id, User.manager_dn == manager.dn_key)
            .order_by(waiting_first, AdviceRequest.asked_at.desc(), AdviceRequest.id.desc()))


def advice_requests_fact(person):
    """SQL: whether anyone ever asked ``person`` (the User entity of a query) for advice (loaded with the session)."""
    return exists().where(AdviceRequest.manager_id == person.id)


def has_advice_requests(user: User) -> bool:
    """Whether anyone ever asked ``user`` for advice (the navigation shows "Adviesvragen" then)."""
    return bool(user_fact(user, "advice_requests",
                          lambda: db.session.scalar(select(advice_requests_fact(User)).where(User.id == user.id))))


def advice_mark(kind: str, subject_id):
    """A column for a list's SELECT: per subject (``subject_id`` its id column), ``asked`` while a question is
    open, else ``answered`` once advice came in, else NULL (one index probe a line, in the same statement)."""
    asked_first = func.min(case((AdviceRequest.status == AdviceStatus.asked, 0), else_=1))
    return (
        select(case((asked_first == 0, AdviceStatus.asked.value), (asked_first == 1, AdviceStatus.answered.value)))
        .where(AdviceRequest.subject_kind == kind, AdviceRequest.subject_id == subject_id,
               AdviceRequest.status.in_([AdviceStatus.asked, AdviceStatus.answered]))
        .scalar_subquery()
    )
