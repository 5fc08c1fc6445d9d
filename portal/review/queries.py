"""The lists of the review area: the queue and the HR register (the audit trail is in trail.py).

Every list is one SELECT with joins (never a query per row); the queue pages with a keyset
cursor so that page 1,000 is as fast as page 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from datetime import date, datetime, timedelta, timezone
from typing import Any, NamedTuple, Optional

from flask import current_app
from sqlalchemy import Select, and_, bindparam, case, exists, false, func, or_, select, true, tuple_, union_all
from sqlalchemy.orm import aliased, contains_eager

from portal.auth.models import User
from portal.core.cache import cached, define_cache
from portal.core.database import fixed_limit
from portal.core.models import AuditEvent
from portal.core.params import MAX_DB_ID, whole_number
from portal.core.time import today_local
from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion
from portal.declarations.models.declaration import ShowsStatus, title_of
from portal.declarations.states import ACTIVE_STATUSES, APPROVALS, QUEUE_STATUSES, UNDECIDED, DeclarationStatus
from portal.extensions import db
from portal.review.advice.models import DECLARATION
from portal.review.advice.queries import advice_mark
from portal.review.advice.states import AdviceStatus
from portal.review.models import PendingDecision, ProposalStatus, PublicSummary

QUEUE_PAGE = 50
#: how old the counts above the queue may be when another process changed a declaration
#: (a change in this process clears them at once)
QUEUE_COUNTS_SECONDS = 15
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
#: the default queue: what waits for HR (items with a question open wait for the employee)
WAITING_FOR_HR = (DeclarationStatus.submitted, DeclarationStatus.in_review)


define_cache("review.queue_counts", QUEUE_COUNTS_SECONDS,
             lambda obj, session: isinstance(obj, (Declaration, User)))
define_cache("review.summaries_missing", QUEUE_COUNTS_SECONDS,
             lambda obj, session: isinstance(obj, (Declaration, DeclarationVersion, PublicSummary, User)))


def _yes_no(value: Optional[str]):
    return None if value is None else value == "yes"


# -- the queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    status: Optional[str] = None
    kind: Optional[str] = None
    department: Optional[str] = None
    high_risk: Optional[bool] = None
    top_official: Optional[bool] = None
    waiting: Optional[str] = None  #: "7", "14" (days) or "overdue"
    assigned: Optional[str] = None  #: "me" or "unassigned"

    @classmethod
    def from_form(cls, form) -> "QueueFilters":
        return cls(
            status=form.active("status"), kind=form.active("kind"), department=form.active("department"),
            high_risk=_yes_no(form.active("high_risk")), top_official=_yes_no(form.active("top_official")),
            waiting=form.active("waiting"), assigned=form.active("assigned"),
        )


class QueueItem(NamedTuple):
    """One line of the queue: only what the line shows (no ORM objects: a line is one row of one SELECT;
    a tuple, made in one call, where a frozen dataclass sets each of its fields through a call)."""

    id: int
    submitted_at: datetime
    kind: DeclarationKind
    status: DeclarationStatus
    owner_name: str
    department: Optional[str]
    is_top_official: bool
    is_high_risk: bool
    subject: str  #: the pending version's organisation or entity
    reviewer_name: Optional[str]  #: the assigned reviewer, if any
    awaiting_confirmation: bool
    advice: Optional[AdviceStatus]  #: ``asked`` while a question to the manager is open, else ``answered``
    waiting_days: int
    is_overdue: bool


@dataclass
class QueuePage:
    items: list[QueueItem]
    next_cursor: Optional[str]
    counts: dict[DeclarationStatus, int] = field(default_factory=dict)


def encode_cursor(submitted_at: datetime, declaration_id: int) -> str:
    """``<microseconds since 1970>.<id>``: the position after which the next page starts."""
    if submitted_at.tzinfo is None:
        submitted_at = submitted_at.replace(tzinfo=timezone.utc)
    return f"{(submitted_at - EPOCH) // timedelta(microseconds=1)}.{declaration_id}"


def decode_cursor(cursor: Optional[str]) -> Optional[tuple[datetime, int]]:
    """The (submitted_at, id) of a cursor, or None for a missing one or one this portal never wrote."""
    if not cursor:
        return None
    micros, _dot, declaration_id = cursor.partition(".")
    number = whole_number(declaration_id, low=1, high=MAX_DB_ID)
    if number is None or not micros.isascii() or not micros.isdigit() or len(micros) > 16:
        return None
    return EPOCH + timedelta(microseconds=int(micros)), number


def _filter_conditions(filters: QueueFilters) -> list:
    """The filters' conditions; the values people choose are parameters (``_filter_params``), so that one
    statement serves every reviewer and every department (only which filters are used changes it)."""
    conditions = []
    if filters.kind:
        conditions.append(Declaration.kind == bindparam("kind"))
    if filters.department:
        conditions.append(User.department == bindparam("department"))
    if filters.high_risk is not None:
        conditions.append(User.is_high_risk.is_(true() if filters.high_risk else false()))
    if filters.top_official is not None:
        conditions.append(User.is_top_official.is_(true() if filters.top_official else false()))
    if filters.waiting:
        conditions.append(Declaration.submitted_at < bindparam("submitted_before"))
    if filters.assigned == "me":
        conditions.append(Declaration.assigned_reviewer_id == bindparam("reviewer_id"))
    elif filters.assigned == "unassigned":
        conditions.append(Declaration.assigned_reviewer_id.is_(None))
    return conditions


def _filter_params(filters: QueueFilters, reviewer, now: datetime, target_days: int) -> dict[str, Any]:
    """The values of ``_filter_conditions``' parameters (and the reviewer, whose own items are left out)."""
    params: dict[str, Any] = {"reviewer_id": reviewer.id}
    if filters.kind:
        params["kind"] = DeclarationKind(filters.kind)
    if filters.department:
        params["department"] = filters.department
    if filters.waiting:
        days = target_days if filters.waiting == "overdue" else int(filters.waiting)
        params["submitted_before"] = now - timedelta(days=days)
    return params


def _shape_of(filters: QueueFilters) -> QueueFilters:
    """The filters with the chosen values that are parameters blanked out: what the statement depends on."""
    return replace(filters, kind="?" if filters.kind else None, department="?" if filters.department else None,
                   waiting="?" if filters.waiting else None)


def _needs_owner(filters: QueueFilters) -> bool:
    """Whether the filters read the owner's row (department, high risk, top official)."""
    return bool(filters.department or filters.high_risk is not None or filters.top_official is not None)


def _page_ids(statuses: list[DeclarationStatus], conditions: list, after: bool, limit: int, *, join_owner: bool):
    """The ids of one page: per status an ordered scan of ix_declaration_queue, merged (UNION ALL).

    ``status IN (…) ORDER BY submitted_at`` would sort every waiting item; one index range
    per status reads only ``limit`` rows each, however long the queue is.
    """
    parts = []
    for status in statuses:
        part = select(Declaration.id, Declaration.submitted_at)
        if join_owner:  # only the department and group filters need the owner's row here
            part = part.join(User, User.id == Declaration.owner_id)
        part = (
            part.where(Declaration.status == status, *conditions)
            .order_by(Declaration.submitted_at, Declaration.id)
            .limit(fixed_limit(limit))
        )
        if after:
            # a row comparison is one index range on (status, submitted_at, id); the equivalent
            # "a > x OR (a = x AND id > y)" made PostgreSQL read the status's whole range from the start
            part = part.where(tuple_(Declaration.submitted_at, Declaration.id) > tuple_(_AFTER_AT, _AFTER_ID))
        parts.append(part)
    if len(parts) == 1:
        return parts[0].subquery()
    parts = [select(part.subquery()) for part in parts]  # SQLite: no LIMIT on a UNION's own members
    # the page's ids from the merged ranges, before the joins: the details are read for one page, not one per status
    merged = union_all(*parts).subquery()
    return select(merged.c.id).order_by(merged.c.submitted_at, merged.c.id).limit(fixed_limit(limit)).subquery()


#: made once: an alias built per request costs SQLAlchemy a copy of every column of the table
_PENDING = aliased(DeclarationVersion, name="pending_version")
_ASSIGNED = aliased(User, name="assigned_reviewer")
_LATEST = aliased(DeclarationVersion, name="latest_version")
#: the position a page starts after (a cursor's submitted_at and id)
_AFTER_AT = bindparam("after_at", type_=Declaration.__table__.c.submitted_at.type)
_AFTER_ID = bindparam("after_id", type_=Declaration.__table__.c.id.type)


def _queue_columns():
    awaiting = exists().where(  # a proposal on an older, withdrawn version does not count
        PendingDecision.version_id == Declaration.pending_version_id, PendingDecision.status == ProposalStatus.pending
    )
    subject = case((_PENDING.kind == DeclarationKind.side_activity, _PENDING.organisation_name),
                   else_=_PENDING.entity)
    return (Declaration.id, Declaration.submitted_at, Declaration.kind, Declaration.status,
            User.display_name, User.department, User.is_top_official, User.is_high_risk,
            subject, _ASSIGNED.display_name, awaiting, advice_mark(DECLARATION, Declaration.id))


@lru_cache(maxsize=256)
def _page_statement(shape: QueueFilters, after: bool, limit: int) -> Select:
    """The page query for filters of this shape (``_shape_of``), built once: building it cost more CPU
    than PostgreSQL's running it. Parameters: ``_filter_params``, and ``after_at``/``after_id`` when ``after``."""
    conditions = [Declaration.owner_id != bindparam("reviewer_id"), *_filter_conditions(shape)]  # never one's own
    statuses = [DeclarationStatus(shape.status)] if shape.status else list(WAITING_FOR_HR)
    page_ids = _page_ids(statuses, conditions, after, limit, join_owner=_needs_owner(shape))
    return (
        select(*_queue_columns())
        .join(page_ids, page_ids.c.id == Declaration.id)
        .join(User, User.id == Declaration.owner_id)
        .outerjoin(_PENDING, _PENDING.id == Declaration.pending_version_id)
        .outerjoin(_ASSIGNED, _ASSIGNED.id == Declaration.assigned_reviewer_id)
        .order_by(Declaration.submitted_at, Declaration.id)
        .limit(fixed_limit(limit))
    )


def queue_page(filters: QueueFilters, reviewer, *, now: datetime, target_days: int,
               cursor: Optional[str] = None, per_page: Optional[int] = None) -> QueuePage:
    """One page of the queue, oldest first, with the counts per status: two queries in all
    (the counts are shared for a few seconds)."""
    per_page = per_page or QUEUE_PAGE
    params = _filter_params(filters, reviewer, now, target_days)
    position = decode_cursor(cursor)
    if position is not None:
        params["after_at"], params["after_id"] = position
    statement = _page_statement(_shape_of(filters), position is not None, per_page + 1)
    rows = db.session.connection().execute(statement, params).all()  # plain rows: no ORM result machinery
    late = now - timedelta(days=target_days)
    items = [_queue_item(row, now, late) for row in rows[:per_page]]
    next_cursor = None
    if len(rows) > per_page:
        last = rows[per_page - 1]
        next_cursor = encode_cursor(last.submitted_at, last.id)
    return QueuePage(items=items, next_cursor=next_cursor, counts=_counts_for(reviewer, filters, params, target_days))


def _counts_for(reviewer, filters: QueueFilters, params: dict[str, Any], target_days: int) -> dict[DeclarationStatus, int]:
    """The counts above the queue: everyone's waiting items less the reviewer's own.

    Everyone's counts read every waiting item (tens of milliseconds for PostgreSQL), so they are
    shared by all reviewers for a few seconds (QUEUE_COUNTS_SECONDS); a reviewer's own items are
    one probe of ix_declaration_owner_id, kept as long.
    """
    shared_key = (replace(filters, status=None), target_days, reviewer.id if filters.assigned == "me" else None)

    def own_subtracted() -> dict[DeclarationStatus, int]:
        filtered, join_owner = _filter_conditions(filters), _needs_owner(filters)
        everyone = cached("review.queue_counts", ("everyone", shared_key),
                          lambda: queue_counts(filtered, params, join_owner=join_owner))
        own = queue_counts([Declaration.owner_id == bindparam("reviewer_id"), *filtered], params, join_owner=join_owner)
        return {status: max(number - own[status], 0) for status, number in everyone.items()}

    return dict(cached("review.queue_counts", ("reviewer", shared_key, reviewer.id), own_subtracted))


def _queue_item(row, now: datetime, late: datetime) -> QueueItem:
    (declaration_id, submitted, kind, status, owner_name, department, is_top_official, is_high_risk,
     subject, reviewer_name, awaiting, advice) = row
    if submitted.tzinfo is None:
        submitted = submitted.replace(tzinfo=timezone.utc)
    return QueueItem(
        id=declaration_id, submitted_at=submitted, kind=kind, status=status, owner_name=owner_name,
        department=department, is_top_official=bool(is_top_official), is_high_risk=bool(is_high_risk),
        subject=subject or "", reviewer_name=reviewer_name, awaiting_confirmation=bool(awaiting),
        advice=AdviceStatus(advice) if advice else None,
        waiting_days=max((now - submitted).days, 0), is_overdue=submitted < late,
    )


def queue_counts(conditions: list, params: dict[str, Any], *, join_owner: bool = True) -> dict[DeclarationStatus, int]:
    """Number of items per queue status under the other filters (``params`` their values): one GROUP BY."""
    statement = select(Declaration.status, func.count(Declaration.id))
    if join_owner:  # only the department and group filters need the owner's row
        statement = statement.join(User, User.id == Declaration.owner_id)
    rows = db.session.execute(
        statement.where(Declaration.status.in_(list(QUEUE_STATUSES)), *conditions).group_by(Declaration.status),
        params,
    )
    counts = {status: 0 for status in DeclarationStatus if status in QUEUE_STATUSES}
    counts.update({DeclarationStatus(status): number for status, number in rows})
    return counts


@dataclass(frozen=True, slots=True)
class OtherDeclaration(ShowsStatus):
    """One of the owner's other declarations, as the review page lists it (a link, its kind, title and status)."""

    id: int
    kind: DeclarationKind
    status: DeclarationStatus
    subject: str  #: organisation or entity of its latest version (pending, else in force)

    @property
    def title(self) -> str:
        return title_of(self.subject)


def other_current_declarations(declaration: Declaration) -> list[OtherDeclaration]:
    """The owner's other declarations that are submitted or in force, with their latest version's subject:
    one SELECT of the shown columns."""
    rows = db.session.execute(_other_declarations_statement(),
                              {"owner_id": declaration.owner_id, "declaration_id": declaration.id})
    return [OtherDeclaration(id=row[0], kind=row[1], status=row[2], subject=row[3] or "") for row in rows]


@lru_cache(maxsize=None)
def _other_declarations_statement() -> Select:
    # built once (the review page asks it on every view), bound with :owner_id and :declaration_id
    latest = _LATEST
    subject = case((latest.kind == DeclarationKind.side_activity, latest.organisation_name), else_=latest.entity)
    return (
        select(Declaration.id, Declaration.kind, Declaration.status, subject)
        .outerjoin(latest, latest.id == func.coalesce(Declaration.pending_version_id, Declaration.current_version_id))
        .where(Declaration.owner_id == bindparam("owner_id"), Declaration.id != bindparam("declaration_id"),
               Declaration.status.in_(ACTIVE_STATUSES))
        .order_by(Declaration.kind, Declaration.id)
    )


# -- the HR register ------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    kind: Optional[str] = None
    department: Optional[str] = None
    paid: Optional[bool] = None
    top_official: Optional[bool] = None
    high_risk: Optional[bool] = None
    q: Optional[str] = None
    #: only top officials' side activities whose version in force has no approved public summary
    summary_missing: Optional[bool] = None

    @classmethod
    def from_form(cls, form) -> "RegisterFilters":
        return cls(
            kind=form.active("kind"), department=form.active("department"), paid=_yes_no(form.active("paid")),
            top_official=_yes_no(form.active("top_official")), high_risk=_yes_no(form.active("high_risk")),
            q=(form.active("q") or "").strip() or None, summary_missing=True if form.active("summary") == "missing" else None,
        )


def summary_missing_condition(version):
    """A top official's side activity whose version ``version`` has no approved public summary yet."""
    return and_(
        Declaration.kind == DeclarationKind.side_activity,
        User.is_top_official.is_(true()),
        ~exists().where(PublicSummary.version_id == version.id),
    )


def count_summaries_missing(today: Optional[date] = None) -> int:
    """How many top officials' side activities in force wait for HR's public summary: one COUNT, shared for a
    few seconds like the queue's counts (the queue and the register show it on every page)."""
    today = today or today_local()

    def count() -> int:
        statement, _version = _register_select(lambda v: [func.count(Declaration.id)],
                                               RegisterFilters(summary_missing=True), today)
        return db.session.scalar(statement.order_by(None)) or 0

    return cached("review.summaries_missing", today, count)


def current_entries_condition(version, today: date):
    """A decided version in force that has not ended: approved (with or without conditions), not past its end."""
    return and_(
        version.status.in_(list(APPROVALS)),
        Declaration.ended_on.is_(None),
        or_(version.end_date.is_(None), version.end_date >= today),
        or_(version.ended_on.is_(None), version.ended_on >= today),
    )


def _register_select(columns, filters: RegisterFilters, today: Optional[date]) -> tuple[Select, Any]:
    """``columns`` over every current entry matching ``filters``, by name; the version alias with it."""
    version = aliased(DeclarationVersion)
    today = today or today_local()
    statement = (
        select(*columns(version))
        .select_from(Declaration)
        .join(User, User.id == Declaration.owner_id)
        .join(version, version.id == Declaration.current_version_id)
        .where(current_entries_condition(version, today))
        .order_by(User.display_name, User.id, Declaration.kind, Declaration.id)
    )
    if filters.kind:
        statement = statement.where(Declaration.kind == DeclarationKind(filters.kind))
    if filters.department:
        statement = statement.where(User.department == filters.department)
    if filters.paid is not None:
        statement = statement.where(version.is_paid.is_(true() if filters.paid else false()))
    if filters.top_official is not None:
        statement = statement.where(User.is_top_official.is_(true() if filters.top_official else false()))
    if filters.high_risk is not None:
        statement = statement.where(User.is_high_risk.is_(true() if filters.high_risk else false()))
    if filters.summary_missing:
        statement = statement.where(summary_missing_condition(version))
    if filters.q:
        pattern = f"%{filters.q.lower()}%"
        statement = statement.where(or_(
            func.lower(User.display_name).like(pattern),
            func.lower(version.organisation_name).like(pattern),
            func.lower(version.entity).like(pattern),
        ))
    return statement, version


def register_page_ids(filters: RegisterFilters, today: Optional[date] = None) -> Select:
    """The ids of the current entries in register order: the page's OFFSET sorts narrow rows, not wide ones
    (sorting the whole rows spilled to disk: 1.5 s for a page deep in a register of 80,000 entries)."""
    statement, _version = _register_select(lambda v: [Declaration.id], filters, today)
    return statement


def register_entries(ids: list[int]) -> list[Declaration]:
    """The entries with these ids (owner and version in force loaded with them), in the order of ``ids``."""
    version = aliased(DeclarationVersion)
    rows = db.session.scalars(  # also for an empty page: the same queries whatever the size
        select(Declaration)
        .join(User, User.id == Declaration.owner_id)
        .join(version, version.id == Declaration.current_version_id)
        .options(contains_eager(Declaration.owner), contains_eager(Declaration.current_version.of_type(version)))
        .where(Declaration.id.in_(ids))
    ).unique().all()
    position = {declaration_id: index for index, declaration_id in enumerate(ids)}
    return sorted(rows, key=lambda declaration: position[declaration.id])


def register_export_statement(filters: RegisterFilters, today: Optional[date] = None) -> Select:
    """The register's export columns only (no ORM objects: a row costs a tuple, not three objects)."""
    statement, _version = _register_select(lambda v: [
        User.display_name, User.username, User.department, User.job_title, User.is_top_official,
        User.is_high_risk, Declaration.kind, v.organisation_name, v.entity, v.role, v.is_paid,
        v.hours_per_month, v.start_date, func.coalesce(v.acquired_on, v.transaction_on), v.conditions, v.decided_at,
    ], filters, today)
    return statement


def version_under_review(declaration: Declaration) -> Optional[DeclarationVersion]:
    """The pending version if it waits for HR (submitted, in review or with a question open)."""
    version = declaration.pending_version
    return version if version is not None and version.status in UNDECIDED else None


def open_proposal(version: Optional[DeclarationVersion]) -> Optional[PendingDecision]:
    """The decision proposed for ``version`` that waits for a second reviewer, if any."""
    if version is None:
        return None
    return db.session.scalar(_open_proposal_statement(), {"version_id": version.id})


@lru_cache(maxsize=None)
def _open_proposal_statement() -> Select:
    # built once, bound with :version_id: every review page and every decision asks it
    return select(PendingDecision).where(PendingDecision.version_id == bindparam("version_id"),
                                         PendingDecision.status == ProposalStatus.pending)


def eligible_reviewers(*columns):
    """SELECT of the people an item can be assigned to (active reviewers), by name: whole users, or ``columns``."""
    return (
        select(*(columns or (User,)))
        .where(User.is_reviewer.is_(True), User.is_enabled.is_(True), User.left_at.is_(None))
        .order_by(User.display_name, User.id)
    )


def reviewer_choices(declaration: Declaration) -> list:
    """(id, display_name) rows of whom ``declaration`` can be assigned to (never its owner): what the page offers."""
    return [row for row in db.session.execute(eligible_reviewers(User.id, User.display_name))
            if row.id != declaration.owner_id]


def target_days() -> int:
    """The review target in days (PORTAL_REVIEW_TARGET_DAYS): older items are overdue."""
    return int(current_app.config["REVIEW_TARGET_DAYS"])


def last_changed_by(declaration: Declaration) -> Optional[int]:
    """The id of who made the newest change to ``declaration`` (a view is no change), from its audit trail."""
    return db.session.scalar(
        select(AuditEvent.actor_id)
        .where(AuditEvent.object_type == Declaration.audit_type, AuditEvent.object_id == declaration.id,
               AuditEvent.action != "declaration.view")
        .order_by(AuditEvent.id.desc()).limit(1)
    )
