"""The audit trail's sentences for reports of suspected breaches and advisers' contacts.

Only integrity coordinators see these events (``CONFIDENTIAL_ACTION_PREFIXES`` in the trail's queries);
a concern is named by its number and linked only for them all the same.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from portal.concerns.access import can_see_concerns
from portal.concerns.models import Concern
from portal.concerns.states import (
    CATEGORY_LABELS,
    CONTACT_NATURES,
    MEASURE_LABELS,
    Channel,
    ConcernStatus,
    InvestigationType,
    Outcome,
    label_of,
)
from portal.core.audit_sentences import AuditObject, EventFacts, Sentence
from portal.core.audit_sentences import label_of as enum_label
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db


def resolve_concerns(ids: set[int], viewer) -> dict[int, AuditObject]:
    """A concern by its number, with a link to the case: for integrity coordinators only."""
    if not can_see_concerns(viewer):
        return {}
    rows = db.session.scalars(select(Concern).where(Concern.id.in_(ids)))
    return {c.id: AuditObject(_("melding %(reference)s", reference=c.reference),
                              url_for("concerns.case", concern_id=c.id)) for c in rows}


def concern(e: EventFacts) -> AuditObject:
    return e.thing(_("een melding"))


def _status(value) -> str:
    return enum_label(ConcernStatus, value).lower()


def _file(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s gedaan via het portaal."), object=concern(e))


def _register(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s geregistreerd (%(channel)s)."),
                 object=concern(e), channel=enum_label(Channel, e.detail("channel")).lower())


def _view(e: EventFacts) -> Sentence:
    if str(e.detail("what")).startswith("attachment"):
        return e.say(_l("%(actor)s heeft een bijlage van %(object)s geopend."), object=concern(e))
    return e.say(_l("%(actor)s heeft %(object)s bekeken."), object=concern(e))


def _confirm_receipt(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de ontvangst van %(object)s bevestigd."), object=concern(e))


def _change(old, new, labels) -> str:
    new_text = label_of(labels, new) if new else _("geen")
    return new_text if old is None and new else _("%(new)s (was: %(old)s)", new=new_text,
                                                  old=label_of(labels, old) if old else _("geen"))


def _classify(e: EventFacts) -> Sentence:
    category, measure = e.detail("category", None), e.detail("measure", None)
    if category and measure:
        return e.say(_l("%(actor)s heeft bij %(object)s de categorie vastgelegd op %(category)s en de maatregel "
                        "op %(measure)s."), object=concern(e),
                     category=_change(*category, CATEGORY_LABELS), measure=_change(*measure, MEASURE_LABELS))
    if measure:
        return e.say(_l("%(actor)s heeft bij %(object)s de maatregel vastgelegd op %(measure)s."),
                     object=concern(e), measure=_change(*measure, MEASURE_LABELS))
    return e.say(_l("%(actor)s heeft bij %(object)s de categorie vastgelegd op %(category)s."),
                 object=concern(e), category=_change(*(category or (None, None)), CATEGORY_LABELS))


def _investigate(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft het onderzoek naar %(object)s gestart (%(kind)s). De status was %(old)s."),
                 object=concern(e), kind=enum_label(InvestigationType, e.detail("investigation")).lower(),
                 old=_status(e.detail("from")))


def _assess(e: EventFacts) -> Sentence:
    measure = e.detail("measure", None)
    if measure:
        return e.say(_l("%(actor)s heeft %(object)s beoordeeld als %(outcome)s, met als maatregel %(measure)s."),
                     object=concern(e), outcome=enum_label(Outcome, e.detail("outcome")).lower(),
                     measure=label_of(MEASURE_LABELS, measure).lower())
    return e.say(_l("%(actor)s heeft %(object)s beoordeeld als %(outcome)s."),
                 object=concern(e), outcome=enum_label(Outcome, e.detail("outcome")).lower())


def _close(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s afgesloten. De status was %(old)s."),
                 object=concern(e), old=_status(e.detail("from")))


def _note(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een interne notitie toegevoegd bij %(object)s."), object=concern(e))


def _attach(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een bestand toegevoegd bij %(object)s."), object=concern(e))


def _case_list(e: EventFacts) -> AuditObject:
    return AuditObject(_("de lijst met meldingen"), url_for("concerns.index") if can_see_concerns(e.viewer) else None)


def _list(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(list)s bekeken (%(count)s meldingen)."),
                 list=_case_list(e), count=e.detail("count", 0))


def _export(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(list)s gedownload als CSV-bestand (%(count)s meldingen)."),
                 list=_case_list(e), count=e.detail("count", 0))


def _contact(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een contact als vertrouwenspersoon vastgelegd: %(nature)s, %(people)s "
                    "personen."),
                 nature=label_of(CONTACT_NATURES, e.detail("nature")).lower(), people=e.detail("people", 0))


SENTENCES = {
    "concern.file": _file,
    "concern.register": _register,
    "concern.view": _view,
    "concern.confirm_receipt": _confirm_receipt,
    "concern.classify": _classify,
    "concern.investigate": _investigate,
    "concern.assess": _assess,
    "concern.close": _close,
    "concern.note": _note,
    "concern.attach": _attach,
    "concern.list": _list,
    "concern.export": _export,
    "adviser_contact.log": _contact,
}
OBJECTS = {"concern": resolve_concerns}
