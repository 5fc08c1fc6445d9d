"""'Mijn gegevens' in Dutch, local time on the page and ISO 8601 with offset in the JSON, with my own profile."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from portal.extensions import db
from tests.oath.conftest import plan_session
from tests.support.browser import assert_accessible, sign_in

RAW_KEYS = ("acknowledgements:", "acknowledged_at", "page:", "Stand (code)", "session_starts_at", "registered_at",
            "status_label", "formula:", "created_at", "pending", "confirmed")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$")


def _times(value, key=""):
    """Every value of a key ending in _at, anywhere in the export."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _times(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _times(v, key)
    elif key.endswith("_at") and value is not None:
        yield value


@pytest.fixture()
def starter_content(app, runner):
    assert runner.invoke(args=["portal", "load-content"]).exit_code == 0


@pytest.mark.browser
def test_my_data_page_is_dutch_and_local_and_the_json_has_my_profile_and_offsets(app, starter_content, page, client, auth):
    with app.app_context():
        session_id = plan_session(capacity=5, starts_in=timedelta(days=21)).id
        db.session.commit()
    sign_in(page, "jdevries")
    page.goto("/policies/code-of-conduct")
    page.get_by_role("button", name="Ik heb de gedragscode gelezen").click()
    page.wait_for_load_state()
    page.goto(f"/oath/sessions/{session_id}")
    page.get_by_label("De eed (ambtseed)").check()
    page.get_by_role("button", name="Inschrijven").click()
    page.wait_for_url("**/oath/my")

    page.goto("/declarations/my-data")
    text = page.locator("main").inner_text()
    for raw in RAW_KEYS:
        assert raw not in text, raw
    for dutch in ("Gelezen en bevestigd", "Bevestigd op", "Gedragscode", "Aanmeldingen voor een bijeenkomst",
                  "Eed of belofte", "Aangemeld", "Uw gegevens uit de directory", "Jan de Vries", "Openbare Werken"):
        assert dutch in text, dutch
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)  # no machine times on the page
    assert_accessible(page)

    auth.login("jdevries")
    data = json.loads(client.get("/declarations/my-data.json").get_data(as_text=True))
    profile = data["profile"]
    assert profile["display_name"] == "Jan de Vries" and profile["email"] == "jdevries@example.nl"
    assert profile["department"] == "Openbare Werken" and profile["roles"] == []
    times = list(_times(data))
    assert len(times) >= 4
    assert all(ISO_WITH_OFFSET.match(t) for t in times), times
    assert data["policies"]["acknowledgements"][0]["acknowledged_at"].endswith(("+01:00", "+02:00"))
