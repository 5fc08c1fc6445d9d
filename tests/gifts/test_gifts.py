"""Gifts and invitations: an employee reports a gift and asks beforehand; the manager or HR decides;
the register is searched and exported by HR and the coordinator only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from portal.core.models import AuditEvent
from portal.core.time import today_local
from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import Decision, GiftStatus
from portal.notifications.models import OutboxMessage


TODAY = {}


@pytest.fixture(autouse=True)
def _today(app):
    with app.app_context():
        TODAY["iso"] = today_local().isoformat()
        TODAY["year"] = today_local().year


def form(**overrides) -> dict:
    with_today = {"category": "geschenk", "description": "Een fles wijn", "giver_name": "Karin Smit",
                  "giver_organisation": "Aannemersbedrijf Van Dijk",
                  "work_relation": "Voert wegwerkzaamheden uit die ik begeleid.", "value_band": "low",
                  "response": "accepted", "received_on": TODAY["iso"], "explanation": ""}
    with_today.update(overrides)
    return with_today


def gift_ids() -> list[int]:
    return list(db.session.scalars(select(Gift.id).order_by(Gift.id)))


def mails_to(username: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == f"{username}@example.nl")
                                   .order_by(OutboxMessage.id)))


def audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture()
def signed_in_once(auth):
    """The managers and HR exist in the portal (a user row appears at the first sign-in)."""
    for username in ("hbos", "fyilmaz", "mjansen"):
        auth.login(username)
        auth.logout()


def report(client, auth, username="jdevries", **overrides) -> int:
    auth.login(username)
    response = client.submit("/gifts/new", form(**overrides))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    auth.logout()
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_employee_reports_a_small_gift_and_asks_beforehand_about_an_invitation(app, client, auth, signed_in_once):
    auth.login("jdevries")
    page = client.get("/gifts/new").get_data(as_text=True)
    assert "€ 50 of minder" in page and "Meer dan € 50, tot en met € 250" in page and "Meer dan € 250" in page
    assert "Een geschenk van € 50 of minder mag u houden" in page
    small = client.submit("/gifts/new", form(), follow_redirects=True)
    assert small.status_code == 200 and "Gemeld: onder de drempel, geen toestemming nodig" in small.get_data(as_text=True)
    asked = client.submit("/gifts/new", form(category="uitnodiging", description="Kaarten voor Ajax–PSV",
                                             value_band="middle", response="undecided"), follow_redirects=True)
    html = asked.get_data(as_text=True)
    assert "Uw vraag is verstuurd" in html and "Vraag vooraf: wacht op antwoord" in html
    mine = client.get("/gifts/").get_data(as_text=True)
    assert "Een fles wijn" in mine and "Kaarten voor Ajax–PSV" in mine
    with app.app_context():
        gifts = db.session.scalars(select(Gift).order_by(Gift.id)).all()
        assert [g.status for g in gifts] == [GiftStatus.noted, GiftStatus.asked]
        assert [m.template for m in mails_to("hbos")] == ["gifts/question"]  # only the question, to the manager
        assert mails_to("mjansen") == []
        assert len(audit("gift.report")) == 2


def test_an_accepted_gift_above_the_threshold_waits_for_consent_and_without_a_manager_hr_hears_of_it(
        app, client, auth, signed_in_once):
    gift_id = report(client, auth, "lpeters", value_band="high")  # lpeters' manager never signed in
    with app.app_context():
        assert db.session.get(Gift, gift_id).status == GiftStatus.awaiting_consent
        assert [m.template for m in mails_to("mjansen")] == ["gifts/question"]


def test_the_manager_decides_for_their_staff_and_cannot_see_other_gifts(app, client, auth, signed_in_once):
    own_staff = report(client, auth, "jdevries", response="undecided", category="uitnodiging")
    other = report(client, auth, "sbakker", response="undecided", category="uitnodiging")
    auth.login("hbos")
    team = client.get("/gifts/team").get_data(as_text=True)
    assert "Jan de Vries" in team and "Sanne Bakker" not in team
    assert client.get(f"/gifts/{other}").status_code == 404
    assert client.submit(f"/gifts/{other}/decide", {"decision": "allowed"}).status_code == 404
    assert client.get("/gifts/register").status_code == 403
    assert client.get(f"/gifts/{own_staff}").status_code == 200
    response = client.submit(f"/gifts/{own_staff}/decide", {"decision": "allowed", "reason": ""})
    assert response.status_code == 302
    with app.app_context():
        gift = db.session.get(Gift, own_staff)
        assert gift.status == GiftStatus.decided and gift.decision == Decision.allowed
        assert gift.decided_by.username == "hbos"
        assert db.session.get(Gift, other).status == GiftStatus.asked
        assert [m.template for m in mails_to("jdevries")] == ["gifts/decided"]
        assert [e.object_id for e in audit("gift.view")] == [own_staff]
    auth.logout()
    auth.login("jdevries")
    html = client.get(f"/gifts/{own_staff}").get_data(as_text=True)
    assert "Toegestaan" in html and "Besluit nemen" not in html


def test_someone_elses_gift_answers_as_a_missing_one_while_the_manager_and_hr_keep_access(
        app, client, auth, signed_in_once):
    theirs = report(client, auth, "sbakker", value_band="middle")
    staff = report(client, auth, "jdevries", value_band="middle")
    missing = max(theirs, staff) + 1000
    auth.login("jdevries")
    for method, suffix, data in (("get", "", None), ("post", "/decide", {"decision": "allowed", "reason": ""}),
                                 ("post", "/advice", {"advice_question": "Mag dit?"})):
        def answer(gift_id):
            if method == "get":
                return client.get(f"/gifts/{gift_id}{suffix}")
            return client.submit(f"/gifts/{gift_id}{suffix}", data)
        other, absent = answer(theirs), answer(missing)
        assert other.status_code == absent.status_code == 404, suffix
        # the same page, but for the address it was asked at (the language switch returns there)
        assert other.get_data(as_text=True).replace(f"/gifts/{theirs}", "/gifts/ID") == \
            absent.get_data(as_text=True).replace(f"/gifts/{missing}", "/gifts/ID"), suffix
        assert "andere rol" not in other.get_data(as_text=True)
    auth.logout()
    for username, gift_id in (("hbos", staff), ("mjansen", theirs), ("mjansen", staff)):
        auth.login(username)
        assert client.get(f"/gifts/{gift_id}").status_code == 200, username
        auth.logout()


def test_hr_decides_and_the_employee_cannot_decide_their_own(app, client, auth, signed_in_once):
    theirs = report(client, auth, "sbakker", value_band="middle")
    mine = report(client, auth, "mjansen", value_band="middle")  # an HR reviewer's own gift
    auth.login("mjansen")
    assert "Besluit nemen" not in client.get(f"/gifts/{mine}").get_data(as_text=True)
    assert client.submit(f"/gifts/{mine}/decide", {"decision": "allowed"}).status_code == 403
    response = client.submit(f"/gifts/{theirs}/decide", {"decision": "hand_in", "reason": "Te kostbaar."})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Gift, mine).status == GiftStatus.awaiting_consent
        gift = db.session.get(Gift, theirs)
        assert gift.decision == Decision.hand_in and gift.decision_reason == "Te kostbaar."
    # a decided gift cannot be decided again
    again = client.submit(f"/gifts/{theirs}/decide", {"decision": "allowed"})
    assert again.status_code in (400, 403)
    with app.app_context():
        assert db.session.get(Gift, theirs).decision == Decision.hand_in
    exported = client.get("/gifts/register.csv").get_data(as_text=True)
    assert "Inleveren bij de gemeente" in exported and "Te kostbaar." in exported


@pytest.mark.parametrize("decision, data, field, message", [
    ("allowed_with_conditions", {"conditions": "  "}, "conditions", "Schrijf op onder welke voorwaarden het mag."),
    ("returned", {"reason": ""}, "reason", "Schrijf op waarom het niet mag"),
    ("hand_in", {}, "reason", "Schrijf op waarom het niet mag"),
    (None, {"reason": "Iets"}, "decision", "Kies een besluit."),
])
def test_a_decision_without_what_it_needs_is_refused_next_to_the_field(app, client, auth, signed_in_once,
                                                                         decision, data, field, message):
    gift_id = report(client, auth, "jdevries", value_band="high")
    auth.login("hbos")
    payload = dict(data, **({"decision": decision} if decision else {}))
    response = client.submit(f"/gifts/{gift_id}/decide", payload)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error"[^>]*>.*{re.escape(message)}', html, re.S)
    with app.app_context():
        assert db.session.get(Gift, gift_id).status == GiftStatus.awaiting_consent


@pytest.mark.parametrize("overrides, field, message", [
    ({"description": " "}, "description", "Beschrijf wat u kreeg"),
    ({"giver_name": "", "giver_organisation": ""}, "giver_organisation", "Vul in van wie het komt"),
    ({"received_on": "31-02-2026"}, "received_on", "Vul een bestaande datum in"),
    ({"received_on": "01-01-2099"}, "received_on", None),
    ({"value_band": "priceless"}, "value_band", None),
    ({"category": "auto"}, "category", None),
    ({"response": ""}, "response", "Kies wat u heeft gedaan."),
])
def test_a_report_with_a_wrong_field_is_refused_next_to_it_with_the_input_kept(app, client, auth, overrides,
                                                                                 field, message):
    auth.login("jdevries")
    response = client.submit("/gifts/new", form(work_relation="Leverancier van mijn afdeling", **overrides))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert re.search(rf'id="{field}-error"', html)
    if message:
        assert re.search(rf'id="{field}-error"[^>]*>.*{re.escape(message)}', html, re.S)
    assert "Leverancier van mijn afdeling" in html  # the input is kept
    with app.app_context():
        assert gift_ids() == []


def test_the_register_is_searched_and_exported_by_hr_and_the_coordinator_only(app, client, auth, signed_in_once):
    report(client, auth, "jdevries", giver_organisation="Ingenieursbureau West")
    report(client, auth, "sbakker", giver_name="Familie Jansen", giver_organisation="", category="maaltijd")
    auth.login("jdevries")
    assert client.get("/gifts/register").status_code == 403
    assert client.get("/gifts/register.csv").status_code == 403
    auth.logout()
    for username in ("mjansen", "rkoster"):
        auth.login(username)
        html = client.get("/gifts/register?q=west").get_data(as_text=True)
        assert "Ingenieursbureau West" in html and "Familie Jansen" not in html
        html = client.get("/gifts/register?category=maaltijd").get_data(as_text=True)
        assert "Familie Jansen" in html and "Ingenieursbureau West" not in html
        html = client.get(f"/gifts/register?year={TODAY['year']}&outcome=open").get_data(as_text=True)
        assert "Familie Jansen" in html and "Ingenieursbureau West" not in html  # the meal waits for consent
        response = client.get("/gifts/register.csv?q=jansen")
        body = response.get_data(as_text=True)
        assert response.headers["Content-Type"].startswith("text/csv")
        assert body.startswith("\ufeffNummer;Datum;Medewerker") and "Familie Jansen" in body and "West" not in body
        auth.logout()
    with app.app_context():
        views = audit("gift.register_view")
        exports = audit("gift.register_export")
        assert len(views) == 6 and len(exports) == 2
        assert exports[0].details["filters"] == {"q": "jansen"}


def test_odd_register_filters_are_not_an_error(app, client, auth):
    auth.login("mjansen")
    for query in ("?year=1800", "?outcome=nonsense", "?q=" + "x" * 300, "?q=%25_", "?page=999"):
        assert client.get("/gifts/register" + query).status_code in (200, 404)


def test_the_code_of_conduct_and_the_declarations_page_lead_to_reporting_a_gift(client, auth, runner):
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    auth.login("jdevries")
    assert 'href="/gifts/new"' in client.get("/policies/code-of-conduct").get_data(as_text=True)
    assert 'href="/gifts/new"' in client.get("/declarations/").get_data(as_text=True)
    dashboard = client.get("/").get_data(as_text=True)
    assert 'href="/gifts/"' in dashboard and "Geschenken en uitnodigingen" in dashboard
    auth.logout()
    auth.login("hbos")  # the demo's open question of his staff member
    assert "nieuwjaarsborrel" in client.get("/gifts/team").get_data(as_text=True)


def test_of_two_people_deciding_the_same_gift_at_once_one_wins_and_the_other_is_told(app, client, auth,
                                                                                     signed_in_once):
    """The manager and HR both had the gift open; the second decision must not overwrite the first."""
    from portal.gifts.services import decide_gift
    from portal.gifts.states import GiftError
    from tests.declarations.helpers import user_by_name

    gift_id = report(client, auth, "jdevries", value_band="middle")
    with app.app_context():
        seen_by_hr = db.session.get(Gift, gift_id)
        assert seen_by_hr.status == GiftStatus.awaiting_consent  # loaded before the manager decides
        db.session.execute(update(Gift).where(Gift.id == gift_id).values(  # the manager, in another request
            status=GiftStatus.decided, decision=Decision.allowed).execution_options(synchronize_session=False))
        with pytest.raises(GiftError, match="Iemand anders"):
            decide_gift(seen_by_hr, Decision.hand_in, None, "Te kostbaar.", user_by_name("mjansen"))
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Gift, gift_id).decision == Decision.allowed


def test_money_or_a_gift_card_is_never_just_noted_however_small(app, client, auth, signed_in_once):
    """The code of conduct: money, gift cards and securities are never accepted; reported, they wait for a decision."""
    gift_id = report(client, auth, "jdevries", category="geld", value_band="low")
    with app.app_context():
        assert db.session.get(Gift, gift_id).status == GiftStatus.awaiting_consent


def test_the_list_a_manager_decides_from_is_audited_and_leaves_out_staff_who_left(app, client, auth,
                                                                                    signed_in_once):
    from portal.auth.services import mark_left
    from portal.core.time import utcnow
    from tests.declarations.helpers import user_by_name

    report(client, auth, "jdevries", value_band="middle", description="Kaartjes voor de schouwburg")
    auth.login("hbos")
    assert "Kaartjes voor de schouwburg" in client.get("/gifts/team").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "gift.team_view")) is not None
        mark_left(user_by_name("jdevries"), utcnow(), reason="manual")
        db.session.commit()
    assert "Kaartjes voor de schouwburg" not in client.get("/gifts/team").get_data(as_text=True)
