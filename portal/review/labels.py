"""The audit trail's sentences for what HR does with declarations (registered in ``portal.review.init_app``)."""

from __future__ import annotations

from flask import url_for

from portal.core.access import has_role
from portal.core.audit_sentences import AuditObject, EventFacts, Sentence, label_of
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.declarations.audit_texts import declaration
from portal.declarations.states import VersionStatus
from portal.review.advice.states import Opinion

#: what a reviewer did with a version, as the end of "… heeft <declaration> (versie 2) …"
DECIDED = {
    VersionStatus.approved: _l("%(actor)s heeft %(object)s (versie %(version)s) goedgekeurd."),
    VersionStatus.approved_with_conditions: _l(
        "%(actor)s heeft %(object)s (versie %(version)s) goedgekeurd met voorwaarden."),
    VersionStatus.refused: _l("%(actor)s heeft %(object)s (versie %(version)s) afgewezen."),
}
#: a proposal for a second reviewer (four eyes)
PROPOSED = {
    VersionStatus.approved: _l("%(actor)s stelt voor %(object)s (versie %(version)s) goed te keuren; een "
                               "tweede beoordelaar moet dit bevestigen."),
    VersionStatus.approved_with_conditions: _l(
        "%(actor)s stelt voor %(object)s (versie %(version)s) goed te keuren met voorwaarden; een tweede "
        "beoordelaar moet dit bevestigen."),
    VersionStatus.refused: _l("%(actor)s stelt voor %(object)s (versie %(version)s) af te wijzen; een tweede "
                              "beoordelaar moet dit bevestigen."),
}


def outcome_label(value) -> str:
    """The Dutch word for a decision's outcome, in lower case for the middle of a sentence."""
    return label_of(VersionStatus, value).lower()


def _outcome(value):
    try:
        return VersionStatus(value)
    except ValueError:
        return None


def _view(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s van %(subject)s bekeken."), object=declaration(e))


def _review_start(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s is begonnen met de beoordeling van %(object)s (versie %(version)s)."),
                 object=declaration(e), version=e.detail("version", "?"))


def _info_request(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(subject)s een vraag gesteld over %(object)s (versie %(version)s)."),
                 object=declaration(e), version=e.detail("version", "?"))


def _decide(e: EventFacts) -> Sentence:
    template = DECIDED.get(_outcome(e.detail("outcome")))
    if template is None:
        template = _l("%(actor)s heeft een besluit genomen over %(object)s (versie %(version)s): %(outcome)s.")
    return e.say(template, object=declaration(e), version=e.detail("version", "?"),
                 outcome=outcome_label(e.detail("outcome")))


def _assign(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s toegewezen aan %(assignee)s."),
                 object=declaration(e), assignee=e.ref("to", _("een andere beoordelaar")))


def _propose(e: EventFacts) -> Sentence:
    template = PROPOSED.get(_outcome(e.detail("outcome")))
    if template is None:
        template = _l("%(actor)s stelt een besluit voor over %(object)s (versie %(version)s): %(outcome)s.")
    return e.say(template, object=declaration(e), version=e.detail("version", "?"),
                 outcome=outcome_label(e.detail("outcome")))


def _confirm(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft als tweede beoordelaar het voorstel van %(proposer)s bevestigd: %(object)s "
                    "(versie %(version)s) is %(outcome)s."),
                 object=declaration(e), version=e.detail("version", "?"),
                 proposer=e.ref("proposed_by", _("een collega")), outcome=outcome_label(e.detail("outcome")))


def _reject_proposal(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft het voorgestelde besluit over %(object)s (versie %(version)s) teruggestuurd."),
                 object=declaration(e), version=e.detail("version", "?"))


def _note(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een interne notitie toegevoegd bij %(object)s."), object=declaration(e))


def _assess(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de afweging bij %(object)s (versie %(version)s) opgeslagen."),
                 object=declaration(e), version=e.detail("version", "?"))


def _register_export(e: EventFacts) -> Sentence:
    register = AuditObject(_("het register"),
                           url_for("review.register") if has_role(e.viewer, "reviewer") else None)
    return e.say(_l("%(actor)s heeft %(register)s gedownload als CSV-bestand."), register=register)


def _audit_export(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de audittrail gedownload."))


def _summary(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de openbare samenvatting van %(object)s (versie %(version)s) goedgekeurd; "
                    "die staat in het openbare register."), object=declaration(e), version=e.detail("version", "?"))


def _advice_asked(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(manager)s, de leidinggevende van %(subject)s, om advies gevraagd over "
                    "%(object)s."), object=e.thing(_("een opgave")), manager=e.ref("manager", _("de leidinggevende")))


def _advice_answered(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft advies gegeven over %(object)s: %(opinion)s."),
                 object=e.thing(_("een opgave")), opinion=label_of(Opinion, e.detail("opinion")).lower())


def _advice_withdrawn(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de adviesvraag aan de leidinggevende over %(object)s ingetrokken."),
                 object=e.thing(_("een opgave")))


def _advice_viewed(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft als leidinggevende de adviesvraag over %(object)s bekeken."),
                 object=e.thing(_("een opgave")))


SENTENCES = {
    "review.summary": _summary,
    "advice.asked": _advice_asked,
    "advice.answered": _advice_answered,
    "advice.withdrawn": _advice_withdrawn,
    "advice.viewed": _advice_viewed,
    "declaration.view": _view,
    "declaration.review_start": _review_start,
    "declaration.info_request": _info_request,
    "declaration.decide": _decide,
    "declaration.assign": _assign,
    "review.propose": _propose,
    "review.confirm": _confirm,
    "review.reject_proposal": _reject_proposal,
    "review.note": _note,
    "review.assess": _assess,
    "register.export": _register_export,
    "audit.export": _audit_export,
}
#: detail keys that hold a person's id
REFERENCES = {"declaration.assign": {"to": "user"}, "review.confirm": {"proposed_by": "user"},
              "advice.asked": {"manager": "user"}}

