"""The manager's advice: a reviewer asks the employee's manager, the manager (and nobody else) reads
only what they need and answers, and the reviewer sees the advice apart from the internal notes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.declarations.models import DeclarationKind
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.review.advice.models import AdviceRequest
from portal.review.advice.states import AdviceStatus, InvalidTransition, check_transition
from tests.review.helpers import declared, id_of

QUESTION = "Past deze training op woensdagmiddag in het rooster van uw team?"
NOTE = "GEHEIM-NOTITIE-0815 eerder gesprek met de medewerker"
ENTITY = "GEHEIM-BELANG Bouwbedrijf Zuid BV"
OTHER_CLUB = "GEHEIM-ANDERE Schaakclub De Toren"
ADVICE_TEXT = "Alleen als de uren buiten de roosterdagen vallen."


def _sign_in_everyone(auth, *usernames: str) -> None:
    """Sign each person in once, as the directory sync would create them (with their manager)."""
    for username in usernames:
        assert auth.login(username).status_code == 302
        auth.logout()


@pytest.fixture()
def case(app, auth):
    """jdevries (manager hbos) has a side activity under review, a financial interest and another side activity."""
    _sign_in_everyone(auth, "jdevries", "hbos", "nmulder", "fyilmaz", "sbakker", "pmeijer", "mjansen")
    declaration_id = declared(app, "jdevries")
    declared(app, "jdevries", DeclarationKind.financial_interest, entity=ENTITY)
    declared(app, "jdevries", organisation_name=OTHER_CLUB)
    return declaration_id


def _ask(client, declaration_id: int, question: str = QUESTION):
    return client.submit(f"/review/{declaration_id}/advice", {"advice_question": question})


def _advice_id(app, declaration_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(AdviceRequest.id).where(AdviceRequest.subject_id == declaration_id)
                                 .order_by(AdviceRequest.id.desc()))


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("advice."))
                                       .order_by(AuditEvent.id)))


def _mails(app, template: str) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)))


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def test_reviewer_asks_the_manager_from_the_directory_and_the_manager_is_mailed(app, client, auth, case):
    auth.login("mjansen")
    html = client.get(f"/review/{case}").get_data(as_text=True)
    assert "Advies vragen aan Henk Bos" in html
    response = _ask(client, case)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw vraag is naar Henk Bos gestuurd." in html
    block = _section(html, "advice-heading")
    assert QUESTION in block and "Wacht op advies" in block
    assert "Advies vragen aan" not in block  # one open question at a time
    with app.app_context():
        advice = db.session.get(AdviceRequest, _advice_id(app, case))
        assert advice.manager.username == "hbos" and advice.status == AdviceStatus.asked
        assert advice.asked_by.username == "mjansen" and advice.subject_revision == 1
    [mail] = _mails(app, "review/advice_asked")
    assert mail.recipient == "hbos@example.nl" and f"/review/advice/{advice.id}" in mail.text_body
    assert "Voetbalvereniging" not in mail.text_body and "Jan de Vries" not in mail.text_body  # no details in a mail
    assert _actions(app) == ["advice.asked"]


def test_the_manager_sees_only_their_request_and_only_the_non_financial_parts(app, client, auth, case):
    sanne = declared(app, "sbakker")
    auth.login("mjansen")
    assert client.submit(f"/review/{case}/notes", {"internal_note": NOTE}).status_code == 302
    assert _ask(client, case).status_code == 302
    assert _ask(client, sanne, "Vraag over Sanne").status_code == 302
    auth.logout()

    auth.login("hbos")
    listing = client.get("/review/advice/").get_data(as_text=True)
    assert "Jan de Vries" in listing and "Wacht op uw advies" in listing
    assert "Sanne Bakker" not in listing  # fyilmaz's question
    assert "Adviesvragen" in client.get("/").get_data(as_text=True)  # in the navigation
    page = client.get(f"/review/advice/{_advice_id(app, case)}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in (QUESTION, "Jan de Vries", "Uitvoerder wegen", "Voetbalvereniging De Bal", "Trainer",
                  "Uren per maand", "Betaald"):
        assert shown in html, shown
    for hidden in (NOTE, ENTITY, OTHER_CLUB, "Afwegingskader", "Audittrail", "Interne notities", "Openbare Werken"):
        assert hidden not in html, hidden
    assert client.get(f"/review/advice/{_advice_id(app, sanne)}").status_code == 404
    assert client.get(f"/review/{case}").status_code in (403, 404)  # the review page stays HR's
    assert "advice.viewed" in _actions(app)


@pytest.mark.parametrize("who", ["fyilmaz", "nmulder", "jdevries", "mjansen", "lvisser"])
def test_nobody_but_the_manager_asked_opens_or_answers_the_request(app, client, auth, case, who):
    """Another manager, a colleague, the employee themself, reviewers and administrators: all 404."""
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, case)
    auth.login(who)
    assert client.get(f"/review/advice/{advice_id}").status_code == 404
    assert client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "no_objection"}).status_code == 404
    assert QUESTION not in client.get("/review/advice/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.asked
    assert "advice.viewed" not in _actions(app)


def test_the_manager_answers_and_the_reviewer_sees_it_apart_from_the_internal_notes(app, client, auth, case):
    auth.login("mjansen")
    assert client.submit(f"/review/{case}/notes", {"internal_note": NOTE}).status_code == 302
    assert _ask(client, case).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, case)

    auth.login("hbos")
    response = client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "conditional",
                                                                    "explanation": ADVICE_TEXT})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Uw advies is naar P&amp;O gestuurd." in html
    assert "Bezwaar, tenzij aan voorwaarden wordt voldaan" in html and ADVICE_TEXT in html
    again = client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "objection", "explanation": "Toch niet."})
    assert again.status_code == 400 and "Over deze vraag is al advies gegeven." in again.get_data(as_text=True)
    auth.logout()

    auth.login("mjansen")
    html = client.get(f"/review/{case}").get_data(as_text=True)
    advice_block = _section(html, "advice-heading")
    assert ADVICE_TEXT in advice_block and "Bezwaar, tenzij aan voorwaarden wordt voldaan" in advice_block
    assert "Henk Bos" in advice_block and NOTE not in advice_block
    notes = html[html.index("Interne notities (alleen voor beoordelaars)"):]
    notes = notes[:notes.index("</details>")]
    assert NOTE in notes and ADVICE_TEXT not in notes
    assert "Advies vragen aan Henk Bos" in advice_block  # a new question may follow
    [mail] = _mails(app, "review/advice_answered")
    assert mail.recipient == "mjansen@example.nl" and f"/review/{case}" in mail.text_body
    assert ADVICE_TEXT not in mail.text_body
    assert _actions(app) == ["advice.asked", "advice.answered", "advice.viewed"]  # the page after answering


def test_the_employee_never_sees_the_advice(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    auth.logout()
    auth.login("hbos")
    advice_id = _advice_id(app, case)
    client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "objection", "explanation": ADVICE_TEXT})
    auth.logout()
    auth.login("jdevries")
    for url in ("/", f"/declarations/{case}", "/declarations/", "/review/advice/", "/declarations/my-data"):
        body = client.get(url).get_data(as_text=True)
        assert ADVICE_TEXT not in body and QUESTION not in body, url
    assert "Adviesvragen" not in client.get("/").get_data(as_text=True)


def test_the_reviewer_withdraws_an_open_question(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    advice_id = _advice_id(app, case)
    response = client.submit(f"/review/advice/{advice_id}/withdraw")
    assert response.status_code == 302 and response.headers["Location"].startswith(f"/review/{case}")
    html = client.get(f"/review/{case}").get_data(as_text=True)
    assert "De adviesvraag is ingetrokken." in html
    block = _section(html, "advice-heading")
    assert "Ingetrokken" in block and "Wacht op advies" not in block and "Advies vragen aan Henk Bos" in block
    again = client.submit(f"/review/advice/{advice_id}/withdraw", follow_redirects=True)
    assert "P&amp;O heeft deze adviesvraag ingetrokken." in again.get_data(as_text=True)
    auth.logout()

    auth.login("hbos")
    html = client.get(f"/review/advice/{advice_id}").get_data(as_text=True)
    assert "ingetrokken" in html and "Voetbalvereniging" not in html and QUESTION not in html
    late = client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "no_objection"})
    assert late.status_code == 400 and "P&amp;O heeft deze adviesvraag ingetrokken." in late.get_data(as_text=True)
    assert len(_mails(app, "review/advice_withdrawn")) == 1
    assert _actions(app)[:2] == ["advice.asked", "advice.withdrawn"]


def test_only_a_reviewer_of_the_declaration_withdraws(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, case)
    for who in ("hbos", "jdevries"):
        auth.login(who)
        assert client.submit(f"/review/advice/{advice_id}/withdraw").status_code in (403, 404)
        auth.logout()
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.asked


def test_no_manager_known_means_no_button_and_a_clear_sentence(app, client, auth, case):
    top = declared(app, "pmeijer")  # the directory names no manager for the town clerk
    unknown = declared(app, "sbakker")  # her manager fyilmaz is in the directory ...
    with app.app_context():
        from portal.auth.services import mark_left
        from portal.core.time import utcnow
        from tests.declarations.helpers import user_by_name

        mark_left(user_by_name("fyilmaz"), utcnow(), reason="manual")  # ... but has left
        db.session.commit()
    auth.login("mjansen")
    html = client.get(f"/review/{top}").get_data(as_text=True)
    block = _section(html, "advice-heading")
    assert "Het portaal kent geen leidinggevende van Pieter Meijer: de directory noemt er geen" in block
    assert "Advies vragen aan" not in block and 'name="advice_question"' not in block
    block = _section(client.get(f"/review/{unknown}").get_data(as_text=True), "advice-heading")
    assert "De leidinggevende van Sanne Bakker uit de directory is niet bekend in het portaal." in block
    response = _ask(client, top)
    assert response.status_code == 400
    assert "Het portaal kent geen leidinggevende van Pieter Meijer: de directory noemt er geen" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(AdviceRequest.id)) is None


def test_a_financial_interest_is_never_offered_for_advice(app, client, auth, case):
    interest = declared(app, "jdevries", DeclarationKind.financial_interest, entity="Ander belang BV")
    auth.login("mjansen")
    html = client.get(f"/review/{interest}").get_data(as_text=True)
    assert "Advies van de leidinggevende" not in html
    response = _ask(client, interest)
    assert response.status_code == 400
    assert "Over een financieel belang vraagt P&amp;O geen advies aan de leidinggevende." in response.get_data(
        as_text=True)
    assert _mails(app, "review/advice_asked") == []


def test_a_second_open_question_is_refused(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    response = _ask(client, case, "Nog een vraag")
    assert response.status_code == 400
    assert "Er staat al een adviesvraag open bij de leidinggevende." in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalars(select(AdviceRequest)).all()) == 1


@pytest.mark.parametrize(("question", "message"), [
    ("", "Schrijf uw vraag aan de leidinggevende."),
    ("   ", "Schrijf uw vraag aan de leidinggevende."),
    ("x" * 2001, "Gebruik hoogstens 2000 tekens; nu zijn het er 2001."),
])
def test_question_validation_keeps_the_input_and_says_why(app, client, auth, case, question, message):
    auth.login("mjansen")
    response = _ask(client, case, question)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    if question.strip():
        assert question in html
    assert _mails(app, "review/advice_asked") == []


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Kies uw advies."),
    ({"opinion": "maybe"}, "Kies een van de mogelijkheden."),
    ({"opinion": "objection", "explanation": " "}, "Schrijf de voorwaarden of de reden van uw bezwaar op."),
    ({"opinion": "conditional"}, "Schrijf de voorwaarden of de reden van uw bezwaar op."),
    ({"opinion": "no_objection", "explanation": "y" * 4001}, "Gebruik hoogstens 4000 tekens; nu zijn het er 4001."),
])
def test_answer_validation_says_why_and_saves_nothing(app, client, auth, case, data, message):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, case)
    auth.login("hbos")
    response = client.submit(f"/review/advice/{advice_id}/answer", data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.asked


def test_no_objection_needs_no_explanation(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    auth.logout()
    auth.login("hbos")
    advice_id = _advice_id(app, case)
    assert client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "no_objection"}).status_code == 302
    with app.app_context():
        advice = db.session.get(AdviceRequest, advice_id)
        assert advice.status == AdviceStatus.answered and advice.explanation is None
        assert advice.answered_at is not None


def test_the_lifecycle_has_one_way_out_of_asked():
    assert check_transition("asked", "answered") == AdviceStatus.answered
    assert check_transition("asked", "withdrawn") == AdviceStatus.withdrawn
    for done in ("answered", "withdrawn"):
        for target in AdviceStatus:
            with pytest.raises(InvalidTransition):
                check_transition(done, target)


def test_a_manager_who_no_longer_manages_the_employee_no_longer_sees_or_answers(app, client, auth, case):
    """The question went to the manager of the moment; when the directory names another, the old one
    loses it (no more reading the employee's side activity) and the new one was never asked."""
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, case)
    with app.app_context():
        from tests.declarations.helpers import user_by_name

        user_by_name("jdevries").manager_dn = user_by_name("fyilmaz").dn_key
        db.session.commit()
    auth.login("fyilmaz")
    assert client.get(f"/review/advice/{advice_id}").status_code == 404
    auth.logout()
    auth.login("hbos")
    assert client.get(f"/review/advice/{advice_id}").status_code == 404
    assert client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "no_objection"}).status_code == 404
    assert "Jan de Vries" not in client.get("/review/advice/").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.asked  # HR withdraws or decides


def test_deciding_the_side_activity_closes_the_open_question(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    advice_id = _advice_id(app, case)
    with app.app_context():
        from portal.declarations.models import Declaration
        from portal.review.services import decide_declaration
        from tests.declarations.helpers import user_by_name

        decide_declaration(db.session.get(Declaration, case), "approved", user_by_name("mjansen"))
        db.session.commit()
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.withdrawn
    assert [m.recipient for m in _mails(app, "review/advice_withdrawn")] == ["hbos@example.nl"]
    auth.logout()
    auth.login("hbos")
    late = client.submit(f"/review/advice/{advice_id}/answer", {"opinion": "no_objection"}, follow_redirects=True)
    assert late.status_code == 400 and "ingetrokken" in late.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).opinion is None


def test_csrf_is_required(app, client, auth, case):
    auth.login("mjansen")
    response = client.post(f"/review/{case}/advice", data={"advice_question": QUESTION})
    assert response.status_code == 400
    assert _advice_id(app, case) is None
    assert re.search(r"CSRF|verlopen|opnieuw", response.get_data(as_text=True))


def test_anonymising_the_employee_deletes_the_advice_about_them(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    with app.app_context():
        from portal.admin.retention import anonymise_users
        from portal.core.time import utcnow

        counts = anonymise_users([id_of(app, "jdevries")], utcnow())
        db.session.commit()
        assert counts["advice_requests"] == 1
        assert db.session.scalar(select(AdviceRequest.id)) is None


def test_the_queue_shows_advice_asked_then_advice_in(app, client, auth, case):
    def row_of(html: str) -> str:
        start = html.index(f'href="/review/{case}"')
        return html[start:html.index("</tr>", start)]

    auth.login("mjansen")
    assert "Advies gevraagd" not in row_of(client.get("/review/").get_data(as_text=True))
    assert _ask(client, case).status_code == 302
    assert "Advies gevraagd" in row_of(client.get("/review/").get_data(as_text=True))
    auth.logout()
    auth.login("hbos")
    assert client.submit(f"/review/advice/{_advice_id(app, case)}/answer", {"opinion": "no_objection"}).status_code == 302
    auth.logout()
    auth.login("mjansen")
    row = row_of(client.get("/review/").get_data(as_text=True))
    assert "Advies binnen" in row and "Advies gevraagd" not in row


def test_a_reviewer_who_is_the_managers_does_not_ask_themselves(app, client, auth, case):
    """lvisser reviews and manages mjansen: for mjansen's side activity she writes a note instead."""
    _sign_in_everyone(auth, "lvisser")
    own_team = declared(app, "mjansen")
    auth.login("lvisser")
    block = _section(client.get(f"/review/{own_team}").get_data(as_text=True), "advice-heading")
    assert "U bent zelf de leidinggevende van Mohamed Jansen." in block and "Advies vragen aan" not in block
    assert _ask(client, own_team).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(AdviceRequest.id)) is None


def test_the_review_page_says_which_version_the_advice_was_about(app, client, auth, case):
    auth.login("mjansen")
    assert _ask(client, case).status_code == 302
    block = _section(client.get(f"/review/{case}").get_data(as_text=True), "advice-heading")
    assert re.search(r"Over versie</dt>\s*<dd>1</dd>", block)
