"""Mails about advice requests. They name no employee and no side activity or gift: only that there is
a question, an answer or a withdrawal (and whether about a side activity or a gift: ``kind``), and the
link to read it in the portal."""

from __future__ import annotations

from portal.review.advice.models import AdviceRequest


def queue_advice_asked(request: AdviceRequest) -> None:
    """To the manager: P&O asks your advice; the link opens the question."""
    from portal.notifications.services import queue_mail

    queue_mail(request.manager, "review/advice_asked", {
        "name": request.manager.display_name, "path": f"/review/advice/{request.id}", "kind": request.subject_kind,
    }, dedup_key=f"advice-{request.id}-asked")


def queue_advice_answered(request: AdviceRequest, review_path: str) -> None:
    """To the reviewer who asked (while still active): the manager's advice is in."""
    from portal.notifications.services import queue_mail

    reviewer = request.asked_by
    if reviewer is None or not reviewer.is_active:
        return
    queue_mail(reviewer, "review/advice_answered", {
        "name": reviewer.display_name, "path": review_path, "kind": request.subject_kind,
    }, dedup_key=f"advice-{request.id}-answered")


def queue_advice_withdrawn(request: AdviceRequest) -> None:
    """To the manager: the question was withdrawn, nothing is needed any more."""
    from portal.notifications.services import queue_mail

    queue_mail(request.manager, "review/advice_withdrawn", {
        "name": request.manager.display_name, "path": "/review/advice/",
    }, dedup_key=f"advice-{request.id}-withdrawn")
