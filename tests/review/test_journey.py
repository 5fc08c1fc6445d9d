"""In Chromium: a reviewer takes an item, asks a question, the employee answers, the reviewer approves
with conditions and the employee sees them. axe on every page."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.review.helpers import declare, person, summarise
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser

QUESTION = "Traint u ook kinderen van collega's?"
CONDITIONS = "U traint geen teams waarin kinderen van uw eigen afdeling spelen."


def _sign_out(page) -> None:
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()


def test_review_journey_from_question_to_conditions(app, page):
    with app.app_context():
        declaration_id = declare(person("jdevries")).id
        db.session.commit()

    sign_in(page, "mjansen")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Beoordelen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Verklaringen beoordelen"
    assert_accessible(page)
    page.get_by_role("link", name="Jan de Vries").click()
    page.wait_for_url(f"**/review/{declaration_id}")
    assert_accessible(page)
    page.get_by_role("button", name="Oppakken").click()
    page.wait_for_load_state()
    assert page.get_by_text("U beoordeelt deze verklaring nu.").is_visible()
    assert_accessible(page)
    page.locator("summary", has_text="Meer informatie vragen").click()  # folded below the decision
    with page.expect_navigation():
        page.get_by_role("link", name="Een vraag aan de medewerker schrijven").click()  # the form, when asked for
    page.get_by_label("Vraag aan de medewerker").fill(QUESTION)
    page.get_by_role("button", name="Vraag versturen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Uw vraag is verstuurd.").is_visible()
    assert_accessible(page)
    _sign_out(page)

    sign_in(page, "jdevries")
    page.goto(f"/declarations/{declaration_id}")
    assert page.get_by_text(QUESTION).first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Vraag beantwoorden").click()
    assert_accessible(page)
    page.get_by_label("Uw antwoord").fill("Nee, alleen de jeugd van de club.")
    page.get_by_role("button", name="Antwoord versturen").click()
    page.wait_for_load_state()
    assert_accessible(page)
    _sign_out(page)

    sign_in(page, "mjansen")
    page.goto("/review/")
    assert page.get_by_role("link", name="Jan de Vries").is_visible()  # back in the queue after the answer
    page.get_by_role("link", name="Jan de Vries").click()
    assert page.get_by_text("Nee, alleen de jeugd van de club.").is_visible()
    page.get_by_label("Goedkeuren met voorwaarden").check()
    page.get_by_label("Voorwaarden", exact=True).fill(CONDITIONS)
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Het besluit is vastgelegd.").is_visible()
    assert_accessible(page)
    _sign_out(page)

    sign_in(page, "jdevries")
    page.goto(f"/declarations/{declaration_id}")
    assert page.get_by_text(CONDITIONS).is_visible()
    assert_accessible(page)


def test_registers_report_and_audit_pages_are_accessible(app, page):
    with app.app_context():
        reviewer = person("abakker")
        summarise(declare(person("pmeijer"), decide="approved_with_conditions", reviewer=reviewer), reviewer)
        declare(person("jdevries"), decide="approved", reviewer=reviewer)
        db.session.commit()
    page.goto("/register")
    assert page.get_by_role("cell", name="Voetbalvereniging De Bal").is_visible()
    assert_accessible(page)
    sign_in(page, "lvisser")
    for path, heading in (("/review/register", "Register nevenwerkzaamheden"), ("/reports/annual", "Jaarverslag"),
                          ("/review/audit", "Audittrail")):
        page.goto(path)
        assert re.match(heading, page.get_by_role("heading", level=1).inner_text())
        assert_accessible(page)
