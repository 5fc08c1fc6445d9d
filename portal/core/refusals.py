"""The base of every area's refusal: a rule said no, with a Dutch sentence for the person."""

from __future__ import annotations

from portal.core.i18n import lazy_gettext as _l



class Refusal(Exception):
    """A rule refused an action; ``exc.message`` is a Dutch sentence for the user.

    Subclasses set ``default_message``; the message is kept lazy and translated when shown
    (services also run outside requests, in jobs and the CLI).
    """

    default_message = _l("Deze stap is nu niet mogelijk.")

    def __init__(self, message=None):
        self._message = message if message is not None else self.default_message
        super().__init__(self._message)

    @property
    def message(self) -> str:
        return str(self._message)
