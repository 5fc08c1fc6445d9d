"""Confidential advisers and other contacts: structured records the administrator keeps current."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from typing import Optional

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import undefer

from portal.core.audit import record_event
from portal.extensions import db
from portal.policies.models import Adviser

#: largest photo accepted (bytes)
MAX_PHOTO_BYTES = 1024 * 1024
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def detect_image_type(data: bytes) -> Optional[str]:
    """"image/png" or "image/jpeg" from the file's first bytes; None for anything else."""
    for magic, content_type in _MAGIC:
        if data.startswith(magic):
            return content_type
    return None


def tel_href(phone: Optional[str]) -> Optional[str]:
    """"030 000 00 01" → "tel:+31300000001": digits only, Dutch numbers in international form."""
    if not phone:
        return None
    # "+31 (0)30 …": the "(0)" is dialled only from within the country
    digits = re.sub(r"\D", "", phone.replace("(0)", ""))
    if not digits:
        return None
    if phone.strip().startswith("+"):
        return f"tel:+{digits}"
    if digits.startswith("00"):
        return f"tel:+{digits[2:]}"
    if digits.startswith("0") and len(digits) == 10:
        return f"tel:+31{digits[1:]}"
    return f"tel:{digits}"


def active_advisers_query() -> Select:
    """The contacts shown to everyone: internal ones first, then in the administrator's order."""
    return (
        select(Adviser)
        .where(Adviser.is_active.is_(True))
        .order_by(Adviser.is_external, Adviser.sort_order, Adviser.name, Adviser.id)
    )


def all_advisers_query() -> Select:
    return select(Adviser).order_by(
        Adviser.is_active.desc(), Adviser.is_external, Adviser.sort_order, Adviser.name, Adviser.id
    )


def get_adviser(adviser_id: int, *, active_only: bool = False, with_photo: bool = False) -> Adviser:
    """One adviser, or 404 (inactive ones only for the administrator's pages)."""
    query = select(Adviser).where(Adviser.id == adviser_id)
    if active_only:
        query = query.where(Adviser.is_active.is_(True))
    if with_photo:
        query = query.options(undefer(Adviser.photo))
    adviser = db.session.scalar(query)
    if adviser is None:
        abort(404)
    return adviser


@dataclass
class AdviserInput:
    name: str
    role: str
    organisation: str
    is_external: bool
    phone: Optional[str]
    email: Optional[str]
    availability: str
    introduction: str
    photo_alt: str
    last_checked_at: Optional[date]
    sort_order: int


def _apply(adviser: Adviser, data: AdviserInput, photo: Optional[bytes], remove_photo: bool) -> None:
    for f in fields(AdviserInput):
        setattr(adviser, f.name, getattr(data, f.name))
    if photo is not None:
        adviser.photo = photo
        adviser.photo_content_type = detect_image_type(photo)
    elif remove_photo:
        adviser.photo = None
        adviser.photo_content_type = None
        adviser.photo_alt = ""


def create_adviser(data: AdviserInput, *, photo: Optional[bytes] = None, actor=None) -> Adviser:
    """Add a contact to the advisers page."""
    adviser = Adviser()
    _apply(adviser, data, photo, remove_photo=False)
    db.session.add(adviser)
    db.session.flush()
    record_event("adviser.create", actor=actor, obj=adviser)
    return adviser


def update_adviser(
    adviser: Adviser,
    data: AdviserInput,
    *,
    photo: Optional[bytes] = None,
    remove_photo: bool = False,
    actor=None,
) -> None:
    """Change a contact's details (and photo)."""
    _apply(adviser, data, photo, remove_photo)
    db.session.flush()
    record_event("adviser.update", actor=actor, obj=adviser)


def set_adviser_active(adviser: Adviser, is_active: bool, *, actor=None) -> None:
    """Hide a contact from the advisers page (kept for the record), or show it again."""
    adviser.is_active = is_active
    db.session.flush()
    record_event("adviser.activate" if is_active else "adviser.deactivate", actor=actor, obj=adviser)
