"""The audit trail's sentences for the oath: ceremonies, registrations, attendance and the statement."""

from __future__ import annotations

from flask import url_for
from flask_babel import format_datetime
from sqlalchemy import select

from portal.core.audit_sentences import AuditObject, EventFacts, Sentence, label_of
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.oath.access import is_hr
from portal.oath.models import OathSession
from portal.oath.states import Formula, RegistrationStatus

#: the words of a session's fields (``oath.session_update``'s ``changed``)
SESSION_FIELDS = {
    "starts_at": _l("begintijd"), "ends_at": _l("eindtijd"), "location": _l("plaats"),
    "online_url": _l("onlinelink"), "capacity": _l("aantal plaatsen"), "official": _l("wie de eed afneemt"),
    "language": _l("taal"), "notes": _l("toelichting"), "registration_deadline": _l("aanmelden tot"),
}


def resolve_sessions(ids: set[int], viewer) -> dict[int, AuditObject]:
    """A ceremony by its local date and time; HR's page for HR, the public page for other signed-in people."""
    signed_in = getattr(viewer, "is_authenticated", False)
    endpoint = "oath.admin_session" if is_hr(viewer) else "oath.session"
    found = {}
    for session_id, starts_at in db.session.execute(
            select(OathSession.id, OathSession.starts_at).where(OathSession.id.in_(ids))):
        name = _("de bijeenkomst van %(when)s", when=format_datetime(starts_at, "d MMMM yyyy, HH:mm"))
        found[session_id] = AuditObject(name, url_for(endpoint, session_id=session_id) if signed_in else None)
    return found


def session(e: EventFacts) -> AuditObject:
    """The ceremony: the event's object, or the one its details name."""
    return e.object if e.object_type == "oathsession" and e.object else e.ref("session_id", _("een bijeenkomst"))


def _session_create(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(session)s gepland, met %(capacity)s plaatsen."),
                 session=session(e), capacity=e.detail("capacity", "?"))


def _session_update(e: EventFacts) -> Sentence:
    changed = [str(SESSION_FIELDS.get(name, name)) for name in e.detail("changed", [])]
    return e.say(_l("%(actor)s heeft %(session)s gewijzigd: %(fields)s."),
                 session=session(e), fields=", ".join(changed) or "-")


def _session_cancel(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(session)s geannuleerd; %(count)s aanmeldingen zijn vervallen."),
                 session=session(e), count=e.detail("registrations", 0))


def _register(e: EventFacts) -> Sentence:
    if e.detail("status") == RegistrationStatus.waitlisted.value:
        return e.say(_l("%(actor)s staat op de wachtlijst voor %(session)s."), session=session(e))
    return e.say(_l("%(actor)s heeft zich aangemeld voor %(session)s."), session=session(e))


def _cancel(e: EventFacts) -> Sentence:
    if e.detail("by_hr", False):
        return e.say(_l("%(actor)s heeft %(subject)s afgemeld voor %(session)s."), session=session(e))
    return e.say(_l("%(actor)s heeft zich afgemeld voor %(session)s."), session=session(e))


def _promote(e: EventFacts) -> Sentence:
    return e.say(_l("%(subject)s heeft een plaats gekregen bij %(session)s (van de wachtlijst)."), session=session(e))


def _waitlist_closed(e: EventFacts) -> Sentence:
    return e.say(_l("De wachtlijst van %(session)s is gesloten; %(subject)s heeft geen plaats gekregen."),
                 session=session(e))


def _mark(e: EventFacts) -> Sentence:
    status = e.action.removeprefix("oath.mark_")
    if status == RegistrationStatus.attended.value:
        return e.say(_l("%(actor)s heeft vastgelegd dat %(subject)s de eed of belofte heeft afgelegd bij "
                        "%(session)s."), session=session(e))
    if status == RegistrationStatus.no_show.value:
        return e.say(_l("%(actor)s heeft vastgelegd dat %(subject)s niet is verschenen bij %(session)s."),
                     session=session(e))
    return e.say(_l("%(actor)s heeft de aanwezigheid van %(subject)s vastgelegd bij %(session)s: %(status)s."),
                 session=session(e), status=label_of(RegistrationStatus, status).lower())


def _statement_page(e: EventFacts) -> AuditObject:
    return AuditObject(_("de integriteitsverklaring"),
                       url_for("oath.admin_statements") if is_hr(e.viewer) else None)


def _statement_published(e: EventFacts) -> Sentence:
    return e.by(_l("%(actor)s heeft versie %(version)s van %(statement)s gepubliceerd."),
                _l("Versie %(version)s van %(statement)s is gepubliceerd."),
                statement=_statement_page(e), version=e.detail("version", "?"))


def _statement_signed(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft versie %(version)s van %(statement)s ondertekend."),
                 statement=_statement_page(e), version=e.detail("version", "?"))


def _formula_published(e: EventFacts) -> Sentence:
    formula = label_of(Formula, e.detail("formula")).lower()
    language = _("Engels") if e.detail("language") == "en" else _("Nederlands")
    return e.by(_l("%(actor)s heeft versie %(version)s van de tekst van de %(formula)s gepubliceerd (%(language)s)."),
                _l("Versie %(version)s van de tekst van de %(formula)s is gepubliceerd (%(language)s)."),
                version=e.detail("version", "?"), formula=formula, language=language)


def _todo_reminders(e: EventFacts) -> Sentence:
    return e.by(_l("%(actor)s heeft een herinnering gestuurd aan wie de eed of belofte nog moet afleggen: "
                   "%(queued)s mails, %(skipped)s personen overgeslagen."),
                _l("Het portaal heeft een herinnering gestuurd aan wie de eed of belofte nog moet afleggen: "
                   "%(queued)s mails, %(skipped)s personen overgeslagen."),
                queued=e.detail("queued", 0), skipped=e.detail("skipped", 0))


def _certificate(e: EventFacts) -> Sentence:
    if e.actor_name and e.actor_name == e.subject_name:
        return e.say(_l("%(actor)s heeft de eigen oorkonde van de eed of belofte gedownload."))
    return e.say(_l("%(actor)s heeft de oorkonde van %(subject)s gedownload."))


def _import(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft uit het bestand „%(file)s” %(recorded)s eerder afgelegde eden en beloften "
                    "ingelezen (%(existing)s stonden er al)."), file=e.detail("file", "?"),
                 recorded=e.detail("recorded", 0), existing=e.detail("already_recorded", 0))


SENTENCES = {
    "oath.import": _import,
    "oath.session_create": _session_create,
    "oath.session_update": _session_update,
    "oath.session_cancel": _session_cancel,
    "oath.register": _register,
    "oath.cancel_registration": _cancel,
    "oath.promote": _promote,
    "oath.waitlist_closed": _waitlist_closed,
    "oath.mark_*": _mark,
    "oath.statement_published": _statement_published,
    "oath.statement_signed": _statement_signed,
    "oath.formula_published": _formula_published,
    "oath.todo_reminders": _todo_reminders,
    "oath.certificate_download": _certificate,
}
OBJECTS = {"oathsession": resolve_sessions}
_ON_A_SESSION = {"session_id": "oathsession"}
REFERENCES = {action: _ON_A_SESSION for action in (
    "oath.register", "oath.cancel_registration", "oath.promote", "oath.waitlist_closed", "oath.mark_attended",
    "oath.mark_no_show")}
