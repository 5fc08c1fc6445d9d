"""The lifecycle through the services and pages: submit once, change, end, questions, decisions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.declarations.models import Declaration, DeclarationKind, DeclarationStatus, NilStatement, VersionStatus
from portal.declarations.services import (
    InvalidTransition,
    OwnDeclarationError,
    IncompleteVersion,
    StaleDeclaration,
    answer_information_request,
    change_declaration,
    start_change,
    submit_version,
    withdraw_version,
)
from portal.review.services import decide_version, request_information, start_review
from portal.declarations.statements import checklist_items, record_nil_statement
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.declarations.helpers import SIDE_ANSWERS, SIDE_FORM, count, declare, make_user, user_by_name, versions_of

SIDE_URL = "/declarations/new/side-activity"


def test_double_click_on_submit_creates_one_submission(client, auth, app):
    auth.login("jdevries")
    token = client.csrf_token()
    data = dict(SIDE_FORM, submit="Indienen", client_token="same-form", csrf_token=token)
    first = client.post(SIDE_URL, data=data)
    second = client.post(SIDE_URL, data=data)
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]  # the second click lands on the same page
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "al verstuurd" in page
    with app.app_context():
        assert count(Declaration) == 1
        assert [v.status for v in db.session.scalars(select(Declaration)).one().versions] == [VersionStatus.submitted]
        assert count(OutboxMessage, OutboxMessage.template == "declarations/submitted") == 1


def test_submitting_an_already_submitted_draft_again_is_a_friendly_notice(client, auth, app):
    auth.login("jdevries")
    client.submit(SIDE_URL, dict(SIDE_FORM, save_draft="Opslaan als concept", client_token="d"))
    with app.app_context():
        declaration_id = db.session.scalar(select(Declaration.id))
    edit_url = f"/declarations/{declaration_id}/edit"
    token = client.csrf_token()
    data = dict(SIDE_FORM, submit="Indienen", csrf_token=token)
    assert client.post(edit_url, data=data).status_code == 302
    again = client.post(edit_url, data=data, follow_redirects=True)
    assert again.status_code == 200
    assert "al ingediend" in again.get_data(as_text=True)
    with app.app_context():
        assert [v.status for v in versions_of(declaration_id)] == [VersionStatus.submitted]


def test_change_creates_a_new_version_while_the_approved_one_stays_in_force(client, auth, app):
    with app.app_context():
        owner = make_user("jdevries")
        declaration = declare(owner, decide="approved")
        db.session.commit()
        declaration_id = declaration.id
    auth.login("jdevries")
    form = client.get(f"/declarations/{declaration_id}/edit").get_data(as_text=True)
    assert 'value="Voetbalvereniging De Bal"' in form  # pre-filled from the version in force
    response = client.submit(f"/declarations/{declaration_id}/edit",
                             dict(SIDE_FORM, hours_per_month="20", change_note="Meer uren", submit="Indienen"))
    assert response.status_code == 302
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        old, new = versions_of(declaration_id)
        assert declaration.current_version_id == old.id and old.status == VersionStatus.approved
        assert declaration.pending_version_id == new.id and new.status == VersionStatus.submitted
        assert new.hours_per_month == 20 and old.hours_per_month == 8 and new.change_note == "Meer uren"
        assert declaration.status == DeclarationStatus.submitted  # the change waits in HR's queue
        # the change is on record step by step, and the owner is told once that it was sent
        events = db.session.execute(select(AuditEvent.action, AuditEvent.details).where(
            AuditEvent.object_type == "declaration", AuditEvent.object_id == declaration_id,
            AuditEvent.action.in_(["declaration.change", "declaration.save_draft", "declaration.submit"]),
        ).order_by(AuditEvent.id)).all()
        assert [tuple(e) for e in events][-3:] == [("declaration.change", {"version": 2, "based_on": 1}),
                                                   ("declaration.save_draft", {"version": 2}),
                                                   ("declaration.submit", {"version": 2})]
        assert count(OutboxMessage, OutboxMessage.dedup_key == f"decl-{declaration_id}-v2-submitted") == 1
    compare = client.get(f"/declarations/{declaration_id}/versions/2").get_data(as_text=True)
    assert "<del>8</del>" in compare and "<ins>20</ins>" in compare


def test_a_refused_change_leaves_the_declaration_as_it_was(app):
    """A change sent with a required answer missing is refused before anything is written."""
    with app.app_context():
        owner = make_user("jdevries")
        declaration = declare(owner, decide="approved")
        db.session.commit()
        declaration_id = declaration.id
        events_before = count(AuditEvent)
        with pytest.raises(IncompleteVersion):
            change_declaration(declaration, dict(SIDE_ANSWERS, role=""), owner, submit=True)
        db.session.commit()
        db.session.expire_all()
        declaration = db.session.get(Declaration, declaration_id)
        assert [v.number for v in declaration.versions] == [1]
        assert declaration.pending_version_id is None and declaration.status == DeclarationStatus.approved
        assert count(AuditEvent) == events_before
        assert count(OutboxMessage, OutboxMessage.dedup_key.like(f"decl-{declaration_id}-v2%")) == 0


def test_approving_a_change_supersedes_the_old_version_and_refusing_keeps_it(app):
    with app.app_context():
        owner, reviewer = make_user("jdevries"), make_user("mjansen", is_reviewer=True)
        declaration = declare(owner, decide="approved", reviewer=reviewer)
        first = declaration.current_version
        change = start_change(declaration, owner)
        change.hours_per_month = 30
        submit_version(change, owner)
        decide_version(change, "refused", reviewer, reason="Te veel uren naast een voltijdbaan.")
        assert declaration.current_version is first and first.status == VersionStatus.approved
        assert declaration.status == DeclarationStatus.approved and declaration.pending_version is None
        second_try = start_change(declaration, owner)
        submit_version(second_try, owner)
        decide_version(second_try, "approved_with_conditions", reviewer, conditions="Niet onder werktijd.")
        assert declaration.current_version is second_try
        assert first.status == VersionStatus.superseded and first.superseded_at is not None
        assert declaration.status == DeclarationStatus.approved_with_conditions
        assert [v.number for v in declaration.versions] == [1, 2, 3]  # every version kept


def test_end_records_the_date_and_withdraws_a_pending_change(client, auth, app):
    with app.app_context():
        owner = make_user("jdevries")
        declaration = declare(owner, decide="approved")
        change = start_change(declaration, owner)
        submit_version(change, owner)
        db.session.commit()
        declaration_id = declaration.id
    auth.login("jdevries")
    future = (date.today() + timedelta(days=30)).isoformat()
    refused = client.submit(f"/declarations/{declaration_id}/end", {"ended_on": future})
    assert "niet in de toekomst" in refused.get_data(as_text=True)
    response = client.submit(f"/declarations/{declaration_id}/end", {"ended_on": "2025-06-30"})
    assert response.status_code == 302
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status == DeclarationStatus.ended and declaration.ended_on == date(2025, 6, 30)
        assert [v.status for v in versions_of(declaration_id)] == [VersionStatus.approved, VersionStatus.withdrawn]
    assert "Beëindigd per 30 juni 2025" in client.get(f"/declarations/{declaration_id}").get_data(as_text=True)


def test_withdraw_an_undecided_submission(client, auth, app):
    with app.app_context():
        declaration = declare(make_user("jdevries"))
        db.session.commit()
        declaration_id = declaration.id
    auth.login("jdevries")
    assert client.submit(f"/declarations/{declaration_id}/withdraw").status_code == 302
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status == DeclarationStatus.withdrawn
        assert versions_of(declaration_id)[0].withdrawn_at is not None


def test_nobody_decides_or_reviews_their_own_declaration(app):
    with app.test_request_context():
        reviewer = make_user("mjansen", is_reviewer=True)
        declaration = declare(reviewer)
        version = declaration.pending_version
        with pytest.raises(OwnDeclarationError):
            decide_version(version, "approved", reviewer)
        with pytest.raises(OwnDeclarationError):
            start_review(version, reviewer)
        with pytest.raises(OwnDeclarationError):
            request_information(version, "Waarom?", reviewer)
        assert version.status == VersionStatus.submitted


def test_question_and_answer_send_the_declaration_back_to_hr(client, auth, app):
    with app.app_context():
        declaration = declare(make_user("jdevries"))
        reviewer = make_user("mjansen", is_reviewer=True)
        start_review(declaration.pending_version, reviewer)
        request_information(declaration.pending_version, "Hoeveel uur is het precies?", reviewer)
        assert declaration.status == DeclarationStatus.info_requested
        db.session.commit()
        declaration_id = declaration.id
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "declarations/info_requested"))
        assert "Hoeveel uur" not in mail.text_body and "Voetbal" not in mail.text_body  # no contents in mail
        assert f"/declarations/{declaration_id}" in mail.text_body
    auth.login("jdevries")
    page = client.get(f"/declarations/{declaration_id}/answer").get_data(as_text=True)
    assert "Hoeveel uur is het precies?" in page
    empty = client.submit(f"/declarations/{declaration_id}/answer", {"answer": ""})
    assert "Schrijf uw antwoord" in empty.get_data(as_text=True)
    client.submit(f"/declarations/{declaration_id}/answer", {"answer": "Acht uur per maand."})
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        assert declaration.status == DeclarationStatus.submitted
        request = declaration.pending_version.information_requests[0]
        assert request.answer == "Acht uur per maand." and request.answered_at is not None
        with pytest.raises(InvalidTransition):
            answer_information_request(declaration.pending_version, "nog eens", declaration.owner)


def test_a_decision_made_on_an_outdated_page_is_refused(app):
    with app.test_request_context():
        declaration = declare(make_user("jdevries"))
        reviewer = make_user("mjansen", is_reviewer=True)
        seen = declaration.lock_version
        start_review(declaration.pending_version, make_user("abakker", is_reviewer=True))
        with pytest.raises(StaleDeclaration):
            decide_version(declaration.pending_version, "approved", reviewer, expected_lock_version=seen)
        decide_version(declaration.pending_version, "approved", reviewer, expected_lock_version=declaration.lock_version)
        assert declaration.status == DeclarationStatus.approved


def test_decisions_need_conditions_or_a_reason(app):
    with app.test_request_context():
        declaration = declare(make_user("jdevries"))
        version = declaration.pending_version
        reviewer = make_user("mjansen", is_reviewer=True)
        with pytest.raises(Exception, match="voorwaarden"):
            decide_version(version, "approved_with_conditions", reviewer, conditions=" ")
        with pytest.raises(Exception, match="reden"):
            decide_version(version, "refused", reviewer)
        withdraw_version(version, declaration.owner)
        with pytest.raises(InvalidTransition):  # a withdrawn submission cannot be decided any more
            decide_version(version, "approved", reviewer)
        assert version.status == VersionStatus.withdrawn


def test_nothing_to_declare_is_an_explicit_dated_statement_replaced_by_a_declaration(client, auth, app):
    auth.login("nmulder")
    client.submit("/declarations/nil", {"kind": "financial_interest"})
    with app.test_request_context():
        user = user_by_name("nmulder")
        statement = db.session.scalar(select(NilStatement))
        assert statement.kind == DeclarationKind.financial_interest and statement.withdrawn_at is None
        items = {item.key: item for item in checklist_items(user)}
        assert items["declarations.financial_interest"].is_done
        assert not items["declarations.side_activity"].is_done
        declare(user, DeclarationKind.financial_interest)  # declaring something withdraws "nothing"
        db.session.refresh(statement)
        assert statement.withdrawn_at is not None
        assert checklist_items(user)[1].is_done  # still done: now by the submitted declaration
        with pytest.raises(Exception, match="lopende verklaringen"):
            record_nil_statement(user, DeclarationKind.financial_interest)


def test_financial_interest_item_only_for_high_risk_functions(app):
    with app.test_request_context():
        assert [i.key for i in checklist_items(make_user("jdevries"))] == ["declarations.side_activity"]
        keys = [i.key for i in checklist_items(make_user("nmulder", is_high_risk=True))]
        assert keys == ["declarations.side_activity", "declarations.financial_interest"]


def test_new_financial_interest_page_tells_high_risk_people_it_is_required(client, auth):
    auth.login("nmulder")
    assert "verplicht" in client.get("/declarations/new/financial-interest").get_data(as_text=True)
    auth.logout()
    auth.login("jdevries")
    assert "niet verplicht" in client.get("/declarations/new/financial-interest").get_data(as_text=True)


def test_mails_never_carry_financial_details(app):
    with app.app_context():
        declaration = declare(make_user("nmulder", is_high_risk=True), DeclarationKind.financial_interest,
                              decide="approved")
        for message in db.session.scalars(select(OutboxMessage)):
            for body in (message.subject, message.text_body, message.html_body):
                assert "Bouwbedrijf" not in body and "aandelen" not in body.lower()
        assert count(OutboxMessage, OutboxMessage.recipient == "nmulder@example.nl") == 2
        assert declaration.status == DeclarationStatus.approved


def test_two_reviewers_deciding_at_once_lose_no_decision(app):
    """The second of two concurrent decisions fails on lock_version instead of overwriting the first."""
    from sqlalchemy.orm import Session

    with app.test_request_context():
        declaration = declare(make_user("jdevries"))
        first_reviewer, second_reviewer = make_user("mjansen", is_reviewer=True), make_user("abakker", is_reviewer=True)
        db.session.commit()
        ids = declaration.id, first_reviewer.id, second_reviewer.id
        one, two = Session(db.engine), Session(db.engine)
        try:
            mine, theirs = one.get(Declaration, ids[0]), two.get(Declaration, ids[0])
            mine_version, theirs_version = mine.pending_version, theirs.pending_version
            db.session.remove()
            _decide_in(one, mine_version, "approved", ids[1])
            with pytest.raises(StaleDeclaration):
                _decide_in(two, theirs_version, "refused", ids[2])
        finally:
            one.close()
            two.close()
        assert db.session.get(Declaration, ids[0]).status == DeclarationStatus.approved


def _decide_in(session, version, outcome, reviewer_id):
    """Run decide_version in ``session`` (as a second request would) and commit."""
    from unittest import mock

    from portal.auth.models import User

    with mock.patch.object(db, "session", session):
        decide_version(version, outcome, session.get(User, reviewer_id), reason="Nee.")
        session.commit()


def test_reviewers_open_declarations_only_through_the_review_helper_which_is_audited(app):
    from werkzeug.exceptions import NotFound

    from portal.core.models import AuditEvent
    from portal.review.access import load_for_review

    with app.test_request_context():
        declaration = declare(make_user("jdevries"))
        reviewer = make_user("mjansen", is_reviewer=True)
        assert load_for_review(declaration.id, reviewer) is declaration
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "declaration.view"))
        assert event.actor_id == reviewer.id and event.subject_user_id == declaration.owner_id
        with pytest.raises(NotFound):
            load_for_review(declaration.id, make_user("sbakker"))


def test_demo_content_loads_twice_without_duplicates(app, runner):
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    with app.app_context():
        statuses = sorted((d.owner.username, d.status.value) for d in db.session.scalars(select(Declaration)))
        assert statuses == [("evanleeuwen", "approved"), ("jdevries", "submitted"), ("pmeijer", "approved")]
        assert count(NilStatement, NilStatement.user_id == user_by_name("sbakker").id) == 2

    # the demo register: Pieter Meijer's activity published as HR summarised it; Esther van Leeuwen's waits for HR
    data = app.test_client().get("/register.json").get_json()
    published = {o["name"]: [a["role"] for a in o["side_activities"]] for o in data["officials"]}
    assert published == {"Pieter Meijer": ["Voorzitter van het bestuur"], "Esther van Leeuwen": []}


@pytest.mark.parametrize("withdrawn, pages", [(2, 1), (20, 1), (21, 2)])
def test_history_shows_twenty_per_page_and_a_pager_only_when_there_is_a_second_page(client, auth, app,
                                                                                     withdrawn, pages):
    from portal.declarations.services import withdraw_version

    with app.app_context():
        owner = make_user("jdevries")
        for n in range(withdrawn):
            declaration = declare(owner)
            withdraw_version(declaration.pending_version, owner)
        db.session.commit()
    auth.login("jdevries")
    first = client.get("/declarations/").get_data(as_text=True)
    assert first.count("· Ingetrokken") == min(withdrawn, 20)
    assert ("?page=2" in first) == (pages == 2)
    if pages == 2:
        second = client.get("/declarations/?page=2").get_data(as_text=True)
        assert second.count("· Ingetrokken") == 1
        past_the_last = client.get("/declarations/?page=9").get_data(as_text=True)  # counted: the last page
        assert past_the_last.count("· Ingetrokken") == 1


def test_submitting_a_side_activity_withdraws_only_its_own_nothing_to_declare_statement(client, auth, app):
    """The form's submission withdraws the person's "nothing to declare" of that kind (a plain UPDATE:
    none is loaded in the request), not their statement of the other kind nor anyone else's."""
    auth.login("nmulder")
    client.submit("/declarations/nil", {"kind": "side_activity"})
    client.submit("/declarations/nil", {"kind": "financial_interest"})
    auth.logout()
    auth.login("jdevries")
    client.submit("/declarations/nil", {"kind": "side_activity"})
    auth.logout()
    auth.login("nmulder")
    client.submit(SIDE_URL, dict(SIDE_FORM, submit="Indienen", client_token="nil-check"))
    with app.test_request_context():
        statements = {(s.user.username, s.kind): s.withdrawn_at for s in db.session.scalars(select(NilStatement))}
        assert statements[("nmulder", DeclarationKind.side_activity)] is not None
        assert statements[("nmulder", DeclarationKind.financial_interest)] is None
        assert statements[("jdevries", DeclarationKind.side_activity)] is None
