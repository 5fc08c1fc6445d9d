"""Employees see only their own declarations: every other id is a 404 and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.declarations.models import Declaration, DeclarationVersion, InformationRequest, NilStatement
from portal.review.services import request_information
from portal.extensions import db
from tests.declarations.helpers import SIDE_FORM, declare, make_user

GET_URLS = ["/declarations/{id}", "/declarations/{id}/versions/1", "/declarations/{id}/edit",
            "/declarations/{id}/end", "/declarations/{id}/answer"]
POST_URLS = {
    "/declarations/{id}/edit": dict(SIDE_FORM, organisation_name="Overgenomen", submit="Indienen"),
    "/declarations/{id}/withdraw": {},
    "/declarations/{id}/end": {"ended_on": "2025-01-01"},
    "/declarations/{id}/answer": {"answer": "Niet mijn verklaring"},
}


def _state():
    """Everything a forged request could change."""
    declarations = db.session.execute(
        select(Declaration.id, Declaration.status, Declaration.lock_version, Declaration.pending_version_id,
               Declaration.ended_on).order_by(Declaration.id)).all()
    versions = db.session.execute(
        select(DeclarationVersion.id, DeclarationVersion.status, DeclarationVersion.organisation_name)
        .order_by(DeclarationVersion.id)).all()
    answers = db.session.execute(select(InformationRequest.id, InformationRequest.answer)).all()
    return declarations, versions, answers, db.session.scalar(select(func.count()).select_from(NilStatement))


@pytest.fixture()
def victims(app):
    """Two declarations of jdevries: one with an open question from HR, one approved."""
    with app.app_context():
        owner = make_user("jdevries")
        reviewer = make_user("mjansen", is_reviewer=True)
        questioned = declare(owner)
        request_information(questioned.pending_version, "Hoeveel uur?", reviewer)
        approved = declare(owner, decide="approved", reviewer=reviewer)
        db.session.commit()
        return [questioned.id, approved.id]


@pytest.mark.parametrize("intruder", ["sbakker", "mjansen"])  # a colleague, and a reviewer outside the review area
def test_every_declaration_url_is_404_for_someone_else(client, auth, app, victims, intruder):
    with app.app_context():
        before = _state()
    auth.login(intruder)
    for declaration_id in victims + [999999]:
        for url in GET_URLS:
            response = client.get(url.format(id=declaration_id))
            assert response.status_code == 404, url
            assert "Hoeveel uur" not in response.get_data(as_text=True)
        for url, data in POST_URLS.items():
            assert client.submit(url.format(id=declaration_id), data).status_code == 404, url
    with app.app_context():
        assert _state() == before


def test_the_owner_reaches_the_same_urls(client, auth, victims):
    auth.login("jdevries")
    questioned, approved = victims
    for url in GET_URLS:
        target = questioned if url.endswith("/answer") else approved
        assert client.get(url.format(id=target)).status_code == 200, url


def test_other_peoples_declarations_are_not_listed(client, auth, victims):
    auth.login("sbakker")
    page = client.get("/declarations/").get_data(as_text=True)
    assert "Voetbalvereniging" not in page
    assert "Voetbalvereniging" not in client.get("/declarations/my-data.json").get_data(as_text=True)


def test_campaign_pages_are_for_hr_only(client, auth):
    auth.login("jdevries")
    assert client.get("/declarations/campaigns").status_code == 403
    assert client.get("/declarations/campaigns/1").status_code == 403
    assert client.get("/declarations/campaigns/1/not-done.csv").status_code == 403
    assert client.get("/declarations/confirm/1").status_code == 404
