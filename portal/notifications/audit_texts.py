"""The audit trail's sentences for the mail outbox (only administrators act on it)."""

from __future__ import annotations

from portal.core.audit_sentences import EventFacts, Sentence
from portal.core.i18n import lazy_gettext as _l


def _retry(e: EventFacts) -> Sentence:
    if e.subject_name:
        return e.say(_l("%(actor)s heeft een mail aan %(subject)s opnieuw laten versturen (na %(attempts)s "
                        "pogingen)."), attempts=e.detail("attempts", 0))
    return e.say(_l("%(actor)s heeft een mail opnieuw laten versturen (na %(attempts)s pogingen)."),
                 attempts=e.detail("attempts", 0))


def _view_body(e: EventFacts) -> Sentence:
    if e.subject_name:
        return e.say(_l("%(actor)s heeft de tekst van een vertrouwelijke mail aan %(subject)s geopend."))
    return e.say(_l("%(actor)s heeft de tekst van een vertrouwelijke mail geopend."))


def _test(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een testmail laten versturen naar %(recipient)s."),
                 recipient=e.detail("recipient", "?"))


SENTENCES = {"outbox.retry": _retry, "outbox.view_body": _view_body, "outbox.test": _test}
