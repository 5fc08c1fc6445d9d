"""The employee's actions on declarations, and the one access helper for them.

Each service checks the transition with ``states.check_transition``, sets state, actor and
timestamp, writes one audit event, queues the mail to the employee (never with contents)
and flushes, inside its own savepoint (``lifecycle.guarded``). The request commits once. Refusals
raise ``DeclarationError`` subclasses whose ``message`` is Dutch and can be flashed as is; what
the refused service wrote is already undone.

HR's actions (review, questions, decisions) are the review area's: ``portal.review.services``.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any, Mapping, Optional, Sequence

from sqlalchemy import Update, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.core.audit import record_events
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import today_local, utcnow
from portal.declarations.lifecycle import (
    IncompleteVersion,
    OwnDeclarationError,
    StaleDeclaration,
    audit,
    audit_event,
    guarded,
    is_blank,
    sync_status,
)
from portal.declarations.mails import mail_owner
from portal.declarations.models import (
    ANSWER_FIELDS,
    REQUIRED_FOR_EVENT,
    REQUIRED_ON_SUBMIT,
    Declaration,
    DeclarationKind,
    DeclarationVersion,
    InformationRequest,
    NilStatement,
)
from portal.declarations.states import (
    ACTIVE_STATUSES,
    DeclarationError,
    DeclarationStatus,
    InvalidTransition,
    VersionStatus,
    check_transition,
)
from portal.extensions import db

__all__ = [
    "DeclarationError", "IncompleteVersion", "InvalidTransition", "OwnDeclarationError", "StaleDeclaration",
    "answer_information_request", "available_actions", "change_declaration", "check_end_date",
    "confirm_declarations", "create_declaration", "end_declaration", "file_declaration",
    "missing_answers", "open_information_request", "save_draft", "start_change",
    "submit_version", "withdraw_version",
]


def find_by_client_token(owner, token: Optional[str]) -> Optional[Declaration]:
    """The declaration that a form with this one-time token already created (double click)."""
    if not token:
        return None
    return db.session.scalar(
        select(Declaration).where(Declaration.client_token == token, Declaration.owner_id == owner.id)
    )


# -- internals -----------------------------------------------------------------------------


def _apply_answers(version: DeclarationVersion, answers: Mapping[str, Any]) -> None:
    allowed = set(ANSWER_FIELDS[version.kind]) | {"change_note"}
    columns = DeclarationVersion.__table__.c
    for name, value in answers.items():
        if name not in allowed:
            raise ValueError(f"{name!r} is not an answer of a {version.kind} declaration")
        enum_class = getattr(columns[name].type, "enum_class", None)
        if enum_class is not None and value is not None:
            value = enum_class(value)  # form values arrive as strings
        setattr(version, name, value)


def missing_answers(version: DeclarationVersion) -> list[str]:
    """Names of the answers still needed before ``version`` can be submitted."""
    required = REQUIRED_ON_SUBMIT[version.kind] + REQUIRED_FOR_EVENT.get(version.event, ())
    missing = [name for name in required if is_blank(getattr(version, name))]
    if version.kind == DeclarationKind.side_activity and version.touches_own_work and is_blank(
        version.touches_own_work_explanation
    ):
        missing.append("touches_own_work_explanation")
    return missing


def _withdraw_nil_statements(user_id: int, kind: DeclarationKind, now: datetime) -> None:
    if not any(isinstance(obj, NilStatement) for obj in db.session.identity_map.values()):
        # none loaded in this session, so none to bring up to date: a plain UPDATE of the table
        db.session.execute(_withdraw_nil_statement(), {"for_user_id": user_id, "for_kind": kind, "now": now})
        return
    db.session.execute(
        update(NilStatement)
        .where(NilStatement.user_id == user_id, NilStatement.kind == kind, NilStatement.withdrawn_at.is_(None))
        .values(withdrawn_at=now)
        .execution_options(synchronize_session="fetch")
    )


@cache
def _withdraw_nil_statement() -> Update:
    """The plain UPDATE of _withdraw_nil_statements, built once (every submission runs it): :for_user_id, :for_kind, :now."""
    table = NilStatement.__table__
    return (update(table)
            .where(table.c.user_id == bindparam("for_user_id"), table.c.kind == bindparam("for_kind"),
                   table.c.withdrawn_at.is_(None))
            .values(withdrawn_at=bindparam("now", type_=table.c.withdrawn_at.type)))


# -- the employee ----------------------------------------------------------------------------


def create_declaration(owner, kind: DeclarationKind, answers: Mapping[str, Any], *, actor=None,
                       client_token: Optional[str] = None) -> tuple[Declaration, bool]:
    """Start a declaration with a first draft version; returns (declaration, created).

    A second request with the same ``client_token`` (a double click) returns the first
    declaration with ``created=False`` and changes nothing.
    """
    existing = find_by_client_token(owner, client_token)
    if existing is not None:
        return existing, False
    kind = DeclarationKind(kind)
    declaration, _version = _new_declaration(owner, kind, answers, client_token, created_by=actor or owner)
    existing = _insert_once(declaration, owner, client_token)
    if existing is not None:
        return existing, False
    audit("declaration.create", declaration, actor or owner, kind=kind.value, version=1)
    return declaration, True


def _new_declaration(owner, kind: DeclarationKind, answers: Mapping[str, Any], client_token: Optional[str], *,
                     created_by) -> tuple[Declaration, DeclarationVersion]:
    """A declaration with its first version as a draft holding ``answers``, not yet in the session."""
    declaration = Declaration(owner=owner, kind=kind, status=DeclarationStatus.draft, client_token=client_token or None)
    version = DeclarationVersion(declaration=declaration, number=1, kind=kind, status=VersionStatus.draft,
                                 created_by=created_by)
    _apply_answers(version, answers)
    declaration.pending_version = version
    return declaration, version


def _insert_once(declaration: Declaration, owner, client_token: Optional[str]) -> Optional[Declaration]:
    """Insert a new declaration; the one already sent with the same ``client_token`` (a double click), if any.

    The unique client token decides, concurrent requests included; without a token there is
    nothing to repeat and no savepoint is needed.
    """
    if declaration.client_token is None:
        db.session.add(declaration)
        db.session.flush()
        return None
    try:
        with db.session.begin_nested():
            db.session.add(declaration)
            db.session.flush()
    except IntegrityError:
        existing = find_by_client_token(owner, client_token)
        if existing is None:
            raise
        return existing
    return None


def file_declaration(owner, kind: DeclarationKind, answers: Mapping[str, Any], *, submit: bool,
                     client_token: Optional[str] = None) -> tuple[Declaration, bool]:
    """A new declaration from the form: saved as a draft, and sent to HR when ``submit``; all or nothing.

    The same rows, audit events and mail as ``create_declaration`` followed by ``submit_version``,
    written in their final state: every rule is checked before the first write (so a refusal
    leaves nothing behind without a savepoint of its own), one flush inserts the declaration and
    its version, and a second request with the same ``client_token`` (a double click) is told by
    the unique key (``created=False``, nothing changed).
    """
    kind = DeclarationKind(kind)
    declaration, version = _new_declaration(owner, kind, answers, client_token, created_by=owner)
    now = utcnow()
    if submit:
        _check_submittable(version)
        _mark_submitted(version, declaration, now)
    existing = _insert_once(declaration, owner, client_token)
    if existing is not None:
        return existing, False
    events = [audit_event("declaration.create", declaration, owner, kind=kind.value, version=1)]
    if submit:
        _withdraw_nil_statements(owner.id, kind, now)
        events.append(audit_event("declaration.submit", declaration, owner, version=1))
        mail_owner(declaration, "submitted", f"decl-{declaration.id}-v1-submitted")
    record_events(*events)  # what lifecycle.audit writes, in one INSERT
    return declaration, True


def _check_submittable(version: DeclarationVersion) -> None:
    """Refuse to submit anything but a complete draft (a second submit of the same version: a double click)."""
    if version.status != VersionStatus.draft:  # an answered question goes back via answer_information_request
        raise InvalidTransition(version.status, VersionStatus.submitted)
    check_transition(version.status, VersionStatus.submitted)
    if missing_answers(version):
        raise IncompleteVersion()


def _mark_submitted(version: DeclarationVersion, declaration: Declaration, now: datetime) -> None:
    version.status = VersionStatus.submitted
    version.submitted_at = now
    declaration.submitted_at = now
    sync_status(declaration)


@guarded
def change_declaration(declaration: Declaration, answers: Mapping[str, Any], actor, *,
                       submit: bool) -> DeclarationVersion:
    """Save the form's answers on the draft (started from the version in force), and submit when asked.

    The same rows, audit events and mail as ``start_change``, ``save_draft`` and ``submit_version``
    one after the other, written in their final state: every rule is checked before the first
    write, one flush writes the version and the declaration, and the events go in one INSERT.
    """
    version, based_on = _open_change(declaration, actor)
    _check_editable(version)
    _apply_answers(version, answers)
    now = utcnow()
    declaration.updated_at = now
    if submit:
        _check_submittable(version)
        _mark_submitted(version, declaration, now)
    db.session.flush()
    events = [] if based_on is None else [
        audit_event("declaration.change", declaration, actor, version=version.number, based_on=based_on)]
    events.append(audit_event("declaration.save_draft", declaration, actor, version=version.number))
    if submit:
        _withdraw_nil_statements(declaration.owner_id, declaration.kind, now)
        events.append(audit_event("declaration.submit", declaration, actor, version=version.number))
        mail_owner(declaration, "submitted", f"decl-{declaration.id}-v{version.number}-submitted")
    record_events(*events)
    return version


def _check_editable(version: DeclarationVersion) -> None:
    if not version.is_editable:
        raise InvalidTransition(version.status, VersionStatus.draft)


@guarded
def save_draft(version: DeclarationVersion, answers: Mapping[str, Any], actor) -> None:
    """Store answers on a draft (incomplete answers are fine)."""
    _check_editable(version)
    _apply_answers(version, answers)
    version.declaration.updated_at = utcnow()
    audit("declaration.save_draft", version.declaration, actor, version=version.number)
    db.session.flush()


@guarded
def submit_version(version: DeclarationVersion, actor, *, now: Optional[datetime] = None) -> None:
    """Send a draft to HR; a second submit of the same version is refused (double click)."""
    _check_submittable(version)
    now = now or utcnow()
    declaration = version.declaration
    _mark_submitted(version, declaration, now)
    _withdraw_nil_statements(declaration.owner_id, declaration.kind, now)
    audit("declaration.submit", declaration, actor, version=version.number)
    mail_owner(declaration, "submitted", f"decl-{declaration.id}-v{version.number}-submitted")
    db.session.flush()


@guarded
def start_change(declaration: Declaration, actor) -> DeclarationVersion:
    """A new draft version, pre-filled from the latest one; the version in force stays until decided.

    Returns the existing draft when there is one; refuses while a change waits for HR.
    """
    version, based_on = _open_change(declaration, actor)
    if based_on is not None:
        db.session.flush()
        audit("declaration.change", declaration, actor, version=version.number, based_on=based_on)
    return version


def _open_change(declaration: Declaration, actor) -> tuple[DeclarationVersion, Optional[int]]:
    """The draft a change goes into, not yet flushed, and the number of the version it starts from.

    The existing draft (number None: nothing started), or a new version pre-filled from the one in
    force (else the latest); refused for an ended declaration and while a change waits for HR.
    """
    if declaration.is_ended:
        raise DeclarationError(_l("Deze verklaring is beëindigd en kan niet meer worden gewijzigd."))
    pending = declaration.pending_version
    if pending is not None:
        if pending.status == VersionStatus.draft:
            return pending, None
        raise InvalidTransition(pending.status, VersionStatus.draft)
    base = declaration.current_version or declaration.versions[-1]
    version = DeclarationVersion(
        declaration=declaration,
        number=max(v.number for v in declaration.versions) + 1,
        kind=declaration.kind,
        status=VersionStatus.draft,
        created_by=actor,
        **base.answers(),
    )
    db.session.add(version)
    declaration.pending_version = version
    sync_status(declaration)
    return version, base.number


@guarded
def withdraw_version(version: DeclarationVersion, actor, *, now: Optional[datetime] = None) -> None:
    """Withdraw a draft or an undecided submission; a version in force is untouched."""
    check_transition(version.status, VersionStatus.withdrawn)
    declaration = version.declaration
    version.status = VersionStatus.withdrawn
    version.withdrawn_at = now or utcnow()
    version.withdrawn_by_id = actor.id
    if declaration.pending_version_id == version.id or declaration.pending_version is version:
        declaration.pending_version = None
    sync_status(declaration)
    audit("declaration.withdraw", declaration, actor, version=version.number)
    db.session.flush()


@guarded
def end_declaration(declaration: Declaration, ended_on: date, actor, *, today: Optional[date] = None) -> None:
    """Record that the activity or interest ended; an undecided change is withdrawn with it."""
    if declaration.status not in ACTIVE_STATUSES | {DeclarationStatus.refused}:
        raise DeclarationError(_l("Alleen een ingediende of goedgekeurde verklaring kan worden beëindigd."))
    check_end_date(declaration, ended_on, today=today)
    now = utcnow()
    pending = declaration.pending_version
    if pending is not None:
        withdraw_version(pending, actor, now=now)
    declaration.ended_on = ended_on
    declaration.ended_at = now
    declaration.ended_by_id = actor.id
    sync_status(declaration)
    audit("declaration.end", declaration, actor, ended_on=ended_on.isoformat())
    db.session.flush()


def check_end_date(declaration: Declaration, ended_on: date, *, today: Optional[date] = None) -> None:
    """Refuse an end date in the future or before the start (Dutch message)."""
    if ended_on > (today or today_local()):
        raise DeclarationError(_l("De einddatum kan niet in de toekomst liggen. Beëindig de verklaring op of na die dag."))
    version = declaration.latest_version
    start = (version.start_date or version.acquired_on or version.transaction_on) if version else None
    if start is not None and ended_on < start:
        raise DeclarationError(_l("De einddatum ligt vóór de begindatum."))


def confirm_declarations(declarations: Sequence[Declaration], actor, *, now: Optional[datetime] = None) -> None:
    """The employee confirms that these declarations are still correct (annual reconfirmation).

    Every declaration is checked before the first write; one flush records the confirmations and
    one INSERT their audit events, whatever the number of declarations.
    """
    if any(declaration.status not in ACTIVE_STATUSES for declaration in declarations):
        raise DeclarationError(_l("Alleen een ingediende of goedgekeurde verklaring kan worden bevestigd."))
    if not declarations:
        return
    now = now or utcnow()
    for declaration in declarations:
        declaration.last_confirmed_at = now
    try:
        db.session.flush()
    except StaleDataError as exc:  # changed since the page was loaded (the caller's savepoint undoes the rest)
        raise StaleDeclaration() from exc
    record_events(*(audit_event("declaration.confirm", declaration, actor) for declaration in declarations))


def open_information_request(version: DeclarationVersion) -> Optional[InformationRequest]:
    return next((r for r in reversed(version.information_requests) if r.is_open), None)


@guarded
def answer_information_request(version: DeclarationVersion, answer: str, actor,
                               *, now: Optional[datetime] = None) -> InformationRequest:
    """Store the employee's answer; the version goes back to HR as submitted."""
    request = open_information_request(version)
    if request is None or version.status != VersionStatus.info_requested:
        raise InvalidTransition(version.status, VersionStatus.submitted,
                                _l("Er staat geen vraag van P&O open bij deze verklaring."))
    check_transition(version.status, VersionStatus.submitted)
    now = now or utcnow()
    request.answer = answer
    request.answered_at = now
    request.answered_by_id = actor.id
    version.status = VersionStatus.submitted
    declaration = version.declaration
    sync_status(declaration)
    audit("declaration.answer", declaration, actor, version=version.number, request=request.id)
    db.session.flush()
    return request


def available_actions(declaration: Declaration) -> dict[str, bool]:
    """What the owner can do now (which buttons the page shows); the services still check every rule."""
    pending, status = declaration.pending_version, declaration.status
    is_draft = pending is not None and pending.status == VersionStatus.draft
    return {
        "edit_draft": is_draft,
        "change": not declaration.is_ended and pending is None and declaration.current_version is not None,
        "withdraw": pending is not None and pending.status in (
            VersionStatus.draft, VersionStatus.submitted, VersionStatus.in_review, VersionStatus.info_requested),
        "end": status in ACTIVE_STATUSES | {DeclarationStatus.refused},
        "answer": pending is not None and pending.status == VersionStatus.info_requested,
    }
