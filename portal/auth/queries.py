"""Who is whose manager, as the directory's ``manager`` attribute says (LDAP_ATTR_MANAGER)."""

from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db


def manager_of(person: User) -> Optional[User]:
    """The person's manager in the portal, or None (no manager attribute, or not known in the portal)."""
    if not person.manager_dn:
        return None
    return db.session.scalars(
        select(User).where(User.dn_key == person.manager_dn, User.left_at.is_(None)).order_by(User.id).limit(1)
    ).first()


def is_manager_of(manager: User, person: User) -> bool:
    """True when ``manager`` is ``person``'s manager according to the directory (never one's own)."""
    return bool(person.manager_dn and manager.dn_key and manager.id != person.id
                and manager.dn_key == person.manager_dn)


def staff_of(manager: User) -> list[User]:
    """The people whose manager attribute points at ``manager`` and who have not left, by name."""
    if not manager.dn_key:
        return []
    return list(db.session.scalars(
        select(User).where(User.manager_dn == manager.dn_key, User.left_at.is_(None), User.id != manager.id)
        .order_by(User.display_name, User.id)
    ))
