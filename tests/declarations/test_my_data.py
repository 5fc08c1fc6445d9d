"""My data: everything held about me, as a readable page and a JSON download; nothing about others."""

from __future__ import annotations

import json

from portal.declarations.models import DeclarationKind
from portal.review.services import request_information
from portal.declarations.statements import record_nil_statement
from portal.extensions import db
from tests.declarations.helpers import declare, make_user


def test_my_data_json_holds_my_declarations_versions_decisions_and_statements_only(client, auth, app):
    with app.app_context():
        me, other = make_user("nmulder", is_high_risk=True), make_user("sbakker")
        reviewer = make_user("mjansen", is_reviewer=True)
        declare(me, decide="approved_with_conditions", reviewer=reviewer, organisation_name="Mijn Club")
        questioned = declare(me, DeclarationKind.financial_interest, entity="Mijn Aandelen BV")
        request_information(questioned.pending_version, "Welk percentage?", reviewer)
        record_nil_statement(other, DeclarationKind.side_activity)
        declare(other, DeclarationKind.financial_interest, entity="Andermans Belang NV")
        db.session.commit()
    auth.login("nmulder")
    response = client.get("/declarations/my-data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.get_data(as_text=True))
    mine = data["declarations"]
    assert [d["kind"] for d in mine["declarations"]] == ["side_activity", "financial_interest"]
    club = mine["declarations"][0]["versions"][0]
    assert club["answers"]["organisation_name"] == "Mijn Club"
    assert club["status"] == "approved_with_conditions" and club["conditions"] == "Niet onder werktijd."
    assert mine["declarations"][1]["versions"][0]["information_requests"][0]["question"] == "Welk percentage?"
    assert mine["nil_statements"] == []
    text = json.dumps(data)
    assert "Andermans Belang" not in text and "sbakker" not in text
    page = client.get("/declarations/my-data").get_data(as_text=True)
    assert "Mijn Club" in page and "Voorwaarden" in page and "Andermans Belang" not in page
