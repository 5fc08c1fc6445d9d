"""Views of the policies area, split by audience: reading, editing (HR), the HR report, contacts."""

from __future__ import annotations

from flask import request
from flask_babel import get_locale

from portal.policies.forms import LanguageChoiceForm
from portal.policies.models import LANGUAGES


def interface_language() -> str:
    """"nl" or "en": the language the interface is shown in."""
    language = str(get_locale() or "nl")[:2]
    return language if language in LANGUAGES else "nl"


def requested_language() -> str:
    """The text language asked for with ?language=…, else the interface language."""
    form = LanguageChoiceForm(request.args)
    if form.language.data and form.validate():
        return form.language.data
    return interface_language()
