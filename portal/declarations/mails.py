"""The declarations area's mails, queued in the outbox inside the caller's transaction.

Bodies name no contents of a declaration, only what happened and a link to the page; a mail
about a financial interest is marked sensitive (the outbox hides its subject from administrators).
"""

from __future__ import annotations

from typing import Any

from portal.auth.models import User
from portal.declarations.models import Campaign, Declaration, DeclarationKind
from portal.notifications.services import MailToQueue, queue_mail, queue_mails


def declaration_path(declaration: Declaration) -> str:
    return f"/declarations/{declaration.id}"


def mail_owner(declaration: Declaration, template: str, dedup_key: str, **context: Any) -> None:
    """Tell the owner that something happened to their declaration."""
    queue_mail(
        declaration.owner,
        f"declarations/{template}",
        {"name": declaration.owner.display_name, "path": declaration_path(declaration), **context},
        dedup_key=dedup_key,
        sensitive=declaration.kind == DeclarationKind.financial_interest,
    )


def _campaign_context(campaign: Campaign, user: User) -> dict:
    return {"name": user.display_name, "year": campaign.year, "due_on": campaign.due_on,
            "path": f"/declarations/confirm/{campaign.id}"}


def mail_campaign_invitations(campaign: Campaign, users: list[User]) -> None:
    """The annual reconfirmation's invitation to each of ``users``, queued in one batch."""
    queue_mails([MailToQueue(user, "declarations/campaign_invite", _campaign_context(campaign, user),
                             f"campaign-{campaign.id}-user-{user.id}") for user in users])


def mail_campaign_reminder(campaign: Campaign, user: User, stage: int) -> None:
    """A reminder (first, second, …) to someone who has not yet reconfirmed."""
    queue_mail(user, "declarations/campaign_reminder", _campaign_context(campaign, user),
               dedup_key=f"campaign-{campaign.id}-user-{user.id}-reminder-{stage}")
