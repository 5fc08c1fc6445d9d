"""Who may see reports of suspected breaches: integrity coordinators only (not HR, not administrators).

The reporter sees the status of their own reports, never the case itself.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy.orm import selectinload

from portal.concerns.models import Concern, ConcernAttachment
from portal.core.access import has_role
from portal.extensions import db


def is_coordinator(user) -> bool:
    return has_role(user, "integrity_officer")


def is_adviser(user) -> bool:
    return has_role(user, "confidential_adviser")


def can_see_concerns(user) -> bool:
    """The one question every page, export, audit view and mail list asks about concerns."""
    return is_coordinator(user)


def get_concern(concern_id: int, for_user) -> Concern:
    """The concern for a coordinator: 404 when it does not exist, 403 for anyone else."""
    if not can_see_concerns(for_user):
        abort(403)
    concern = db.session.get(Concern, concern_id, options=[selectinload(Concern.notes),
                                                           selectinload(Concern.attachments)])
    if concern is None:
        abort(404)
    return concern


def get_attachment(concern: Concern, attachment_id: int) -> ConcernAttachment:
    """An attachment of ``concern`` (already checked); 404 for another concern's file."""
    attachment = db.session.get(ConcernAttachment, attachment_id)
    if attachment is None or attachment.concern_id != concern.id:
        abort(404)
    return attachment
