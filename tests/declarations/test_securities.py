"""Art. 8 lid 2 Ambtenarenwet 2017: designated functions report holdings of and transactions in securities.

A transaction says what, when, and bought or sold; never an amount.
"""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.declarations.models import Declaration, DeclarationKind, DeclarationVersion, InterestEvent
from portal.extensions import db
from tests.declarations.helpers import INTEREST_FORM, count

URL = "/declarations/new/financial-interest"
SALE = dict(INTEREST_FORM, interest_event="sold", entity="Aandelen Bouwbedrijf Noord BV", acquired_on="",
            transaction_on="2026-11-03")


def test_high_risk_employee_is_told_securities_and_transactions_are_required_not_only_on_request(client, auth):
    auth.login("nmulder")
    text = html.unescape(client.get(URL).get_data(as_text=True))
    assert "elke aankoop of verkoop van effecten" in text and "Niet alleen als P&O erom vraagt." in text
    for label in ("Bezit: ik heb dit belang", "Transactie: ik heb effecten gekocht",
                  "Transactie: ik heb effecten verkocht", "Op welke dag kocht of verkocht u?"):
        assert label in text
    assert "bedrag" not in text.lower().replace("bedragen vragen wij niet", "")


def test_employee_reports_a_sale_with_what_and_when_and_hr_sees_it(client, auth, app):
    auth.login("nmulder")
    response = client.submit(URL, dict(SALE, submit="Indienen", client_token="sale-1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        version = db.session.scalar(sa.select(DeclarationVersion))
        assert version.interest_event == InterestEvent.sold and str(version.transaction_on) == "2026-11-03"
        assert version.acquired_on is None and version.ended_on is None and version.submitted_at is not None
        declaration_id = version.declaration_id
    detail = html.unescape(client.get(f"/declarations/{declaration_id}").get_data(as_text=True))
    assert "Transactie: ik heb effecten verkocht" in detail and "3 november 2026" in detail
    auth.logout()
    auth.login("mjansen")
    review = html.unescape(client.get(f"/review/{declaration_id}").get_data(as_text=True))
    assert "Transactie: ik heb effecten verkocht" in review and "Datum van de transactie" in review


@pytest.mark.parametrize(("event", "message"), [("bought", "op welke dag u de effecten kocht"),
                                                 ("sold", "op welke dag u de effecten verkocht")])
def test_transaction_without_its_date_is_refused_next_to_the_field(client, auth, app, event, message):
    auth.login("nmulder")
    typed = dict(SALE, interest_event=event, transaction_on="")
    page = html.unescape(client.submit(URL, dict(typed, submit="Indienen", client_token=f"t-{event}"))
                         .get_data(as_text=True))
    assert message in page and 'value="Aandelen Bouwbedrijf Noord BV"' in page
    with app.app_context():
        assert count(Declaration) == 0


def test_a_holding_still_needs_the_date_since_when(client, auth, app):
    auth.login("nmulder")
    page = html.unescape(client.submit(URL, dict(INTEREST_FORM, interest_event="holding", acquired_on="",
                                                 submit="Indienen", client_token="h1")).get_data(as_text=True))
    assert "Vul in sinds wanneer u dit belang heeft." in page
    with app.app_context():
        assert count(Declaration) == 0


def test_the_database_refuses_a_submitted_transaction_without_its_date(app):
    from tests.declarations.helpers import make_user

    with app.app_context():
        owner = make_user("effecten")
        declaration = Declaration(owner_id=owner.id, kind=DeclarationKind.financial_interest, lock_version=1)
        db.session.add(declaration)
        db.session.flush()
        db.session.add(DeclarationVersion(
            declaration_id=declaration.id, number=1, kind=DeclarationKind.financial_interest,
            interest_event=InterestEvent.bought, interest_kind="shares_options", entity="X", relation_to_work="-",
            submitted_at=sa.func.now(),
        ))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
