"""Acknowledging a page ("Ik heb de gedragscode gelezen"), the checklist item and HR's coverage report."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any, Iterator, Optional

from flask_babel import format_date
from sqlalchemy import Date, Select, and_, bindparam, case, exists, func, literal, or_, select

from portal.auth.models import User
from portal.core.audit import record_events
from portal.core.database import insert_unless_taken
from portal.core.i18n import gettext as _
from portal.core.registry import ChecklistItem, ChecklistSource
from portal.core.exports import stream_rows
from portal.core.time import as_utc, utcnow
from portal.extensions import db
from portal.policies.models import Acknowledgement, PolicyPage, PolicyVersion, VersionStatus

CODE_OF_CONDUCT = "code-of-conduct"
#: a cell starting with one of these is a formula to Excel and LibreOffice


class AcknowledgementRefused(ValueError):
    """This version cannot (or need not) be acknowledged."""


def _target_query(today: date, *columns) -> Select:
    """The latest published version in force that asks to be acknowledged (add the page condition).

    Selects the whole version, or only ``columns`` of it when given.
    """
    return (
        select(*(columns or (PolicyVersion,)))
        .where(
            PolicyVersion.status == VersionStatus.PUBLISHED,
            PolicyVersion.requires_acknowledgement.is_(True),
            PolicyVersion.effective_at <= today,
        )
        .order_by(
            PolicyVersion.effective_at.desc(), PolicyVersion.published_at.desc(), PolicyVersion.id.desc()
        )
        .limit(1)
    )


def acknowledgement_target(page_id: int, today: date) -> Optional[PolicyVersion]:
    """The version everyone must have read: the latest published one in force that asks for it."""
    return db.session.scalar(_target_query(today).where(PolicyVersion.page_id == page_id))


def satisfying_versions(target) -> Select:
    """Ids of the versions whose acknowledgement counts: the target and every later publication.

    A later version published without "re-acknowledgement required" therefore never
    resets anyone, while reading and confirming it also counts. ``target`` is a version, or the
    columns of one in the enclosing query (``AcknowledgementState``'s subquery).
    """
    return select(PolicyVersion.id).where(
        PolicyVersion.page_id == target.page_id,
        PolicyVersion.status == VersionStatus.PUBLISHED,
        or_(
            PolicyVersion.effective_at > target.effective_at,
            and_(
                PolicyVersion.effective_at == target.effective_at,
                PolicyVersion.published_at >= target.published_at,
            ),
        ),
    )


def version_satisfies(version: PolicyVersion, target: PolicyVersion) -> bool:
    """True when acknowledging ``version`` counts for ``target`` (same rule as satisfying_versions)."""
    if not (version.status == VersionStatus.PUBLISHED and target.status == VersionStatus.PUBLISHED):
        return False
    version_key = (version.effective_at, as_utc(version.published_at))
    return version_key >= (target.effective_at, as_utc(target.published_at))


@dataclass(frozen=True)
class AcknowledgementState:
    """Where one person stands with one page that asks to be acknowledged."""

    #: the version everyone must have read (its id, page_id, language, status, effective_at, published_at)
    target: Any
    #: when this person acknowledged a version that counts for the target (None: not yet)
    acknowledged_at: Optional[datetime]
    #: this person acknowledged some version of the page (an older one when acknowledged_at is None)
    has_acknowledged_before: bool


def acknowledgement_state(user, today: date, *, page_id: Optional[int] = None,
                          slug: Optional[str] = None) -> Optional[AcknowledgementState]:
    """The target of the page (by id or slug) and ``user``'s acknowledgement of it, in one query.

    None when the page asks nobody to acknowledge it.
    """
    by_slug = slug is not None
    row = db.session.execute(
        _state_statement(by_slug), {"user_id": user.id, "today": today, "page": slug if by_slug else page_id}
    ).first()
    if row is None:
        return None
    return AcknowledgementState(target=row, acknowledged_at=row.acknowledged_at,
                                has_acknowledged_before=bool(row.has_any))


@cache
def _state_statement(by_slug: bool) -> Select:
    """acknowledgement_state's statement, built once: :user_id, :today, :page."""
    return state_select(bindparam("page"), by_slug=by_slug)


def state_from(row) -> Optional[AcknowledgementState]:
    """The state from a row of state_select's columns (id, page_id, …, acknowledged_at, has_any);
    None when the page asks nobody to acknowledge it (no target: ``id`` is None)."""
    if row.id is None:
        return None
    target = SimpleNamespace(id=row.id, page_id=row.page_id, language=row.language, status=row.status,
                             effective_at=row.effective_at, published_at=row.published_at)
    return AcknowledgementState(target=target, acknowledged_at=row.acknowledged_at,
                                has_acknowledged_before=bool(row.has_any))


def state_select(page, *, by_slug: bool) -> Select:
    """The target of the page (``page``: its slug or id) and the acknowledgement of :user_id, on :today."""
    target_query = _target_query(
        bindparam("today", type_=Date), PolicyVersion.id, PolicyVersion.page_id, PolicyVersion.language,
        PolicyVersion.status, PolicyVersion.effective_at, PolicyVersion.published_at,
    )
    if by_slug:
        target_query = target_query.join(PolicyPage, PolicyPage.id == PolicyVersion.page_id).where(
            PolicyPage.slug == page)
    else:
        target_query = target_query.where(PolicyVersion.page_id == page)
    target = target_query.subquery("target")
    of_page = (Acknowledgement.user_id == bindparam("user_id"), Acknowledgement.page_id == target.c.page_id)
    counted_at = (
        select(func.max(Acknowledgement.acknowledged_at))
        .where(*of_page, Acknowledgement.version_id.in_(satisfying_versions(target.c)))
        .scalar_subquery()
    )
    return select(target, counted_at.label("acknowledged_at"), exists().where(*of_page).label("has_any"))


def acknowledge_version(user, page: PolicyPage, version_id: Optional[int], today: date) -> bool:
    """Record that ``user`` read this version; False when it was already recorded (a second click).

    Every rule is checked before the one write; the row and its audit line are written only when
    no acknowledgement of this person for this version exists yet, concurrent clicks included (the
    unique key decides, in the INSERT itself).
    """
    target = acknowledgement_target(page.id, today)
    version = db.session.get(PolicyVersion, version_id) if version_id else None
    if (
        target is None
        or version is None
        or version.page_id != page.id
        or version.effective_at > today
        or not version_satisfies(version, target)
    ):
        raise AcknowledgementRefused(
            _("Deze versie kan niet (meer) worden bevestigd. Lees de huidige versie.")
        )
    table = Acknowledgement.__table__
    ack_id = db.session.execute(
        insert_unless_taken(table, ("user_id", "version_id"), "id"),
        {"user_id": user.id, "page_id": page.id, "version_id": version.id, "acknowledged_at": utcnow()},
    ).scalar()
    if ack_id is None:
        return False
    record_events(dict(
        action="policy.acknowledge", actor=user, object_type=Acknowledgement.audit_type, object_id=ack_id,
        subject_user_id=user.id, details={"slug": page.slug, "number": version.number, "language": version.language},
    ))
    return True


@cache
def _checklist_query() -> Select:
    """The code of conduct's target and the person's acknowledgement (:user_id, :today), for the dashboard."""
    return state_select(literal(CODE_OF_CONDUCT), by_slug=True)


def _checklist_items(user, row) -> list[ChecklistItem]:
    """Dashboard: "Gedragscode gelezen", asked again after a version that requires re-acknowledgement."""
    if row.id is None:  # nobody is asked to acknowledge the code of conduct
        return []
    if row.acknowledged_at is not None:
        detail = _("Bevestigd op %(date)s", date=format_date(row.acknowledged_at, "d MMMM yyyy"))
    elif row.has_any:
        detail = _("Er is een nieuwe versie. Lees en bevestig die opnieuw.")
    else:
        detail = ""
    return [
        ChecklistItem(
            key="policies.code_of_conduct",
            label=_("Gedragscode gelezen"),
            is_done=row.acknowledged_at is not None,
            endpoint="policies.page",
            endpoint_args={"slug": CODE_OF_CONDUCT},
            detail=detail,
            order=10,
        )
    ]


CHECKLIST = ChecklistSource(_checklist_query, _checklist_items)
checklist_items = CHECKLIST.items_for


def personal_data(user) -> dict[str, Any]:
    """What this area keeps about a person: their acknowledgements."""
    rows = db.session.execute(
        select(Acknowledgement, PolicyPage.slug)
        .join(PolicyPage, PolicyPage.id == Acknowledgement.page_id)
        .where(Acknowledgement.user_id == user.id)
        .order_by(Acknowledgement.acknowledged_at)
    ).all()
    return {
        "acknowledgements": [
            {
                "page": slug,
                "title": ack.version.title,
                "version": ack.version.number,
                "language": ack.version.language,
                "acknowledged_at": ack.acknowledged_at,
            }
            for ack, slug in rows
        ]
    }


# -- HR report ---------------------------------------------------------------


def _population() -> list:
    """Everyone the portal knows (imported by the directory sync or signed in) who still works here."""
    return [User.is_enabled.is_(True), User.left_at.is_(None)]


def _has_acknowledged(target: PolicyVersion):
    return exists().where(
        Acknowledgement.user_id == User.id, Acknowledgement.version_id.in_(satisfying_versions(target))
    )


@dataclass
class DepartmentCoverage:
    department: Optional[str]
    total: int
    acknowledged: int

    @property
    def percentage(self) -> int:
        return round(100 * self.acknowledged / self.total) if self.total else 0


def coverage_by_department(target: PolicyVersion) -> list[DepartmentCoverage]:
    """Per department: how many people there are and how many acknowledged the target version."""
    rows = db.session.execute(
        select(
            User.department,
            func.count(User.id),
            func.sum(case((_has_acknowledged(target), 1), else_=0)),
        )
        .where(*_population())
        .group_by(User.department)
        .order_by(User.department)
    ).all()
    return [DepartmentCoverage(department, total, int(done or 0)) for department, total, done in rows]


def not_acknowledged_query(target: PolicyVersion, department: Optional[str] = None) -> Select:
    query = select(User).where(*_population(), ~_has_acknowledged(target))
    if department:
        query = query.where(User.department == department)
    return query.order_by(User.department, User.display_name, User.id)


CSV_HEADER = ("Naam", "Gebruikersnaam", "Afdeling", "Functie", "E-mail")


def not_acknowledged_rows(target: PolicyVersion, department: Optional[str] = None) -> Iterator[tuple]:
    """The CSV rows of those who have not acknowledged, read through a server-side cursor."""
    users = not_acknowledged_query(target, department).subquery()
    return stream_rows(
        select(users.c.display_name, users.c.username, users.c.department, users.c.job_title, users.c.email)
        .order_by(users.c.department, users.c.display_name, users.c.id)
    )
