"""Internal notes (and the assessment) never reach the employee: no page, no export, no mail."""

from __future__ import annotations

import json

from sqlalchemy import select

from portal.core.registry import personal_data_for
from portal.declarations.models import Declaration
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.review.helpers import declared, lock_version_in, person

NOTE = "GEHEIM-NOTITIE-4711 bel leidinggevende"
ASSESSMENT_NOTE = "GEHEIM-AFWEGING-4712"
QUESTION = "Hoeveel uren per maand besteedt u eraan?"
CONDITIONS = "Niet tijdens kantooruren en niet voor klanten van de gemeente."


def _employee_urls(app, declaration: Declaration) -> list[str]:
    """Every GET page the app has, with this declaration's id and version numbers filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        args = set(rule.arguments)
        if not args:
            urls.append(rule.rule)
        elif args <= {"declaration_id", "number"}:
            for version in declaration.versions:
                urls.append(rule.rule.replace("<int:declaration_id>", str(declaration.id))
                            .replace("<int:number>", str(version.number)))
    return sorted(set(urls))


def test_internal_notes_never_appear_on_any_page_or_mail_of_the_employee(app, client, auth):
    declaration_id = declared(app)

    auth.login("mjansen")
    url = f"/review/{declaration_id}"
    assert client.submit(f"{url}/notes", {"internal_note": NOTE}).status_code == 302
    assert client.submit(f"{url}/assessment", {"reputation_rating": "attention",
                                               "reputation_note": ASSESSMENT_NOTE}).status_code == 302
    lock = lock_version_in(client.get(url).get_data(as_text=True))
    assert client.submit(f"{url}/question", {"lock_version": lock, "question": QUESTION}).status_code == 302
    with app.app_context():
        from portal.declarations.services import answer_information_request

        declaration = db.session.get(Declaration, declaration_id)
        answer_information_request(declaration.pending_version, "Acht.", declaration.owner)
        db.session.commit()
    html = client.get(url).get_data(as_text=True)
    assert NOTE in html and ASSESSMENT_NOTE in html  # the reviewer sees both
    assert client.submit(f"{url}/decide", {"lock_version": lock_version_in(html), "outcome": "approved_with_conditions",
                                           "conditions": CONDITIONS}).status_code == 302
    auth.logout()

    auth.login("jdevries")
    seen_by_employee = []
    with app.app_context():
        declaration = db.session.get(Declaration, declaration_id)
        urls = _employee_urls(app, declaration)
    assert f"/declarations/{declaration_id}" in urls
    for page in urls:
        response = client.get(page)
        if response.status_code == 200:
            body = response.get_data(as_text=True)
            seen_by_employee.append(body)
            assert NOTE not in body and ASSESSMENT_NOTE not in body, page
    everything = "\n".join(seen_by_employee)
    assert QUESTION in everything and CONDITIONS in everything  # what is meant for the employee does arrive

    with app.test_request_context():
        employee = person("jdevries")
        export = json.dumps(personal_data_for(employee), ensure_ascii=False, default=str)
        assert NOTE not in export and ASSESSMENT_NOTE not in export
        mails = list(db.session.scalars(select(OutboxMessage)))
        assert mails, "the employee was mailed about the question and the decision"
        for mail in mails:
            for text in (mail.subject, mail.text_body, mail.html_body):
                assert NOTE not in text and ASSESSMENT_NOTE not in text and CONDITIONS not in text


def test_note_and_conditions_are_separate_fields(app, client, auth):
    """A note posted to the decision form is not a condition, and conditions posted as a note are not shown."""
    declaration_id = declared(app)
    auth.login("mjansen")
    html = client.get(f"/review/{declaration_id}").get_data(as_text=True)
    response = client.submit(f"/review/{declaration_id}/decide", {
        "lock_version": lock_version_in(html), "outcome": "approved", "internal_note": NOTE, "conditions": "",
    })
    assert response.status_code == 302
    with app.app_context():
        version = db.session.get(Declaration, declaration_id).current_version
        assert version.conditions is None and version.refusal_reason is None
        from portal.review.models import InternalNote

        assert db.session.scalar(select(InternalNote.id)) is None
