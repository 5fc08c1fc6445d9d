"""In the browser: HR publishes a new wording of the affirmation; a wrong text is explained next to the field."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.oath.services.formulas import load_model_formulas
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_hr_edits_the_affirmation(page, app):
    with app.test_request_context():
        load_model_formulas()
        db.session.commit()

    sign_in(page, "mjansen")
    page.goto("/oath/admin")
    page.get_by_role("link", name="Tekst eed en belofte").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Tekst van de eed en de belofte"
    assert page.get_by_text("Modeltekst: controleer deze tekst").first.is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Nieuwe versie van de belofte (Nederlands)").click()
    field = page.get_by_label("Tekst van de belofte (Nederlands)")
    text = field.input_value()
    assert text.endswith("Dat verklaar en beloof ik!")
    field.fill(text.replace("Dat verklaar en beloof ik!", "Dat beloof ik."))
    page.get_by_role("button", name="Nieuwe versie publiceren").click()
    assert page.title().startswith("Fout:")
    assert page.get_by_text("De belofte eindigt met de zin „Dat verklaar en beloof ik!”").first.is_visible()
    assert page.get_by_label("Tekst van de belofte (Nederlands)").input_value().endswith("Dat beloof ik.")
    assert_accessible(page)

    page.get_by_label("Tekst van de belofte (Nederlands)").fill(
        text.replace("ik mijn taken eerlijk", "ik mijn taken open, eerlijk"))
    page.get_by_role("button", name="Nieuwe versie publiceren").click()
    page.wait_for_url("**/oath/admin/formulas")
    assert page.get_by_text("Versie 2 is gepubliceerd.").is_visible()
    section = page.get_by_role("region", name="De belofte (Nederlands)")
    assert "Versie 2, gepubliceerd op" in section.inner_text()
    assert "ik mijn taken open, eerlijk" in section.inner_text()
    assert_accessible(page)
