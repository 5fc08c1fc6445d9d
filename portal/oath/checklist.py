"""The dashboard checklist item: oath taken, or integrity statement signed."""

from __future__ import annotations

from functools import cache

from flask_babel import format_date, format_datetime
from sqlalchemy import Select, bindparam, select

from portal.core.i18n import gettext as _
from portal.core.registry import ChecklistItem, ChecklistSource
from portal.oath.models import StatementSignature
from portal.oath.queries import standing_statement
from portal.oath.states import RegistrationStatus
from portal.oath.services.statements import is_statement_user

ORDER = 40


@cache
def _checklist_query() -> Select:
    """The person's standing (standing_of) and latest integrity statement signature: :user_id."""
    return standing_statement().add_columns(_statement().scalar_subquery().label("signed_at"))


def _checklist_items(user, standing) -> list[ChecklistItem]:
    """The oath: taken, registered for or waiting; for statement users the integrity statement instead."""
    if is_statement_user(user):
        return [_statement_item(standing.signed_at)]
    if standing.record_id is not None:
        return [ChecklistItem("oath", _("Ambtseed of belofte afgelegd"), True, "oath.my",
                              detail=_("Afgelegd op %(date)s", date=format_date(standing.taken_on, "d MMMM yyyy")),
                              order=ORDER)]
    if standing.registration_status is None:
        detail = _("Meld u aan voor een bijeenkomst")
        endpoint = "oath.sessions"
    elif standing.registration_status == RegistrationStatus.confirmed:
        detail = _("Aangemeld voor %(when)s", when=format_datetime(standing.starts_at, "d MMMM yyyy, HH:mm"))
        endpoint = "oath.my"
    else:
        detail = _("Op de wachtlijst voor %(when)s",
                   when=format_datetime(standing.starts_at, "d MMMM yyyy, HH:mm"))
        endpoint = "oath.my"
    return [ChecklistItem("oath", _("Ambtseed of belofte afgelegd"), False, endpoint, detail=detail, order=ORDER)]


CHECKLIST = ChecklistSource(_checklist_query, _checklist_items)
oath_checklist = CHECKLIST.items_for


def _statement_item(signed_at) -> ChecklistItem:
    if signed_at is None:
        return ChecklistItem("integrity-statement", _("Integriteitsverklaring ondertekend"), False, "oath.statement",
                             detail=_("Lees en onderteken de verklaring"), order=ORDER)
    return ChecklistItem("integrity-statement", _("Integriteitsverklaring ondertekend"), True, "oath.statement",
                         detail=_("Ondertekend op %(date)s", date=format_datetime(signed_at, "d MMMM yyyy")),
                         order=ORDER)


@cache
def _statement() -> Select:
    """The integrity statement's latest signature, built once (the dashboard asks it on every view): :user_id."""
    return (
        select(StatementSignature.signed_at)
        .where(StatementSignature.user_id == bindparam("user_id"))
        .order_by(StatementSignature.signed_at.desc())
        .limit(1)
    )
