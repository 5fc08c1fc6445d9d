"""Builders for declaration tests: users, answers, declarations in a given state."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from portal.auth.models import User
from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion
from portal.extensions import db

SIDE_FORM = {
    "organisation_name": "Voetbalvereniging De Bal",
    "organisation_kind": "foundation_association",
    "role": "Trainer",
    "description": "Training van de jeugd op woensdag.",
    "is_paid": "no",
    "hours_per_month": "8",
    "start_date": "2024-01-01",
    "end_date": "",
    "during_working_hours": "no",
    "municipality_relation": "none",
    "touches_own_work": "no",
    "touches_own_work_explanation": "",
    "conflict_assessment": "Geen risico: de club heeft niets met mijn werk te maken.",
}

INTEREST_FORM = {
    "interest_kind": "shares_options",
    "entity": "Bouwbedrijf Noord BV",
    "relation_to_work": "Geen verband met mijn werk.",
    "acquired_on": "2020-05-01",
    "ended_on": "",
}

SIDE_ANSWERS = {
    "organisation_name": "Voetbalvereniging De Bal",
    "organisation_kind": "foundation_association",
    "role": "Trainer",
    "description": "Training van de jeugd op woensdag.",
    "is_paid": False,
    "hours_per_month": 8,
    "start_date": date(2024, 1, 1),
    "during_working_hours": False,
    "municipality_relation": "none",
    "touches_own_work": False,
    "conflict_assessment": "Geen risico.",
}

INTEREST_ANSWERS = {
    "interest_kind": "shares_options",
    "entity": "Bouwbedrijf Noord BV",
    "relation_to_work": "Geen verband.",
    "acquired_on": date(2020, 5, 1),
}


def make_user(username: str, **values) -> User:
    """A user row as a first sign-in would create it."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        values.setdefault("display_name", username)
        values.setdefault("email", f"{username}@example.nl")
        user = User(username=username, dn=f"uid={username},ou=people,dc=example,dc=nl", **values)
        db.session.add(user)
        db.session.flush()
    return user


def user_by_name(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def versions_of(declaration_id: int) -> list[DeclarationVersion]:
    return list(db.session.scalars(
        select(DeclarationVersion).where(DeclarationVersion.declaration_id == declaration_id)
        .order_by(DeclarationVersion.number)
    ))


def declare(owner: User, kind: DeclarationKind = DeclarationKind.side_activity, *, submit: bool = True,
            decide: str | None = None, reviewer: User | None = None, **overrides) -> Declaration:
    """A declaration of ``owner``, submitted and decided if asked."""
    from portal.declarations.services import create_declaration, submit_version
    from portal.review.services import decide_version

    answers = dict(SIDE_ANSWERS if kind == DeclarationKind.side_activity else INTEREST_ANSWERS, **overrides)
    declaration, _created = create_declaration(owner, kind, answers)
    version = declaration.pending_version
    if submit:
        submit_version(version, owner)
    if decide:
        reviewer = reviewer or make_user("mjansen", is_reviewer=True)
        extra = {"conditions": "Niet onder werktijd."} if decide == "approved_with_conditions" else {}
        if decide == "refused":
            extra = {"reason": "Te veel uren."}
        decide_version(version, decide, reviewer, **extra)
    db.session.flush()
    return declaration
