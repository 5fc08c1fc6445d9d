"""Policy pages and their versions, acknowledgements, and the adviser contacts."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.auth.models import User
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.extensions import db

LANGUAGES = ("nl", "en")
#: the change summary of a version loaded from the starter content: an instruction to the editors (HR)
#: that they have not checked the text yet, never shown to the other readers
MODEL_TEXT_SUMMARY = {
    "nl": "Modeltekst: controleer deze tekst voordat u hem publiceert.",
    "en": "Model text: check this text before publishing it.",
}


class VersionStatus(str, enum.Enum):
    """A version is written as a draft and then published; a published version never changes."""

    DRAFT = "draft"
    PUBLISHED = "published"


class PolicyPage(db.Model):
    """A policy page at a stable address (/policies/<slug>); its text lives in versions."""

    __tablename__ = "policy_page"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: readable without signing in (help must never be behind a login wall)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    sort_order: Mapped[int] = mapped_column(Integer, default=100, index=True)
    #: bumped by every saved version: the compare-and-set guard against two editors saving at once
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    audit_type = "policy_page"

    def __repr__(self) -> str:
        return f"<PolicyPage {self.id} {self.slug}>"


class PolicyVersion(db.Model):
    """One saved text of a page in one language. Rows are never edited after publication."""

    __tablename__ = "policy_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("policy_page.id", ondelete="CASCADE"))
    #: 1, 2, 3 … per page, given at publication; drafts have none
    number: Mapped[Optional[int]] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    title: Mapped[str] = mapped_column(String(200))
    #: one or two sentences shown on the index page
    description: Mapped[str] = mapped_column(String(500), default="")
    body_markdown: Mapped[str] = mapped_column(Text)
    #: sanitised HTML, rendered once at publication
    body_html: Mapped[Optional[str]] = mapped_column(Text)
    #: accent- and case-folded plain text of title, description and body, for search
    search_text: Mapped[Optional[str]] = mapped_column(Text)
    #: the change summary ("what changed and why")
    summary: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[VersionStatus] = mapped_column(
        enum_type(VersionStatus, "status", length=16),
        default=VersionStatus.DRAFT,
    )
    effective_at: Mapped[date] = mapped_column(Date)
    requires_acknowledgement: Mapped[bool] = mapped_column(Boolean, default=False)
    editor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    page: Mapped[PolicyPage] = relationship()
    editor: Mapped[Optional[User]] = relationship(lazy="joined")

    audit_type = "policy_version"

    __table_args__ = (
        UniqueConstraint("page_id", "number", name="uq_policy_version_page_number"),
        CheckConstraint("language in ('nl', 'en')", name="language"),
        CheckConstraint("status = 'draft' or number is not null", name="published_has_number"),
        Index("ix_policy_version_current", "page_id", "language", "status", "effective_at"),
    )

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED

    def summary_for(self, *, editor: bool) -> str:
        """The change summary as this reader sees it: the model-text instruction only for the editors."""
        if not editor and self.summary in MODEL_TEXT_SUMMARY.values():
            return ""
        return self.summary

    def __repr__(self) -> str:
        state = f"v{self.number} {self.language} {self.status.value}"
        return f"<PolicyVersion {self.id} page={self.page_id} {state}>"


class Acknowledgement(db.Model):
    """An employee confirmed having read one published version of a page."""

    __tablename__ = "policy_acknowledgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("policy_page.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"), index=True)
    acknowledged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    version: Mapped[PolicyVersion] = relationship(lazy="joined")

    audit_type = "policy_acknowledgement"

    __table_args__ = (
        UniqueConstraint("user_id", "version_id", name="uq_policy_acknowledgement_user_version"),
    )

    def __repr__(self) -> str:
        return f"<Acknowledgement user={self.user_id} version={self.version_id}>"


class Adviser(db.Model):
    """A confidential adviser or other contact (internal or external), kept by the administrator."""

    __tablename__ = "policy_adviser"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    is_external: Mapped[bool] = mapped_column(Boolean, default=False)
    phone: Mapped[Optional[str]] = mapped_column(String(40))
    email: Mapped[Optional[str]] = mapped_column(String(320))
    availability: Mapped[str] = mapped_column(String(1000), default="")
    introduction: Mapped[str] = mapped_column(Text, default="")
    photo: Mapped[Optional[bytes]] = mapped_column(LargeBinary, deferred=True)
    #: "image/png" or "image/jpeg", taken from the file's magic bytes
    photo_content_type: Mapped[Optional[str]] = mapped_column(String(32))
    photo_alt: Mapped[str] = mapped_column(String(300), default="")
    #: the day the administrator last confirmed these details
    last_checked_at: Mapped[Optional[date]] = mapped_column(Date)
    sort_order: Mapped[int] = mapped_column(Integer, default=100)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    audit_type = "policy_adviser"

    __table_args__ = (
        Index("ix_policy_adviser_listing", "is_active", "is_external", "sort_order", "name"),
        CheckConstraint(
            "photo_content_type is null or photo_content_type in ('image/png', 'image/jpeg')",
            name="photo_content_type",
        ),
    )

    @property
    def has_photo(self) -> bool:
        return self.photo_content_type is not None

    def __repr__(self) -> str:
        return f"<Adviser {self.id} {self.name}>"
