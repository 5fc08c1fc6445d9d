"""The review page: taking, assigning, questions, decisions, notes and the assessment."""

from __future__ import annotations

from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.declarations.models import Declaration, DeclarationKind
from portal.declarations.services import answer_information_request
from portal.declarations.states import DeclarationStatus, VersionStatus
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.review.models import InternalNote, ReviewAssessment
from tests.review.helpers import declare, declared, id_of, lock_version_in, person, user_id


def _declaration(app, declaration_id) -> Declaration:
    db.session.remove()
    return db.session.get(Declaration, declaration_id)


def _open(client, declaration_id, query=""):
    response = client.get(f"/review/{declaration_id}{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html, lock_version_in(html)


def _actions(app, declaration_id) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "declaration",
                                            AuditEvent.object_id == declaration_id).order_by(AuditEvent.id)
        ))


def test_opening_a_declaration_shows_context_and_records_who_saw_whose_data(app, client, auth):
    declaration_id = declared(app)
    with app.app_context():
        declare(person("jdevries"), DeclarationKind.financial_interest, entity="Aannemer Zuid BV")
        db.session.commit()
    auth.login("mjansen")
    html, _lock = _open(client, declaration_id)
    assert "Openbare Werken" in html and "Uitvoerder wegen" in html  # department and job title
    assert "Aannemer Zuid BV" in html  # the other current declaration
    assert "Voetbalvereniging De Bal" in html
    with app.app_context():
        view = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "declaration.view",
                                                          AuditEvent.object_id == declaration_id))
        assert view.actor_id == user_id("mjansen") and view.subject_user_id == user_id("jdevries")


def test_reviewer_sees_what_changed_against_the_version_in_force(app, client, auth):
    from portal.declarations.services import save_draft, start_change, submit_version

    with app.app_context():
        owner = person("jdevries")
        declaration = declare(owner, decide="approved", reviewer=person("abakker"))
        version = start_change(declaration, owner)
        save_draft(version, {"hours_per_month": 20, "change_note": "Meer trainingen"}, owner)
        submit_version(version, owner)
        db.session.commit()
        declaration_id = declaration.id
    auth.login("mjansen")
    html, _lock = _open(client, declaration_id)
    assert "Wat is er veranderd" in html and "Meer trainingen" in html
    assert "<del>8</del>" in html and "<ins>20</ins>" in html
    assert html.count("Gewijzigd") == 1


def test_take_ask_answer_returns_the_item_to_the_queue(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    _html, lock = _open(client, declaration_id)
    response = client.submit(f"/review/{declaration_id}/take", {"lock_version": lock})
    assert response.status_code == 302
    html, lock = _open(client, declaration_id)
    assert "In behandeling" in html and "Mohamed Jansen" in html

    response = client.submit(f"/review/{declaration_id}/question",
                             {"lock_version": lock, "question": "Hoeveel uur per week traint u?"})
    assert response.status_code == 302
    assert f"/review/{declaration_id}" not in client.get("/review/").get_data(as_text=True)
    assert f"/review/{declaration_id}" in client.get("/review/?status=info_requested").get_data(as_text=True)

    with app.app_context():
        declaration = _declaration(app, declaration_id)
        answer_information_request(declaration.pending_version, "Twee uur.", declaration.owner)
        db.session.commit()
    queue = client.get("/review/").get_data(as_text=True)
    assert f"/review/{declaration_id}" in queue
    with app.app_context():
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "declarations/info_requested"))
        assert [m.recipient for m in mails] == ["jdevries@example.nl"]
    assert _actions(app, declaration_id)[-2:] == ["declaration.info_request", "declaration.answer"]


def test_approval_with_conditions_is_shown_to_the_employee(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    _html, lock = _open(client, declaration_id)
    response = client.submit(f"/review/{declaration_id}/decide", {
        "lock_version": lock, "outcome": "approved_with_conditions", "conditions": "Niet tijdens kantooruren.",
    })
    assert response.status_code == 302
    with app.app_context():
        declaration = _declaration(app, declaration_id)
        assert declaration.status == DeclarationStatus.approved_with_conditions
        assert declaration.current_version.decided_by_id == user_id("mjansen")
    auth.logout()
    auth.login("jdevries")
    assert "Niet tijdens kantooruren." in client.get(f"/declarations/{declaration_id}").get_data(as_text=True)
    assert "declaration.decide" in _actions(app, declaration_id)


def test_conditions_are_required_for_an_approval_with_conditions(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    _html, lock = _open(client, declaration_id)
    response = client.submit(f"/review/{declaration_id}/decide",
                             {"lock_version": lock, "outcome": "approved_with_conditions", "conditions": "  "})
    assert response.status_code == 400
    assert "Schrijf de voorwaarden op" in response.get_data(as_text=True)
    with app.app_context():
        assert _declaration(app, declaration_id).status == DeclarationStatus.submitted


def test_refusal_needs_a_reason(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    _html, lock = _open(client, declaration_id)
    response = client.submit(f"/review/{declaration_id}/decide", {"lock_version": lock, "outcome": "refused"})
    assert response.status_code == 400
    assert "Schrijf de reden van de afwijzing op" in response.get_data(as_text=True)


def test_reviewer_assigns_an_item_to_a_colleague_but_never_to_its_owner(app, client, auth):
    with app.app_context():
        person("abakker")
        db.session.commit()
    declaration_id = declared(app, "lvisser")  # a reviewer's own declaration
    auth.login("mjansen")
    html, _lock = _open(client, declaration_id)
    assert "</option>" not in html and "?open=assign#assign" in html  # the list only when asked for
    html, lock = _open(client, declaration_id, "?open=assign")
    assert "</option>" in html and 'id="reviewer"' in html
    assert "Lotte Visser</option>" not in html  # the owner is not offered
    response = client.submit(f"/review/{declaration_id}/assign",
                             {"lock_version": lock, "reviewer": str(id_of(app, "lvisser"))})
    assert response.status_code == 400
    response = client.submit(f"/review/{declaration_id}/assign",
                             {"lock_version": lock, "reviewer": str(id_of(app, "abakker"))})
    assert response.status_code == 302
    with app.app_context():
        assert _declaration(app, declaration_id).assigned_reviewer_id == user_id("abakker")
    assert "declaration.assign" in _actions(app, declaration_id)


def test_assessment_is_saved_per_point_and_shown_back(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    response = client.submit(f"/review/{declaration_id}/assessment", {
        "conflict_of_interest_rating": "no_concern", "conflict_of_interest_note": "Club staat los van de gemeente",
        "working_time_rating": "attention", "working_time_note": "Acht uur per maand",
    })
    assert response.status_code == 302
    html, _lock = _open(client, declaration_id)
    assert "Club staat los van de gemeente" in html and "Acht uur per maand" in html
    assert 'name="working_time_note"' not in html and "?open=assessment#assessment" in html  # folded: read only
    html, _lock = _open(client, declaration_id, "?open=assessment")  # the form, filled in, when asked for
    assert 'name="working_time_note"' in html and ">\r\nAcht uur per maand</textarea>" in html
    with app.app_context():
        assessment = db.session.scalar(select(ReviewAssessment))
        assert assessment.working_time_rating.value == "attention"
        assert assessment.reputation_rating is None and assessment.reviewer_id == user_id("mjansen")
    assert "review.assess" in _actions(app, declaration_id)


def test_the_page_builds_the_decision_form_and_the_folded_forms_only_when_opened(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    html, lock = _open(client, declaration_id)
    assert f'action="/review/{declaration_id}/decide"' in html
    for name, action in (("assign", "assign"), ("question", "question"), ("assessment", "assessment"),
                         ("note", "notes")):
        assert f'action="/review/{declaration_id}/{action}"' not in html, name
        assert f"?open={name}#" in html, name
        opened, _lock = _open(client, declaration_id, f"?open={name}")
        assert f'action="/review/{declaration_id}/{action}"' in opened, name
    # a refused form comes back open, with its error, without asking
    response = client.submit(f"/review/{declaration_id}/notes", {"internal_note": " "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="notes" open' in html and "Schrijf de notitie." in html and 'autofocus' in html


def test_internal_note_is_kept_for_reviewers(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    response = client.submit(f"/review/{declaration_id}/notes", {"internal_note": "Bellen met leidinggevende"})
    assert response.status_code == 302
    html, _lock = _open(client, declaration_id)
    assert "Bellen met leidinggevende" in html and "alleen voor beoordelaars" in html
    with app.app_context():
        note = db.session.scalar(select(InternalNote))
        assert note.author_id == user_id("mjansen")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "review.note"))
        assert "Bellen" not in str(event.details)  # the trail says a note was written, not what it says
    response = client.submit(f"/review/{declaration_id}/notes", {"internal_note": "   "})
    assert response.status_code == 400 and "Schrijf de notitie." in response.get_data(as_text=True)


def test_decided_version_cannot_be_decided_again(app, client, auth):
    declaration_id = declared(app)
    auth.login("mjansen")
    _html, lock = _open(client, declaration_id)
    assert client.submit(f"/review/{declaration_id}/decide", {"lock_version": lock, "outcome": "approved"}
                         ).status_code == 302
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    assert f'action="/review/{declaration_id}/decide"' not in html  # nothing left to decide
    with app.app_context():
        current_lock = _declaration(app, declaration_id).lock_version
    for seen in (lock, current_lock):  # an old page, or a forged current lock: both refused
        response = client.submit(f"/review/{declaration_id}/decide", {"lock_version": seen, "outcome": "refused",
                                                                      "reason": "Toch niet"})
        assert response.status_code == 409
    with app.app_context():
        assert _declaration(app, declaration_id).current_version.status == VersionStatus.approved


def test_a_draft_that_was_never_submitted_is_not_shown_to_reviewers(app, client, auth):
    with app.app_context():
        draft = declare(person("jdevries"), submit=False)
        db.session.commit()
        draft_id = draft.id
    auth.login("mjansen")
    assert client.get(f"/review/{draft_id}").status_code == 404
    assert client.get("/review/999999").status_code == 404
