"""The audit trail's sentences for what employees do with their declarations, and how a sentence names
a declaration: its title only for the owner and for HR (never for a draft HR may not open), else its
kind and number."""

from __future__ import annotations

from datetime import date

from flask import url_for
from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.util import identity_key

from portal.core.access import has_role
from portal.core.audit_sentences import AuditObject, EventFacts, Sentence
from portal.core.i18n import format_day
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.declarations.models import Campaign, Declaration, DeclarationKind
from portal.declarations.states import DeclarationStatus
from portal.extensions import db

def _may_read_title(owner_id: int, status, viewer) -> tuple[bool, bool]:
    """(is the viewer the owner, is the viewer HR who may open it): who reads the title, and where it leads."""
    is_owner = viewer is not None and getattr(viewer, "id", None) == owner_id
    is_hr = not is_owner and status != DeclarationStatus.draft and has_role(viewer, "reviewer")
    return is_owner, is_hr


def _numbered(declaration_id: int, kind) -> AuditObject:
    if kind == DeclarationKind.financial_interest:
        return AuditObject(_("het financieel belang met nummer %(number)s", number=declaration_id))
    return AuditObject(_("de nevenwerkzaamheid met nummer %(number)s", number=declaration_id))


def _titled(declaration: Declaration, is_owner: bool) -> AuditObject:
    if declaration.kind == DeclarationKind.financial_interest:
        name = _("het financieel belang „%(title)s”", title=declaration.title)
    else:
        name = _("de nevenwerkzaamheid „%(title)s”", title=declaration.title)
    endpoint = "declarations.detail" if is_owner else "review.detail"
    return AuditObject(name, url_for(endpoint, declaration_id=declaration.id))


#: what naming a declaration reads: nothing of it may need a query
_TITLE_ATTRIBUTES = ("kind", "status", "owner_id", "pending_version", "current_version")


def _already_loaded(ids: set[int]) -> list[Declaration]:
    """The declarations of ``ids`` the session holds with all that their title needs (the page's own,
    loaded with its versions): naming them reads no row again. Expired or half-loaded ones are left out."""
    loaded = []
    identity_map = db.session.identity_map
    for declaration_id in ids:
        declaration = identity_map.get(identity_key(Declaration, declaration_id))
        if declaration is None:
            continue
        state = inspect(declaration)
        unloaded = state.unloaded
        if any(name in unloaded for name in _TITLE_ATTRIBUTES):
            continue
        if declaration.pending_version is None and declaration.current_version is None and "versions" in unloaded:
            continue
        latest = declaration.latest_version
        if latest is not None and not {"kind", "organisation_name", "entity"}.isdisjoint(inspect(latest).unloaded):
            continue
        loaded.append(declaration)
    return loaded


def resolve_declarations(ids: set[int], viewer) -> dict[int, AuditObject]:
    """Declarations by title and link for their owner and HR, by kind and number for anyone else.

    The titles (and the versions they come from) are loaded only for the declarations the viewer may
    read, so a page or an export for someone else costs one light query.
    """
    found, readable = {}, {}
    ids = set(ids)
    for declaration in _already_loaded(ids):  # the page's own declaration: no query at all
        is_owner, is_hr = _may_read_title(declaration.owner_id, declaration.status, viewer)
        found[declaration.id] = (_titled(declaration, is_owner) if is_owner or is_hr
                                 else _numbered(declaration.id, declaration.kind))
        ids.discard(declaration.id)
    if not ids:
        return found
    for declaration_id, kind, status, owner_id in db.session.execute(
            select(Declaration.id, Declaration.kind, Declaration.status, Declaration.owner_id)
            .where(Declaration.id.in_(ids))):
        is_owner, is_hr = _may_read_title(owner_id, status, viewer)
        if is_owner or is_hr:
            readable[declaration_id] = is_owner
        else:
            found[declaration_id] = _numbered(declaration_id, kind)
    if readable:
        for declaration in db.session.scalars(
                select(Declaration).where(Declaration.id.in_(readable)).options(
                    selectinload(Declaration.pending_version), selectinload(Declaration.current_version),
                    selectinload(Declaration.versions))):
            found[declaration.id] = _titled(declaration, readable[declaration.id])
    return found


def resolve_campaigns(ids: set[int], viewer) -> dict[int, AuditObject]:
    """A campaign by its year and scope; a link for HR and administrators (who run campaigns)."""
    may_open = has_role(viewer, "reviewer") or has_role(viewer, "admin")
    found = {}
    for campaign in db.session.scalars(select(Campaign).where(Campaign.id.in_(ids))):
        name = _("de bevestigingsronde %(year)s (%(scope)s)", year=campaign.year, scope=campaign.scope_label)
        found[campaign.id] = AuditObject(
            name, url_for("declarations.campaign", campaign_id=campaign.id) if may_open else None)
    return found


def declaration(e: EventFacts) -> AuditObject:
    """The event's declaration, or a plain name when it cannot be named (gone, or an export file)."""
    return e.thing(_("een verklaring"))


def _day(value) -> str:
    try:
        return format_day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _create(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s aangemaakt."), object=declaration(e))


def _save_draft(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een concept van %(object)s opgeslagen (versie %(version)s)."),
                 object=declaration(e), version=e.detail("version", "?"))


def _submit(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s ingediend (versie %(version)s)."),
                 object=declaration(e), version=e.detail("version", "?"))


def _change(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s is begonnen met een wijziging van %(object)s (versie %(version)s, op basis van "
                    "versie %(based_on)s)."),
                 object=declaration(e), version=e.detail("version", "?"), based_on=e.detail("based_on", "?"))


def _withdraw(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft versie %(version)s van %(object)s ingetrokken."),
                 object=declaration(e), version=e.detail("version", "?"))


def _end(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s beëindigd per %(day)s."),
                 object=declaration(e), day=_day(e.detail("ended_on")))


def _confirm(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft bevestigd dat %(object)s nog klopt."), object=declaration(e))


def _answer(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de vraag van P&O over %(object)s beantwoord (versie %(version)s)."),
                 object=declaration(e), version=e.detail("version", "?"))


def _nil_statement(e: EventFacts) -> Sentence:
    try:
        kind = str(DeclarationKind(e.detail("kind")).plural).lower()
    except ValueError:
        kind = str(e.detail("kind"))
    return e.say(_l("%(actor)s heeft verklaard dat er niets te melden is over %(kind)s."), kind=kind)


def campaign(e: EventFacts) -> AuditObject:
    return e.thing(_("een bevestigingsronde"))


def _campaign_open(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s geopend voor %(tasks)s personen."),
                 object=campaign(e), tasks=e.detail("tasks", 0))


def _campaign_close(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(object)s gesloten; %(not_done)s personen hadden nog niet bevestigd."),
                 object=campaign(e), not_done=e.detail("not_done", 0))


def _campaign_task(e: EventFacts) -> Sentence:
    return e.say(_l("%(subject)s heeft de taak van %(object)s afgerond."), object=campaign(e))


def _personal_data(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een overzicht van de eigen gegevens gedownload."))


SENTENCES = {
    "declaration.create": _create,
    "declaration.save_draft": _save_draft,
    "declaration.submit": _submit,
    "declaration.change": _change,
    "declaration.withdraw": _withdraw,
    "declaration.end": _end,
    "declaration.confirm": _confirm,
    "declaration.answer": _answer,
    "declaration.nil_statement": _nil_statement,
    "campaign.open": _campaign_open,
    "campaign.close": _campaign_close,
    "campaign.complete_task": _campaign_task,
    "personal_data.export": _personal_data,
}
OBJECTS = {"declaration": resolve_declarations, "declaration_campaign": resolve_campaigns}
