"""Who may open which review and report page: anonymous, employee, reviewer, administrator."""

from __future__ import annotations

import pytest

from portal.declarations.models import DeclarationKind
from portal.extensions import db
from portal.review.models import PendingDecision, ProposalStatus
from tests.review.helpers import declare, person

PUBLIC = ["/register", "/register.csv", "/register.json"]
REVIEWER_PAGES = [
    "/review/", "/review/{id}", "/review/{id}/audit", "/review/register", "/review/register.csv",
    "/review/register.xlsx", "/reports/annual", "/reports/annual?year=2025", "/reports/annual.csv",
]
ADMIN_PAGES = ["/review/audit", "/review/audit.csv"]
POSTS = [
    "/review/{id}/take", "/review/{id}/assign", "/review/{id}/question", "/review/{id}/decide",
    "/review/{id}/notes", "/review/{id}/assessment", "/review/{top_id}/proposals/{proposal_id}",
]


@pytest.fixture()
def ids(app):
    with app.app_context():
        owner, top = person("jdevries"), person("pmeijer")
        proposer = person("abakker")
        declaration = declare(owner)
        top_declaration = declare(top, DeclarationKind.side_activity)
        proposal = PendingDecision(declaration_id=top_declaration.id, version_id=top_declaration.pending_version_id,
                                   outcome="approved", status=ProposalStatus.pending, proposed_by_id=proposer.id)
        db.session.add(proposal)
        db.session.commit()
        return {"id": declaration.id, "top_id": top_declaration.id, "proposal_id": proposal.id}


def _urls(templates, ids):
    return [t.format(**ids) for t in templates]


def test_anonymous_is_sent_to_sign_in_except_for_the_public_register(client, ids):
    for url in _urls(REVIEWER_PAGES + ADMIN_PAGES, ids):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url in _urls(POSTS, ids):
        response = client.submit(url, {})
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url in PUBLIC:
        assert client.get(url).status_code == 200, url


def test_employee_is_refused_every_review_and_report_page(client, auth, ids):
    auth.login("jdevries")
    for url in _urls(REVIEWER_PAGES + ADMIN_PAGES, ids):
        assert client.get(url).status_code == 403, url
    for url in _urls(POSTS, ids):
        assert client.submit(url, {}).status_code == 403, url
    for url in PUBLIC:
        assert client.get(url).status_code == 200, url


def test_reviewer_opens_every_review_page_but_not_the_administrators_audit(client, auth, ids):
    auth.login("mjansen")
    for url in _urls(REVIEWER_PAGES + PUBLIC, ids):
        assert client.get(url).status_code == 200, url
    for url in _urls(ADMIN_PAGES, ids):
        assert client.get(url).status_code == 403, url
    for url in _urls(POSTS, ids):
        response = client.submit(url, {})
        # allowed in: the empty form is refused on its merits (400) or the action ran (302 back to the page)
        assert response.status_code in (302, 400, 409), (url, response.status_code)
        if response.status_code == 302:
            assert "/login" not in response.headers["Location"], url


def test_administrator_opens_everything(client, auth, ids):
    auth.login("lvisser")  # reviewer and administrator
    for url in _urls(REVIEWER_PAGES + ADMIN_PAGES + PUBLIC, ids):
        assert client.get(url).status_code == 200, url


def test_navigation_shows_review_items_to_reviewers_only(client, auth):
    auth.login("jdevries")
    html = client.get("/").get_data(as_text=True)
    for href in ('href="/review/"', 'href="/review/register"', 'href="/reports/annual"', 'href="/review/audit"'):
        assert href not in html
    auth.logout()
    auth.login("mjansen")
    html = client.get("/").get_data(as_text=True)
    assert 'href="/review/"' in html and ">Beoordelen<" in html
    assert 'href="/review/register"' in html and 'href="/reports/annual"' in html
    assert 'href="/review/audit"' not in html
    auth.logout()
    auth.login("lvisser")
    assert 'href="/review/audit"' in client.get("/").get_data(as_text=True)


#: routes under "audit" that take a POST only to ask for an export of the trail (a job that reads it)
EXPORT_REQUESTS = {"review.audit_csv"}


def test_the_audit_trail_cannot_be_changed_through_any_url(app):
    """No route that touches the audit trail accepts anything but reading (or asking for a copy)."""
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule or "audit" in rule.endpoint:
            allowed = {"GET", "HEAD", "OPTIONS"} | ({"POST"} if rule.endpoint in EXPORT_REQUESTS else set())
            assert rule.methods <= allowed, rule
