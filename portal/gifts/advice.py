"""The manager's advice on a gift (portal.review.advice): HR, deciding on a gift, asks the employee's
manager; the manager reads only what the gift is and answers at /review/advice/<id>.

Registered from ``portal.gifts.init_app`` as the subject kind ``gift``: the advice area never imports
the gifts area. Asking, answering, withdrawing, mails and audit are the advice area's services; this
module only says what a gift shows a manager and who reviews it. A manager who decides on their own
employee's gift needs no advice from themself: the block is only for HR (``access.may_ask_advice``).
"""

from __future__ import annotations

from typing import Optional

from portal.core.i18n import format_day
from portal.core.i18n import lazy_gettext as _l
from portal.extensions import db
from portal.gifts.access import may_ask_advice
from portal.gifts.models import Gift
from portal.gifts.states import CATEGORY_LABELS, GiftStatus, can_transition, label_of
from portal.review.advice.subjects import AdviceSubject, ManagerView, register_subject

GIFT = "gift"


def _load(gift_id: int) -> Optional[Gift]:
    return db.session.get(Gift, gift_id)


def _askable(gift: Gift) -> Optional[str]:
    if not can_transition(gift.status, GiftStatus.decided):
        return str(_l("Advies vragen kan alleen zolang er nog geen besluit over de melding is."))
    return None


def _manager_view(gift: Gift, _revision: Optional[int]) -> ManagerView:
    """What the gift is, from whom, how it touches the work, its value band, what was done and when.

    Not the employee's own explanation, the decision, other gifts or the register.
    """
    rows = [
        (str(_l("Soort")), label_of(CATEGORY_LABELS, gift.category)),
        (str(_l("Wat")), gift.description),
        (str(_l("Van wie")), gift.giver or "—"),
        (str(_l("Relatie met het werk")), gift.work_relation),
        (str(_l("Geschatte waarde")), gift.band_label),
        (str(_l("Wat de medewerker deed")), str(gift.response.label)),
        (str(_l("Datum")), format_day(gift.received_on)),
    ]
    return ManagerView(kind_label=str(_l("Geschenk of uitnodiging")), title=gift.reference, rows=rows)


def register_gift_subject() -> None:
    register_subject(AdviceSubject(
        kind=GIFT,
        label=_l("Geschenk of uitnodiging"),
        load=_load,
        employee_of=lambda gift: gift.owner,
        applies=lambda gift: True,
        askable=_askable,
        may_manage=lambda gift, user: may_ask_advice(user, gift),
        revision_of=lambda gift: None,
        manager_view=_manager_view,
        review_path=lambda gift_id: f"/gifts/{gift_id}",
        reviewer_note=_l("Het advies van de leidinggevende staat hier apart van het besluit. Bij de vraag ziet de "
                         "leidinggevende uw vraag, de naam en functie van de medewerker en wat er is gemeld: wat, van "
                         "wie, de relatie met het werk, de geschatte waarde, wat de medewerker deed en de datum. Als "
                         "leidinggevende kan hij of zij de geschenken en uitnodigingen van de medewerker ook zelf "
                         "inzien; het register niet."),
        manager_intro=_l("P&O beslist over een geschenk of uitnodiging die een medewerker van wie u de leidinggevende "
                         "bent heeft gemeld, en vraagt uw advies. U ziet hier alleen wat u daarvoor nodig heeft. P&O "
                         "neemt het besluit; de medewerker ziet uw advies niet in het portaal. Wie deze pagina opent, "
                         "wordt vastgelegd."),
    ))
