"""The dashboard checklist item: oath taken, or integrity statement signed."""

from __future__ import annotations

from flask_babel import format_date, format_datetime, gettext as _

from portal.core.registry import ChecklistItem
from portal.oath.states import RegistrationStatus
from portal.oath.services.locking import active_registration_for
from portal.oath.queries import record_of
from portal.oath.services.statements import is_statement_user, signature_of

ORDER = 40


def oath_checklist(user) -> list[ChecklistItem]:
    if is_statement_user(user):
        return [_statement_item(user)]
    record = record_of(user.id)
    if record is not None:
        return [ChecklistItem("oath", _("Ambtseed of belofte afgelegd"), True, "oath.my",
                              detail=_("Afgelegd op %(date)s", date=format_date(record.taken_on, "d MMMM yyyy")),
                              order=ORDER)]
    registration = active_registration_for(user.id)
    if registration is None:
        detail = _("Meld u aan voor een bijeenkomst")
        endpoint = "oath.sessions"
    elif registration.status == RegistrationStatus.confirmed:
        detail = _("Aangemeld voor %(when)s", when=format_datetime(registration.session.starts_at, "d MMMM yyyy, HH:mm"))
        endpoint = "oath.my"
    else:
        detail = _("Op de wachtlijst voor %(when)s",
                   when=format_datetime(registration.session.starts_at, "d MMMM yyyy, HH:mm"))
        endpoint = "oath.my"
    return [ChecklistItem("oath", _("Ambtseed of belofte afgelegd"), False, endpoint, detail=detail, order=ORDER)]


def _statement_item(user) -> ChecklistItem:
    signature = signature_of(user.id)
    if signature is None:
        return ChecklistItem("integrity-statement", _("Integriteitsverklaring ondertekend"), False, "oath.statement",
                             detail=_("Lees en onderteken de verklaring"), order=ORDER)
    return ChecklistItem("integrity-statement", _("Integriteitsverklaring ondertekend"), True, "oath.statement",
                         detail=_("Ondertekend op %(date)s", date=format_datetime(signature.signed_at, "d MMMM yyyy")),
                         order=ORDER)
