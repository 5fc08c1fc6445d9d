"""The annual reconfirmation campaign: opening it, the tasks, the mails and HR's progress view.

Tasks are created set-based (one INSERT … SELECT over the users in scope), so opening a
campaign for 10,000 employees is one statement. Invitations and reminders are queued by
the scheduled job in ``jobs.py`` in batches; each person gets at most two reminders before
the due date and one after it (``REMINDER_STAGES``), counted in ``CampaignTask.reminders_sent``
and guarded by per-person dedup keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Iterator, Optional

from flask import abort
from sqlalchemy import DateTime, case, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from portal.auth.models import User
from portal.core.audit import record_event
from portal.core.exports import stream_rows
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import to_local, utcnow
from portal.core.transaction import atomic
from portal.declarations.models import Campaign, CampaignScope, CampaignTask, DeclarationKind
from portal.declarations.states import DeclarationError
from portal.extensions import db

#: reminder stage → days relative to the due date: two before it, one after it
REMINDER_STAGES = {1: -14, 2: -3, 3: 7}
#: no reminder sooner than this after the invitation or the previous reminder
MIN_GAP = timedelta(days=2)
#: mails queued per job run and campaign (the job runs again for the rest)
BATCH_SIZE = 2000


class CampaignExists(DeclarationError):
    default_message = _l("Er is al een campagne voor dit jaar en deze groep.")


class CampaignClosed(DeclarationError):
    default_message = _l("Deze campagne is al gesloten.")


def users_in_scope(scope: CampaignScope, department: str = ""):
    """SELECT of the ids of active users in scope (used inside the INSERT … SELECT)."""
    query = select(User.id).where(User.is_enabled.is_(True), User.left_at.is_(None))
    if scope == CampaignScope.department:
        query = query.where(User.department == department)
    elif scope == CampaignScope.high_risk:
        query = query.where(User.is_high_risk.is_(True))
    elif scope == CampaignScope.top_official:
        query = query.where(User.is_top_official.is_(True))
    return query


@atomic()
def open_campaign(year: int, due_on: date, scope: CampaignScope, department: str, actor,
                  *, now: Optional[datetime] = None) -> Campaign:
    """Open a campaign and give everyone in scope a task in one INSERT … SELECT.

    The invitation mails are queued by the scheduled job (``send_invitations``), in batches,
    so that opening a campaign for thousands of people stays one quick request.
    """
    now = now or utcnow()
    scope = CampaignScope(scope)
    department = department if scope == CampaignScope.department else ""
    campaign = Campaign(year=year, due_on=due_on, scope=scope, scope_department=department,
                        created_by_id=actor.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(campaign)
            db.session.flush()
    except IntegrityError as exc:
        raise CampaignExists() from exc
    people = users_in_scope(scope, department).add_columns(
        literal(campaign.id).label("campaign_id"), literal(now, DateTime(timezone=True)).label("created_at"), literal(0).label("reminders_sent")
    )
    db.session.execute(
        insert(CampaignTask).from_select(["user_id", "campaign_id", "created_at", "reminders_sent"], people)
    )
    # counted, not rowcount: drivers differ in what they report for INSERT … SELECT
    campaign.task_count = db.session.scalar(
        select(func.count()).select_from(CampaignTask).where(CampaignTask.campaign_id == campaign.id)
    )
    record_event("campaign.open", actor=actor, obj=campaign,
                 details={"year": year, "scope": scope.value, "department": department, "tasks": campaign.task_count})
    db.session.flush()
    return campaign


@atomic()
def close_campaign(campaign: Campaign, actor, *, now: Optional[datetime] = None) -> int:
    """Close a campaign: no more reminders, and its tasks leave everyone's dashboard.

    Returns how many people had not finished. Two people closing at once: one closes it,
    the other gets CampaignClosed (the UPDATE only takes an open campaign).
    """
    now = now or utcnow()
    closed = db.session.execute(
        update(Campaign).where(Campaign.id == campaign.id, Campaign.closed_at.is_(None)).values(closed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(campaign, ["closed_at"])
    if closed != 1:
        raise CampaignClosed()
    not_done = db.session.scalar(select(func.count()).select_from(CampaignTask).where(
        CampaignTask.campaign_id == campaign.id, CampaignTask.completed_at.is_(None)))
    record_event("campaign.close", actor=actor, obj=campaign, details={"year": campaign.year, "not_done": not_done})
    return not_done


def get_task(campaign_id: int, user) -> CampaignTask:
    """The signed-in person's task in an open campaign, or 404."""
    task = db.session.scalar(
        select(CampaignTask).join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.campaign_id == campaign_id, CampaignTask.user_id == user.id, Campaign.closed_at.is_(None))
        .options(contains_eager(CampaignTask.campaign))  # the form shows it: read with the task, not in a second query
    )
    if task is None:
        abort(404)
    return task


def _open_campaigns() -> list[Campaign]:
    return list(db.session.scalars(select(Campaign).where(Campaign.closed_at.is_(None)).order_by(Campaign.id)))


def send_invitations(now: datetime, *, limit: int = BATCH_SIZE) -> int:
    """Queue the invitation mail for tasks that have none yet; returns how many were queued.

    Campaign by campaign: one that cannot be mailed is logged and skipped, the others go out.
    """
    from portal.declarations.mails import mail_campaign_invitations
    from portal.notifications.jobs import each_on_its_own

    query = (
        select(CampaignTask, User, Campaign)
        .join(User, User.id == CampaignTask.user_id).join(Campaign, Campaign.id == CampaignTask.campaign_id)
        .where(CampaignTask.invited_at.is_(None), CampaignTask.completed_at.is_(None), Campaign.closed_at.is_(None))
        .order_by(CampaignTask.id).limit(limit)
    )
    by_campaign: dict[Campaign, list[tuple[CampaignTask, User]]] = {}
    for task, user, campaign in db.session.execute(query).all():
        by_campaign.setdefault(campaign, []).append((task, user))

    def invite(campaign: Campaign) -> int:
        pairs = by_campaign[campaign]
        mail_campaign_invitations(campaign, [user for _task, user in pairs])
        _stamp([task.id for task, _user in pairs], invited_at=now)
        return len(pairs)

    return each_on_its_own(list(by_campaign), invite, job="declaration-campaign-mail",
                           describe=lambda campaign: f"invitations of campaign {campaign.id}")


def reminder_stage(due_on: date, today: date) -> int:
    """Which reminder is due on ``today``: 1 from 14 days before the due date, 2 from 3 days before, 3 from 7 days after; 0 otherwise."""
    stage = 0
    for number, offset in sorted(REMINDER_STAGES.items()):
        starts = due_on + timedelta(days=offset)
        is_before_due = offset < 0
        if today >= starts and (not is_before_due or today < due_on):
            stage = number
    return stage


def send_reminders(now: datetime, *, limit: int = BATCH_SIZE) -> int:
    """Queue the reminder that is due for each open task; never more than REMINDER_STAGES allows.

    Campaign by campaign: one that fails is logged and skipped, the others' reminders go out.
    """
    from portal.notifications.jobs import each_on_its_own

    return each_on_its_own(_open_campaigns(), lambda campaign: _remind(campaign, now, limit),
                           job="declaration-campaign-mail",
                           describe=lambda campaign: f"reminders of campaign {campaign.id}")


def _remind(campaign: Campaign, now: datetime, limit: int) -> int:
    from portal.declarations.mails import mail_campaign_reminder

    stage = reminder_stage(campaign.due_on, to_local(now).date())
    if stage == 0:
        return 0
    quiet_since = now - MIN_GAP
    rows = db.session.execute(
        select(CampaignTask, User).join(User, User.id == CampaignTask.user_id)
        .where(
            CampaignTask.campaign_id == campaign.id,
            CampaignTask.completed_at.is_(None),
            CampaignTask.reminders_sent < stage,
            CampaignTask.invited_at <= quiet_since,
            (CampaignTask.last_reminder_at.is_(None)) | (CampaignTask.last_reminder_at <= quiet_since),
        )
        .order_by(CampaignTask.id).limit(limit)
    ).all()
    for task, user in rows:
        mail_campaign_reminder(campaign, user, stage)
    if rows:
        # compare-and-set: a task that another run already moved on is left alone
        db.session.execute(
            update(CampaignTask)
            .where(CampaignTask.id.in_([task.id for task, _u in rows]), CampaignTask.reminders_sent < stage)
            .values(reminders_sent=stage, last_reminder_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(rows)


def _stamp(task_ids: list[int], **values) -> None:
    if task_ids:
        db.session.execute(
            update(CampaignTask).where(CampaignTask.id.in_(task_ids)).values(**values)
            .execution_options(synchronize_session=False)
        )


def complete_task(task: CampaignTask, actor, *, now: Optional[datetime] = None) -> None:
    """Mark the person's reconfirmation as done (the choices were carried out by the caller)."""
    if task.completed_at is None:
        task.completed_at = now or utcnow()
        record_event("campaign.complete_task", actor=actor, object_type="declaration_campaign",
                     object_id=task.campaign_id, subject_user_id=task.user_id)
        db.session.flush()


# -- HR's view ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentProgress:
    department: str
    total: int
    done: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def progress_by_department(campaign: Campaign) -> list[DepartmentProgress]:
    """Tasks and completed tasks per department, in one GROUP BY."""
    department = func.coalesce(User.department, "")
    rows = db.session.execute(
        select(department, func.count(CampaignTask.id),
               func.sum(case((CampaignTask.completed_at.is_not(None), 1), else_=0)))
        .join(User, User.id == CampaignTask.user_id)
        .where(CampaignTask.campaign_id == campaign.id)
        .group_by(department).order_by(department)
    ).all()
    return [DepartmentProgress(name or "", int(total), int(done or 0)) for name, total, done in rows]


def not_done_query(campaign: Campaign):
    """SELECT of the open tasks (user loaded with them), by department and name."""
    return (
        select(CampaignTask).join(User, User.id == CampaignTask.user_id).options(contains_eager(CampaignTask.user))
        .where(CampaignTask.campaign_id == campaign.id, CampaignTask.completed_at.is_(None))
        .order_by(User.department, User.display_name, User.id)
    )


def not_done_csv(campaign: Campaign) -> tuple[list[str], Iterator[tuple]]:
    """Header and rows of those not done, the rows read through a server-side cursor."""
    header = [str(_l("Naam")), str(_l("Gebruikersnaam")), str(_l("Afdeling")), str(_l("Functie")),
              str(_l("Herinneringen verstuurd"))]
    return header, stream_rows(
        select(User.display_name, User.username, User.department, User.job_title, CampaignTask.reminders_sent)
        .join(User, User.id == CampaignTask.user_id)
        .where(CampaignTask.campaign_id == campaign.id, CampaignTask.completed_at.is_(None))
        .order_by(User.department, User.display_name, User.id)
    )


def nil_kinds_for_confirmation(user, active_kinds: Iterable[DeclarationKind]) -> list[DeclarationKind]:
    """Kinds for which the confirmation form offers "nothing to declare": required kinds without entries."""
    from portal.declarations.statements import required_kinds

    present = set(active_kinds)
    return [kind for kind in required_kinds(user) if kind not in present]


class EntryError(DeclarationError):
    """A choice in the reconfirmation form cannot be carried out; ``index`` is the entry's position."""

    def __init__(self, index: int, message):
        self.index = index
        super().__init__(message)


@atomic()
def reconfirm(task: CampaignTask, choices, nil_choices: dict, actor, *, now: Optional[datetime] = None) -> list:
    """Carry out the reconfirmation: keep, end or start a change per entry; "nothing to declare" per kind.

    ``choices`` is a list of (declaration id, "keep"|"change"|"end", ended_on), one for each declaration
    that counts now (the form's entries, in the order of active_declarations); returns the declarations
    for which a change (new draft version) was started. Completes the task.
    """
    from portal.declarations.queries import active_declarations
    from portal.declarations.services import check_end_date, confirm_declarations, end_declaration, start_change
    from portal.declarations.statements import record_nil_statement

    now = now or utcnow()
    declarations = active_declarations(actor)
    if [declaration.id for declaration in declarations] != [declaration_id for declaration_id, _, _ in choices]:
        raise DeclarationError(_l("Uw verklaringen zijn intussen veranderd. Kijk de lijst opnieuw na."))
    choices = [(declaration, choice, ended_on) for declaration, (_, choice, ended_on) in zip(declarations, choices)]
    for index, (declaration, choice, ended_on) in enumerate(choices):
        if choice == "end":
            try:
                check_end_date(declaration, ended_on)
            except DeclarationError as exc:
                raise EntryError(index, exc.message) from exc
    confirm_declarations([declaration for declaration, choice, _ in choices if choice in ("keep", "change")],
                         actor, now=now)
    changed = []
    for declaration, choice, ended_on in choices:
        if choice == "end":
            end_declaration(declaration, ended_on, actor)
        elif choice == "change":
            start_change(declaration, actor)
            changed.append(declaration)
    for kind, answer in nil_choices.items():
        if answer == "none":
            record_nil_statement(actor, kind, now=now)
    complete_task(task, actor, now=now)
    return changed
