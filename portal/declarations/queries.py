"""Read-only queries for the employee's pages (no query per row: relationships are loaded in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.declarations.models import (
    Campaign,
    CampaignTask,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    NilStatement,
)
from portal.declarations.states import ACTIVE_STATUSES, DeclarationStatus
from portal.extensions import db
from portal.core.pagination import paginate

HISTORY_PAGE_SIZE = 20

#: the versions in the same query (many-to-one joins), the questions on the pending one in a second
_WITH_VERSIONS = (
    joinedload(Declaration.current_version),
    joinedload(Declaration.pending_version).selectinload(DeclarationVersion.information_requests),
)


@dataclass
class Overview:
    current: list[Declaration]
    drafts: list[Declaration]
    history: Any  #: a flask_sqlalchemy Pagination of ended and withdrawn declarations
    nil_statements: dict[DeclarationKind, NilStatement]
    open_tasks: list[CampaignTask]

    @property
    def questions(self) -> list[Declaration]:
        return [d for d in self.current if d.status == DeclarationStatus.info_requested]


#: what "my declarations" shows of a version: number, state, organisation or entity (the title), conditions
_LISTED_VERSION = (
    DeclarationVersion.number, DeclarationVersion.kind, DeclarationVersion.status,
    DeclarationVersion.organisation_name, DeclarationVersion.entity, DeclarationVersion.conditions,
)
_LISTED = (
    joinedload(Declaration.current_version).load_only(*_LISTED_VERSION),
    joinedload(Declaration.pending_version).load_only(*_LISTED_VERSION),
)


def overview_for(user) -> Overview:
    """Everything on "my declarations": current entries, drafts, paginated history, statements, tasks."""
    from portal.declarations.statements import current_nil_statements

    # Current entries and drafts are few per person: one query, split here.
    open_ones = db.session.scalars(_open_declarations_statement(), {"user_id": user.id}).all()
    current = [d for d in open_ones if d.status != DeclarationStatus.draft]
    drafts = sorted((d for d in open_ones if d.status == DeclarationStatus.draft),
                    key=lambda d: d.updated_at, reverse=True)
    history = paginate(
        select(Declaration).options(*_LISTED)
        .where(Declaration.owner_id == user.id,
               Declaration.status.in_([DeclarationStatus.ended, DeclarationStatus.withdrawn]))
        .order_by(Declaration.updated_at.desc(), Declaration.id.desc()),
        HISTORY_PAGE_SIZE,
    )
    return Overview(current, drafts, history, current_nil_statements(user.id), open_tasks_for(user))


# "My declarations" asks these on every view: their statements are built once (building one cost more
# CPU than running it); :user_id is the person.


@cache
def _open_declarations_statement() -> Select:
    return (
        select(Declaration).options(*_LISTED)
        .where(Declaration.owner_id == bindparam("user_id"),
               Declaration.status.in_(ACTIVE_STATUSES | {DeclarationStatus.refused, DeclarationStatus.draft}))
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    )


@cache
def _open_tasks_statement() -> Select:
    return (
        select(CampaignTask)
        .join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.user_id == bindparam("user_id"), CampaignTask.completed_at.is_(None),
               Campaign.closed_at.is_(None))
        .options(contains_eager(CampaignTask.campaign))
        .order_by(Campaign.due_on)
    )


def open_tasks_for(user) -> list[CampaignTask]:
    """The person's unfinished reconfirmation tasks in open campaigns."""
    return list(db.session.scalars(_open_tasks_statement(), {"user_id": user.id}).all())


def active_declarations(user) -> list[Declaration]:
    """Declarations that count now (submitted, under review or approved), for reconfirmation."""
    return list(db.session.scalars(
        select(Declaration)
        .where(Declaration.owner_id == user.id, Declaration.status.in_(ACTIVE_STATUSES))
        .options(*_WITH_VERSIONS)
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    ).all())
