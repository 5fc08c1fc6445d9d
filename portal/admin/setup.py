"""The go-live checklist (/admin/setup): what still needs the municipality's own data before staff are invited.

Read-only: every item is worked out from what the portal holds now, so nothing is ticked by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from flask import current_app, url_for
from flask_babel import ngettext
from sqlalchemy import case, exists, func, or_, select

from portal.auth.directory import DirectoryError, get_directory
from portal.auth.models import User
from portal.auth.directory.entry import ROLE_GROUP_SETTINGS
from portal.core.i18n import gettext as _
from portal.core.time import utcnow
from portal.extensions import db
from portal.notifications.models import MailStatus, OutboxMessage
from portal.notifications.services import TEST_TEMPLATE
from portal.oath.models import OathSession
from portal.oath.states import SessionStatus
from portal.policies.models import Adviser, PolicyPage, PolicyVersion, VersionStatus

OATH_PAGE = "oath"


@dataclass(frozen=True)
class SetupItem:
    key: str
    label: str
    is_done: bool
    url: str
    detail: str = ""


@dataclass(frozen=True)
class GroupCount:
    role_label: str
    setting: str  #: the environment variable that names the group
    dn: str
    members: Optional[int]  #: None: the group was not found
    in_portal: int = 0  #: people in the portal with this role (the nightly sync gives everyone their roles)


@dataclass
class SetupState:
    items: list[SetupItem] = field(default_factory=list)
    groups: list[GroupCount] = field(default_factory=list)
    directory_error: bool = False

    @property
    def open_count(self) -> int:
        return sum(1 for item in self.items if not item.is_done)


def _role_labels() -> dict[str, str]:
    return {"reviewer": _("Beoordelaars (P&O)"), "admin": _("Beheerders"),
            "top_official": _("Topfunctionarissen"), "high_risk": _("Functies met verhoogd risico"),
            "integrity_officer": _("Integriteitscoördinatoren"), "confidential_adviser": _("Vertrouwenspersonen")}


def _has_contact():
    return or_(Adviser.phone.is_not(None) & (Adviser.phone != ""), Adviser.email.is_not(None) & (Adviser.email != ""))


def _advisers(*conditions) -> list[Adviser]:
    return list(db.session.scalars(select(Adviser).where(Adviser.is_active.is_(True), *conditions)))


def _unchecked_pages() -> list[str]:
    """Slugs of pages whose Dutch text is still only the loaded model text (no version saved by a person)."""
    edited = exists().where(PolicyVersion.page_id == PolicyPage.id, PolicyVersion.language == "nl",
                            PolicyVersion.status == VersionStatus.PUBLISHED, PolicyVersion.editor_id.is_not(None))
    return list(db.session.scalars(select(PolicyPage.slug).where(~edited).order_by(PolicyPage.sort_order)))


def _contact_items() -> list[SetupItem]:
    manage = url_for("policies.manage_advisers")
    internal = _advisers(Adviser.is_external.is_(False), Adviser.phone.is_not(None), Adviser.phone != "")
    external = _advisers(Adviser.is_external.is_(True), Adviser.role.ilike("%vertrouwenspersoon%"))
    missing = [a.name for a in _advisers(Adviser.is_external.is_(True), ~_has_contact())]
    officer = _advisers(or_(Adviser.role.ilike("%gegevensbescherming%"), Adviser.role.ilike("%privacy%")), _has_contact())
    return [
        SetupItem("advisers", _("Vertrouwenspersonen van de gemeente, met naam en telefoonnummer"), bool(internal),
                  manage, ", ".join(a.name for a in internal)),
        SetupItem("external_adviser",
                  _("Externe vertrouwenspersoon (BING of een ander bureau) en de landelijke meldpunten, met contactgegevens"),
                  bool(external) and not missing, manage,
                  _("Nog zonder telefoon of e-mail: %(names)s", names=", ".join(missing)) if missing else ""),
        SetupItem("privacy_officer", _("Functionaris gegevensbescherming als contactpersoon"), bool(officer), manage,
                  "" if officer else _("Voeg een contactpersoon toe met 'gegevensbescherming' of 'privacy' in de rol.")),
    ]


def _page_items() -> list[SetupItem]:
    unchecked = _unchecked_pages()
    others = [slug for slug in unchecked if slug != OATH_PAGE]
    has_oath_page = db.session.scalar(select(func.count(PolicyPage.id)).where(PolicyPage.slug == OATH_PAGE))
    return [
        SetupItem("oath_decision", _("De tekst over de ambtseed en het besluit van de gemeente (pagina Ambtseed)"),
                  bool(has_oath_page) and OATH_PAGE not in unchecked,
                  url_for("policies.edit", slug=OATH_PAGE) if has_oath_page else url_for("policies.index"),
                  "" if has_oath_page else _("Laad eerst de starttekst met flask portal load-content.")),
        SetupItem("policy_pages", _("Beleidspagina's nagekeken (nu nog modeltekst)"), not others,
                  url_for("policies.index"),
                  ngettext("Nog %(num)d pagina met modeltekst: %(pages)s", "Nog %(num)d pagina's met modeltekst: %(pages)s",
                           len(others), pages=", ".join(others)) if others else ""),
    ]


def _mail_item() -> SetupItem:
    tested = db.session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.template == TEST_TEMPLATE, OutboxMessage.status == MailStatus.sent))
    config = current_app.config
    server = f"{config.get('SMTP_HOST')}:{config.get('SMTP_PORT')}"
    return SetupItem("mail", _("E-mailinstellingen getest met een testbericht"), bool(tested),
                     url_for("admin.mail", _anchor="test-heading"),
                     _("Mailserver %(server)s", server=server))


def _ceremony_item() -> SetupItem:
    upcoming = db.session.scalar(select(func.count(OathSession.id)).where(
        OathSession.status == SessionStatus.scheduled, OathSession.starts_at > utcnow()))
    return SetupItem("ceremony", _("Eerste bijeenkomst voor de ambtseed gepland"), bool(upcoming),
                     url_for("oath.admin_new_session"))


def _role_counts() -> dict[str, int]:
    """How many people still here hold each role in the portal, in one query."""
    row = db.session.execute(select(*(
        func.sum(case((getattr(User, f"is_{role}").is_(True), 1), else_=0)) for role in ROLE_GROUP_SETTINGS
    )).where(User.left_at.is_(None), User.is_enabled.is_(True))).one()
    return {role: int(count or 0) for role, count in zip(ROLE_GROUP_SETTINGS, row)}


def _group_counts(state: SetupState) -> None:
    config = current_app.config
    dns = {role: config.get(setting) or "" for role, setting in ROLE_GROUP_SETTINGS.items()}
    try:
        counts = get_directory(config).group_member_counts([dn for dn in dns.values() if dn])
    except DirectoryError:
        counts = {}
        state.directory_error = True
    labels, in_portal = _role_labels(), _role_counts()
    for role, setting in ROLE_GROUP_SETTINGS.items():
        state.groups.append(GroupCount(labels[role], f"PORTAL_{setting}", dns[role], counts.get(dns[role]),
                                       in_portal[role]))
    found = [g for g in state.groups if g.members]
    state.items.append(SetupItem(
        "directory_groups", _("Groepen in de directory gevonden, met leden"),
        not state.directory_error and len(found) == len(state.groups), "#groups",
        ngettext("%(num)d van de %(total)d groepen gevonden met leden", "%(num)d van de %(total)d groepen gevonden met leden",
                 len(found), total=len(state.groups)),
    ))


def setup_state() -> SetupState:
    """Every go-live item with its state, and the directory groups with their member counts."""
    state = SetupState()
    state.items.extend(_contact_items())
    state.items.extend(_page_items())
    state.items.append(_mail_item())
    _group_counts(state)
    state.items.append(_ceremony_item())
    return state
