"""The audit trail's sentences for signing in and for people who leave, return or are renamed."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.models import User
from portal.core.audit_sentences import AuditObject, EventFacts, Sentence
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db

#: why someone was marked as left (``user.left``'s reason)
LEFT_REASONS = {
    "directory": _l("staat niet meer in de directory"),
    "disabled": _l("het account is uitgeschakeld in de directory"),
    "account_expired": _l("het account is verlopen"),
    "unusable_password": _l("het wachtwoord kan niet meer worden gebruikt"),
    "manual": _l("met de hand vastgelegd"),
}


def _sign_in(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s is aangemeld bij het portaal."))


def _sign_out_everywhere(e: EventFacts) -> Sentence:
    if e.actor_name and e.actor_name == e.subject_name:
        return e.say(_l("%(actor)s heeft zich op alle apparaten afgemeld."))
    return e.say(_l("%(actor)s heeft %(subject)s op alle apparaten afgemeld."))


def _renamed(e: EventFacts) -> Sentence:
    if not (e.detail("from") and e.detail("to")):
        return e.say(_l("De gebruikersnaam van %(subject)s is gewijzigd."))
    return e.say(_l("De gebruikersnaam van %(subject)s is gewijzigd van %(old)s in %(new)s."),
                 old=e.detail("from"), new=e.detail("to"))


def _left(e: EventFacts) -> Sentence:
    reason = LEFT_REASONS.get(e.detail("reason"))
    if reason is None:
        return e.say(_l("%(subject)s is als vertrokken gemarkeerd; de bewaartermijn loopt."))
    return e.say(_l("%(subject)s is als vertrokken gemarkeerd (%(reason)s); de bewaartermijn loopt."),
                 reason=reason)


def _returned(e: EventFacts) -> Sentence:
    if e.detail("reason") == "directory":
        return e.say(_l("%(subject)s is terug in de directory en weer actief."))
    return e.by(_l("%(actor)s heeft %(subject)s weer actief gemaakt."), _l("%(subject)s is weer actief."))


def _sync(e: EventFacts) -> Sentence:
    return e.say(_l("Het portaal heeft de directory gecontroleerd: %(checked)s personen bekeken, %(left)s als "
                    "vertrokken gemarkeerd, %(returned)s terug, %(renamed)s met een nieuwe gebruikersnaam en "
                    "%(refreshed)s bijgewerkt."),
                 checked=e.detail("checked", 0), left=e.detail("marked_left", 0), returned=e.detail("returned", 0),
                 renamed=e.detail("renamed", 0), refreshed=e.detail("refreshed", 0))


def _sync_refused(e: EventFacts) -> Sentence:
    return e.say(_l("Het portaal heeft de controle van de directory gestopt: %(missing)s van de %(checked)s "
                    "personen ontbraken, meer dan de grens van %(limit)s. Niemand is als vertrokken gemarkeerd."),
                 missing=e.detail("missing", 0), checked=e.detail("checked", 0), limit=e.detail("limit", 0))


SENTENCES = {
    "auth.sign_in": _sign_in,
    "auth.sign_out_everywhere": _sign_out_everywhere,
    "user.renamed": _renamed,
    "user.left": _left,
    "user.returned": _returned,
    "directory.sync": _sync,
    "directory.sync_refused": _sync_refused,
}


def resolve_users(ids: set[int], viewer) -> dict[int, AuditObject]:
    """People by their display name (no page to link to)."""
    rows = db.session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))
    return {row.id: AuditObject(row.display_name or row.username) for row in rows}
