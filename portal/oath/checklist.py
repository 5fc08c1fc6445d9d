"""The dashboard checklist item: oath taken, or integrity statement signed."""

from __future__ import annotations

from functools import cache

from flask_babel import format_date, format_datetime, gettext as _
from sqlalchemy import Select, bindparam, select

from portal.core.registry import ChecklistItem
from portal.extensions import db
from portal.oath.models import OathRecord, OathSession, Registration, StatementSignature
from portal.oath.states import ACTIVE_STATUSES, RegistrationStatus
from portal.oath.services.statements import is_statement_user

ORDER = 40


def oath_checklist(user) -> list[ChecklistItem]:
    if is_statement_user(user):
        return [_statement_item(user)]
    taken_on = db.session.scalar(_statement("taken_on"), {"user_id": user.id})
    if taken_on is not None:
        return [ChecklistItem("oath", _("Ambtseed of belofte afgelegd"), True, "oath.my",
                              detail=_("Afgelegd op %(date)s", date=format_date(taken_on, "d MMMM yyyy")),
                              order=ORDER)]
    registration = db.session.execute(_statement("registration"), {"user_id": user.id}).first()
    if registration is None:
        detail = _("Meld u aan voor een bijeenkomst")
        endpoint = "oath.sessions"
    elif registration.status == RegistrationStatus.confirmed:
        detail = _("Aangemeld voor %(when)s", when=format_datetime(registration.starts_at, "d MMMM yyyy, HH:mm"))
        endpoint = "oath.my"
    else:
        detail = _("Op de wachtlijst voor %(when)s",
                   when=format_datetime(registration.starts_at, "d MMMM yyyy, HH:mm"))
        endpoint = "oath.my"
    return [ChecklistItem("oath", _("Ambtseed of belofte afgelegd"), False, endpoint, detail=detail, order=ORDER)]


def _statement_item(user) -> ChecklistItem:
    signed_at = db.session.scalar(_statement("signed_at"), {"user_id": user.id})
    if signed_at is None:
        return ChecklistItem("integrity-statement", _("Integriteitsverklaring ondertekend"), False, "oath.statement",
                             detail=_("Lees en onderteken de verklaring"), order=ORDER)
    return ChecklistItem("integrity-statement", _("Integriteitsverklaring ondertekend"), True, "oath.statement",
                         detail=_("Ondertekend op %(date)s", date=format_datetime(signed_at, "d MMMM yyyy")),
                         order=ORDER)


@cache
def _statement(which: str) -> Select:
    """The item's queries, built once (the dashboard asks them on every view): only what the item shows."""
    user_id = bindparam("user_id")
    if which == "taken_on":  # the oath record (one per person)
        return select(OathRecord.taken_on).where(OathRecord.user_id == user_id).limit(1)
    if which == "registration":  # the confirmed or waitlisted registration (at most one)
        return (
            select(Registration.status, OathSession.starts_at)
            .join(OathSession, OathSession.id == Registration.session_id)
            .where(Registration.user_id == user_id, Registration.status.in_(ACTIVE_STATUSES))
            .limit(1)
        )
    # the latest signature of the integrity statement
    return (
        select(StatementSignature.signed_at)
        .where(StatementSignature.user_id == user_id)
        .order_by(StatementSignature.signed_at.desc())
        .limit(1)
    )
