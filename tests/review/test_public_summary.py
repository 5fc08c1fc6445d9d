"""HR's public summary of a top official's side activity: what the public register publishes (Art. 5 Aw 2017)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.declarations.models import Declaration
from portal.declarations.services import start_change, submit_version
from portal.extensions import db
from portal.review.models import PublicSummary
from portal.review.services import decide_version
from tests.review.helpers import declare, person, summarise

EMPLOYEE_TEXT = "Ik zit elke maandagavond bij de vergadering van het bestuur."
CONDITIONS = "Niet onder werktijd en niet bij besluiten over subsidie van de gemeente."
SUMMARY = {
    "summary_role": "Bestuurslid",
    "summary_organisation": "Stichting Muziekschool Voorbeeld",
    "summary_description": "Lid van het bestuur van de muziekschool.",
    "summary_paid": "no",
    "summary_restrictions": "Alleen in eigen tijd; doet niet mee aan besluiten over subsidie van de gemeente.",
}


def _official_activity(app, **overrides) -> int:
    """An approved side activity of Pieter Meijer (top official), with conditions; no summary yet."""
    with app.app_context():
        declaration = declare(person("pmeijer"), decide="approved_with_conditions", reviewer=person("abakker"),
                              organisation_name="Stichting Muziekschool Voorbeeld", role="Bestuurder",
                              description=EMPLOYEE_TEXT, **overrides)
        declaration.current_version.conditions = CONDITIONS
        db.session.commit()
        return declaration.id


def _version_in(html: str) -> str:
    match = re.search(r'name="summary_version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="summary_version"', html)
    assert match, "no summary form on the page"
    return match.group(1)


def _write(client, declaration_id, **changes):
    version = _version_in(client.get(f"/review/{declaration_id}").get_data(as_text=True))
    return client.submit(f"/review/{declaration_id}/summary", {**SUMMARY, "summary_version": version, **changes})


def _public(client) -> tuple[str, str, dict]:
    return (client.get("/register").get_data(as_text=True), client.get("/register.csv").get_data(as_text=True),
            client.get("/register.json").get_json())


def test_hr_writes_the_summary_and_the_register_shows_it_not_the_free_text_or_conditions(app, client, auth):
    declaration_id = _official_activity(app)
    auth.login("mjansen")
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert "Samenvatting nog schrijven" in html
    assert 'value="Bestuurder"' in html  # the portal's starting text from the declaration's fields
    response = _write(client, declaration_id)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "De samenvatting is goedgekeurd." in html and "Gepubliceerd: goedgekeurd door Mohamed Jansen" in html

    auth.logout()  # the public, without signing in
    page, text, data = _public(client)
    for published in (page, text, str(data)):
        assert "Stichting Muziekschool Voorbeeld" in published and "Bestuurslid" in published
        assert "Lid van het bestuur van de muziekschool." in published
        assert "doet niet mee aan besluiten over subsidie" in published
        assert EMPLOYEE_TEXT not in published and CONDITIONS not in published
        assert "Bestuurder" not in published  # the employee's own word was replaced by HR's
    activity = data["officials"][0]["side_activities"][0]
    assert activity["paid"] is False and activity["role"] == "Bestuurslid"
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert [r["organisatie"] for r in rows if r["naam"] == "Pieter Meijer"] == ["Stichting Muziekschool Voorbeeld"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.summary"))
        assert event.object_id == declaration_id and event.details == {"version": 1, "new": True}


def test_without_a_summary_nothing_is_published_and_hr_finds_it_in_the_register_and_queue(app, client, auth):
    declaration_id = _official_activity(app)
    page, text, data = _public(client)
    assert "Stichting Muziekschool" not in page + text + str(data)
    assert "Nog geen gepubliceerde nevenwerkzaamheden" in page  # not "no side activities": that would be untrue
    assert [o["side_activities"] for o in data["officials"] if o["name"] == "Pieter Meijer"] == [[]]

    auth.login("mjansen")
    html = client.get("/review/register?summary=missing").get_data(as_text=True)
    assert "Stichting Muziekschool Voorbeeld" in html and "Samenvatting nog schrijven" in html
    assert f'href="/review/{declaration_id}#summary-heading"' in html
    assert "1 nevenwerkzaamheid van een topfunctionaris staat nog niet" in html
    assert "wacht op uw openbare samenvatting" in client.get("/review/").get_data(as_text=True)

    assert _write(client, declaration_id).status_code == 302
    html = client.get("/review/register?summary=missing").get_data(as_text=True)
    assert "Stichting Muziekschool Voorbeeld" not in html
    assert "wacht op uw openbare samenvatting" not in client.get("/review/").get_data(as_text=True)


def test_staff_and_financial_interests_need_no_summary(app, client, auth):
    with app.app_context():
        staff = declare(person("jdevries"), decide="approved", reviewer=person("abakker"))
        db.session.commit()
        staff_id = staff.id
    auth.login("mjansen")
    assert "Openbare samenvatting" not in client.get(f"/review/{staff_id}").get_data(as_text=True)
    response = client.submit(f"/review/{staff_id}/summary", {**SUMMARY, "summary_version": "1"})
    assert response.status_code == 404
    assert "Voetbalvereniging" not in client.get("/register").get_data(as_text=True)


def test_a_new_version_needs_the_summary_again_and_the_old_one_stays_published_meanwhile(app, client, auth):
    declaration_id = _official_activity(app)
    auth.login("mjansen")
    assert _write(client, declaration_id).status_code == 302
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        owner = declaration.owner
        change = start_change(declaration, owner)
        change.role = "Voorzitter"
        change.is_paid = True
        submit_version(change, owner)
        decide_version(change, "approved", person("abakker"))
        db.session.commit()

    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert "Samenvatting nog schrijven" in html and "versie 2 is goedgekeurd" in html
    assert "blijft de vorige samenvatting in het openbare register staan" in html
    assert 'value="Voorzitter"' in html  # the new version's fields as the starting text
    assert "Stichting Muziekschool Voorbeeld" in client.get("/review/register?summary=missing").get_data(as_text=True)
    data = client.get("/register.json").get_json()
    assert "Bestuurslid" in str(data) and "Voorzitter" not in str(data)  # the approved summary stays meanwhile
    assert "Na een wijziging blijft de vorige samenvatting staan" in client.get("/register").get_data(as_text=True)

    assert _write(client, declaration_id, summary_role="Voorzitter van het bestuur", summary_paid="yes",
                  summary_restrictions="").status_code == 302
    data = client.get("/register.json").get_json()
    [activity] = [a for o in data["officials"] for a in o["side_activities"]]
    assert activity["role"] == "Voorzitter van het bestuur" and activity["paid"] is True
    assert activity["restrictions"] is None  # version 2 was approved without conditions
    with app.app_context():
        assert len(db.session.scalars(select(PublicSummary)).all()) == 2  # one per version, the old one kept


@pytest.mark.parametrize("changes, message", [
    ({"summary_description": EMPLOYEE_TEXT}, "Dit is de tekst van de medewerker."),
    ({"summary_restrictions": CONDITIONS}, "Neem de voorwaarden niet letterlijk over."),
    ({"summary_restrictions": "  "}, "Er gelden voorwaarden."),
    ({"summary_role": ""}, "Vul de functie of rol in."),
    ({"summary_paid": ""}, "Kies of de nevenwerkzaamheid betaald wordt."),
    ({"summary_description": "x" * 301}, "Gebruik hoogstens 300 tekens; nu zijn het er 301."),
    ({"summary_restrictions": "y" * 501}, "Gebruik hoogstens 500 tekens; nu zijn het er 501."),
])
def test_summary_rules_are_told_next_to_the_field_and_the_input_is_kept(app, client, auth, changes, message):
    declaration_id = _official_activity(app)
    auth.login("mjansen")
    response = _write(client, declaration_id, summary_organisation="Muziekschool (getypt)", **changes)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html
    assert "Muziekschool (getypt)" in html  # what HR typed is kept
    with app.app_context():
        assert db.session.scalars(select(PublicSummary)).all() == []
    assert "Muziekschool" not in client.get("/register").get_data(as_text=True)


def test_no_summary_before_the_activity_is_approved(app, client, auth):
    with app.app_context():
        declaration = declare(person("pmeijer"), organisation_name="Stichting Nog Niet")
        db.session.commit()
        declaration_id = declaration.id
    auth.login("mjansen")
    assert "Er is nu niets te publiceren." in client.get(f"/review/{declaration_id}").get_data(as_text=True)
    response = client.submit(f"/review/{declaration_id}/summary", {**SUMMARY, "summary_version": "1"})
    assert response.status_code == 400 and "Alleen een goedgekeurde nevenwerkzaamheid die nog loopt" in response.get_data(as_text=True)
    assert "Stichting Nog Niet" not in client.get("/register").get_data(as_text=True)


def test_a_summary_for_a_version_that_changed_meanwhile_is_refused(app, client, auth):
    declaration_id = _official_activity(app)
    auth.login("mjansen")
    response = client.submit(f"/review/{declaration_id}/summary", {**SUMMARY, "summary_version": "7"})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalars(select(PublicSummary)).all() == []


def test_only_reviewers_write_summaries_and_never_their_own(app, client, auth):
    declaration_id = _official_activity(app)
    for username in ("jdevries", "pmeijer"):  # an employee, and the top official himself (not a reviewer)
        auth.logout()
        auth.login(username)
        response = client.submit(f"/review/{declaration_id}/summary", {**SUMMARY, "summary_version": "1"})
        assert response.status_code in (403, 404), username
    auth.logout()
    assert client.post(f"/review/{declaration_id}/summary", data={**SUMMARY, "summary_version": "1"}).status_code in (
        302, 400)  # anonymous: to sign-in (or refused for the missing CSRF token)
    with app.app_context():
        own = declare(person("mjansen"), decide="approved", reviewer=person("abakker"))
        own.owner.is_top_official = True
        db.session.commit()
        own_id = own.id
    auth.login("mjansen")
    assert client.submit(f"/review/{own_id}/summary", {**SUMMARY, "summary_version": "1"}).status_code == 403
    with app.app_context():
        assert db.session.scalars(select(PublicSummary)).all() == []
    assert "Stichting Muziekschool" not in client.get("/register").get_data(as_text=True)


def test_top_official_sees_what_will_be_published_before_and_after_submitting(app, client, auth):
    from tests.declarations.helpers import SIDE_FORM

    auth.login("pmeijer")
    html = client.get("/declarations/new/side-activity").get_data(as_text=True)
    assert "Dit wordt openbaar" in html and 'href="/register"' in html
    assert "de naam van de organisatie;" in html and "Niet openbaar worden uw eigen toelichting" in html
    assert "Dit wordt openbaar" not in client.get("/declarations/new/financial-interest").get_data(as_text=True)
    response = client.submit("/declarations/new/side-activity", {**SIDE_FORM, "client_token": "t1", "submit": "Indienen"},
                             follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "samenvatting voor het openbare register van topfunctionarissen" in html  # the confirmation…
    assert "Openbaar register: na goedkeuring schrijft P&O een samenvatting" in html  # …and the page itself


def test_an_ordinary_employee_does_not_see_the_publication_notice(app, client, auth):
    from tests.declarations.helpers import SIDE_FORM

    auth.login("jdevries")
    assert "Dit wordt openbaar" not in client.get("/declarations/new/side-activity").get_data(as_text=True)
    response = client.submit("/declarations/new/side-activity", {**SIDE_FORM, "client_token": "t1", "submit": "Indienen"},
                             follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Uw verklaring is ingediend." in html and "openbare register" not in html
    assert "Dit wordt openbaar" not in html


def test_the_service_itself_refuses_the_conditions_verbatim(app):
    """The rule lives in the service, not only in the form: no other caller can publish the conditions."""
    declaration_id = _official_activity(app)
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        with pytest.raises(Exception, match="voorwaarden"):
            summarise(declaration, person("abakker"), restrictions=CONDITIONS)


def test_a_leavers_public_summaries_go_with_the_rest_of_their_data(clock, app, client):
    from datetime import timedelta

    from portal.admin.retention import apply_retention
    from portal.auth.services import mark_left

    declaration_id = _official_activity(app)
    with app.app_context():
        summarise(db.session.get(Declaration, declaration_id), person("abakker"))
        mark_left(person("pmeijer"), clock.now - timedelta(days=731))
        db.session.commit()
    assert "Stichting Muziekschool" not in client.get("/register").get_data(as_text=True)  # left: off the register
    with app.app_context():
        assert apply_retention(clock.now)["public_summaries"] == 1
        db.session.commit()
        assert db.session.scalars(select(PublicSummary)).all() == []
