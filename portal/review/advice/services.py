"""Asking a manager for advice, answering, withdrawing: the rules, written once.

Each service checks who may act, moves the request through its lifecycle (states.py), writes the
audit event on the subject (so that the subject's own trail shows it) and queues the mail. The
manager is the one the directory names at the moment of asking (``manager_of``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Optional

from sqlalchemy.exc import IntegrityError

from portal.auth.models import User
from portal.auth.queries import is_manager_of, manager_of
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.extensions import db
from portal.review.advice import mails
from portal.review.advice.closing import audit_advice
from portal.review.advice.models import AdviceRequest
from portal.review.advice.queries import advice_for_subject
from portal.review.advice.states import NEEDS_EXPLANATION, AdviceError, AdviceStatus, Opinion, check_transition
from portal.review.advice.subjects import AdviceSubject, subject_for


class AdviceAlreadyOpen(AdviceError):
    default_message = _l("Er staat al een adviesvraag open bij de leidinggevende. Wacht op het antwoord of trek de "
                         "vraag eerst in.")


class NotYourRequest(AdviceError):
    default_message = _l("Alleen de leidinggevende aan wie de vraag is gesteld, kan haar beantwoorden.")


class NoLongerNeeded(AdviceError):
    default_message = _l("Over deze vraag hoeft u geen advies meer te geven: P&O heeft al besloten, of de opgave "
                         "wordt niet meer beoordeeld.")


class ExplanationMissing(AdviceError):
    default_message = _l("Schrijf de voorwaarden of de reden van uw bezwaar op.")


def _subject(kind: str) -> AdviceSubject:
    subject = subject_for(kind)
    if subject is None:
        raise ValueError(f"no advice subject of kind {kind!r}")
    return subject


def _is_blank(text: Optional[str]) -> bool:
    return text is None or not text.strip()


def missing_explanation(opinion, explanation: Optional[str]) -> Optional[ExplanationMissing]:
    """A conditional advice needs its conditions and an objection its reason (the form and the service ask this)."""
    if opinion and Opinion(opinion) in NEEDS_EXPLANATION and _is_blank(explanation):
        return ExplanationMissing()
    return None


def advice_blocker(subject: AdviceSubject, obj: Any, actor: User) -> tuple[Optional[User], Optional[str]]:
    """The manager a question would go to, and why ``actor`` cannot ask one now (None when they can).

    No manager known means no question: the directory is the one source of who manages whom, so
    the portal never sends a side activity to someone a reviewer picked by hand.
    """
    employee = subject.employee_of(obj)
    manager = manager_of(employee)
    if manager is not None and (not is_manager_of(manager, employee) or not manager.is_active):
        manager = None
    if not subject.may_manage(obj, actor):
        return manager, str(_l("Alleen een actieve beoordelaar kan advies vragen."))
    if manager is None:
        if employee.manager_dn:
            return None, str(_l(
                "De leidinggevende van %(name)s uit de directory is niet bekend in het portaal. U kunt daarom hier "
                "geen advies vragen. Overleg zo nodig buiten het portaal en leg dat vast in een interne notitie.",
                name=employee.display_name))
        return None, str(_l(
            "Het portaal kent geen leidinggevende van %(name)s: de directory noemt er geen, of het portaal heeft "
            "de gegevens nog niet opgehaald. U kunt daarom hier geen advies vragen. Overleg zo nodig buiten het "
            "portaal en leg dat vast in een interne notitie.",
            name=employee.display_name))
    if manager.id == actor.id:
        return manager, str(_l("U bent zelf de leidinggevende van %(name)s. Leg uw overwegingen vast in een "
                               "interne notitie.", name=employee.display_name))
    return manager, subject.askable(obj)


@dataclass
class AdvicePanel:
    """The advice block of a review page (templates/review/advice/_panel.html)."""

    requests: list[AdviceRequest] = field(default_factory=list)
    #: the manager a new question would go to (None: none known)
    manager: Optional[User] = None
    #: why no question can be asked now (a sentence for the reviewer), or None
    unavailable: Optional[str] = None
    #: the question form (bound after a failed post) and where it posts
    form: Any = None
    ask_url: str = ""
    #: what the manager sees, in a sentence for the reviewer (None: the side activity's sentence)
    note: Any = None

    @property
    def open_request(self) -> Optional[AdviceRequest]:
        return next((r for r in self.requests if r.is_open), None)

    @property
    def can_ask(self) -> bool:
        return self.unavailable is None and self.open_request is None


def advice_panel(kind: str, obj: Any, reviewer: User, *, ask_url: str, form=None) -> Optional[AdvicePanel]:
    """What the reviewer's page shows about advice on ``obj``; None where advice does not apply."""
    subject = subject_for(kind)
    if subject is None or not subject.applies(obj):
        return None
    manager, unavailable = advice_blocker(subject, obj, reviewer)
    return AdvicePanel(requests=advice_for_subject(kind, obj.id), manager=manager, unavailable=unavailable,
                       form=form, ask_url=ask_url, note=subject.reviewer_note)


def ask_advice(kind: str, obj: Any, question: str, actor: User, *, now: Optional[datetime] = None) -> AdviceRequest:
    """A reviewer asks the employee's manager (as the directory names them now) a question about ``obj``."""
    subject = _subject(kind)
    manager, reason = advice_blocker(subject, obj, actor)
    if reason is not None:
        raise AdviceError(reason)
    if _is_blank(question):
        raise AdviceError(_l("Schrijf uw vraag aan de leidinggevende."))
    employee = subject.employee_of(obj)
    request = AdviceRequest(
        subject_kind=kind, subject_id=obj.id, subject_revision=subject.revision_of(obj), employee_id=employee.id,
        manager_id=manager.id, question=question.strip(), asked_by_id=actor.id, asked_at=now or utcnow(),
        status=AdviceStatus.asked,
    )
    try:
        with db.session.begin_nested():  # the open-question index decides between two at once
            db.session.add(request)
            db.session.flush()
    except IntegrityError as exc:
        raise AdviceAlreadyOpen() from exc
    audit_advice("advice.asked", request, actor, manager=manager.id)
    mails.queue_advice_asked(request)
    return request


def answer_advice(request: AdviceRequest, opinion, explanation: Optional[str], actor: User, *,
                  now: Optional[datetime] = None) -> None:
    """The manager who was asked gives their advice: an opinion, and the conditions or reason where needed."""
    if request.manager_id != getattr(actor, "id", None) or not is_manager_of(actor, request.employee):
        raise NotYourRequest()  # also a manager who no longer manages the employee
    check_transition(request.status, AdviceStatus.answered)
    subject = _subject(request.subject_kind)
    obj = subject.load(request.subject_id)
    if obj is None or subject.askable(obj) is not None:
        raise NoLongerNeeded()
    opinion = Opinion(opinion)
    missing = missing_explanation(opinion, explanation)
    if missing is not None:
        raise missing
    request.status = AdviceStatus.answered
    request.opinion = opinion
    request.explanation = None if _is_blank(explanation) else explanation.strip()
    request.answered_at = now or utcnow()
    db.session.flush()
    audit_advice("advice.answered", request, actor, opinion=opinion.value)
    mails.queue_advice_answered(request, _subject(request.subject_kind).review_path(request.subject_id))


def withdraw_advice(request: AdviceRequest, obj: Any, actor: User, *, now: Optional[datetime] = None) -> None:
    """A reviewer of the subject withdraws an open question; the manager is told that nothing is needed."""
    if not _subject(request.subject_kind).may_manage(obj, actor):
        raise AdviceError(_l("Alleen een actieve beoordelaar kan een adviesvraag intrekken."))
    check_transition(request.status, AdviceStatus.withdrawn)
    request.status = AdviceStatus.withdrawn
    request.withdrawn_by_id = actor.id
    request.withdrawn_at = now or utcnow()
    db.session.flush()
    audit_advice("advice.withdrawn", request, actor)
    mails.queue_advice_withdrawn(request)


def record_advice_view(request: AdviceRequest, actor: User) -> None:
    """The manager opened the request: viewing someone's side activity is audited."""
    audit_advice("advice.viewed", request, actor)
