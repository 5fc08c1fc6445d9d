"""The audit trail reads as Dutch sentences that link to what they are about, for those who may open it."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal.auth.directory.entry import DirectoryUser
from portal.core.audit import record_event
from portal.core.audit_sentences import audit_lines
from portal.core.models import AuditEvent
from portal.core.time import utcnow
from portal.declarations.models import DeclarationKind
from portal.extensions import db
from portal.review.trail import AuditFilters, audit_page
from tests.declarations.helpers import make_user
from tests.review.helpers import declare, person

CODES = re.compile(r"\b(?:declaration|review|auth|user|concern|policy|oath)\.[a-z_]+|\w+=\w+|outcome|approved_with")


def _cells(html: str) -> list[str]:
    """The sentences of the trail's table, as a reader sees them (tags gone)."""
    table = re.search(r"<table.*?</table>", html, re.S).group(0)
    rows = re.findall(r"<tr class=\"utrecht-table__row\">(.*?)</tr>", table, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1])).strip()
            for row in rows if "<td" in row and len(re.findall(r"<td", row)) > 1]


def _lines(app, viewer_name: str | None, **filters) -> list:
    """(text, url) of the trail's events, newest first, as ``viewer_name`` would read them."""
    with app.test_request_context("/elsewhere"):
        viewer = person(viewer_name) if viewer_name else None
        rows, _more = audit_page(AuditFilters(**filters))
        return [(line.text, line.url) for _row, line in audit_lines(rows, viewer or object())]


def _decided(app, outcome="approved_with_conditions", kind=DeclarationKind.side_activity, **answers) -> int:
    with app.app_context():
        owner = person("jdevries")
        declaration = declare(owner, kind, decide=outcome, reviewer=person("mjansen"), **answers)
        db.session.commit()
        return declaration.id


def test_a_decision_reads_as_a_sentence_that_leads_to_the_review_page(app, client, auth):
    declaration_id = _decided(app, organisation_name="Voetbalclub Zuid")
    auth.login("abakker")
    html = client.get(f"/review/{declaration_id}/audit").get_data(as_text=True)
    assert (f'Mohamed Jansen heeft <a class="utrecht-link" href="/review/{declaration_id}">de nevenwerkzaamheid '
            "„Voetbalclub Zuid”</a> (versie 1) goedgekeurd met voorwaarden.") in html
    assert _cells(html)[-1] == "Jan de Vries heeft de nevenwerkzaamheid „Voetbalclub Zuid” aangemaakt."
    assert not any(CODES.search(cell) for cell in _cells(html)), _cells(html)


def test_a_refusal_and_a_plain_approval_have_their_own_words(app):
    refused = _decided(app, "refused", organisation_name="Bakkerij Noord")
    approved = _decided(app, "approved", organisation_name="Zangkoor")
    texts = [text for text, _url in _lines(app, "abakker", action="declaration.decide")]
    assert texts == ["Mohamed Jansen heeft de nevenwerkzaamheid „Zangkoor” (versie 1) goedgekeurd.",
                     "Mohamed Jansen heeft de nevenwerkzaamheid „Bakkerij Noord” (versie 1) afgewezen."]
    assert refused != approved


def test_the_owner_is_led_to_their_own_page_and_others_read_no_title(app):
    declaration_id = _decided(app, "approved", kind=DeclarationKind.financial_interest, entity="Aandelen Rederij")
    with app.app_context():
        make_user("beheer", display_name="Bea Heer", is_admin=True)  # administrator, not HR
        db.session.commit()
    owner = _lines(app, "jdevries", action="declaration.decide")
    assert owner == [("Mohamed Jansen heeft het financieel belang „Aandelen Rederij” (versie 1) goedgekeurd.",
                      f"/declarations/{declaration_id}")]
    for outsider in ("beheer", None):
        [(text, url)] = _lines(app, outsider, action="declaration.decide")
        assert text == f"Mohamed Jansen heeft het financieel belang met nummer {declaration_id} (versie 1) goedgekeurd."
        assert url is None


def test_hr_reads_no_title_of_a_draft(app):
    with app.app_context():
        draft = declare(person("jdevries"), submit=False, organisation_name="Geheim Plan").id
        db.session.commit()
    [(text, url)] = _lines(app, "mjansen", action="declaration.create")
    assert text == f"Jan de Vries heeft de nevenwerkzaamheid met nummer {draft} aangemaakt." and url is None
    [(own_text, own_url)] = _lines(app, "jdevries", action="declaration.create")
    assert "„Geheim Plan”" in own_text and own_url == f"/declarations/{draft}"


def test_signing_in_being_renamed_and_returning_read_as_sentences(app, client, auth):
    auth.login("jdevries")
    auth.logout()
    with app.app_context():
        from portal.auth.services import sync_user

        piet = make_user("pklaassen", display_name="Piet Klaassen", directory_id="guid-piet")
        piet.left_at, piet.left_reason = utcnow() - timedelta(days=3), "directory"
        sync_user(DirectoryUser(dn="uid=pklaassen2,ou=people,dc=example,dc=nl", username="pklaassen2",
                                directory_id="guid-piet", display_name="Piet Klaassen", email=None, department=None,
                                job_title=None, employee_type=None, employee_number=None, roles=frozenset()))
        db.session.commit()
    auth.login("lvisser")
    cells = _cells(client.get("/review/audit").get_data(as_text=True))
    assert "Jan de Vries is aangemeld bij het portaal." in cells
    assert "De gebruikersnaam van Piet Klaassen is gewijzigd van pklaassen in pklaassen2." in cells
    assert "Piet Klaassen is terug in de directory en weer actief." in cells


def test_a_published_policy_links_to_the_version_everyone_may_read(app, client, auth):
    from portal.core.time import today_local
    from portal.policies.services import VersionInput, create_page, save_version

    with app.app_context():
        editor = person("mjansen")
        page = create_page("gedragscode-test", is_public=False, editor=editor)
        save_version(page, VersionInput(language="nl", title="Gedragscode", description="", body_markdown="Tekst",
                                        summary="", effective_at=today_local(), requires_acknowledgement=False),
                     base_version_id=None, publish=True, editor=editor)
        db.session.commit()
    [(text, url)] = _lines(app, "jdevries", action="policy.publish")
    assert text == "Mohamed Jansen heeft versie 1 van de pagina „Gedragscode” gepubliceerd (Nederlands)."
    assert url == "/policies/gedragscode-test/versions/1"
    auth.login("jdevries")
    assert client.get(url).status_code == 200


def test_an_oath_registration_names_the_ceremony_in_local_time(app):
    from tests.oath.conftest import plan_session

    from portal.oath.services.registrations import register_for_session
    from tests.support.clock import AMSTERDAM

    with app.test_request_context():
        session = plan_session(hr=person("mjansen"))
        register_for_session(session.id, person("jdevries"), "oath")
        starts = session.starts_at.astimezone(AMSTERDAM)
        session_id = session.id
        db.session.commit()
    [(hr_text, hr_url)] = _lines(app, "mjansen", action="oath.register")
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]
    when = f"{starts.day} {months[starts.month - 1]} {starts.year}, {starts:%H:%M}"
    assert hr_text == f"Jan de Vries heeft zich aangemeld voor de bijeenkomst van {when}."
    assert hr_url == f"/oath/admin/sessions/{session_id}"
    [(_text, employee_url)] = _lines(app, "sbakker", action="oath.register")
    assert employee_url == f"/oath/sessions/{session_id}"  # the page every employee may open


def test_a_concern_transition_is_a_sentence_for_the_coordinator_and_hidden_from_hr(app, client, auth):
    from portal.concerns.services import confirm_receipt, file_concern
    from tests.concerns.helpers import coordinator, data

    with app.test_request_context():
        concern = file_concern(data(), person("jdevries"))
        confirm_receipt(concern, coordinator())
        concern_id, reference = concern.id, concern.reference
        db.session.commit()
    auth.login("rkoster")
    html = client.get(f"/concerns/{concern_id}").get_data(as_text=True)
    # on the case page itself the concern is not a link to the same page
    assert f"Rianne Koster heeft de ontvangst van melding {reference} bevestigd." in _cells(html)
    coordinator_view = _lines(app, "rkoster", action="concern.confirm_receipt", include_confidential=True)
    assert coordinator_view == [(f"Rianne Koster heeft de ontvangst van melding {reference} bevestigd.",
                                 f"/concerns/{concern_id}")]
    auth.logout()
    # HR and administrators find nothing of it, not on the page, not by a filter, not by name
    for username in ("mjansen", "lvisser"):
        assert all(reference not in text and "melding" not in text for text, _url in _lines(app, username))
    auth.login("lvisser")
    for url in ("/review/audit", "/review/audit?action=concern"):
        body = client.get(url).get_data(as_text=True)
        assert reference not in body and "ontvangst van" not in body and f"/concerns/{concern_id}" not in body


def test_the_concern_resolver_names_nothing_for_someone_without_the_role(app):
    """A defence behind the trail's filter: asked by HR, the resolver does not even name the concern."""
    from portal.concerns.audit_texts import resolve_concerns
    from portal.concerns.services import file_concern
    from tests.concerns.helpers import coordinator, data

    with app.test_request_context():
        concern = file_concern(data(), person("jdevries"))
        db.session.flush()
        assert resolve_concerns({concern.id}, person("lvisser")) == {}
        assert set(resolve_concerns({concern.id}, coordinator())) == {concern.id}


def test_an_unknown_action_or_odd_details_read_plainly_and_never_break_the_page(app, client, auth):
    with app.app_context():
        owner = person("jdevries")
        record_event("legacy.thing", actor=owner, details={"x": 1})
        record_event("legacy.system_thing")
        record_event("declaration.decide", actor=owner, object_type="declaration", object_id=999_999,
                     details={"outcome": ["not", "a", "code"], "version": None})
        record_event("user.renamed", object_type="user", object_id=None, details=None)
        db.session.add(AuditEvent(action="review.confirm", details=["a", "list"]))
        db.session.commit()
    auth.login("lvisser")
    response = client.get("/review/audit")
    assert response.status_code == 200
    cells = _cells(response.get_data(as_text=True))
    assert "Jan de Vries heeft de handeling „legacy.thing” gedaan." in cells
    assert "De handeling „legacy.system_thing” is vastgelegd." in cells
    assert any(cell.startswith("Jan de Vries heeft een besluit genomen over een verklaring") for cell in cells)
    assert "De gebruikersnaam van iemand is gewijzigd." in cells  # no half sentence from missing details
    assert len(cells) >= 5


def test_a_person_assigned_is_named_not_numbered(app):
    from portal.review.services import assign_declaration, take_declaration

    with app.app_context():
        declaration = declare(person("jdevries"), organisation_name="Fanfare")
        take_declaration(declaration, person("mjansen"))
        assign_declaration(declaration, person("abakker"), person("mjansen"))
        db.session.commit()
        assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.action == "declaration.assign"))["to"]
    (text, _url), *_taken = _lines(app, "lvisser", action="declaration.assign")
    assert text == "Mohamed Jansen heeft de nevenwerkzaamheid „Fanfare” toegewezen aan Bakker, Anna (P&O)."


def test_a_hostile_title_stays_text_in_the_sentence(app, client, auth):
    declaration_id = _decided(app, "approved", organisation_name='<img src=x onerror="alert(1)">%(actor)s')
    auth.login("abakker")
    html = client.get(f"/review/{declaration_id}/audit").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;%(actor)s" in html  # shown as typed, placeholder and all


def test_a_reported_gift_is_named_for_hr_and_numbered_for_an_administrator_outside_hr(app, client, auth):
    from portal.core.time import today_local

    with app.app_context():
        make_user("beheer", display_name="Bea Heer", is_admin=True)
        db.session.commit()
        received_on = today_local().isoformat()
    auth.login("jdevries")
    response = client.submit("/gifts/new", {
        "category": "geschenk", "description": "Een fles wijn", "giver_name": "Karin Smit", "giver_organisation": "",
        "work_relation": "Levert koffie.", "value_band": "low", "response": "accepted", "received_on": received_on,
        "explanation": ""})
    gift_id = int(response.headers["Location"].rsplit("/", 1)[1])
    [(hr_text, hr_url)] = _lines(app, "mjansen", action="gift.report")
    assert hr_text.startswith("Jan de Vries heeft het geschenk of de uitnodiging „Een fles wijn” gemeld. Stand: ")
    assert hr_url == f"/gifts/{gift_id}"
    [(admin_text, admin_url)] = _lines(app, "beheer", action="gift.report")
    assert "Een fles wijn" not in admin_text and f"met nummer {gift_id}" in admin_text and admin_url is None


def test_repeated_events_each_read_as_their_own_sentence_in_a_trail(app):
    """A trail of the same event many times, by two people: every row has its sentence, by the right person."""
    declaration_id = _decided(app, organisation_name="Sportschool West")
    with app.app_context():
        for name in ("mjansen", "abakker", "mjansen", "abakker", "mjansen"):
            record_event("declaration.view", actor=person(name), object_type="declaration", object_id=declaration_id,
                         subject_user_id=person("jdevries").id)
        db.session.commit()
    lines = _lines(app, "abakker", object_type="declaration", object_id=declaration_id)
    viewed = [text for text, _url in lines[:5]]
    assert len(set(viewed)) == 2
    assert viewed[0] == viewed[2] == viewed[4] and viewed[1] == viewed[3] and viewed[0] != viewed[1]
    assert viewed[0].startswith("Mohamed Jansen") and viewed[1].startswith("Bakker, Anna")
