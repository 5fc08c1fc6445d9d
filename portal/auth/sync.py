"""The directory sync: who left, who came back, who was renamed, whose roles changed."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal.auth.directory import Account, InvalidCredentials, ServiceAccountRefused
from portal.auth.models import User
from portal.auth.refusal import record_refusal
from portal.auth.services import DIRECTORY_REASONS, directory_in_use, mark_left, sync_user
from portal.core.audit import record_event
from portal.extensions import db

log = logging.getLogger("portal.auth")


@dataclass(frozen=True)
class DirectorySyncReport:
    checked: int  #: people looked up (those without a leaving date, and those who left because of the directory)
    missing: tuple[str, ...]  #: usernames without a usable directory entry
    marked_left: int
    refreshed: int  #: people with a role whose entry and groups were read again
    refused: bool = False  #: too many missing: nobody was marked (see DIRECTORY_SYNC_MAX_LEFT)
    returned: tuple[str, ...] = ()  #: people who had left and are back in the directory
    renamed: int = 0  #: login names or DNs brought up to date


def _has_role(person: User) -> bool:
    return person.is_reviewer or person.is_admin or person.is_top_official or person.is_high_risk


def sync_directory(now: datetime, *, force: bool = False) -> DirectorySyncReport:
    """Compare the people in the portal with the directory (the nightly job).

    People are matched by the directory's stable id (by login name until their id is known).
    Someone without a usable entry (none, disabled, or ``accountExpires`` past) has left:
    ``left_at`` is set, their sessions end and the retention period starts. Someone who left
    because of the directory and whose entry is usable again is restored. A renamed account
    keeps its row; its login name and DN are updated. People with a role get their entry and
    groups read again. More than DIRECTORY_SYNC_MAX_LEFT leaving at once is refused unless
    ``force``. A directory that cannot be read raises DirectoryUnavailable and changes nothing.
    """
    try:
        directory = directory_in_use()
        people = db.session.scalars(
            select(User).where(User.left_at.is_(None) | User.left_reason.in_(DIRECTORY_REASONS)).order_by(User.id)
        ).all()
        accounts = directory.find_accounts([p.directory_id for p in people if p.directory_id],
                                           [p.username for p in people if not p.directory_id])
    except ServiceAccountRefused as exc:
        record_refusal(current_app.config, str(exc))
        raise
    by_id = {a.directory_id: a for a in accounts if a.directory_id}
    by_name = {a.username: a for a in accounts}

    def account_of(person: User) -> Account | None:
        if person.directory_id:
            return by_id.get(person.directory_id)
        return by_name.get(person.username)

    matched = {person.id: account_of(person) for person in people}
    leaving = [p for p in people if p.left_at is None and (matched[p.id] is None or matched[p.id].unusable)]
    limit = int(current_app.config.get("DIRECTORY_SYNC_MAX_LEFT", 20))
    if len(leaving) > limit and not force:
        log.error("directory sync refused: %d of %d people have no usable directory entry (limit %d)",
                  len(leaving), len(people), limit)
        record_event("directory.sync_refused", details={"checked": len(people), "missing": len(leaving),
                                                         "limit": limit})
        return DirectorySyncReport(len(people), tuple(p.username for p in leaving), 0, 0, refused=True)
    for person in leaving:
        account = matched[person.id]
        mark_left(person, now, reason=account.unusable if account is not None else "directory")
    gone = {person.id for person in leaving}
    refreshed, renamed, returned = 0, 0, []
    for person in people:
        account = matched[person.id]
        if person.id in gone or account is None or account.unusable:
            continue
        was_left = person.left_at is not None
        stale = person.username != account.username or person.dn != account.dn or not person.directory_id
        if not (stale or was_left or _has_role(person)):
            continue
        try:
            entry = directory.entry_of(account.username)
        except InvalidCredentials:  # several entries: leave this person as they are
            log.warning("directory sync: several entries for %s; not refreshed", account.username)
            continue
        if entry is None:
            continue
        if was_left and person.left_reason in DIRECTORY_REASONS:
            returned.append(entry.username)
        had_role = _has_role(person)
        sync_user(entry, user=person)
        renamed += int(stale)
        refreshed += int(had_role)
    report = DirectorySyncReport(len(people), tuple(p.username for p in leaving), len(leaving), refreshed,
                                 returned=tuple(returned), renamed=renamed)
    record_event("directory.sync", details={"checked": report.checked, "marked_left": report.marked_left,
                                            "returned": len(report.returned), "renamed": report.renamed,
                                            "refreshed": report.refreshed})
    log.info("directory sync: %s", report)
    return report

