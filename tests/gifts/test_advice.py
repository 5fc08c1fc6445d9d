"""The manager's advice on a gift: HR deciding on a gift asks the employee's manager (hbos for jdevries);
the manager, and nobody else, reads only what the gift is and answers; HR sees the advice on the gift page
in a block of its own. The rules, mails and audit are the advice area's (tests/review/test_advice.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.extensions import db
from portal.gifts.models import Gift
from portal.gifts.states import GiftStatus
from portal.notifications.models import OutboxMessage
from portal.review.advice.models import AdviceRequest
from portal.review.advice.states import AdviceStatus
from tests.gifts.test_gifts import _today, report  # noqa: F401  (the autouse fixture sets the date of a report)

QUESTION = "Loopt er een aanbesteding waarin deze aannemer meedoet?"
EXPLANATION = "GEHEIM-TOELICHTING ik ken de gever al van de voetbalclub"
ADVICE = "Het bestek van de rotonde loopt nog: laat het teruggeven."


def _sign_in_everyone(auth) -> None:
    for username in ("jdevries", "hbos", "fyilmaz", "nmulder", "mjansen", "sbakker"):
        assert auth.login(username).status_code == 302
        auth.logout()


@pytest.fixture()
def gift_id(app, client, auth):
    """jdevries (manager hbos) accepted a gift above the threshold; it waits for consent."""
    _sign_in_everyone(auth)
    other = report(client, auth, "jdevries", description="GEHEIM-ANDERE Kaarten voor het concert",
                   value_band="low")
    assert other
    return report(client, auth, "jdevries", value_band="middle", explanation=EXPLANATION)


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start:html.index("</section>", start)]


def _ask(client, gift_id: int, question: str = QUESTION):
    return client.submit(f"/gifts/{gift_id}/advice", {"advice_question": question})


def _advice_id(app, gift_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(AdviceRequest.id).where(AdviceRequest.subject_kind == "gift",
                                                                AdviceRequest.subject_id == gift_id))


def _templates(app, to: str) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage.template).where(
            OutboxMessage.recipient == f"{to}@example.nl", OutboxMessage.template.startswith("review/advice"))
            .order_by(OutboxMessage.id)))


def _audit(app, gift_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "gift", AuditEvent.object_id == gift_id,
            AuditEvent.action.startswith("advice.")).order_by(AuditEvent.id)))


def test_hr_asks_the_manager_who_sees_only_the_gift_and_answers_and_hr_reads_the_advice(app, client, auth, gift_id):
    auth.login("mjansen")
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    block = _section(html, "advice-heading")
    assert "Advies vragen aan Henk Bos" in block
    assert html.index('id="advice-heading"') < html.index('id="decide-heading"')  # its own block, before deciding
    response = _ask(client, gift_id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/gifts/{gift_id}#advice-heading")
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    assert "Uw vraag is naar Henk Bos gestuurd." in html
    block = _section(html, "advice-heading")
    assert QUESTION in block and "Wacht op advies" in block and "Advies vragen aan" not in block
    auth.logout()

    with app.app_context():
        request = db.session.get(AdviceRequest, _advice_id(app, gift_id))
        assert request.manager.username == "hbos" and request.employee.username == "jdevries"
        assert request.status == AdviceStatus.asked and request.subject_revision is None
        advice_id = request.id
    assert _templates(app, "hbos") == ["review/advice_asked"]
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "review/advice_asked"))
        assert "geschenk of uitnodiging" in mail.text_body and "nevenwerkzaamheid" not in mail.text_body
        assert "Jan de Vries" not in mail.text_body and "wijn" not in mail.text_body  # the mail names nothing

    auth.login("hbos")
    listing = client.get("/review/advice/").get_data(as_text=True)
    assert "Jan de Vries" in listing and "Geschenk of uitnodiging" in listing
    page = client.get(f"/review/advice/{advice_id}").get_data(as_text=True)
    assert QUESTION in page
    subject = _section(page, "subject-heading")
    for shown in ("Een fles wijn", "Karin Smit, Aannemersbedrijf Van Dijk", "Voert wegwerkzaamheden uit",
                  "Meer dan € 50, tot en met € 250", "Ik heb het aangenomen", "Geschenk"):
        assert shown in subject, shown
    assert "P&O beslist over een geschenk of uitnodiging" in page and "nevenwerkzaamheid" not in page
    assert EXPLANATION not in page and "GEHEIM-ANDERE" not in page  # not the explanation, not other gifts
    response = client.submit(f"/review/advice/{advice_id}/answer",
                             {"opinion": "objection", "explanation": ADVICE})
    assert response.status_code == 302
    auth.logout()

    assert _templates(app, "mjansen") == ["review/advice_answered"]
    with app.app_context():
        mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "review/advice_answered"))
        assert f"/gifts/{gift_id}" in mail.text_body and "Naar de melding" in mail.text_body
    assert _audit(app, gift_id) == ["advice.asked", "advice.viewed", "advice.answered"]

    auth.login("mjansen")
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    block = _section(html, "advice-heading")
    assert ADVICE in block and "Bezwaar" in block
    assert ADVICE not in _section(html, "decide-heading") and ADVICE not in _section(html, "gift-heading")
    # HR decides; the advice stays on the page, and no new question can be asked
    assert client.submit(f"/gifts/{gift_id}/decide", {"decision": "returned", "reason": "Aanbesteding."}).status_code == 302
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    block = _section(html, "advice-heading")
    assert ADVICE in block and "Advies vragen aan" not in block
    assert "zolang er nog geen besluit" in block
    assert _ask(client, gift_id).status_code == 400
    auth.logout()

    # the employee never sees the advice
    auth.login("jdevries")
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    assert ADVICE not in html and 'id="advice-heading"' not in html


def test_another_manager_hr_and_the_employee_get_404_on_the_question(app, client, auth, gift_id):
    auth.login("mjansen")
    assert _ask(client, gift_id).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, gift_id)
    for username in ("fyilmaz", "jdevries", "mjansen", "nmulder"):
        auth.login(username)
        assert client.get(f"/review/advice/{advice_id}").status_code == 404, username
        assert client.submit(f"/review/advice/{advice_id}/answer",
                             {"opinion": "no_objection", "explanation": ""}).status_code == 404, username
        assert "P&O heeft u nog niet om advies gevraagd." in client.get("/review/advice/").get_data(as_text=True)
        auth.logout()
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.asked


def test_the_manager_who_decides_and_the_employee_cannot_ask_nor_withdraw(app, client, auth, gift_id):
    auth.login("hbos")  # the manager decides without asking themself
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    assert "Besluit nemen" in html and 'id="advice-heading"' not in html
    assert _ask(client, gift_id).status_code == 403
    auth.logout()
    auth.login("jdevries")
    assert _ask(client, gift_id).status_code == 403
    auth.logout()
    auth.login("mjansen")
    assert _ask(client, gift_id).status_code == 302
    auth.logout()
    advice_id = _advice_id(app, gift_id)
    for username in ("hbos", "jdevries"):
        auth.login(username)
        assert client.submit(f"/review/advice/{advice_id}/withdraw", {}).status_code in (403, 404), username
        auth.logout()
    with app.app_context():
        assert db.session.get(AdviceRequest, advice_id).status == AdviceStatus.asked
        assert db.session.get(Gift, gift_id).status == GiftStatus.awaiting_consent


def test_hr_withdraws_the_question_and_the_manager_is_told(app, client, auth, gift_id):
    auth.login("mjansen")
    assert _ask(client, gift_id).status_code == 302
    assert _ask(client, gift_id, "Nog een vraag?").status_code == 400  # one open question at a time
    advice_id = _advice_id(app, gift_id)
    response = client.submit(f"/review/advice/{advice_id}/withdraw", {})
    assert response.status_code == 302 and f"/gifts/{gift_id}#advice-heading" in response.headers["Location"]
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    assert "De adviesvraag is ingetrokken." in html
    assert "Advies vragen aan Henk Bos" in _section(html, "advice-heading")  # may ask again
    auth.logout()
    assert _templates(app, "hbos") == ["review/advice_asked", "review/advice_withdrawn"]
    assert _audit(app, gift_id) == ["advice.asked", "advice.withdrawn"]
    auth.login("hbos")
    page = client.get(f"/review/advice/{advice_id}").get_data(as_text=True)
    assert "ingetrokken" in page and "Een fles wijn" not in page and QUESTION not in page


def test_an_empty_question_keeps_the_page_with_a_message(app, client, auth, gift_id):
    auth.login("mjansen")
    response = _ask(client, gift_id, "   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Schrijf uw vraag aan de leidinggevende." in html
    assert "Besluit nemen" in html
    with app.app_context():
        assert db.session.scalar(select(AdviceRequest.id)) is None


def test_a_gift_decided_without_advice_shows_no_advice_block(app, client, auth, gift_id):
    auth.login("mjansen")
    assert client.submit(f"/gifts/{gift_id}/decide", {"decision": "allowed", "reason": ""}).status_code == 302
    html = client.get(f"/gifts/{gift_id}").get_data(as_text=True)
    assert "Toegestaan" in html and 'id="advice-heading"' not in html
    refused = _ask(client, gift_id)  # and no question after the decision, with the reason
    assert refused.status_code == 400
    assert "zolang er nog geen besluit" in _section(refused.get_data(as_text=True), "advice-heading")
    with app.app_context():
        assert db.session.scalar(select(AdviceRequest.id)) is None

