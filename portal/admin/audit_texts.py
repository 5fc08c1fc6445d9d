"""The audit trail's sentence for the retention job."""

from __future__ import annotations

from portal.core.audit_sentences import EventFacts, Sentence
from portal.core.i18n import lazy_gettext as _l


def _retention(e: EventFacts) -> Sentence:
    return e.say(_l("Het portaal heeft de bewaartermijnen toegepast: %(users)s vertrokken personen "
                    "geanonimiseerd, %(concerns)s meldingen en %(audit_events)s oude regels van de audittrail "
                    "verwijderd."),
                 users=e.detail("users", 0), concerns=e.detail("concerns", 0),
                 audit_events=e.detail("audit_events", 0))


SENTENCES = {"retention.applied": _retention}
