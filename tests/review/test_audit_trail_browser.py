"""The audit trail in the browser: sentences a person reads, with links that lead to what they are about."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests.review.helpers import declare, person
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser

DECIDED = "Mohamed Jansen heeft de nevenwerkzaamheid „Voetbalclub Zuid” (versie 1) goedgekeurd met voorwaarden."
OBJECT = "de nevenwerkzaamheid „Voetbalclub Zuid”"


@pytest.fixture()
def decided(app) -> int:
    with app.app_context():
        declaration = declare(person("jdevries"), decide="approved_with_conditions", reviewer=person("mjansen"),
                              organisation_name="Voetbalclub Zuid")
        db.session.commit()
        return declaration.id


def test_the_administrator_reads_the_trail_as_sentences_and_follows_one(page, decided):
    sign_in(page, "lvisser")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Audit").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1, name="Audittrail").is_visible()
    assert page.get_by_role("cell", name="Lotte Visser is aangemeld bij het portaal.").is_visible()
    row = page.get_by_role("row").filter(has_text=DECIDED)
    assert row.get_by_role("cell", name="declaration.decide").is_visible()  # the code, for the filter
    assert_accessible(page)

    row.get_by_role("link", name=OBJECT).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/review/{decided}")
    assert page.get_by_role("heading", level=2, name="De verklaring").is_visible()


def test_the_review_page_history_reads_as_sentences_and_its_whole_trail_leads_back(page, decided):
    sign_in(page, "abakker")
    page.goto(f"/review/{decided}")
    page.locator("summary", has_text="Audittrail").click()
    history = page.get_by_role("region", name="Laatste gebeurtenissen bij deze verklaring")
    assert history.get_by_role("cell", name=DECIDED).is_visible()
    assert history.get_by_role("cell", name="Jan de Vries heeft de nevenwerkzaamheid „Voetbalclub Zuid” ingediend "
                                            "(versie 1).").is_visible()
    assert history.get_by_role("link").count() == 0  # no link to the page it is on
    assert_accessible(page)

    page.get_by_role("link", name="De hele audittrail van deze verklaring").click()
    page.wait_for_load_state()
    assert re.search(rf"/review/{decided}/audit$", page.url)
    decision = page.get_by_role("row").filter(has_text=DECIDED)
    assert decision.get_by_role("cell").first.inner_text().strip() != ""  # the local time of the event
    assert_accessible(page)
    decision.get_by_role("link", name=OBJECT).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/review/{decided}")
