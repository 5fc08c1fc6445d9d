"""A service account the directory refused: kept in the database, so that no app server tries again.

Every bind with a wrong service password counts toward locking the service account (AD locks
it after a handful), which would stop every sign-in. So the first refusal is recorded and logged
as an error once; after it, sign-ins and the sync answer "directory unavailable" without trying,
until the configuration changes (another fingerprint) or an administrator runs
``flask portal retry-directory``.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Mapping

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.exc import IntegrityError

from portal.auth.models import DirectoryRefusal
from portal.core.time import utcnow
from portal.extensions import db

log = logging.getLogger("portal.auth")


def fingerprint(config: Mapping[str, Any]) -> str:
    """Which directory, service account and password a refusal is about."""
    parts = (config.get("LDAP_URL"), config.get("LDAP_BIND_DN"), config.get("LDAP_BIND_PASSWORD"))
    return hashlib.sha256("\x00".join(str(part or "") for part in parts).encode("utf-8")).hexdigest()


#: asked before every sign-in and sync: a table statement built once (no ORM object is needed)
_REFUSAL_MESSAGE = (select(DirectoryRefusal.__table__.c.message)
                    .where(DirectoryRefusal.__table__.c.fingerprint == bindparam("fingerprint")))


def refusal_for(config: Mapping[str, Any]) -> str | None:
    """The message of the recorded refusal of this configuration's service account, if any."""
    return db.session.connection().execute(_REFUSAL_MESSAGE, {"fingerprint": fingerprint(config)}).scalar()


def record_refusal(config: Mapping[str, Any], message: str) -> None:
    """Record the refusal in a transaction of its own (the request that met it is rolled back)."""
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(DirectoryRefusal).values(fingerprint=fingerprint(config), refused_at=utcnow(),
                                                         message=message[:1000]))
    except IntegrityError:
        return  # another worker recorded it first, and logged it
    log.error("directory: the service account's password was refused; not tried again until "
              "the configuration changes or `flask portal retry-directory`: %s", message)


def clear_refusals() -> int:
    """Forget every recorded refusal (an administrator retries); returns how many there were."""
    return db.session.execute(delete(DirectoryRefusal)).rowcount or 0
