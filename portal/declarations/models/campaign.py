"""The annual reconfirmation campaign: HR asks everyone in scope to confirm their declarations."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.extensions import db

if TYPE_CHECKING:
    from portal.auth.models import User

#: at most this many reminders per person: two before the due date and one after
MAX_REMINDERS = 3


class CampaignScope(LabelledEnum):
    everyone = "everyone", _l("Iedereen")
    department = "department", _l("Eén afdeling")
    high_risk = "high_risk", _l("Functies met verhoogd risico")
    top_official = "top_official", _l("Topfunctionarissen")


class Campaign(db.Model):
    """One reconfirmation round: a year, a due date and who is in scope."""

    __tablename__ = "declaration_campaign"
    audit_type = "declaration_campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[date] = mapped_column(Date)
    scope: Mapped[CampaignScope] = mapped_column(enum_type(CampaignScope, "scope"))
    #: the department for scope ``department``; empty otherwise (not NULL, so the unique constraint works)
    scope_department: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: number of tasks created when the campaign opened
    task_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[Optional["User"]] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("year", "scope", "scope_department", name="uq_declaration_campaign_scope"),
        CheckConstraint("(scope = 'department') = (scope_department <> '')", name="department"),
        CheckConstraint("year >= 2000 AND year <= 2100", name="year"),
    )

    @property
    def scope_label(self) -> str:
        label = str(self.scope.label)
        return f"{label}: {self.scope_department}" if self.scope == CampaignScope.department else label

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def __repr__(self) -> str:
        return f"<Campaign {self.id} {self.year} {self.scope} {self.scope_department!r}>"


class CampaignTask(db.Model):
    """One person's task in a campaign: invited, reminded (at most MAX_REMINDERS times), completed."""

    __tablename__ = "declaration_campaign_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("declaration_campaign.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: when the invitation mail was queued (the job sends invitations in batches)
    invited_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: reminder stage reached: 1 and 2 before the due date, 3 after it; never more
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_reminder_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship()
    user: Mapped["User"] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "user_id", name="uq_declaration_campaign_task_user"),
        Index("ix_declaration_campaign_task_open", "campaign_id", "completed_at", "reminders_sent"),
        Index("ix_declaration_campaign_task_invite", "invited_at", "campaign_id"),
        CheckConstraint(f"reminders_sent >= 0 AND reminders_sent <= {MAX_REMINDERS}", name="reminders"),
    )

    @property
    def is_done(self) -> bool:
        return self.completed_at is not None

    def __repr__(self) -> str:
        return f"<CampaignTask {self.id} campaign={self.campaign_id} user={self.user_id} done={self.is_done}>"
