"""Words for the audit trail's actions, shared by the review pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


ACTION_LABELS = {
    "declaration.view": _l("Bekeken door beoordelaar"),
    "declaration.create": _l("Verklaring aangemaakt"),
    "declaration.save_draft": _l("Concept opgeslagen"),
    "declaration.submit": _l("Ingediend"),
    "declaration.change": _l("Wijziging gestart"),
    "declaration.withdraw": _l("Ingetrokken"),
    "declaration.end": _l("Beëindigd"),
    "declaration.confirm": _l("Bevestigd door medewerker"),
    "declaration.answer": _l("Vraag beantwoord door medewerker"),
    "declaration.review_start": _l("Beoordeling gestart"),
    "declaration.info_request": _l("Vraag gesteld aan medewerker"),
    "declaration.decide": _l("Besluit genomen"),
    "declaration.assign": _l("Toegewezen aan beoordelaar"),
    "review.propose": _l("Besluit voorgesteld (wacht op tweede beoordelaar)"),
    "review.confirm": _l("Besluit bevestigd door tweede beoordelaar"),
    "review.reject_proposal": _l("Voorgesteld besluit teruggestuurd"),
    "review.note": _l("Interne notitie toegevoegd"),
    "review.assess": _l("Afweging opgeslagen"),
    "register.export": _l("Register geëxporteerd"),
    "audit.export": _l("Audittrail geëxporteerd"),
    "concern.file": _l("Melding gedaan in het portaal"),
    "concern.register": _l("Melding geregistreerd"),
    "concern.view": _l("Melding bekeken"),
    "concern.confirm_receipt": _l("Ontvangst bevestigd"),
    "concern.classify": _l("Indeling vastgelegd of verbeterd"),
    "concern.investigate": _l("Onderzoek gestart"),
    "concern.assess": _l("Beoordeling vastgelegd"),
    "concern.close": _l("Melding afgesloten"),
    "concern.note": _l("Interne notitie toegevoegd"),
    "concern.attach": _l("Bestand toegevoegd"),
    "report.close": _l("Jaarverslag: jaar afgesloten"),
    "report.reopen": _l("Jaarverslag: jaar heropend"),
    "report.explain": _l("Jaarverslag: toelichting opgeslagen"),
}


def action_label(action: str) -> str:
    """The Dutch words for an audit action; the action itself when it has none."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action


def template_helpers() -> dict:
    return {"action_label": action_label}
