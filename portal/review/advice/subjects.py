"""What a manager can be asked for advice about: a small registry of subject kinds.

Each kind tells the advice code how to find its objects and what a manager may see of them, so
that ``AdviceRequest`` needs no foreign key per kind and no code here knows another area's rules.
The review area registers ``declaration`` (side activities only) below. Another area adds its own
kind in its ``init_app``::

    from portal.review.advice.subjects import AdviceSubject, register_subject
    register_subject(AdviceSubject(kind="gift", label=_l("Geschenk"), load=..., employee_of=..., applies=..., askable=...,
                                   may_manage=..., revision_of=..., manager_view=..., review_path=...))

and calls ``portal.review.advice.services.ask_advice("gift", gift, question, reviewer)`` from its
own review page, where it includes ``templates/review/advice/_panel.html`` with
``advice_panel("gift", gift, reviewer)``. The gifts area does so in ``portal/gifts/advice.py``,
registered from ``portal.gifts.init_app`` (this module never imports another area's subjects).

``manager_view`` is the whole of what the manager reads about the subject: keep it to what a
manager needs for advice (never amounts, financial interests, other declarations, internal notes
or HR's history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from portal.auth.models import User
from portal.core.i18n import lazy_gettext as _l
from portal.declarations.display import FIELD_LABELS, readable
from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion
from portal.extensions import db
from portal.review.advice.models import DECLARATION
from portal.review.queries import version_under_review
from portal.review.services import can_decide


@dataclass(frozen=True)
class ManagerView:
    """What the manager reads about the subject: a heading and label/value rows."""

    kind_label: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AdviceSubject:
    """One kind of subject; every callable receives the loaded object."""

    kind: str
    #: what it is, for the manager's list ("Nevenwerkzaamheid")
    label: Any
    #: the object by id, or None
    load: Callable[[int], Optional[Any]]
    #: whose it is (their manager is asked)
    employee_of: Callable[[Any], User]
    #: whether the advice block belongs on this object's review page at all (where it does not, ``askable``
    #: refuses too)
    applies: Callable[[Any], bool]
    #: why advice cannot be asked about it now (a Dutch sentence), or None when it can
    askable: Callable[[Any], Optional[str]]
    #: whether this user reviews the object: sees its advice, asks and withdraws
    may_manage: Callable[[Any, User], bool]
    #: the revision asked about (stored with the request), or None
    revision_of: Callable[[Any], Optional[int]]
    #: what the manager sees, for the revision asked about
    manager_view: Callable[[Any, Optional[int]], ManagerView]
    #: the path of the reviewer's page of the subject, from its id (for links in mails and redirects)
    review_path: Callable[[int], str]
    #: for the reviewer, above the advice block: what the manager sees (None: the side activity's sentence)
    reviewer_note: Any = None
    #: for the manager, above the question: what P&O reviews (None: the side activity's sentence)
    manager_intro: Any = None


_subjects: dict[str, AdviceSubject] = {}


def register_subject(subject: AdviceSubject) -> None:
    _subjects[subject.kind] = subject


def subject_for(kind: str) -> Optional[AdviceSubject]:
    return _subjects.get(kind)


# -- side activities --------------------------------------------------------------------------

#: the answers of a side activity that the manager sees: what, for whom, when, how much time,
#: paid or not, and how it touches the work. A side activity has no amounts; financial interests
#: are never offered for advice (``applies``).
MANAGER_FIELDS = (
    "organisation_name", "organisation_kind", "role", "description", "is_paid", "hours_per_month",
    "start_date", "end_date", "during_working_hours", "municipality_relation", "touches_own_work",
    "touches_own_work_explanation", "conflict_assessment",
)


#: the employee's form speaks to the employee ("Wat u doet"); the manager reads about someone else
MANAGER_LABELS = {
    "description": _l("Wat de medewerker doet"),
    "touches_own_work": _l("Raakt aan het eigen werk van de medewerker"),
    "touches_own_work_explanation": _l("Uitleg van de medewerker"),
    "conflict_assessment": _l("Eigen inschatting van de medewerker van (schijn van) belangenverstrengeling"),
}


def _load_declaration(declaration_id: int) -> Optional[Declaration]:
    return db.session.get(Declaration, declaration_id)


def _is_side_activity(declaration: Declaration) -> bool:
    return declaration.kind == DeclarationKind.side_activity


def _declaration_askable(declaration: Declaration) -> Optional[str]:
    if not _is_side_activity(declaration):
        return str(_l("Over een financieel belang vraagt P&O geen advies aan de leidinggevende."))
    if version_under_review(declaration) is None:
        return str(_l("Advies vragen kan alleen zolang de verklaring in behandeling is."))
    return None


def _may_review(declaration: Declaration, user: User) -> bool:
    return can_decide(declaration, user)


def _revision(declaration: Declaration) -> Optional[int]:
    version = version_under_review(declaration) or declaration.latest_version
    return version.number if version is not None else None


def _declaration_view(declaration: Declaration, revision: Optional[int]) -> ManagerView:
    version: Optional[DeclarationVersion] = next(
        (v for v in declaration.versions if v.number == revision), None) or declaration.latest_version
    rows = [(str(MANAGER_LABELS.get(name, FIELD_LABELS[name])), readable(getattr(version, name)))
            for name in MANAGER_FIELDS] if version else []
    return ManagerView(kind_label=str(_l("Nevenwerkzaamheid")), title=declaration.title, rows=rows)


register_subject(AdviceSubject(
    kind=DECLARATION,
    label=_l("Nevenwerkzaamheid"),
    load=_load_declaration,
    employee_of=lambda declaration: declaration.owner,
    applies=_is_side_activity,
    askable=_declaration_askable,
    may_manage=_may_review,
    revision_of=_revision,
    manager_view=_declaration_view,
    review_path=lambda declaration_id: f"/review/{declaration_id}",
))
