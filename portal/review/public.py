"""The public register of top officials' side activities: one source for HTML, CSV and JSON.

Only this is public: each active top official's name and function, and for each current
side activity HR's public summary (review/summaries.py): the organisation (never blanked),
the role, a short description in HR's words, paid or not, and the restrictions in plain
words. Never the employee's own text nor HR's conditions verbatim, nothing about financial
interests, other staff, or pending or refused declarations. An activity in force without an
approved summary is not published yet; after a change the latest earlier summary stays.
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
from portal.review.models import PublicSummary, RegisterSnapshot
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
    #: side activities in force whose public summary HR has not approved yet (not published)
    awaiting_summary: int = 0


def _active_top_officials():
    return and_(User.is_top_official.is_(true()), User.is_enabled.is_(true()), User.left_at.is_(None))


def _published_summary_id(version):
    """The summary the register shows for the declaration in the outer query: its latest by version number."""
    described = aliased(DeclarationVersion)
    return (
        select(PublicSummary.id).join(described, described.id == PublicSummary.version_id)
        .where(PublicSummary.declaration_id == Declaration.id, described.number <= version.number)
        .order_by(described.number.desc()).limit(1).correlate(Declaration, version).scalar_subquery()
    )


def public_register() -> list[PublicOfficial]:
    """Every active top official (by name) with their current side activities as HR summarised them: one query."""
    version = aliased(DeclarationVersion)
    summary = aliased(PublicSummary)
    rows = db.session.execute(
        select(User.id, User.display_name, User.job_title, version.id, summary.organisation, summary.role,
               summary.description, summary.is_paid, summary.restrictions)
        .select_from(User)
        .outerjoin(Declaration, and_(Declaration.owner_id == User.id,
                                     Declaration.kind == DeclarationKind.side_activity))
        .outerjoin(version, and_(version.id == Declaration.current_version_id,
                                 current_entries_condition(version, today_local())))
        .outerjoin(summary, summary.id == _published_summary_id(version))
        .where(_active_top_officials())
        .order_by(User.display_name, User.id, summary.organisation, summary.id)
    ).all()
    officials: dict[int, PublicOfficial] = {}
    for user_id, name, function, version_id, organisation, role, description, paid, restrictions in rows:
        official = officials.setdefault(user_id, PublicOfficial(name=name, function=function or ""))
        if organisation is not None:
            official.activities.append(PublicActivity(
                organisation=organisation, role=role or "", description=description or "",
                paid=bool(paid), restrictions=restrictions or None,
            ))
        elif version_id is not None:
            official.awaiting_summary += 1
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
    """When the register last changed: HR approving a summary, an end of a published activity, or a snapshot.

    Approvals and ends are read from the data, so the date is right the moment they happen;
    snapshots (taken by the hourly job) catch the rest, such as an official leaving the group.
    """
    version = aliased(DeclarationVersion)
    published = and_(
        Declaration.owner_id == User.id, User.is_top_official.is_(true()),
        Declaration.kind == DeclarationKind.side_activity,
        Declaration.current_version_id == version.id, version.status.in_(list(APPROVALS)),
    )
    def latest(column):
        return (select(func.max(column)).select_from(Declaration).join(User, User.id == Declaration.owner_id)
                .join(version, version.id == Declaration.current_version_id).where(published))

    approved = db.session.scalar(latest(PublicSummary.approved_at).join(
        PublicSummary, PublicSummary.declaration_id == Declaration.id))
    ended = db.session.scalar(latest(Declaration.ended_at))
    snapshot = db.session.scalar(select(func.max(RegisterSnapshot.changed_at)))
    moments = [as_utc(m) for m in (approved, ended, snapshot) if m is not None]
    return max(moments) if moments else None


#: how old the public register may be when another process changed it (a change in this
#: process clears it at once; the open-data files may sit in shared caches for five minutes anyway)
PUBLIC_REGISTER_SECONDS = 30
def _register_changed(obj, session) -> bool:
    return isinstance(obj, (Declaration, DeclarationVersion, User, RegisterSnapshot, PublicSummary))


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
                "awaiting": official.awaiting_summary if activity is None else 0,
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
