"""Declarations of side activities and financial interests, their versions and HR's questions.

Data model in one paragraph (for the review area that builds on it):

* ``Declaration`` is *the thing* (stable id in URLs, ``/declarations/<id>``). It points at the
  version in force (``current_version``: the last decided one) and at the version not yet
  decided (``pending_version``: a draft, or a submission waiting for HR). Its ``status`` is
  derived from those two by ``states.derive_declaration_status`` and stored for the queue.
  ``lock_version`` is SQLAlchemy's ``version_id_col``: every UPDATE checks it, so two
  reviewers deciding at the same time make the second flush raise ``StaleDataError``
  (``services.ensure_lock_version`` gives the same check for a value carried in a form).
* ``DeclarationVersion`` holds every answer of the form. A version is edited only while it
  is a draft; from submission on it is never changed except for its lifecycle columns
  (status, timestamps, actor, conditions, refusal reason). A change is a new version.
* ``InformationRequest`` is HR's question on a version and the employee's answer.
* ``NilStatement`` is an explicit "nothing to declare" for one kind, with a date.

Only ``portal.declarations.services`` changes these rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

import sqlalchemy as sa
from sqlalchemy import Boolean, CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship

from portal.core.enums import LabelledEnum
from portal.core.i18n import lazy_gettext as _l
from portal.core.time import utcnow
from portal.core.types import enum_type
from portal.declarations.states import DeclarationStatus, VersionStatus
from portal.extensions import db

if TYPE_CHECKING:
    from portal.auth.models import User

# Field lengths, shared with the forms so that the database never truncates what passed validation.
NAME_MAX = 200
ENTITY_MAX = 300
TEXT_MAX = 4000
NOTE_MAX = 2000


class DeclarationKind(LabelledEnum):
    side_activity = "side_activity", _l("Nevenwerkzaamheid")
    financial_interest = "financial_interest", _l("Financieel belang")

    @property
    def plural(self):
        """The kind in the plural, as a heading (``Nevenwerkzaamheden``)."""
        return _l("Nevenwerkzaamheden") if self is DeclarationKind.side_activity else _l("Financiële belangen")

    @property
    def nothing_to_declare(self):
        """What someone says who has none of this kind."""
        return (_l("Ik heb geen nevenwerkzaamheden") if self is DeclarationKind.side_activity
                else _l("Ik heb geen financiële belangen"))


class OrganisationKind(LabelledEnum):
    company = "company", _l("Bedrijf")
    foundation_association = "foundation_association", _l("Stichting of vereniging")
    government = "government", _l("Overheidsorganisatie")
    own_business = "own_business", _l("Eigen bedrijf")
    other = "other", _l("Anders")


class MunicipalityRelation(LabelledEnum):
    client = "client", _l("Ja, als klant of afnemer van de gemeente")
    supplier = "supplier", _l("Ja, als leverancier van de gemeente")
    subsidy = "subsidy", _l("Ja, de organisatie krijgt subsidie van de gemeente")
    permit = "permit", _l("Ja, de organisatie vraagt vergunningen of ontheffingen aan")
    none = "none", _l("Nee, geen zakelijke relatie met de gemeente")
    unknown = "unknown", _l("Weet ik niet")


class InterestKind(LabelledEnum):
    shares_options = "shares_options", _l("Aandelen of opties")
    bonds = "bonds", _l("Obligaties")
    company_stake = "company_stake", _l("Belang in een bedrijf of vennootschap")
    real_estate = "real_estate", _l("Onroerend goed (niet de eigen woning)")
    loan_given = "loan_given", _l("Verstrekte lening")
    other = "other", _l("Anders")


class InterestEvent(LabelledEnum):
    """What a financial-interest declaration reports: a holding, or a transaction in securities (art. 8 lid 2 Aw)."""

    holding = "holding", _l("Bezit: ik heb dit belang")
    bought = "bought", _l("Transactie: ik heb effecten gekocht")
    sold = "sold", _l("Transactie: ik heb effecten verkocht")


def title_of(subject: str | None) -> str:
    """A declaration's name in lists: its organisation or entity, or that it has none yet."""
    return subject or str(_l("(nog geen naam)"))


class ShowsStatus:
    """What a list shows of a declaration's status: ``Declaration`` and the lighter rows of a list."""

    __slots__ = ()

    @property
    def status_label(self) -> str:
        return str(self.status.label)  # type: ignore[attr-defined]

    @property
    def status_tone(self) -> str:
        return self.status.tone  # type: ignore[attr-defined]


class Declaration(ShowsStatus, db.Model):
    """One declared side activity or financial interest of one employee, over its whole life."""

    __tablename__ = "declaration"
    audit_type = "declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[DeclarationKind] = mapped_column(enum_type(DeclarationKind, "kind"))
    #: derived from current/pending versions (states.derive_declaration_status); stored for the queue
    status: Mapped[DeclarationStatus] = mapped_column(
        enum_type(DeclarationStatus, "status"), default=DeclarationStatus.draft
    )
    #: the version in force: the last decided one (approved, with conditions, or refused); None before a decision
    current_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("declaration_version.id", use_alter=True, ondelete="SET NULL")
    )
    #: the version not yet decided: a draft, or a submission waiting for HR; None when there is none
    pending_version_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("declaration_version.id", use_alter=True, ondelete="SET NULL")
    )
    #: when the pending version was first submitted: the queue's waiting time (None when nothing waits)
    submitted_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    #: reviewer who picked this declaration up (set by the review area)
    assigned_reviewer_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: optimistic concurrency: every UPDATE checks and bumps it (StaleDataError on a lost race)
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    #: the day the activity or interest ended (employee's "end"); status is then ``ended``
    ended_on: Mapped[Optional[date]] = mapped_column(Date)
    ended_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    ended_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: one-time token of the form that created this declaration: a double click creates it once
    client_token: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    #: last time the employee confirmed "still correct" (annual reconfirmation)
    last_confirmed_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    owner: Mapped["User"] = relationship(foreign_keys=[owner_id])
    assigned_reviewer: Mapped[Optional["User"]] = relationship(foreign_keys=[assigned_reviewer_id])
    versions: Mapped[list["DeclarationVersion"]] = relationship(
        back_populates="declaration",
        foreign_keys="DeclarationVersion.declaration_id",
        order_by="DeclarationVersion.number",
        cascade="all, delete-orphan",
    )
    current_version: Mapped[Optional["DeclarationVersion"]] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )
    pending_version: Mapped[Optional["DeclarationVersion"]] = relationship(
        foreign_keys=[pending_version_id], post_update=True
    )

    __table_args__ = (
        Index("ix_declaration_queue", "status", "submitted_at", "id"),
        Index("ix_declaration_kind_status", "kind", "status"),
        CheckConstraint("ended_on IS NULL OR status = 'ended'", name="ended"),
    )
    __mapper_args__ = {"version_id_col": lock_version}

    @property
    def latest_version(self) -> Optional["DeclarationVersion"]:
        """The version to show first: the pending one if any, else the one in force, else the newest.

        A first submission that was withdrawn has neither a pending version nor one in force.
        """
        return self.pending_version or self.current_version or (self.versions[-1] if self.versions else None)

    @property
    def title(self) -> str:
        """Organisation name or entity of the latest version (may be empty in a draft)."""
        version = self.latest_version
        return title_of(version.subject if version else "")

    @property
    def is_ended(self) -> bool:
        return self.status == DeclarationStatus.ended

    def __repr__(self) -> str:
        return f"<Declaration {self.id} {self.kind} {self.status} owner={self.owner_id}>"


_SIDE_FIELDS = (
    "organisation_name", "organisation_kind", "role", "description", "is_paid", "hours_per_month",
    "start_date", "end_date", "during_working_hours", "municipality_relation", "touches_own_work",
    "touches_own_work_explanation", "conflict_assessment",
)
_INTEREST_FIELDS = ("interest_event", "interest_kind", "entity", "relation_to_work", "acquired_on", "transaction_on",
                    "ended_on")
#: answers required before a version can be submitted (also a CHECK constraint below)
REQUIRED_ON_SUBMIT = {
    DeclarationKind.side_activity: (
        "organisation_name", "organisation_kind", "role", "description", "is_paid", "hours_per_month",
        "start_date", "during_working_hours", "municipality_relation", "touches_own_work", "conflict_assessment",
    ),
    DeclarationKind.financial_interest: ("interest_kind", "entity", "relation_to_work"),
}
#: and per case of a financial interest: a holding needs the date since when, a transaction its date
REQUIRED_FOR_EVENT = {
    InterestEvent.holding: ("acquired_on",),
    InterestEvent.bought: ("transaction_on",),
    InterestEvent.sold: ("transaction_on",),
}
_INTEREST_DATE_COMPLETE = (
    "((interest_event IS NULL OR interest_event = 'holding') AND acquired_on IS NOT NULL)"
    " OR (interest_event IN ('bought', 'sold') AND transaction_on IS NOT NULL)"
)
#: the form's answers per kind, in form order (what is copied to a new version and compared between versions)
ANSWER_FIELDS = {DeclarationKind.side_activity: _SIDE_FIELDS, DeclarationKind.financial_interest: _INTEREST_FIELDS}


def _all_null(fields) -> str:
    return " AND ".join(f"{name} IS NULL" for name in fields)


def _none_null(fields) -> str:
    return " AND ".join(f"{name} IS NOT NULL" for name in fields)


class DeclarationVersion(db.Model):
    """One version of a declaration: the answers as given, and what happened to them."""

    __tablename__ = "declaration_version"
    audit_type = "declaration_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    declaration_id: Mapped[int] = mapped_column(ForeignKey("declaration.id", ondelete="CASCADE"))
    #: 1, 2, … per declaration
    number: Mapped[int] = mapped_column(Integer)
    #: copied from the declaration so that the CHECK constraints can see it
    kind: Mapped[DeclarationKind] = mapped_column(enum_type(DeclarationKind, "kind"))
    status: Mapped[VersionStatus] = mapped_column(enum_type(VersionStatus, "status"), default=VersionStatus.draft)

    # -- side activity ---------------------------------------------------------
    organisation_name: Mapped[Optional[str]] = mapped_column(String(NAME_MAX))
    organisation_kind: Mapped[Optional[OrganisationKind]] = mapped_column(
        enum_type(OrganisationKind, "organisation_kind")
    )
    role: Mapped[Optional[str]] = mapped_column(String(NAME_MAX))
    description: Mapped[Optional[str]] = mapped_column(Text)
    is_paid: Mapped[Optional[bool]] = mapped_column(Boolean)
    hours_per_month: Mapped[Optional[int]] = mapped_column(Integer)
    start_date: Mapped[Optional[date]] = mapped_column(Date)
    end_date: Mapped[Optional[date]] = mapped_column(Date)
    during_working_hours: Mapped[Optional[bool]] = mapped_column(Boolean)
    municipality_relation: Mapped[Optional[MunicipalityRelation]] = mapped_column(
        enum_type(MunicipalityRelation, "municipality_relation")
    )
    touches_own_work: Mapped[Optional[bool]] = mapped_column(Boolean)
    touches_own_work_explanation: Mapped[Optional[str]] = mapped_column(Text)
    #: the employee's own assessment of a possible (appearance of a) conflict of interest
    conflict_assessment: Mapped[Optional[str]] = mapped_column(Text)

    # -- financial interest (no amounts: data minimisation) -----------------------
    interest_kind: Mapped[Optional[InterestKind]] = mapped_column(enum_type(InterestKind, "interest_kind"))
    entity: Mapped[Optional[str]] = mapped_column(String(ENTITY_MAX))
    relation_to_work: Mapped[Optional[str]] = mapped_column(Text)
    #: a holding or a transaction (bought/sold) in securities; None on versions from before transactions existed
    interest_event: Mapped[Optional[InterestEvent]] = mapped_column(enum_type(InterestEvent, "interest_event"))
    acquired_on: Mapped[Optional[date]] = mapped_column(Date)
    #: the day of the purchase or sale (transactions only; never an amount)
    transaction_on: Mapped[Optional[date]] = mapped_column(Date)
    ended_on: Mapped[Optional[date]] = mapped_column(Date)

    # -- lifecycle ---------------------------------------------------------------
    #: the employee's note on what changed against the previous version
    change_note: Mapped[Optional[str]] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    #: first submission of this version
    submitted_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), index=True)  #: annual report
    review_started_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True), index=True)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    #: conditions of an approval, shown to the employee
    conditions: Mapped[Optional[str]] = mapped_column(Text)
    #: reason of a refusal, shown to the employee
    refusal_reason: Mapped[Optional[str]] = mapped_column(Text)
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    withdrawn_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    superseded_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    declaration: Mapped[Declaration] = relationship(back_populates="versions", foreign_keys=[declaration_id])
    created_by: Mapped[Optional["User"]] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[Optional["User"]] = relationship(foreign_keys=[decided_by_id])
    information_requests: Mapped[list["InformationRequest"]] = relationship(
        back_populates="version", order_by="InformationRequest.asked_at", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("declaration_id", "number", name="uq_declaration_version_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("hours_per_month IS NULL OR (hours_per_month >= 0 AND hours_per_month <= 744)", name="hours"),
        CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="side_dates"),
        CheckConstraint("ended_on IS NULL OR acquired_on IS NULL OR ended_on >= acquired_on", name="interest_dates"),
        CheckConstraint(f"kind = 'side_activity' OR ({_all_null(_SIDE_FIELDS)})", name="side_fields"),
        CheckConstraint(f"kind = 'financial_interest' OR ({_all_null(_INTEREST_FIELDS)})", name="interest_fields"),
        CheckConstraint(
            "submitted_at IS NULL OR kind <> 'side_activity' OR "
            f"({_none_null(REQUIRED_ON_SUBMIT[DeclarationKind.side_activity])})",
            name="side_complete",
        ),
        CheckConstraint(
            "submitted_at IS NULL OR kind <> 'financial_interest' OR "
            f"({_none_null(REQUIRED_ON_SUBMIT[DeclarationKind.financial_interest])} AND ({_INTEREST_DATE_COMPLETE}))",
            name="interest_complete",
        ),
        CheckConstraint("status <> 'approved_with_conditions' OR conditions IS NOT NULL", name="conditions"),
        CheckConstraint("status <> 'refused' OR refusal_reason IS NOT NULL", name="refusal_reason"),
    )

    @property
    def subject(self) -> str:
        """What the version is about: the organisation or the entity."""
        return (self.organisation_name if self.kind == DeclarationKind.side_activity else self.entity) or ""

    @property
    def status_label(self) -> str:
        return str(self.status.label)

    @property
    def is_editable(self) -> bool:
        """Only drafts are edited in place."""
        return self.status == VersionStatus.draft

    @property
    def event(self) -> Optional[InterestEvent]:
        """A financial interest's case: holding (also for versions from before transactions existed), bought, sold."""
        if self.kind != DeclarationKind.financial_interest:
            return None
        return self.interest_event or InterestEvent.holding

    def answers(self) -> dict:
        """The form's answers of this version, by field name (form order)."""
        return {name: getattr(self, name) for name in ANSWER_FIELDS[self.kind]}

    def __repr__(self) -> str:
        return f"<DeclarationVersion {self.id} declaration={self.declaration_id} v{self.number} {self.status}>"


class InformationRequest(db.Model):
    """HR's question on a version and the employee's answer (shown to both)."""

    __tablename__ = "declaration_information_request"
    audit_type = "declaration_information_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("declaration_version.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answer: Mapped[Optional[str]] = mapped_column(Text)
    answered_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    version: Mapped[DeclarationVersion] = relationship(back_populates="information_requests")
    asked_by: Mapped[Optional["User"]] = relationship(foreign_keys=[asked_by_id])

    __table_args__ = (
        Index("ix_declaration_information_request_version", "version_id", "asked_at"),
        CheckConstraint("(answer IS NULL) = (answered_at IS NULL)", name="answered"),
    )

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    def __repr__(self) -> str:
        return f"<InformationRequest {self.id} version={self.version_id} open={self.is_open}>"


class NilStatement(db.Model):
    """An explicit "I have nothing to declare" for one kind, with its date.

    The latest statement without ``withdrawn_at`` counts; declaring something of that kind
    withdraws it.
    """

    __tablename__ = "declaration_nil_statement"
    audit_type = "declaration_nil_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[DeclarationKind] = mapped_column(enum_type(DeclarationKind, "kind"))
    stated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    withdrawn_at: Mapped[Optional[datetime]] = mapped_column(DateTime(timezone=True))

    user: Mapped["User"] = relationship()

    __table_args__ = (Index("ix_declaration_nil_statement_user", "user_id", "kind", "withdrawn_at"),)

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None

    def __repr__(self) -> str:
        return f"<NilStatement {self.id} user={self.user_id} {self.kind} current={self.is_current}>"


# -- the same rules in SQL, for lists that read only the columns they show --------------------------------

_IN_FORCE = aliased(DeclarationVersion, name="in_force")
_PENDING = aliased(DeclarationVersion, name="pending")


def version_subject(version) -> sa.ColumnElement:
    """DeclarationVersion.subject in SQL: the organisation of a side activity, the entity of an interest."""
    return sa.case((version.kind == DeclarationKind.side_activity, version.organisation_name), else_=version.entity)


def join_versions(statement: sa.Select) -> sa.Select:
    """``statement`` (with Declaration in its FROM) with the version in force (IN_FORCE) and the pending one."""
    return (statement.outerjoin(_IN_FORCE, _IN_FORCE.id == Declaration.current_version_id)
            .outerjoin(_PENDING, _PENDING.id == Declaration.pending_version_id))


def latest_subject() -> sa.ColumnElement:
    """The subject of Declaration.latest_version in SQL: pending, else in force, else the newest version (a
    withdrawn first submission has neither); needs join_versions."""
    newest = aliased(DeclarationVersion, name="newest")
    newest_subject = (sa.select(version_subject(newest)).where(newest.declaration_id == Declaration.id)
                      .order_by(newest.number.desc()).limit(1).scalar_subquery())
    return sa.case((Declaration.pending_version_id.is_not(None), version_subject(_PENDING)),
                   (Declaration.current_version_id.is_not(None), version_subject(_IN_FORCE)),
                   else_=newest_subject)


IN_FORCE, PENDING = _IN_FORCE, _PENDING  #: the versions join_versions adds, for their columns
