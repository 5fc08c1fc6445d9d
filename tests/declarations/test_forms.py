"""Bad input: a Dutch message next to the field, everything typed kept, nothing half-written."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from portal.declarations.models import Declaration, DeclarationVersion, VersionStatus
from portal.extensions import db
from tests.declarations.helpers import INTEREST_FORM, SIDE_FORM, count

SIDE_URL = "/declarations/new/side-activity"
INTEREST_URL = "/declarations/new/financial-interest"


def _error_of(html: str, field_id: str) -> str:
    """The error text rendered next to a field (macro: <div id="<field>-error">)."""
    match = re.search(rf'id="{field_id}-error">(.*?)</div>', html, re.S)
    assert match, f"no error next to {field_id}"
    return match.group(1)


SIDE_CASES = [
    ("end_before_start", {"start_date": "2024-05-01", "end_date": "2024-01-31"}, "end_date",
     "De einddatum ligt vóór de begindatum"),
    ("hours_negative", {"hours_per_month": "-1"}, "hours_per_month", "van 0 tot en met 744"),
    ("hours_too_many", {"hours_per_month": "745"}, "hours_per_month", "van 0 tot en met 744"),
    ("hours_not_a_number", {"hours_per_month": "abc"}, "hours_per_month", "Vul een heel getal in"),
    ("date_unreadable", {"start_date": "31-02-2024"}, "start_date", "Vul een bestaande datum in"),
    ("name_missing", {"organisation_name": ""}, "organisation_name", "Vul de naam van de organisatie in"),
    ("name_only_spaces", {"organisation_name": "   "}, "organisation_name", "Vul de naam van de organisatie in"),
    ("kind_missing", {"organisation_kind": ""}, "organisation_kind", "Kies wat voor organisatie het is"),
    ("kind_not_an_option", {"organisation_kind": "sekte"}, "organisation_kind", "Kies een van de mogelijkheden"),
    ("paid_missing", {"is_paid": ""}, "is_paid", "Kies of u er een vergoeding voor krijgt"),
    ("hours_missing", {"hours_per_month": ""}, "hours_per_month", "hoeveel uur per maand"),
    ("assessment_missing", {"conflict_assessment": ""}, "conflict_assessment", "Schrijf uw eigen inschatting op"),
    ("name_too_long", {"organisation_name": "N" * 201}, "organisation_name", "hoogstens 200 tekens"),
    ("description_too_long", {"description": "d" * 4001}, "description", "hoogstens 4000 tekens"),
    ("explanation_missing", {"touches_own_work": "yes", "touches_own_work_explanation": ""},
     "touches_own_work_explanation", "Leg uit hoe het uw werk raakt"),
]


@pytest.mark.parametrize(("change", "field_id", "message"), [c[1:] for c in SIDE_CASES], ids=[c[0] for c in SIDE_CASES])
def test_side_activity_bad_input_shows_dutch_message_and_keeps_what_was_typed(client, auth, app, change, field_id, message):
    auth.login("jdevries")
    typed = {**SIDE_FORM, "description": 'Training <b>jeugd</b> & "selectie"', **change}
    response = client.submit(SIDE_URL, dict(typed, submit="Indienen", client_token="t1"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in _error_of(html, field_id)
    assert 'aria-invalid="true"' in html or "utrecht-form-fieldset--invalid" in html  # marked, not only by colour
    # everything typed is shown back (escaped), including the wrong value itself
    for name in ("organisation_name", "role", "hours_per_month", "start_date", "end_date"):
        if typed[name].strip():
            assert f'value="{escape(typed[name])}"' in html, name
    assert str(escape(typed["description"])) in html
    if typed["touches_own_work"] == "yes":
        assert re.search(r'<input[^>]*checked[^>]*value="yes"|<input[^>]*value="yes"[^>]*checked', html)
    with app.app_context():
        assert count(Declaration) == 0  # nothing half-written


INTEREST_CASES = [
    ("ended_before_acquired", {"acquired_on": "2022-01-01", "ended_on": "2021-12-31"}, "ended_on",
     "vóór de datum waarop u het belang kreeg"),
    ("entity_missing", {"entity": ""}, "entity", "om welk bedrijf of object"),
    ("kind_missing", {"interest_kind": ""}, "interest_kind", "Kies wat voor belang"),
    ("relation_too_long", {"relation_to_work": "r" * 4001}, "relation_to_work", "hoogstens 4000 tekens"),
]


@pytest.mark.parametrize(("change", "field_id", "message"), [c[1:] for c in INTEREST_CASES], ids=[c[0] for c in INTEREST_CASES])
def test_financial_interest_bad_input_shows_dutch_message_and_keeps_what_was_typed(client, auth, app, change, field_id, message):
    auth.login("nmulder")
    typed = dict(INTEREST_FORM, **change)
    response = client.submit(INTEREST_URL, dict(typed, submit="Indienen", client_token="t1"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in _error_of(html, field_id)
    for name in ("entity", "acquired_on", "ended_on"):
        if typed[name]:
            assert f'value="{escape(typed[name])}"' in html, name
    with app.app_context():
        assert count(Declaration) == 0


def test_draft_with_incomplete_answers_is_saved(client, auth, app):
    auth.login("jdevries")
    response = client.submit(SIDE_URL, {"organisation_name": "Half ingevuld", "hours_per_month": "",
                                        "save_draft": "Opslaan als concept", "client_token": "t-draft"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/edit")
    with app.app_context():
        version = db.session.scalar(db.select(DeclarationVersion))
        assert version.status == VersionStatus.draft
        assert version.organisation_name == "Half ingevuld"
        assert version.role is None and version.submitted_at is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="Half ingevuld"' in page  # the draft comes back in the form


def test_draft_still_refuses_unreadable_values(client, auth, app):
    auth.login("jdevries")
    response = client.submit(SIDE_URL, {"organisation_name": "X", "hours_per_month": "veel",
                                        "save_draft": "Opslaan als concept", "client_token": "t"})
    html = response.get_data(as_text=True)
    assert "Vul een heel getal in" in _error_of(html, "hours_per_month")
    assert 'value="veel"' in html
    with app.app_context():
        assert count(Declaration) == 0


def test_text_is_stored_as_typed_and_shown_escaped(client, auth, app):
    auth.login("jdevries")
    name = "<script>alert('x')</script> & Zn"
    response = client.submit(SIDE_URL, dict(SIDE_FORM, organisation_name=name, submit="Indienen", client_token="t"))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in detail
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Zn" in detail
    with app.app_context():
        assert db.session.scalar(db.select(DeclarationVersion.organisation_name)) == name
    listing = client.get("/declarations/").get_data(as_text=True)
    assert "<script>alert" not in listing and "&lt;script&gt;" in listing


def test_form_posted_into_an_expired_session_shows_the_typed_text_and_saves_nothing(client, auth, app):
    auth.login("jdevries")
    token = client.csrf_token()  # the form was opened while the session was alive
    with client.session_transaction() as session:
        session["seen_at"] -= 3 * 3600  # idle far longer than allowed
    typed = dict(SIDE_FORM, description="Een lange uitleg die ik niet kwijt wil", submit="Indienen",
                 client_token="t", csrf_token=token)
    response = client.post(SIDE_URL, data=typed)  # not client.submit: fetching a token would notice the expiry
    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert "niet opgeslagen" in html
    assert "Een lange uitleg die ik niet kwijt wil" in html
    assert "Voetbalvereniging De Bal" in html
    with app.app_context():
        assert count(Declaration) == 0
