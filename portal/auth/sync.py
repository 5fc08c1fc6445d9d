"""The directory sync: everyone the directory lists, who left, who came back, who was renamed, roles."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from portal.auth.directory import DirectoryUser, Listed, ServiceAccountRefused
from portal.auth.models import User, dn_key
from portal.auth.refusal import record_refusal
from portal.auth.services import (
    DIRECTORY_REASONS,
    directory_in_use,
    directory_values,
    mark_left,
    match_user,
    sync_user,
)
from portal.core.audit import record_event
from portal.core.cache import mark_stale
from portal.core.transaction import atomic
from portal.extensions import db

log = logging.getLogger("portal.auth")

#: rows written per statement (inserts and updates are sent as batches, never one per person)
BATCH = 1000

_VALUE_COLUMNS = ("display_name", "email", "department", "job_title", "employee_type", "employee_number",
                  "manager_dn", "is_reviewer", "is_admin", "is_top_official", "is_high_risk",
                  "is_integrity_officer", "is_confidential_adviser")
#: what the sync reads of every row: who it is, whether they left, and every value the directory decides
_COLUMNS = [User.id, User.username, User.directory_id, User.dn, User.left_at, User.left_reason,
            *(getattr(User, name) for name in _VALUE_COLUMNS)]


@dataclass(frozen=True)
class DirectorySyncReport:
    checked: int  #: people in the portal compared (those without a leaving date, and those who left because of the directory)
    missing: tuple[str, ...]  #: usernames without a usable directory entry
    marked_left: int
    refreshed: int  #: people whose values (name, department, manager, roles ...) changed
    refused: bool = False  #: too many missing: nothing was changed (see DIRECTORY_SYNC_MAX_LEFT)
    returned: tuple[str, ...] = ()  #: people who had left and are back in the directory
    renamed: int = 0  #: login names, DNs or stable ids brought up to date
    listed: int = 0  #: entries the directory listed
    created: int = 0  #: people new to the portal (imported without a sign-in)


def sync_directory(now: datetime, *, force: bool = False) -> DirectorySyncReport:
    """Bring the portal's people in line with the directory (the nightly job).

    One paged search reads everyone the user filter finds below the user base, and the role
    groups are read once. People new to the portal are created without a sign-in
    (``last_login_at`` stays empty, ``first_seen_at`` is now); everyone else gets the values that
    changed (name, e-mail, department, job title, type, employee number, manager, roles).
    People are matched by the directory's stable id (by login name until their id is known).
    Someone without a usable entry (none, disabled, or ``accountExpires`` past) has left:
    ``left_at`` is set, their sessions end and the retention period starts; a disabled or
    expired account is not imported either. Someone who left because of the directory and
    whose entry is usable again is restored. A renamed account keeps its row. More than
    DIRECTORY_SYNC_MAX_LEFT leaving at once is refused (and then nothing changes) unless
    ``force``. A directory that cannot be read raises DirectoryUnavailable and changes nothing.
    """
    try:
        listed = directory_in_use().everyone(now)
    except ServiceAccountRefused as exc:
        record_refusal(current_app.config, str(exc))
        raise
    rows = db.session.execute(select(*_COLUMNS).order_by(User.id)).all()
    matched, new = _match(rows, listed)

    people = [row for row in rows if row.left_at is None or row.left_reason in DIRECTORY_REASONS]
    leaving = [row for row in people if row.left_at is None and (row.id not in matched or matched[row.id].unusable)]
    limit = int(current_app.config.get("DIRECTORY_SYNC_MAX_LEFT", 20))
    if len(leaving) > limit and not force:
        log.error("directory sync refused: %d of %d people have no usable directory entry (limit %d)",
                  len(leaving), len(people), limit)
        record_event("directory.sync_refused", details={"checked": len(people), "missing": len(leaving),
                                                         "limit": limit, "listed": len(listed)})
        return DirectorySyncReport(len(people), tuple(row.username for row in leaving), 0, 0, refused=True,
                                   listed=len(listed))
    for person in _users(row.id for row in leaving):
        item = matched.get(person.id)
        mark_left(person, now, reason=item.unusable if item is not None else "directory")

    updates, one_by_one, renamed = _changes(people, matched, gone={row.id for row in leaving})
    returned = []
    for person in _users(one_by_one):
        if person.left_at is not None:
            returned.append(one_by_one[person.id].username)
        sync_user(one_by_one[person.id], user=person)
    _update(updates)
    created = _create(new, now)
    if created or any("department" in values for values in updates):
        mark_stale(db.session, "departments")

    report = DirectorySyncReport(len(people), tuple(row.username for row in leaving), len(leaving),
                                 len(updates) + len(one_by_one), returned=tuple(returned), renamed=renamed,
                                 listed=len(listed), created=created)
    record_event("directory.sync", details={"checked": report.checked, "listed": report.listed,
                                            "created": report.created, "marked_left": report.marked_left,
                                            "returned": len(report.returned), "renamed": report.renamed,
                                            "refreshed": report.refreshed})
    log.info("directory sync: %s", report)
    return report


def _changes(people, matched: dict[int, Listed], gone: set[int]) -> tuple[list[dict], dict[int, DirectoryUser], int]:
    """What to write for the people who stay: (batch updates of changed columns, people to refresh one at a
    time because they return or have a new login name, how many got a new name, DN or stable id)."""
    updates: list[dict] = []
    one_by_one: dict[int, DirectoryUser] = {}
    renamed = 0
    for row in people:
        item = matched.get(row.id)
        if row.id in gone or item is None or item.unusable:
            continue
        entry = item.user
        renamed += int(row.username != entry.username or row.dn != entry.dn
                       or bool(entry.directory_id and row.directory_id != entry.directory_id))
        if row.left_at is not None or row.username != entry.username:
            one_by_one[row.id] = entry  # a return or a new login name: audited, as at sign-in
            continue
        changes = {name: value for name, value in directory_values(entry).items() if getattr(row, name) != value}
        if row.dn != entry.dn:
            changes.update(dn=entry.dn, dn_key=dn_key(entry.dn))
        if entry.directory_id and row.directory_id != entry.directory_id:
            changes["directory_id"] = entry.directory_id
        if changes:
            updates.append({"_id": row.id, **changes})
    return updates, one_by_one, renamed


def _match(rows, listed: list[Listed]) -> tuple[dict[int, Listed], list[DirectoryUser]]:
    """Each row's entry (by stable id, else by login name while the row has no id), and the entries new to the portal.

    A disabled or expired account nobody in the portal has is not new: it is left out.
    """
    by_id = {row.directory_id: row for row in rows if row.directory_id}
    by_name = {row.username: row for row in rows}
    matched: dict[int, Listed] = {}
    new: list[DirectoryUser] = []
    for item in listed:
        entry = item.user
        row = by_id.get(entry.directory_id) if entry.directory_id else None
        if row is None:
            row = by_name.get(entry.username)
            if row is not None and row.directory_id and entry.directory_id:
                row = None  # the name is another person's (a leaver's): this is someone new
        if row is not None:
            matched[row.id] = item
        elif not item.unusable:
            new.append(entry)
    return matched, new


def _users(ids) -> list[User]:
    """The rows with these ids as objects (for the few people whose change is audited), in batches."""
    ids = list(ids)
    found: list[User] = []
    for start in range(0, len(ids), BATCH):
        found.extend(db.session.scalars(select(User).where(User.id.in_(ids[start:start + BATCH])).order_by(User.id)))
    return found


def _update(updates: list[dict]) -> None:
    """Write only what changed: one executemany per set of changed columns, in batches."""
    table = User.__table__
    statement = update(table).where(table.c.id == bindparam("_id"))

    def columns(values: dict) -> tuple[str, ...]:
        return tuple(sorted(values))

    for _columns, group in groupby(sorted(updates, key=columns), key=columns):
        batch = list(group)
        for start in range(0, len(batch), BATCH):
            db.session.execute(statement, batch[start:start + BATCH])


def _create(entries: list[DirectoryUser], now: datetime) -> int:
    """Insert the people new to the portal in batches; those whose login name is taken go one at a time.

    A taken name belongs to a leaver whose account name was given to someone else (``sync_user``
    moves the leaver's row aside), or to someone who signed in while the sync ran.
    """
    taken: set[str] = set()
    names = [entry.username for entry in entries]
    for start in range(0, len(names), BATCH):
        taken.update(db.session.scalars(select(User.username).where(User.username.in_(names[start:start + BATCH]))))
    one_by_one = [entry for entry in entries if entry.username in taken]
    batch_wise = [entry for entry in entries if entry.username not in taken]
    created = 0
    for start in range(0, len(batch_wise), BATCH):
        batch = batch_wise[start:start + BATCH]
        try:
            with atomic():
                db.session.execute(insert(User.__table__), [_new_row(entry, now) for entry in batch])
            created += len(batch)
        except IntegrityError:  # someone in this batch signed in meanwhile: one at a time
            one_by_one.extend(batch)
    for entry in one_by_one:
        known = match_user(entry.directory_id, entry.username)
        sync_user(entry, user=known)
        created += int(known is None)
    return created


def _new_row(entry: DirectoryUser, now: datetime) -> dict:
    return {"username": entry.username, "directory_id": entry.directory_id, "dn": entry.dn, "dn_key": dn_key(entry.dn),
            "first_seen_at": now, "language": "nl", "is_enabled": True, "session_generation": 0,
            **directory_values(entry)}
