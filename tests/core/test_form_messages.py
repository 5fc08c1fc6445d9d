"""The messages of a refused field are the portal's own, the same on every form (not WTForms' generic ones)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

from portal.core.forms import MaxLength
from portal.core.time import today_local, utcnow


def _error_of(html: str, field_id: str) -> str:
    match = re.search(rf'<div class="utrecht-form-field-error-message" id="{field_id}-error">(.*?)</div>', html, re.S)
    assert match, f"no error shown for {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def _session_form(**values) -> dict:
    day = (utcnow() + timedelta(days=30)).date().isoformat()
    form = {"day": day, "start_time": "10:00", "end_time": "11:00", "capacity": "5", "official": "wethouder",
            "language": "nl", "deadline_day": (utcnow() + timedelta(days=20)).date().isoformat(),
            "deadline_time": "17:00", "location": "Raadzaal"}
    form.update(values)
    return form


def test_a_ceremony_with_a_long_location_a_wrong_time_and_letters_for_places_gets_clear_messages(client, auth):
    auth.login("mjansen")
    html = client.submit("/oath/admin/sessions/new", _session_form(
        location="x" * 10000, start_time="25:00", capacity="abc")).get_data(as_text=True)
    assert _error_of(html, "location") == "Fout: Gebruik hoogstens 256 tekens; nu zijn het er 10000."
    assert _error_of(html, "start_time") == "Fout: Vul een tijd in als uu:mm, bijvoorbeeld 09:30."
    assert _error_of(html, "capacity").startswith("Fout: Vul een heel getal in, bijvoorbeeld 12.")
    for generic in ("karakters", "Ongeldige waarde", "Ongeldig getal"):
        assert generic not in html


def test_an_adviser_typing_letters_for_the_number_of_people_is_asked_for_a_whole_number(app, client, auth):
    with app.app_context():
        day = today_local().isoformat()
    auth.login("bhaan")
    html = client.submit("/advisers/contacts", {"contact_on": day, "nature": "pesten",
                                                "people": "abc"}).get_data(as_text=True)
    assert _error_of(html, "people").startswith("Fout: Vul een heel getal in, bijvoorbeeld 12.")
    assert "Ongeldig getal" not in html


def test_a_campaign_year_in_letters_gets_a_year_as_example(client, auth):
    auth.login("mjansen")
    html = client.submit("/declarations/campaigns", {"year": "abc", "due_on": "", "scope": "all"}).get_data(as_text=True)
    assert _error_of(html, "year") == "Fout: Vul een heel getal in, bijvoorbeeld 2027."


def test_the_messages_are_english_for_an_english_reader(client, auth):
    auth.login("mjansen")
    client.submit("/language", {"lang": "en", "next": "/"})
    html = client.submit("/oath/admin/sessions/new", _session_form(location="x" * 300, start_time="25:00")
                         ).get_data(as_text=True)
    assert _error_of(html, "location").endswith("Use at most 256 characters; you have used 300.")
    assert _error_of(html, "start_time").endswith("Enter a time as hh:mm, for example 09:30.")


def _unbound_fields():
    import portal.declarations.campaign_forms  # noqa: F401 - every form module is imported by the app's blueprints

    seen, classes = set(), list(FlaskForm.__subclasses__())
    while classes:
        cls = classes.pop()
        if cls in seen:
            continue
        seen.add(cls)
        classes.extend(cls.__subclasses__())
        for name in dir(cls):
            value = getattr(cls, name, None)
            if isinstance(value, UnboundField):
                yield cls, name, value


def test_every_text_area_with_a_limit_counts_a_line_break_as_one(app):
    checked = 0
    for cls, name, field in _unbound_fields():
        if not issubclass(field.field_class, TextAreaField):
            continue
        validators = field.kwargs.get("validators") or (field.args[1] if len(field.args) > 1 else [])
        for validator in validators:
            if isinstance(validator, Length) and validator.max != -1:
                assert isinstance(validator, MaxLength), f"{cls.__module__}.{cls.__name__}.{name}"
                checked += 1
    assert checked > 20
