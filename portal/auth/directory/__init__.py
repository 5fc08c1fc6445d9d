"""The directory (LDAP / Active Directory): who someone is, whether their password is right, their roles.

``client`` talks to the server, ``breaker`` stops hammering one that fails, ``dn`` compares
names, ``groups`` resolves nesting, ``ad`` knows Active Directory's peculiarities, ``demo`` is
the built-in development directory, ``registry`` hands out one client per configuration.
"""

from .client import Directory
from .dn import normalise_dn
from .entry import Account, DirectoryUser, Listed, name_key
from .errors import (
    AccountUnusable,
    DirectoryError,
    DirectoryUnavailable,
    InvalidCredentials,
    NoEntry,
    ServiceAccountRefused,
)
from .registry import get_directory

__all__ = [
    "Account", "AccountUnusable", "Directory", "DirectoryError", "DirectoryUnavailable", "DirectoryUser",
    "InvalidCredentials", "Listed", "NoEntry", "ServiceAccountRefused", "get_directory", "name_key", "normalise_dn",
]
