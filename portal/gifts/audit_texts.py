"""The audit trail's sentences for gifts and invitations; a gift is named by its description only for
those who may open it (its owner, HR and the keepers of the register), else by its number."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from portal.core.audit_sentences import AuditObject, EventFacts, Sentence, label_of
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.gifts.access import can_read_register, is_hr
from portal.gifts.models import Gift
from portal.gifts.states import Decision, GiftStatus


def resolve_gifts(ids: set[int], viewer) -> dict[int, AuditObject]:
    sees_all = is_hr(viewer) or can_read_register(viewer)
    viewer_id = getattr(viewer, "id", None) if getattr(viewer, "is_authenticated", False) else None
    found = {}
    for gift_id, owner_id, description in db.session.execute(
            select(Gift.id, Gift.owner_id, Gift.description).where(Gift.id.in_(ids))):
        if sees_all or (viewer_id is not None and viewer_id == owner_id):
            found[gift_id] = AuditObject(_("het geschenk of de uitnodiging „%(description)s”", description=description),
                                         url_for("gifts.detail", gift_id=gift_id))
        else:
            found[gift_id] = AuditObject(_("het geschenk of de uitnodiging met nummer %(number)s", number=gift_id))
    return found


def gift(e: EventFacts) -> AuditObject:
    return e.thing(_("een geschenk of uitnodiging"))


def register(e: EventFacts) -> AuditObject:
    return AuditObject(_("het register van geschenken"),
                       url_for("gifts.register") if can_read_register(e.viewer) else None)


def _report(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s gemeld. Stand: %(status)s."),
                 object=gift(e), status=label_of(GiftStatus, e.detail("status")))


def _decide(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft besloten over %(object)s van %(subject)s: %(decision)s."),
                 object=gift(e), decision=label_of(Decision, e.detail("decision")).lower())


def _view(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s van %(subject)s bekeken."), object=gift(e))


def _register_view(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(register)s bekeken."), register=register(e))


def _team_view(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de lijst geopend van geschenken en uitnodigingen waarover hij of zij beslist."))


def _register_export(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(register)s gedownload als CSV-bestand."), register=register(e))


SENTENCES = {
    "gift.report": _report,
    "gift.decide": _decide,
    "gift.view": _view,
    "gift.register_view": _register_view,
    "gift.team_view": _team_view,
    "gift.register_export": _register_export,
}
OBJECTS = {"gift": resolve_gifts}
