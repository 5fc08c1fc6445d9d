"""The review page puts the decision where the reviewer works, and the queue shows its list first (Chromium)."""

from __future__ import annotations

import pytest

from portal.extensions import db
from tests.review.helpers import declare, person
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def _top(page, locator) -> float:
    return locator.evaluate("element => element.getBoundingClientRect().top + window.scrollY")


def test_a_refused_decision_reopens_with_the_error_in_view_in_the_decision_panel(app, page):
    with app.app_context():
        declaration_id = declare(person("jdevries")).id
        db.session.commit()
    sign_in(page, "mjansen")
    page.goto(f"/review/{declaration_id}")
    page.get_by_role("button", name="Oppakken").click()
    page.wait_for_load_state()
    assert_accessible(page)

    # the declaration and its answers come first, the decision right below; the rest is folded
    decision = page.get_by_role("heading", level=2, name="Besluit")
    assert _top(page, page.get_by_role("heading", level=2, name="De verklaring")) < _top(page, decision)
    for folded in ("Afwegingskader", "Interne notities (alleen voor beoordelaars)", "Audittrail",
                   "De medewerker en andere verklaringen", "Meer informatie vragen"):
        summary = page.locator("summary", has_text=folded)
        assert summary.is_visible(), folded
        assert summary.evaluate("s => !s.parentElement.open"), folded
    assert not page.get_by_label("Interne notitie").is_visible()

    # refuse without a reason: the page comes back with the error summary focused, in view, in the panel
    page.get_by_label("Afwijzen").check()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Besluit vastleggen").click()
    assert page.title().startswith("Fout: ")
    focused = page.evaluate("""() => {
        const el = document.activeElement, box = el.getBoundingClientRect();
        return {summary: el.classList.contains('portal-form-errors'),
                inPanel: !!el.closest('.portal-decision-panel'),
                inView: box.top >= 0 && box.top < window.innerHeight};
    }""")
    assert focused == {"summary": True, "inPanel": True, "inView": True}
    assert_accessible(page)

    # history and notes open on request; the note's form comes with a link (built only when asked for)
    page.locator("summary", has_text="Interne notities").click()
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Een notitie schrijven").click()
    assert page.locator("summary", has_text="Interne notities").evaluate("s => s.parentElement.open")
    assert page.get_by_label("Interne notitie").is_visible()
    assert_accessible(page)


def test_the_queue_shows_its_list_first_with_a_compact_filter_bar(app, page):
    with app.app_context():
        declare(person("jdevries"))
        db.session.commit()
    sign_in(page, "mjansen")
    page.goto("/review/")
    list_heading = page.get_by_role("heading", level=2, name="Wachtrij")
    viewport = page.viewport_size["height"]
    assert _top(page, list_heading) < viewport  # no scrolling past seven dropdowns
    assert not page.get_by_label("Afdeling").is_visible()  # folded until asked for
    assert_accessible(page)

    page.locator("summary", has_text="Filteren").click()
    page.get_by_label("Soort").select_option(label="Nevenwerkzaamheid")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    # a chosen filter keeps the bar open and says how many are chosen; the fields sit side by side
    assert page.locator("summary", has_text="Filteren (1 filter gekozen)").is_visible()
    kind_box = page.get_by_label("Soort").bounding_box()
    department_box = page.get_by_label("Afdeling").bounding_box()
    assert abs(kind_box["y"] - department_box["y"]) < 5
    assert page.get_by_role("link", name="Jan de Vries").is_visible()
    assert_accessible(page)
