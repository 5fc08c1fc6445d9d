"""Access checks. Views call these helpers instead of testing roles inline."""

from __future__ import annotations

from functools import wraps
from typing import Callable, TypeVar

from flask import abort
from flask_login import current_user, login_required

F = TypeVar("F", bound=Callable)

ROLES = ("reviewer", "admin", "top_official", "high_risk", "integrity_officer", "confidential_adviser")


def has_role(user, role: str) -> bool:
    """True when ``user`` is signed in and holds ``role`` (a name from ROLES)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    return bool(getattr(user, "is_authenticated", False) and getattr(user, f"is_{role}", False))


def role_required(*roles: str) -> Callable[[F], F]:
    """Decorator: sign-in required, and at least one of ``roles`` (403 otherwise)."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not any(has_role(current_user, role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def ensure_found(obj):
    """Return ``obj`` or answer 404: used where existence itself must not leak."""
    if obj is None:
        abort(404)
    return obj
