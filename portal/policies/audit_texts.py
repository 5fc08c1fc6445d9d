"""The audit trail's sentences for the policy pages, their acknowledgements and the advisers page."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, select

from portal.core.access import has_role
from portal.core.audit_sentences import AuditObject, EventFacts, Sentence
from portal.core.i18n import gettext as _
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.policies.models import Acknowledgement, Adviser, PolicyPage, PolicyVersion, VersionStatus
from portal.policies.services import can_edit_policies


def _page_name(title: str | None, slug: str) -> str:
    return _("de pagina „%(title)s”", title=title) if title else _("de pagina /policies/%(slug)s", slug=slug)


def _version_object(title, slug, number, is_published, viewer) -> AuditObject:
    signed_in = getattr(viewer, "is_authenticated", False)
    if is_published and number is not None and signed_in:
        url = url_for("policies.version", slug=slug, number=number)
    elif can_edit_policies(viewer):
        url = url_for("policies.edit", slug=slug)
    else:
        url = None
    return AuditObject(_page_name(title, slug), url)


def resolve_versions(ids: set[int], viewer) -> dict[int, AuditObject]:
    """A version by its page's title; published versions link to their text, drafts only for editors."""
    rows = db.session.execute(
        select(PolicyVersion.id, PolicyVersion.title, PolicyPage.slug, PolicyVersion.number,
               (PolicyVersion.status == VersionStatus.PUBLISHED).label("is_published"))
        .join(PolicyPage, PolicyPage.id == PolicyVersion.page_id).where(PolicyVersion.id.in_(ids)))
    return {row.id: _version_object(row.title, row.slug, row.number, row.is_published, viewer)
            for row in rows}


def resolve_acknowledgements(ids: set[int], viewer) -> dict[int, AuditObject]:
    rows = db.session.execute(
        select(Acknowledgement.id, PolicyVersion.title, PolicyPage.slug, PolicyVersion.number)
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.version_id)
        .join(PolicyPage, PolicyPage.id == PolicyVersion.page_id).where(Acknowledgement.id.in_(ids)))
    return {row.id: _version_object(row.title, row.slug, row.number, True, viewer) for row in rows}


def resolve_pages(ids: set[int], viewer) -> dict[int, AuditObject]:
    """A page by the title of its newest version (its address while it has none)."""
    newest = (select(PolicyVersion.page_id, func.max(PolicyVersion.id).label("version_id"))
              .where(PolicyVersion.page_id.in_(ids)).group_by(PolicyVersion.page_id).subquery())
    rows = db.session.execute(
        select(PolicyPage.id, PolicyPage.slug, PolicyVersion.title)
        .outerjoin(newest, newest.c.page_id == PolicyPage.id)
        .outerjoin(PolicyVersion, PolicyVersion.id == newest.c.version_id).where(PolicyPage.id.in_(ids)))
    signed_in = getattr(viewer, "is_authenticated", False)
    return {row.id: AuditObject(_page_name(row.title, row.slug),
                                url_for("policies.page", slug=row.slug) if signed_in else None) for row in rows}


def resolve_advisers(ids: set[int], viewer) -> dict[int, AuditObject]:
    """A contact on the advisers page by name; administrators (who keep the list) get a link."""
    may_edit = has_role(viewer, "admin")
    rows = db.session.execute(select(Adviser.id, Adviser.name).where(Adviser.id.in_(ids)))
    return {row.id: AuditObject(_("de contactpersoon %(name)s", name=row.name),
                                url_for("policies.edit_adviser", adviser_id=row.id) if may_edit else None)
            for row in rows}


def page(e: EventFacts) -> AuditObject:
    slug = e.detail("slug", None)
    return e.thing(_page_name(None, slug) if slug else _("een pagina"))


def adviser(e: EventFacts) -> AuditObject:
    return e.thing(_("een contactpersoon"))


def _create_page(e: EventFacts) -> Sentence:
    if e.detail("is_public", False):
        return e.say(_l("%(actor)s heeft %(page)s aangemaakt; de pagina is ook zonder aanmelden te lezen."),
                     page=page(e))
    return e.say(_l("%(actor)s heeft %(page)s aangemaakt."), page=page(e))


def _language(e: EventFacts) -> str:
    return _("Engels") if e.detail("language") == "en" else _("Nederlands")


def _publish(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft versie %(number)s van %(page)s gepubliceerd (%(language)s)."),
                 page=page(e), number=e.detail("number", "?"), language=_language(e))


def _save_draft(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft een concept van %(page)s opgeslagen (%(language)s)."),
                 page=page(e), language=_language(e))


def _acknowledge(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft bevestigd versie %(number)s van %(page)s te hebben gelezen."),
                 page=page(e), number=e.detail("number", "?"))


def _acknowledgement_export(e: EventFacts) -> Sentence:
    department = e.detail("department", None)
    if department:
        return e.say(_l("%(actor)s heeft de lijst gedownload van wie %(page)s nog niet heeft bevestigd "
                        "(afdeling %(department)s)."), page=page(e), department=department)
    return e.say(_l("%(actor)s heeft de lijst gedownload van wie %(page)s nog niet heeft bevestigd."), page=page(e))


def _adviser_create(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(adviser)s toegevoegd aan de pagina met vertrouwenspersonen."),
                 adviser=adviser(e))


def _adviser_update(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft de gegevens van %(adviser)s gewijzigd."), adviser=adviser(e))


def _adviser_activate(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(adviser)s weer zichtbaar gemaakt."), adviser=adviser(e))


def _adviser_deactivate(e: EventFacts) -> Sentence:
    return e.say(_l("%(actor)s heeft %(adviser)s verborgen."), adviser=adviser(e))


SENTENCES = {
    "policy.create_page": _create_page,
    "policy.publish": _publish,
    "policy.save_draft": _save_draft,
    "policy.acknowledge": _acknowledge,
    "policy.acknowledgement_export": _acknowledgement_export,
    "adviser.create": _adviser_create,
    "adviser.update": _adviser_update,
    "adviser.activate": _adviser_activate,
    "adviser.deactivate": _adviser_deactivate,
}
OBJECTS = {"policy_page": resolve_pages, "policy_version": resolve_versions,
           "policy_acknowledgement": resolve_acknowledgements, "policy_adviser": resolve_advisers}
