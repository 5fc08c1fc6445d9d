"""The annual report counts gifts by kind and by decision; the lifecycle refuses wrong steps."""

from __future__ import annotations

from datetime import date

import pytest

from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import (
    Decision,
    GiftError,
    GiftStatus,
    InvalidTransition,
    Response,
    ValueBand,
    check_transition,
    decision_problems,
    initial_status,
)
from tests.declarations.helpers import make_user
from tests.reports.test_annual_report import _rows


def _gift(owner, on: date, category: str, status: GiftStatus, decision: Decision | None = None) -> Gift:
    gift = Gift(owner_id=owner.id, category=category, description="Iets", giver_organisation="BV", work_relation="Geen",
                value_band=ValueBand.low, threshold=50, response=Response.accepted, received_on=on, status=status,
                decision=decision)
    db.session.add(gift)
    return gift


def test_the_annual_report_counts_gifts_by_kind_and_by_decision_beside_earlier_years(app, client, auth):
    with app.app_context():
        owner = make_user("giftowner")
        _gift(owner, date(2025, 3, 1), "geschenk", GiftStatus.noted)
        _gift(owner, date(2025, 4, 1), "geschenk", GiftStatus.decided, Decision.returned)
        _gift(owner, date(2025, 5, 1), "uitnodiging", GiftStatus.decided, Decision.allowed_with_conditions)
        _gift(owner, date(2025, 12, 31), "maaltijd", GiftStatus.asked)
        _gift(owner, date(2024, 6, 1), "reis", GiftStatus.declined)
        _gift(owner, date(2026, 1, 1), "geschenk", GiftStatus.noted)  # another year
        db.session.commit()
    auth.login("mjansen")
    html = client.get("/reports/annual?year=2025").get_data(as_text=True)
    kinds = _rows(html, "gifts")
    assert kinds["Geschenk"][:2] == ["2", "0"]
    assert kinds["Uitnodiging voor een evenement"][:2] == ["1", "0"]
    assert kinds["Reis of congres"][:2] == ["0", "1"]
    assert kinds["Totaal gemeld"][:2] == ["4", "1"]
    outcomes = _rows(html, "gift_outcomes")
    assert outcomes["Teruggeven of afslaan"][:2] == ["1", "0"]
    assert outcomes["Toegestaan onder voorwaarden"][:2] == ["1", "0"]
    assert outcomes["Toegestaan volgens de gedragscode"][:2] == ["1", "0"]
    assert outcomes["Wacht op besluit"][:2] == ["1", "0"]
    assert outcomes["Geweigerd door de medewerker"][:2] == ["0", "1"]


@pytest.mark.parametrize("current, target", [
    (GiftStatus.decided, GiftStatus.decided),
    (GiftStatus.declined, GiftStatus.decided),
    (GiftStatus.decided, GiftStatus.asked),
    (GiftStatus.asked, GiftStatus.noted),
])
def test_the_lifecycle_refuses_a_wrong_step_with_a_dutch_message(app, current, target):
    with app.test_request_context():
        with pytest.raises(InvalidTransition) as refused:
            check_transition(current, target)
        assert "Dit kan niet" in refused.value.message and isinstance(refused.value, GiftError)


@pytest.mark.parametrize("response, band, category, expected", [
    (Response.undecided, ValueBand.low, "geschenk", GiftStatus.asked),
    (Response.declined, ValueBand.high, "geschenk", GiftStatus.declined),
    (Response.accepted, ValueBand.low, "geschenk", GiftStatus.noted),
    (Response.accepted, ValueBand.middle, "geschenk", GiftStatus.awaiting_consent),
    (Response.accepted, ValueBand.unknown, "geschenk", GiftStatus.awaiting_consent),
    (Response.accepted, ValueBand.low, "uitnodiging", GiftStatus.awaiting_consent),  # invitations: always asked
])
def test_where_a_report_starts_follows_the_code_of_conduct(response, band, category, expected):
    assert initial_status(response, band, category, ["uitnodiging", "reis", "maaltijd"]) == expected


def test_the_threshold_and_the_categories_are_settings(app, client, auth):
    app.config.update(GIFT_THRESHOLD=100, GIFT_CATEGORIES=["geschenk", "bloemen"])
    auth.login("jdevries")
    html = client.get("/gifts/new").get_data(as_text=True)
    assert "€ 100 of minder" in html and "Meer dan € 500" in html and "bloemen" in html
    assert "Reis of congres" not in html


def test_a_decision_names_what_it_lacks(app):
    with app.test_request_context():
        assert set(decision_problems(Decision.allowed_with_conditions, "", None)) == {"conditions"}
        assert set(decision_problems(Decision.returned, None, " ")) == {"reason"}
        assert decision_problems(Decision.allowed, None, None) == {}
        assert decision_problems(Decision.allowed_with_conditions, "Delen met het team", None) == {}


def test_a_leavers_gifts_lose_their_texts_but_the_report_still_counts_them(app):
    from datetime import datetime, timedelta, timezone

    from portal.admin.retention import apply_retention

    with app.app_context():
        owner = make_user("leaver", left_at=datetime(2020, 1, 1, tzinfo=timezone.utc))
        gift = _gift(owner, date(2019, 6, 1), "geschenk", GiftStatus.decided, Decision.returned)
        gift.giver_name, gift.decision_reason = "Karin Smit", "De gever heeft een aanbesteding lopen."
        db.session.commit()
        counts = apply_retention(datetime.now(timezone.utc) + timedelta(days=1))
        db.session.commit()
        assert counts["gifts"] == 1
        db.session.expire_all()
        gift = db.session.get(Gift, gift.id)
        assert (gift.description, gift.giver_name, gift.work_relation, gift.decision_reason) == ("", "", "", "")
        assert (gift.category, gift.status, gift.decision) == ("geschenk", GiftStatus.decided, Decision.returned)


def test_a_closed_years_gift_figures_stay_when_a_gift_of_that_year_is_reported_later(app, client, auth):
    with app.app_context():
        owner = make_user("giftowner")
        _gift(owner, date(2025, 3, 1), "geschenk", GiftStatus.noted)
        db.session.commit()
    auth.login("rkoster")
    assert client.submit("/reports/annual/2025/close").status_code == 302
    with app.app_context():
        _gift(make_user("giftowner"), date(2025, 4, 1), "geschenk", GiftStatus.asked)
        db.session.commit()
    html = client.get("/reports/annual?year=2025").get_data(as_text=True)
    assert _rows(html, "gifts")["Geschenk"][0] == "1"
    assert _rows(html, "gift_outcomes")["Wacht op besluit"][0] == "0"
