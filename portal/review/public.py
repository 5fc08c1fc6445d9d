"""The public register of top officials' side activities: one source for HTML, CSV and JSON.

Only this is public: each active top official's name and function, and for each current
side activity the organisation (never blanked), the role and description, paid or not,
and the restrictions imposed. Nothing about financial interests, other staff, or
pending or refused declarations.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Optional

from flask import current_app
from sqlalchemy import and_, func, select, true
from sqlalchemy.orm import aliased

from portal.auth.models import User
from portal.core.cache import cached, define_cache
from portal.core.time import as_utc, to_local, today_local
from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion
from portal.declarations.states import APPROVALS
from portal.extensions import db
from portal.review.models import RegisterSnapshot
from portal.review.queries import current_entries_condition


@dataclass(frozen=True)
class PublicActivity:
    organisation: str
    role: str
    description: str
    paid: bool
    restrictions: Optional[str]


@dataclass
class PublicOfficial:
    name: str
    function: str
    activities: list[PublicActivity] = field(default_factory=list)


def _active_top_officials():
    return and_(User.is_top_official.is_(true()), User.is_enabled.is_(true()), User.left_at.is_(None))


def public_register() -> list[PublicOfficial]:
    """Every active top official (by name) with their current side activities: one query."""
    version = aliased(DeclarationVersion)
    rows = db.session.execute(
        select(User.id, User.display_name, User.job_title, version.organisation_name, version.role,
               version.description, version.is_paid, version.conditions)
        .select_from(User)
        .outerjoin(Declaration, and_(Declaration.owner_id == User.id,
                                     Declaration.kind == DeclarationKind.side_activity))
        .outerjoin(version, and_(version.id == Declaration.current_version_id,
                                 current_entries_condition(version, today_local())))
        .where(_active_top_officials())
        .order_by(User.display_name, User.id, version.organisation_name, version.id)
    ).all()
    officials: dict[int, PublicOfficial] = {}
    for user_id, name, function, organisation, role, description, paid, conditions in rows:
        official = officials.setdefault(user_id, PublicOfficial(name=name, function=function or ""))
        if organisation is not None:
            official.activities.append(PublicActivity(
                organisation=organisation, role=role or "", description=description or "",
                paid=bool(paid), restrictions=conditions or None,
            ))
    return list(officials.values())


def register_fingerprint(officials: list[PublicOfficial]) -> str:
    payload = json.dumps([asdict(o) for o in officials], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record_snapshot(now: datetime) -> bool:
    """Store a new fingerprint when the register's content changed; True when it did."""
    officials = public_register()
    fingerprint = register_fingerprint(officials)
    latest = db.session.scalar(select(RegisterSnapshot).order_by(RegisterSnapshot.changed_at.desc(),
                                                                 RegisterSnapshot.id.desc()).limit(1))
    if latest is not None and latest.content_hash == fingerprint:
        return False
    db.session.add(RegisterSnapshot(content_hash=fingerprint, changed_at=now,
                                    entry_count=sum(len(o.activities) for o in officials)))
    db.session.flush()
    return True


def last_changed() -> Optional[datetime]:
    """When the register last changed: a decision or an end of a published activity, or a snapshot.

    Decisions and ends are read from the data, so the date is right the moment they happen;
    snapshots (taken by the hourly job) catch the rest, such as an official leaving the group.
    """
    version = aliased(DeclarationVersion)
    published = and_(
        Declaration.owner_id == User.id, User.is_top_official.is_(true()),
        Declaration.kind == DeclarationKind.side_activity,
        Declaration.current_version_id == version.id, version.status.in_(list(APPROVALS)),
    )
    decided, ended = db.session.execute(
        select(func.max(version.decided_at), func.max(Declaration.ended_at)).select_from(Declaration)
        .join(User, User.id == Declaration.owner_id).join(version, version.id == Declaration.current_version_id)
        .where(published)
    ).one()
    snapshot = db.session.scalar(select(func.max(RegisterSnapshot.changed_at)))
    moments = [as_utc(m) for m in (decided, ended, snapshot) if m is not None]
    return max(moments) if moments else None


#: how old the public register may be when another process changed it (a change in this
#: process clears it at once; the open-data files may sit in shared caches for five minutes anyway)
PUBLIC_REGISTER_SECONDS = 30
def _register_changed(obj, session) -> bool:
    return isinstance(obj, (Declaration, DeclarationVersion, User, RegisterSnapshot))


define_cache("review.public_register", PUBLIC_REGISTER_SECONDS, _register_changed)
#: the same register as the JSON text itself: encoding it is most of what a request for it costs
define_cache("review.public_register_json", PUBLIC_REGISTER_SECONDS, _register_changed)


def published_register() -> tuple[list[PublicOfficial], Optional[datetime]]:
    """The register and when it last changed, as every visitor sees it (shared for a few seconds).

    The lists are shared between requests: read them, do not change them.
    """
    return cached("review.public_register", today_local(), lambda: (public_register(), last_changed()))


def published_register_json(organisation: str) -> str:
    """The open-data JSON document, encoded once and shared like ``published_register``."""
    def encode() -> str:
        officials, changed = published_register()
        return current_app.json.dumps(register_json(officials, changed, organisation), separators=(",", ":"))

    return cached("review.public_register_json", (today_local(), organisation), encode)


def flat_rows(officials: list[PublicOfficial]) -> list[dict]:
    """One row per activity (an official without activities gets one row without): CSV and HTML."""
    rows = []
    for official in officials:
        for activity in official.activities or [None]:
            rows.append({
                "name": official.name,
                "function": official.function,
                "organisation": activity.organisation if activity else "",
                "role": activity.role if activity else "",
                "description": activity.description if activity else "",
                "paid": activity.paid if activity else None,
                "restrictions": (activity.restrictions or "") if activity else "",
            })
    return rows


def register_json(officials: list[PublicOfficial], changed: Optional[datetime], organisation: str) -> dict:
    return {
        "organisation": organisation,
        "last_changed": to_local(changed).isoformat(timespec="seconds") if changed else None,
        "officials": [
            {
                "name": o.name,
                "function": o.function,
                "side_activities": [asdict(a) for a in o.activities],
            }
            for o in officials
        ],
    }
