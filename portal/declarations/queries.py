"""Read-only queries for the employee's pages (no query per row: relationships are loaded in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Optional

from sqlalchemy import Select, bindparam, func, select, true
from sqlalchemy.orm import joinedload

from portal.declarations.models import (
    Campaign,
    CampaignTask,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    VersionStatus,
)
from portal.declarations.models.declaration import (
    IN_FORCE,
    PENDING,
    ShowsStatus,
    join_versions,
    latest_subject,
    title_of,
)
from portal.declarations.statements import nil_stated_at
from portal.declarations.states import ACTIVE_STATUSES, DeclarationStatus
from portal.extensions import db
from portal.core.database import fixed_in
from portal.core.pagination import paginate

HISTORY_PAGE_SIZE = 20

#: the versions in the same query (many-to-one joins), the questions on the pending one in a second
_WITH_VERSIONS = (
    joinedload(Declaration.current_version),
    joinedload(Declaration.pending_version).selectinload(DeclarationVersion.information_requests),
)


@dataclass
class Overview:
    current: list["ListedDeclaration"]
    drafts: list["ListedDeclaration"]
    history: Any  #: a flask_sqlalchemy Pagination of ended and withdrawn declarations (ListedDeclaration)
    nil_stated_at: dict[DeclarationKind, datetime]  #: per kind, when the latest statement that counts was made
    open_tasks: list[Any]  #: unfinished tasks of open campaigns (campaign_id, year, due_on)

    @property
    def questions(self) -> list["ListedDeclaration"]:
        return [d for d in self.current if d.status == DeclarationStatus.info_requested]


@dataclass(frozen=True, slots=True)
class DeclarationRow(ShowsStatus):
    """A declaration as a list shows it, from the columns it needs (not the ORM object)."""

    id: int
    kind: DeclarationKind
    status: DeclarationStatus
    subject: str  #: organisation or entity of its latest version (Declaration.latest_version)

    @property
    def title(self) -> str:
        return title_of(self.subject)


@dataclass(frozen=True, slots=True)
class ListedDeclaration(DeclarationRow):
    """A declaration as "my declarations" lists it: only the columns shown."""

    updated_at: datetime
    ended_on: Optional[date]
    conditions: Optional[str]  #: the conditions of the version in force
    #: the change waiting next to a version in force: its number and status (None when there is none)
    change_number: Optional[int]
    change_status: Optional[VersionStatus]


def _listed(statement: Select) -> Select:
    """``statement`` with the columns of a ListedDeclaration (see _listed_declaration)."""
    return join_versions(
        statement.add_columns(
            Declaration.id, Declaration.kind, Declaration.status, latest_subject(), Declaration.updated_at,
            Declaration.ended_on, Declaration.current_version_id, IN_FORCE.conditions, PENDING.number,
            PENDING.status)
        .select_from(Declaration)
    )


def _listed_declaration(row) -> ListedDeclaration:
    (declaration_id, kind, status, subject, updated_at, ended_on, in_force_id, conditions, pending_number,
     pending_status) = row
    has_change = pending_number is not None and in_force_id is not None
    return ListedDeclaration(
        id=declaration_id, kind=kind, status=status, subject=subject or "", updated_at=updated_at,
        ended_on=ended_on, conditions=conditions, change_number=pending_number if has_change else None,
        change_status=pending_status if has_change else None)


def overview_for(user) -> Overview:
    """Everything on "my declarations": current entries, drafts, paginated history, statements, tasks."""
    # Current entries and drafts are few per person: one query, split here.
    open_ones = [_listed_declaration(row)
                 for row in db.session.execute(_open_declarations_statement(), {"user_id": user.id})]
    current = [d for d in open_ones if d.status != DeclarationStatus.draft]
    drafts = sorted((d for d in open_ones if d.status == DeclarationStatus.draft),
                    key=lambda d: d.updated_at, reverse=True)
    history = paginate(_history_statement(), HISTORY_PAGE_SIZE, rows=True, params={"user_id": user.id})
    history.items = [_listed_declaration(row) for row in history.items]
    facts = db.session.execute(_facts_statement(), {"user_id": user.id}).one()
    stated_at = {kind: facts._mapping[f"{kind.value}_stated_at"] for kind in DeclarationKind}
    # most people have one unfinished task at most: it came with the facts
    tasks = open_tasks_for(user) if facts.open_tasks > 1 else [facts] if facts.open_tasks else []
    return Overview(current, drafts, history, {kind: at for kind, at in stated_at.items() if at is not None},
                    tasks)


# "My declarations" asks these on every view: their statements are built once (building one cost more
# CPU than running it); :user_id is the person.


@cache
def _open_declarations_statement() -> Select:
    return (
        _listed(select())
        .where(Declaration.owner_id == bindparam("user_id"),
               Declaration.status.in_(ACTIVE_STATUSES | {DeclarationStatus.refused, DeclarationStatus.draft}))
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    )


@cache
def _history_statement() -> Select:
    return (
        _listed(select())
        .where(Declaration.owner_id == bindparam("user_id"),
               fixed_in(Declaration.status, [DeclarationStatus.ended, DeclarationStatus.withdrawn]))
        .order_by(Declaration.updated_at.desc(), Declaration.id.desc())
    )


@cache
def _facts_statement() -> Select:
    """One row: per kind when the latest nothing-to-declare statement that counts was made
    (``<kind>_stated_at``), how many unfinished tasks (``open_tasks``) and the first of them."""
    tasks = _open_tasks_statement()
    figures = select(
        *(nil_stated_at(kind).label(f"{kind.value}_stated_at") for kind in DeclarationKind),
        select(func.count()).select_from(tasks.order_by(None).subquery()).scalar_subquery().label("open_tasks"),
    ).subquery("figures")
    first = tasks.limit(1).subquery("first_task")
    return select(figures, first).select_from(figures).outerjoin(first, true())


@cache
def _open_tasks_statement() -> Select:
    return (
        select(CampaignTask.campaign_id, Campaign.year, Campaign.due_on)
        .join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.user_id == bindparam("user_id"), CampaignTask.completed_at.is_(None),
               Campaign.closed_at.is_(None))
        .order_by(Campaign.due_on)
    )


def open_tasks_for(user) -> list:
    """The person's unfinished reconfirmation tasks in open campaigns (campaign_id, year, due_on)."""
    return list(db.session.execute(_open_tasks_statement(), {"user_id": user.id}).all())


@dataclass(frozen=True, slots=True)
class ConfirmationEntry(DeclarationRow):
    """A declaration as the reconfirmation form lists it: only the columns it shows and checks."""

    #: the status of its pending version (Declaration.pending_version), None when there is none
    pending_status: Optional[VersionStatus]


def confirmation_entries(user) -> list[ConfirmationEntry]:
    """The declarations that count now, as rows, in the order of active_declarations (the form's entries)."""
    return [ConfirmationEntry(id=row[0], kind=row[1], status=row[2], subject=row[3] or "", pending_status=row[9])
            for row in db.session.execute(_confirmation_statement(), {"user_id": user.id})]


@cache
def _confirmation_statement() -> Select:
    """The columns of _listed (the pending version's status last), for confirmation_entries."""
    return (
        _listed(select())
        .where(Declaration.owner_id == bindparam("user_id"), Declaration.status.in_(ACTIVE_STATUSES))
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    )


def active_declarations(user) -> list[Declaration]:
    """Declarations that count now (submitted, under review or approved), for reconfirmation."""
    return list(db.session.scalars(
        select(Declaration)
        .where(Declaration.owner_id == user.id, Declaration.status.in_(ACTIVE_STATUSES))
        .options(*_WITH_VERSIONS)
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    ).all())
