"""Nothing-to-declare statements, and what counts as "declared" (checklist, campaigns)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Optional

from flask_babel import format_date
from sqlalchemy import Select, bindparam, func, select, true, update

from portal.core.audit import record_event
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.core.registry import ChecklistItem, ChecklistSource
from portal.core.time import to_local, utcnow
from portal.declarations.models import (
    Campaign,
    CampaignTask,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    InformationRequest,
    NilStatement,
)
from portal.declarations.models.declaration import join_versions, latest_subject, title_of
from portal.declarations.states import ACTIVE_STATUSES, DeclarationError
from portal.extensions import db



class ActiveDeclarationsExist(DeclarationError):
    default_message = _l(
        "U heeft nog lopende verklaringen van deze soort. Beëindig of trek die eerst in; "
        "daarna kunt u verklaren dat u niets op te geven heeft."
    )


def active_declaration_counts(user_id: int) -> dict[DeclarationKind, int]:
    """Per kind: declarations that are submitted, under review or approved."""
    rows = db.session.execute(_active_counts_statement(), {"user_id": user_id}).all()
    counts = {kind: 0 for kind in DeclarationKind}
    counts.update({DeclarationKind(kind): n for kind, n in rows})
    return counts


def current_nil_statements(user_id: int) -> dict[DeclarationKind, NilStatement]:
    """Per kind, the latest statement that still counts."""
    statements = db.session.scalars(_nil_statements_statement(), {"user_id": user_id}).all()
    return {statement.kind: statement for statement in statements}


# The dashboard and "my declarations" ask these for every page view: their statements are built
# once (building one cost more CPU than running it); :user_id is the person.


@cache
def _active_counts_statement() -> Select:
    return (
        select(Declaration.kind, func.count())
        .where(Declaration.owner_id == bindparam("user_id"), Declaration.status.in_(ACTIVE_STATUSES))
        .group_by(Declaration.kind)
    )


@cache
def _nil_statements_statement() -> Select:
    return (
        select(NilStatement)
        .where(NilStatement.user_id == bindparam("user_id"), NilStatement.withdrawn_at.is_(None))
        .order_by(NilStatement.stated_at)
    )


@cache
def _declared_statement() -> Select:
    """The checklist's figures per kind in one row: ``<kind>_count`` (as active_declaration_counts) and
    ``<kind>_stated_at`` (the latest nil statement that still counts, as current_nil_statements)."""
    user_id = bindparam("user_id")
    columns = []
    for kind in DeclarationKind:
        columns.append(
            select(func.count()).select_from(Declaration)
            .where(Declaration.owner_id == user_id, Declaration.kind == kind, Declaration.status.in_(ACTIVE_STATUSES))
            .scalar_subquery().label(f"{kind.value}_count"))
        columns.append(nil_stated_at(kind).label(f"{kind.value}_stated_at"))
    return select(*columns)


def nil_stated_at(kind: DeclarationKind):
    """When :user_id last stated "nothing to declare" for ``kind`` in a statement that still counts
    (as current_nil_statements), as a scalar subquery."""
    return (select(func.max(NilStatement.stated_at))
            .where(NilStatement.user_id == bindparam("user_id"), NilStatement.kind == kind,
                   NilStatement.withdrawn_at.is_(None))
            .scalar_subquery())


@cache
def _open_questions_statement() -> Select:
    """The open questions with their declaration's id and subject (its title)."""
    return join_versions(
        select(InformationRequest.id, InformationRequest.asked_at, Declaration.id.label("declaration_id"),
               latest_subject().label("subject"))
        .select_from(InformationRequest)
        .join(DeclarationVersion, DeclarationVersion.id == InformationRequest.version_id)
        .join(Declaration, Declaration.id == DeclarationVersion.declaration_id)
    ).where(Declaration.owner_id == bindparam("user_id"), InformationRequest.answered_at.is_(None)).order_by(
        InformationRequest.asked_at)


@cache
def _open_campaign_tasks_statement() -> Select:
    return (
        select(Campaign.id, Campaign.year, Campaign.due_on, CampaignTask.completed_at)
        .join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.user_id == bindparam("user_id"), Campaign.closed_at.is_(None)).order_by(Campaign.due_on)
    )


def record_nil_statement(user, kind: DeclarationKind, *, now: Optional[datetime] = None) -> NilStatement:
    """Record "nothing to declare" for ``kind`` with today's date; older statements are replaced."""
    kind = DeclarationKind(kind)
    if active_declaration_counts(user.id)[kind]:
        raise ActiveDeclarationsExist()
    now = now or utcnow()
    db.session.execute(
        update(NilStatement)
        .where(NilStatement.user_id == user.id, NilStatement.kind == kind, NilStatement.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session="fetch")
    )
    statement = NilStatement(user_id=user.id, kind=kind, stated_at=now)
    db.session.add(statement)
    db.session.flush()
    record_event("declaration.nil_statement", actor=user, obj=statement, subject_user_id=user.id,
                 details={"kind": kind.value})
    return statement


def required_kinds(user) -> list[DeclarationKind]:
    """Kinds this person must declare (or state "nothing"): financial interests only for high-risk functions."""
    kinds = [DeclarationKind.side_activity]
    if getattr(user, "is_high_risk", False):
        kinds.append(DeclarationKind.financial_interest)
    return kinds


_CHECKLIST = {
    DeclarationKind.side_activity: (_l("Nevenwerkzaamheden opgegeven"), "side-activities", 20),
    DeclarationKind.financial_interest: (_l("Financiële belangen opgegeven"), "financial-interests", 21),
}


@cache
def _checklist_query() -> Select:
    """The dashboard's figures (:user_id): the declared kinds (as _declared_statement), how many questions
    are open, how many open campaigns the person is in, and the first of those campaigns."""
    user_id = bindparam("user_id")
    open_questions = (
        select(func.count()).select_from(InformationRequest)
        .join(DeclarationVersion, DeclarationVersion.id == InformationRequest.version_id)
        .join(Declaration, Declaration.id == DeclarationVersion.declaration_id)
        .where(Declaration.owner_id == user_id, InformationRequest.answered_at.is_(None))
        .scalar_subquery()
    )
    open_campaigns = (
        select(func.count()).select_from(CampaignTask)
        .join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.user_id == user_id, Campaign.closed_at.is_(None))
        .scalar_subquery()
    )
    figures = _declared_statement().add_columns(
        open_questions.label("open_questions"), open_campaigns.label("open_campaigns")).subquery("figures")
    first_campaign = _open_campaign_tasks_statement().limit(1).subquery("first_campaign")
    return select(figures, first_campaign).select_from(figures).outerjoin(first_campaign, true())


def _checklist_items(user, declared) -> list[ChecklistItem]:
    """Dashboard items: each kind is done with a submitted/approved declaration or a current nil statement."""
    items = []
    for kind in required_kinds(user):
        label, anchor, order = _CHECKLIST[kind]
        count, stated_at = declared[f"{kind.value}_count"], declared[f"{kind.value}_stated_at"]
        if count:
            detail, done = _("%(num)d opgegeven", num=count), True
        elif stated_at is not None:
            detail = _("Niets op te geven, verklaard op %(date)s", date=format_date(to_local(stated_at).date()))
            done = True
        else:
            detail, done = "", False
        items.append(ChecklistItem(
            key=f"declarations.{kind.value}", label=str(label), is_done=done, endpoint="declarations.index",
            endpoint_args={"_anchor": anchor}, detail=detail, order=order,
        ))
    questions = _question_items(user) if declared.open_questions else []
    # most people are in one open campaign at most: its row came with the figures
    campaigns = _campaign_items(user) if declared.open_campaigns > 1 else [
        _campaign_item(declared)] if declared.open_campaigns else []
    return items + questions + campaigns


CHECKLIST = ChecklistSource(_checklist_query, _checklist_items)
checklist_items = CHECKLIST.items_for


def _question_items(user) -> list[ChecklistItem]:
    """One item per open question from HR: the employee must see it on the dashboard, not only under declarations."""
    rows = db.session.execute(_open_questions_statement(), {"user_id": user.id}).all()
    return [
        ChecklistItem(
            key=f"declarations.question.{row.id}",
            label=_("Beantwoord de vraag van P&O over „%(title)s”", title=title_of(row.subject)),
            is_done=False, endpoint="declarations.answer", endpoint_args={"declaration_id": row.declaration_id},
            detail=_("Gesteld op %(date)s", date=format_date(to_local(row.asked_at).date())), order=19,
        )
        for row in rows
    ]


def _campaign_items(user) -> list[ChecklistItem]:
    """One item per open reconfirmation campaign the person is in."""
    rows = db.session.execute(_open_campaign_tasks_statement(), {"user_id": user.id}).all()
    return [_campaign_item(row) for row in rows]


def _campaign_item(row) -> ChecklistItem:
    """The item of one open campaign: ``row`` has the campaign's id, year, due_on and the task's completed_at."""
    return ChecklistItem(
        key=f"declarations.campaign.{row.id}",
        label=_("Verklaringen bevestigen voor %(year)s", year=row.year),
        is_done=row.completed_at is not None, endpoint="declarations.confirm",
        endpoint_args={"campaign_id": row.id},
        detail=(_("Bevestigd op %(date)s", date=format_date(to_local(row.completed_at).date()))
                if row.completed_at is not None else _("Uiterlijk %(date)s", date=format_date(row.due_on))),
        order=22,
    )
