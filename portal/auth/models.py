"""Users: one row per directory account, refreshed at every sign-in."""

from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from portal.auth.directory.dn import normalise_dn

from portal.core.time import utcnow
from portal.extensions import db


def dn_key(dn: str | None) -> str | None:
    """One spelling of a DN for matching; the DN as typed, lower-cased, when it does not parse."""
    if not dn:
        return None
    try:
        return normalise_dn(dn)[:1024]
    except Exception:  # noqa: BLE001 - a malformed DN (tests, old rows) still gets a key
        return dn.strip().lower()[:1024]


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the directory login name, lower-cased: ``JDeVries`` and ``jdevries`` are one account
    username: Mapped[str] = mapped_column(String(256), unique=True)
    #: the directory's stable id (objectGUID, entryUUID): a renamed account is the same person
    directory_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    dn: Mapped[str] = mapped_column(String(1024))
    #: the DN in one spelling (escapes resolved, lower case): what a ``manager`` attribute is matched against
    dn_key: Mapped[Optional[str]] = mapped_column(String(1024), index=True)
    #: the manager's DN in the same spelling, from the directory's manager attribute (LDAP_ATTR_MANAGER)
    manager_dn: Mapped[Optional[str]] = mapped_column(String(1024), index=True)
    display_name: Mapped[str] = mapped_column(String(256))
    email: Mapped[Optional[str]] = mapped_column(String(320))
    department: Mapped[Optional[str]] = mapped_column(String(256), index=True)
    job_title: Mapped[Optional[str]] = mapped_column(String(256))
    employee_type: Mapped[Optional[str]] = mapped_column(String(64))
    employee_number: Mapped[Optional[str]] = mapped_column(String(64))
    is_reviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_top_official: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    is_high_risk: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: integrity coordinator: the only role that sees reports of suspected breaches
    is_integrity_officer: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: confidential adviser (vertrouwenspersoon): logs contacts for the annual report
    is_confidential_adviser: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: interface and mail language chosen by the user
    language: Mapped[str] = mapped_column(String(2), default="nl")
    #: a disabled account cannot sign in and loses its sessions
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    #: start date proxy: the first sign-in (the directory rarely has a start date)
    first_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: set when the person left the organisation (retention periods count from here)
    left_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: why: ``directory`` (no entry), ``disabled``, ``account_expired``, or ``manual`` (flask portal
    #: mark-left; the sync does not bring such a person back, ``mark-returned`` does)
    left_reason: Mapped[Optional[str]] = mapped_column(String(16))
    #: set when retention erased the name, contact details and free texts of this leaver
    anonymised_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: bumped to end every session of this user at once
    session_generation: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("language in ('nl', 'en')", name="language"),)

    @validates("dn")
    def _keep_dn_key(self, _key: str, dn: str) -> str:
        self.dn_key = dn_key(dn)
        return dn

    def get_id(self) -> str:
        # The generation in the id means a bumped generation invalidates old cookies.
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled and self.left_at is None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"


class UserSession(db.Model):
    """One sign-in: the cookie names it, and a session whose row has ended is dead on every app server."""

    __tablename__ = "user_session"

    #: random, unguessable; kept in the signed session cookie
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<UserSession user={self.user_id} ended={self.ended_at}>"


class DirectoryRefusal(db.Model):
    """The directory refused the service account's password: nobody tries it again until an
    administrator does (``flask portal retry-directory``) or the configuration changes."""

    __tablename__ = "directory_refusal"

    #: hash of the URL, service account and password that were refused
    fingerprint: Mapped[str] = mapped_column(String(64), primary_key=True)
    refused_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    message: Mapped[str] = mapped_column(String(1000))
