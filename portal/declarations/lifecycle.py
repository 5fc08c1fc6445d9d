"""Shared machinery of the declaration services: refusals, derived status, audit, race guard.

Used by ``services`` (the employee's actions) and ``portal.review.services`` (HR's).
"""

from __future__ import annotations

import functools
from typing import Any, Optional

from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from portal.core.audit import record_event
from portal.core.i18n import lazy_gettext as _l
from portal.core.transaction import atomic
from portal.declarations.models import Declaration, DeclarationVersion
from portal.declarations.states import QUEUE_STATUSES, DeclarationError, derive_declaration_status
from portal.extensions import db


class OwnDeclarationError(DeclarationError):
    default_message = _l("U kunt geen verklaring van uzelf beoordelen. Laat een collega dit doen.")


class StaleDeclaration(DeclarationError):
    default_message = _l(
        "Iemand anders heeft deze verklaring intussen gewijzigd. Bekijk de nieuwe stand en probeer het opnieuw."
    )


class IncompleteVersion(DeclarationError):
    default_message = _l("Niet alle verplichte vragen zijn beantwoord. Vul ze aan en dien de verklaring opnieuw in.")


#: what a declaration page needs, loaded in bulk (no query per version); the version in force and
#: the pending one are among the versions, so their links come from the session without a query
LOAD = (
    selectinload(Declaration.versions).selectinload(DeclarationVersion.information_requests),
)


def link_versions(declaration: Declaration, **links: Optional[DeclarationVersion]) -> None:
    """Point ``declaration`` at its version in force (``current=``) and/or its pending one (``pending=``),
    and store the status that follows (``sync_status``).

    Both links are ``post_update`` relationships: a new declaration and its first version refer to
    each other, so the ORM writes a link in a second UPDATE of the row after its own, and it does so
    at every flush in which the relationship is loaded and the key changed. For versions that have
    their rows the keys are set as columns instead (they go into the row's own UPDATE, with its
    lock_version check) and the relationships are left unloaded: read again, they come from the
    session without a query. A new version is linked the ORM's way.
    """
    unloaded = []
    for name, version in links.items():
        if version is not None and version.id is None:
            setattr(declaration, f"{name}_version", version)
            continue
        setattr(declaration, f"{name}_version_id", version.id if version is not None else None)
        set_committed_value(declaration, f"{name}_version", version)  # for sync_status, as if loaded
        unloaded.append(f"{name}_version")
    sync_status(declaration)
    if unloaded:
        db.session.expire(declaration, unloaded)


def sync_status(declaration: Declaration) -> None:
    """Store the status derived from the version in force and the pending one."""
    current, pending = declaration.current_version, declaration.pending_version
    declaration.status = derive_declaration_status(
        current.status if current else None,
        pending.status if pending else None,
        is_ended=declaration.ended_on is not None,
    )
    if declaration.status not in QUEUE_STATUSES:
        declaration.submitted_at = None  # nothing waits for HR


def guarded(service):
    """A service in its own savepoint: a refusal leaves nothing behind, and a lost race on
    ``lock_version`` (at any flush, autoflush included) becomes a StaleDeclaration.

    A guarded service called by another (``change_declaration`` → ``start_change``, ``save_draft``,
    ``submit_version``) runs in its caller's savepoint: no guarded service catches another's
    refusal, so the outer savepoint undoes the same writes, without a SAVEPOINT and RELEASE each.
    """

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        info = db.session.info
        if info.get(_GUARDED):
            return service(*args, **kwargs)
        info[_GUARDED] = True
        try:
            with atomic():
                return service(*args, **kwargs)
        except StaleDataError as exc:
            raise StaleDeclaration() from exc
        finally:
            info.pop(_GUARDED, None)

    return wrapper


#: session.info key: a guarded service is running (its savepoint is open)
_GUARDED = "portal_guarded"


def audit(action: str, declaration: Declaration, actor, **details: Any) -> None:
    record_event(**audit_event(action, declaration, actor, **details))


def audit_event(action: str, declaration: Declaration, actor, **details: Any) -> dict[str, Any]:
    """What ``audit`` records about a declaration, as ``record_events`` takes it (several in one INSERT)."""
    return dict(action=action, actor=actor, obj=declaration, subject_user_id=declaration.owner_id, details=details)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
