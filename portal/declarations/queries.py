"""Read-only queries for the employee's pages (no query per row: relationships are loaded in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
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


def overview_for(user) -> Overview:
    """Everything on "my declarations": current entries, drafts, paginated history, statements, tasks."""
    from portal.declarations.statements import current_nil_statements

    base = select(Declaration).where(Declaration.owner_id == user.id).options(*_WITH_VERSIONS)
    # Current entries and drafts are few per person: one query, split here.
    open_ones = db.session.scalars(
        base.where(Declaration.status.in_(ACTIVE_STATUSES | {DeclarationStatus.refused, DeclarationStatus.draft}))
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    ).all()
    current = [d for d in open_ones if d.status != DeclarationStatus.draft]
    drafts = sorted((d for d in open_ones if d.status == DeclarationStatus.draft),
                    key=lambda d: d.updated_at, reverse=True)
    history = paginate(
        base.where(Declaration.status.in_([DeclarationStatus.ended, DeclarationStatus.withdrawn]))
        .order_by(Declaration.updated_at.desc(), Declaration.id.desc()),
        HISTORY_PAGE_SIZE, count=False,
    )
    # Counted only when there may be more than one page: most people's history fits on the first.
    history.total = len(history.items) if history.page == 1 and len(history.items) < HISTORY_PAGE_SIZE \
        else history._query_count()
    return Overview(current, drafts, history, current_nil_statements(user.id), open_tasks_for(user))


def open_tasks_for(user) -> list[CampaignTask]:
    """The person's unfinished reconfirmation tasks in open campaigns."""
    return list(db.session.scalars(
        select(CampaignTask)
        .join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.user_id == user.id, CampaignTask.completed_at.is_(None), Campaign.closed_at.is_(None))
        .options(contains_eager(CampaignTask.campaign))
        .order_by(Campaign.due_on)
    ).all())


def active_declarations(user) -> list[Declaration]:
    """Declarations that count now (submitted, under review or approved), for reconfirmation."""
    return list(db.session.scalars(
        select(Declaration)
        .where(Declaration.owner_id == user.id, Declaration.status.in_(ACTIVE_STATUSES))
        .options(*_WITH_VERSIONS)
        .order_by(Declaration.kind, Declaration.created_at, Declaration.id)
    ).all())
