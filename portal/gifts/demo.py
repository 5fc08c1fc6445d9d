"""Demo content: gifts of the demo employees over six years (the annual report's section), and this
year's open question and decision (idempotent, deterministic)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app
from sqlalchemy import select

from portal.auth.models import User, dn_key
from portal.core.time import today_local
from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import Decision, GiftStatus, Response, ValueBand

DEMO_PEOPLE = {
    "jdevries": dict(display_name="Jan de Vries", department="Openbare Werken", job_title="Uitvoerder wegen",
                     manager_dn="uid=hbos,ou=people,dc=example,dc=nl"),
    "sbakker": dict(display_name="Sanne Bakker", department="Burgerzaken", job_title="Medewerker burgerzaken",
                    manager_dn="uid=fyilmaz,ou=people,dc=example,dc=nl"),
}
#: gifts per year, oldest first (the demo year is last)
GIFTS_PER_YEAR = (9, 12, 10, 14, 13, 16)
EXAMPLES = {
    "geschenk": ("Kerstpakket", "Aannemersbedrijf Van Dijk", "Voert wegwerkzaamheden uit voor mijn afdeling."),
    "uitnodiging": ("Kaarten voor een voetbalwedstrijd", "Ingenieursbureau West", "Adviseert de gemeente over bruggen."),
    "reis": ("Studiereis naar een vakbeurs", "Leverancier Straatverlichting BV", "Levert lantaarnpalen."),
    "maaltijd": ("Diner na de oplevering", "Bouwcombinatie Noord", "Bouwde de nieuwe sporthal."),
    "overig": ("Korting op een fiets", "Fietsenwinkel Centrum", "Vraagt een terrasvergunning aan."),
}


def _person(username: str) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        values = dict(DEMO_PEOPLE[username], manager_dn=dn_key(DEMO_PEOPLE[username]["manager_dn"]))
        user = User(username=username, dn=f"uid={username},ou=people,dc=example,dc=nl",
                    email=f"{username}@example.nl", **values)
        db.session.add(user)
        db.session.flush()
    elif user.manager_dn is None:  # made by another area's demo: give it the directory's manager
        user.manager_dn = dn_key(DEMO_PEOPLE[username]["manager_dn"])
    return user


def _gift(rng: random.Random, owner: User, received_on: date, category: str, threshold: int) -> Gift:
    description, organisation, relation = EXAMPLES.get(category, EXAMPLES["geschenk"])
    band = rng.choices(list(ValueBand), weights=[5, 3, 1, 1])[0]
    status = rng.choices([GiftStatus.noted, GiftStatus.declined, GiftStatus.decided], weights=[4, 2, 5])[0]
    decision = rng.choices(list(Decision), weights=[4, 2, 2, 1])[0] if status == GiftStatus.decided else None
    decided_at = datetime.combine(received_on + timedelta(days=3), time(10), tzinfo=timezone.utc)
    return Gift(
        owner_id=owner.id, category=category, description=description, giver_organisation=organisation,
        work_relation=relation, value_band=band, threshold=threshold,
        response=Response.declined if status == GiftStatus.declined else Response.accepted, received_on=received_on,
        status=status, decision=decision, decided_at=decided_at if decision else None,
        conditions="U deelt het met het team." if decision == Decision.allowed_with_conditions else None,
        decision_reason="De gever heeft een aanbesteding lopen." if decision in (Decision.returned, Decision.hand_in)
        else None,
    )


def load_demo_gifts() -> None:
    """Six years of gifts, and this year one open question (jdevries) and one open consent (sbakker)."""
    if db.session.scalar(select(Gift.id).limit(1)) is not None:
        return
    config = current_app.config
    categories, threshold = config["GIFT_CATEGORIES"], config["GIFT_THRESHOLD"]
    people = [_person(username) for username in DEMO_PEOPLE]
    rng = random.Random(2026)
    today = today_local()
    for offset, count in enumerate(GIFTS_PER_YEAR):
        year = today.year - len(GIFTS_PER_YEAR) + offset
        for _ in range(count):
            received = date(year, 1, 1) + timedelta(days=rng.randrange(0, 364))
            db.session.add(_gift(rng, rng.choice(people), received, rng.choice(categories), threshold))
    jan, sanne = people
    invitation = "uitnodiging" if "uitnodiging" in categories else categories[0]
    db.session.add(Gift(
        owner_id=jan.id, category=invitation, description="Uitnodiging voor de nieuwjaarsborrel met diner",
        giver_name="Karin Smit", giver_organisation="Aannemersbedrijf Van Dijk",
        work_relation="Voert wegwerkzaamheden uit die ik begeleid.", value_band=ValueBand.middle, threshold=threshold,
        response=Response.undecided, received_on=today, status=GiftStatus.asked))
    db.session.add(Gift(
        owner_id=sanne.id, category=categories[0], description="Een fles champagne", giver_name="Familie Jansen",
        work_relation="Ik hielp hen met een spoedaanvraag voor een paspoort.", value_band=ValueBand.middle,
        threshold=threshold, response=Response.accepted, received_on=today, status=GiftStatus.awaiting_consent,
        explanation="Ze stonden ineens aan de balie; weigeren ging niet."))
    db.session.flush()
