"""No lost decisions: two reviewers acting on one item at once; the second sees a conflict."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from portal.core.models import AuditEvent
from portal.declarations.models import Declaration, DeclarationKind
from portal.declarations.services import StaleDeclaration
from portal.declarations.states import DeclarationStatus, VersionStatus
from portal.extensions import db
from portal.review.services import decide_declaration
from tests.review.helpers import declare, lock_version_in, person


def _declared(app) -> int:
    with app.app_context():
        declaration = declare(person("jdevries"))
        person("mjansen"), person("abakker")
        db.session.commit()
        return declaration.id


def test_second_reviewer_sees_the_conflict_and_the_current_state(app, client, auth):
    declaration_id = _declared(app)
    auth.login("mjansen")
    seen_by_mjansen = lock_version_in(client.get(f"/review/{declaration_id}").get_data(as_text=True))
    auth.logout()

    auth.login("abakker")  # meanwhile a colleague approves
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert client.submit(f"/review/{declaration_id}/decide",
                         {"lock_version": lock_version_in(html), "outcome": "approved"}).status_code == 302
    auth.logout()

    auth.login("mjansen")
    response = client.submit(f"/review/{declaration_id}/decide", {
        "lock_version": seen_by_mjansen, "outcome": "approved_with_conditions", "conditions": "Max. 4 uur per week",
    })
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Iemand anders was u voor" in html and "Er is niets van u opgeslagen" in html
    assert "Goedgekeurd" in html and "Bakker, Anna (P&amp;O)" in html  # the current state and who decided
    assert "Max. 4 uur per week" in html  # the typed text is not lost
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.current_version.status == VersionStatus.approved
        assert declaration.current_version.conditions is None


def test_a_double_submitted_refusal_says_the_reviewer_did_it_themselves(app, client, auth):
    declaration_id = _declared(app)
    auth.login("mjansen")
    seen = lock_version_in(client.get(f"/review/{declaration_id}").get_data(as_text=True))
    refusal = {"lock_version": seen, "outcome": "refused", "reason": "Te veel uren naast het werk."}
    assert client.submit(f"/review/{declaration_id}/decide", refusal).status_code == 302
    client.get(f"/review/{declaration_id}")  # the first answer's page: a view is no change
    response = client.submit(f"/review/{declaration_id}/decide", refusal)  # the second click, the same page
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "U heeft deze verklaring intussen zelf al behandeld, in een ander venster of met een dubbele klik." in html
    assert "Iemand anders" not in html
    assert "Te veel uren naast het werk." in html  # the typed text is shown, not lost
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action.in_(["declaration.decide", "review.propose"]))) == 1


def test_taking_an_item_someone_just_took_is_a_conflict(app, client, auth):
    declaration_id = _declared(app)
    auth.login("mjansen")
    seen = lock_version_in(client.get(f"/review/{declaration_id}").get_data(as_text=True))
    with app.app_context():
        from portal.review.services import take_declaration

        declaration = db.session.get(Declaration, declaration_id)
        take_declaration(declaration, person("abakker"), expected_lock_version=declaration.lock_version)
        db.session.commit()
    response = client.submit(f"/review/{declaration_id}/take", {"lock_version": seen})
    assert response.status_code == 409
    with app.app_context():
        assert db.session.get(Declaration, declaration_id).assigned_reviewer.username == "abakker"


@pytest.mark.postgres_only
def test_two_reviewers_deciding_at_the_same_moment_make_exactly_one_decision(app):
    declaration_id = _declared(app)
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, str] = {}

    def decide(username: str, outcome: str, conditions: str | None):
        with app.app_context():
            try:
                declaration = db.session.get(Declaration, declaration_id)
                reviewer = person(username)
                seen = declaration.lock_version
                declaration.pending_version.status  # loaded before the race
                barrier.wait()
                decide_declaration(declaration, outcome, reviewer, conditions=conditions,
                                   expected_lock_version=seen)
                db.session.commit()
                results[username] = "decided"
            except StaleDeclaration:
                db.session.rollback()
                results[username] = "conflict"
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=decide, args=("mjansen", "approved", None)),
        threading.Thread(target=decide, args=("abakker", "approved_with_conditions", "Alleen in het weekend")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results.values()) == ["conflict", "decided"], results
    winner = next(name for name, result in results.items() if result == "decided")
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status in (DeclarationStatus.approved, DeclarationStatus.approved_with_conditions)
        assert declaration.current_version.decided_by.username == winner
        expected_conditions = "Alleen in het weekend" if winner == "abakker" else None
        assert declaration.current_version.conditions == expected_conditions
        decisions = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "declaration.decide", AuditEvent.object_id == declaration_id))
        assert decisions == 1


@pytest.mark.parametrize("kind", [DeclarationKind.side_activity, DeclarationKind.financial_interest])
def test_a_decision_writes_the_declaration_row_once_and_moves_its_lock_version_by_one(app, kind):
    """The links to the version in force and the pending one go into the row's own UPDATE (no second one)."""
    from portal.declarations.services import start_change, submit_version
    from tests.review.helpers import count_queries

    with app.app_context():
        owner, reviewer = person("jdevries"), person("mjansen")
        declaration = declare(owner, kind, decide="approved", reviewer=person("abakker"))
        first = declaration.current_version
        change = start_change(declaration, owner)
        submit_version(change, owner)
        db.session.commit()
        declaration_id, change_id, seen = declaration.id, change.id, declaration.lock_version
        declaration = db.session.get(Declaration, declaration_id)
        with count_queries(db.engine) as statements:
            decide_declaration(declaration, "approved", reviewer, expected_lock_version=seen)
        updates = [s for s in statements if s.lstrip().upper().startswith("UPDATE DECLARATION ")]
        assert len(updates) == 1, updates
        assert declaration.lock_version == seen + 1
        assert declaration.current_version.id == change_id and declaration.pending_version is None
        db.session.commit()
        db.session.expire_all()
        declaration = db.session.get(Declaration, declaration_id)
        assert (declaration.current_version_id, declaration.pending_version_id) == (change_id, None)
        assert declaration.status == DeclarationStatus.approved and declaration.submitted_at is None
        assert db.session.get(type(first), first.id).status == VersionStatus.superseded
