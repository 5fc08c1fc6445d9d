"""Four eyes: nobody reviews their own declaration; a second reviewer confirms top officials' and refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.declarations.models import Declaration
from portal.declarations.services import OwnDeclarationError
from portal.declarations.states import DeclarationStatus, VersionStatus
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.review.models import PendingDecision, ProposalStatus
from portal.review.services import decide_declaration
from tests.review.helpers import declared, id_of, lock_version_in, user_id


@pytest.mark.parametrize("reviewer", ["lvisser", "mjansen"])  # an administrator and a plain reviewer
def test_nobody_reviews_their_own_declaration(app, client, auth, reviewer):
    declaration_id = declared(app, reviewer)
    auth.login(reviewer)
    assert client.get(f"/review/{declaration_id}").status_code == 403
    assert f"/review/{declaration_id}" not in client.get("/review/").get_data(as_text=True)
    for action, data in [("take", {}), ("decide", {"outcome": "approved"}), ("question", {"question": "?"}),
                         ("notes", {"internal_note": "x"}), ("assessment", {}), ("assign", {})]:
        response = client.submit(f"/review/{declaration_id}/{action}", {"lock_version": "1", **data})
        assert response.status_code == 403, action
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status == DeclarationStatus.submitted and declaration.assigned_reviewer_id is None
        with pytest.raises(OwnDeclarationError):
            decide_declaration(declaration, "approved", declaration.owner)


def test_a_colleague_reviews_the_reviewers_declaration(app, client, auth):
    declaration_id = declared(app, "lvisser")
    auth.login("mjansen")
    assert f"/review/{declaration_id}" in client.get("/review/").get_data(as_text=True)
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    response = client.submit(f"/review/{declaration_id}/decide",
                             {"lock_version": lock_version_in(html), "outcome": "approved"})
    assert response.status_code == 302


def _decide(client, declaration_id, **data):
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    return client.submit(f"/review/{declaration_id}/decide", {"lock_version": lock_version_in(html), **data})


def _proposal(app, declaration_id) -> PendingDecision:
    with app.app_context():
        return db.session.scalar(select(PendingDecision).where(PendingDecision.declaration_id == declaration_id))


def test_top_officials_declaration_takes_effect_only_after_a_second_reviewer(app, client, auth):
    declaration_id = declared(app, "pmeijer")
    auth.login("mjansen")
    assert _decide(client, declaration_id, outcome="approved").status_code == 302
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status == DeclarationStatus.in_review  # not yet decided
        assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.template == "declarations/decided")) is None
    proposal = _proposal(app, declaration_id)
    assert proposal.status == ProposalStatus.pending and proposal.proposed_by_id == id_of(app, "mjansen")

    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert "Besluit bevestigen" not in html  # the proposer gets no confirm button…
    response = client.submit(f"/review/{declaration_id}/proposals/{proposal.id}",
                             {"lock_version": lock_version_in(html), "confirm": "Besluit bevestigen"})
    assert response.status_code == 403  # …and a forged one is refused
    assert "Een andere beoordelaar moet het bevestigen" in response.get_data(as_text=True)
    assert "Wacht op tweede beoordelaar" in client.get("/review/").get_data(as_text=True)

    auth.logout()
    auth.login("abakker")
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert "Besluit bevestigen" in html
    response = client.submit(f"/review/{declaration_id}/proposals/{proposal.id}",
                             {"lock_version": lock_version_in(html), "confirm": "Besluit bevestigen"})
    assert response.status_code == 302
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status == DeclarationStatus.approved
        assert declaration.current_version.decided_by_id == user_id("abakker")
        actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.object_id == declaration_id)))
        assert "review.propose" in actions and "review.confirm" in actions and "declaration.decide" in actions
    assert _proposal(app, declaration_id).status == ProposalStatus.confirmed


def test_refusal_is_proposed_and_can_be_sent_back(app, client, auth):
    declaration_id = declared(app, "jdevries")
    auth.login("mjansen")
    assert _decide(client, declaration_id, outcome="refused", reason="Raakt aan inkoop.").status_code == 302
    proposal = _proposal(app, declaration_id)
    assert proposal.outcome == "refused" and proposal.reason == "Raakt aan inkoop."
    auth.logout()
    auth.login("abakker")
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    response = client.submit(f"/review/{declaration_id}/proposals/{proposal.id}",
                             {"lock_version": lock_version_in(html), "reject": "Voorstel terugsturen"})
    assert response.status_code == 302
    assert _proposal(app, declaration_id).status == ProposalStatus.rejected
    with app.app_context():
        assert db.session.get(Declaration, declaration_id).status == DeclarationStatus.in_review
    # after sending back, a new decision can be proposed or taken
    assert _decide(client, declaration_id, outcome="approved").status_code == 302
    with app.app_context():
        assert db.session.get(Declaration, declaration_id).status == DeclarationStatus.approved


def test_second_approval_can_be_switched_off(app_config, app, client, auth):
    app.config.update(REVIEW_SECOND_APPROVAL_TOP_OFFICIALS=False, REVIEW_SECOND_APPROVAL_REFUSALS=False)
    top = declared(app, "pmeijer")
    plain = declared(app, "jdevries")
    auth.login("mjansen")
    assert _decide(client, top, outcome="approved").status_code == 302
    assert _decide(client, plain, outcome="refused", reason="Te veel uren.").status_code == 302
    with app.app_context():
        assert db.session.get(Declaration, top).current_version.status == VersionStatus.approved
        assert db.session.get(Declaration, plain).current_version.status == VersionStatus.refused
        assert db.session.scalar(select(PendingDecision.id)) is None


def test_a_waiting_proposal_blocks_other_decisions_and_questions(app, client, auth):
    declaration_id = declared(app, "pmeijer")
    auth.login("mjansen")
    _decide(client, declaration_id, outcome="approved")
    auth.logout()
    auth.login("abakker")
    response = _decide(client, declaration_id, outcome="refused", reason="Nee")
    assert response.status_code in (400, 409)
    assert _proposal(app, declaration_id).outcome == "approved"


def test_a_proposal_on_a_withdrawn_version_no_longer_waits(app, client, auth):
    from portal.declarations.services import start_change, submit_version, withdraw_version

    declaration_id = declared(app, "pmeijer")
    auth.login("mjansen")
    _decide(client, declaration_id, outcome="approved")
    assert "Wacht op tweede beoordelaar" in client.get("/review/").get_data(as_text=True)
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        withdraw_version(declaration.pending_version, declaration.owner)
        submit_version(start_change(declaration, declaration.owner), declaration.owner)
        db.session.commit()
    queue = client.get("/review/").get_data(as_text=True)
    assert f"/review/{declaration_id}" in queue and "Wacht op tweede beoordelaar" not in queue
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert "Besluit vastleggen" in html and "Tweede beoordeling" not in html
