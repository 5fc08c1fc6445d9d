"""Side-activity forms: sensible date ranges, one message for "achttien", required checkboxes marked."""

from __future__ import annotations

import re

import pytest

from portal.declarations.models import Declaration
from tests.declarations.helpers import SIDE_FORM, count

SIDE_URL = "/declarations/new/side-activity"


def _error_of(html: str, field_id: str) -> str:
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field_id}-error">(.*?)</div>', html, re.S)
    assert match, f"no error shown for {field_id}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize("field, value", [("start_date", "1900-01-01"), ("start_date", "2099-06-01"),
                                          ("end_date", "2099-06-01")])
def test_a_side_activity_date_outside_a_sensible_range_is_refused_with_the_range(client, auth, app, field, value):
    auth.login("jdevries")
    html = client.submit(SIDE_URL, dict(SIDE_FORM, **{field: value}, submit="Indienen", client_token="r1")).get_data(as_text=True)
    assert "Kies een datum van" in _error_of(html, field)
    assert f'value="{value}"' in html
    with app.app_context():
        assert count(Declaration) == 0


def test_achttien_in_the_hours_field_gives_one_clear_message(client, auth):
    auth.login("jdevries")
    html = client.submit(SIDE_URL, dict(SIDE_FORM, hours_per_month="achttien", submit="Indienen",
                                        client_token="r2")).get_data(as_text=True)
    error = _error_of(html, "hours_per_month")
    assert error == "Fout: Vul een heel getal in, bijvoorbeeld 8."
    assert 'value="achttien"' in html


def test_a_required_checkbox_is_marked_as_required(client, auth, app):
    from portal.extensions import db
    from portal.oath.services.statements import publish_statement_text

    with app.app_context():
        publish_statement_text()
        db.session.commit()
    auth.login("tdejong")
    html = client.get("/oath/statement").get_data(as_text=True)
    label = re.search(r'<label class="utrecht-form-label utrecht-form-label--checkbox" for="agree">(.*?)</label>', html, re.S)
    assert label and "(verplicht)" in label.group(1)
