"""One directory client per app and LDAP_* configuration."""

from __future__ import annotations

from typing import Any, Mapping

from flask import current_app, has_app_context

from .client import Directory
from .demo import DemoDirectory

_directories: dict[tuple, Directory] = {}


def get_directory(config: Mapping[str, Any]) -> Directory:
    """The directory client for ``config``; ``LDAP_URL = "demo"`` gives the built-in demo directory.

    Clients are kept per LDAP_* configuration, so that what they learn (whether the server is
    Active Directory, whether it failed just now, a refused service account) is learnt once
    per app; a changed configuration is a new client that tries again.
    """
    settings = {key: value for key, value in config.items() if key.startswith("LDAP_")}
    key = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in settings.items()))
    # Kept with the app when there is one: what a client learns, and its circuit breaker, then
    # belong to that app (tests build many apps in one process).
    cache = current_app.extensions.setdefault("portal_directories", {}) if has_app_context() else _directories
    directory = cache.get(key)
    if directory is None:
        if str(settings.get("LDAP_URL", "")).strip().lower() == "demo":
            directory = DemoDirectory(settings)
        else:
            directory = Directory(settings)
        cache[key] = directory
    return directory
