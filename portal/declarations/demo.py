"""Demo content: a few declarations for the demo accounts (idempotent)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from portal.auth.models import User
from portal.declarations.models import Declaration, DeclarationKind, NilStatement
from portal.declarations.services import create_declaration, submit_version
from portal.review.services import decide_version
from portal.declarations.statements import record_nil_statement
from portal.extensions import db

# The demo directory's people that the demo declarations belong to; rows are created when
# missing (a user row normally appears at first sign-in, which refreshes these values).
DEMO_PEOPLE = {
    "pmeijer": dict(display_name="Pieter Meijer", department="Directie", job_title="Gemeentesecretaris",
                    is_top_official=True),
    "evanleeuwen": dict(display_name="Esther van Leeuwen", department="Directie",
                        job_title="Directeur Bedrijfsvoering", is_top_official=True, is_high_risk=True),
    "jdevries": dict(display_name="Jan de Vries", department="Openbare Werken", job_title="Uitvoerder wegen"),
    "sbakker": dict(display_name="Sanne Bakker", department="Burgerzaken", job_title="Medewerker burgerzaken"),
    "mjansen": dict(display_name="Mohamed Jansen", department="P&O", job_title="HR-adviseur", is_reviewer=True),
}

_SIDE = dict(organisation_kind="foundation_association", is_paid=False, during_working_hours=False,
             municipality_relation="none", touches_own_work=False)

DEMO_SIDE_ACTIVITIES = {
    "pmeijer": dict(_SIDE, organisation_name="Stichting Vrienden van het Stadsmuseum", role="Voorzitter bestuur",
                    description="Voorzitter van het bestuur; vier vergaderingen per jaar.", hours_per_month=4,
                    start_date=date(2019, 3, 1),
                    conflict_assessment="De stichting krijgt geen subsidie van de gemeente; geen risico."),
    "evanleeuwen": dict(_SIDE, organisation_name="Hockeyclub De Linge", role="Penningmeester",
                        description="Beheer van de clubkas en de jaarrekening.", hours_per_month=6,
                        start_date=date(2021, 9, 1), municipality_relation="permit",
                        conflict_assessment="De club huurt het sportpark van de gemeente; ik ben niet betrokken "
                                            "bij sportzaken in mijn werk."),
    "jdevries": dict(_SIDE, organisation_name="Klusbedrijf De Vries", organisation_kind="own_business",
                     role="Eigenaar", description="Kleine verbouwingen in de weekenden.", is_paid=True,
                     hours_per_month=16, start_date=date(2024, 1, 1), municipality_relation="unknown",
                     conflict_assessment="Ik neem geen opdrachten aan van de gemeente of van aannemers "
                                         "waar ik in mijn werk mee te maken heb."),
}


def _person(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        values = DEMO_PEOPLE[username]
        user = User(username=username, dn=f"uid={username},ou=people,dc=example,dc=nl",
                    email=f"{username}@example.nl", **values)
        db.session.add(user)
        db.session.flush()
    return user


def load_demo_declarations() -> None:
    """One approved side activity for pmeijer (published) and evanleeuwen (its public summary still to be
    written by HR), one waiting for jdevries, nil statements for sbakker."""
    from portal.review.summaries import SummaryAnswers, approve_summary

    reviewer = _person("mjansen")
    for username, answers in DEMO_SIDE_ACTIVITIES.items():
        owner = _person(username)
        if db.session.scalar(select(Declaration.id).where(Declaration.owner_id == owner.id).limit(1)):
            continue
        declaration, _created = create_declaration(owner, DeclarationKind.side_activity, answers)
        version = declaration.pending_version
        submit_version(version, owner)
        if username != "jdevries":
            decide_version(version, "approved", reviewer)
        if username == "pmeijer":
            approve_summary(declaration, SummaryAnswers(
                role="Voorzitter van het bestuur", organisation=answers["organisation_name"],
                description="Stichting die het stadsmuseum steunt.", is_paid=False, restrictions=None), reviewer)
    sanne = _person("sbakker")
    if db.session.scalar(select(NilStatement.id).where(NilStatement.user_id == sanne.id).limit(1)) is None:
        for kind in DeclarationKind:
            record_nil_statement(sanne, kind)
