"""Languages: the per-request translation lookup and the date filter."""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask import render_template_string, session
from flask_babel import force_locale, gettext


def test_a_mail_in_another_language_mid_request_does_not_leak_into_the_page(app):
    """A Dutch page that sends an English mail halfway: each text in its own language."""
    with app.test_request_context("/"):
        session["lang"] = "nl"
        before = render_template_string('{{ _("Wachtrij") }}')
        with force_locale("en"):
            in_mail = (gettext("Wachtrij"), render_template_string('{{ _("Wachtrij") }}'))
        after = (gettext("Wachtrij"), render_template_string('{{ _("Wachtrij") }}'))
    assert before == "Wachtrij"
    assert in_mail == ("Queue", "Queue")
    assert after == ("Wachtrij", "Wachtrij")


def test_template_text_is_escaped_and_formatted_as_jinja_does(app):
    with app.test_request_context("/"):
        html = render_template_string('{{ _("%(name)s heeft %(n)d%% gedaan", name=name, n=5) }}',
                                      name="<script>x</script>")
    assert html == "&lt;script&gt;x&lt;/script&gt; heeft 5% gedaan"


def test_dates_are_local_days_in_the_readers_language(app):
    late_evening_utc = datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc)  # 00:30 on the 29th in Amsterdam
    template = "{{ when|date }} / {{ day|date('d MMM yyyy') }}"
    with app.test_request_context("/"):
        session["lang"] = "nl"
        dutch = render_template_string(template, when=late_evening_utc, day=date(2026, 10, 1))
        with force_locale("en"):
            english = render_template_string(template, when=late_evening_utc, day=date(2026, 10, 1))
    assert dutch == "29 maart 2026 / 1 okt 2026"
    assert english == "29 March 2026 / 1 Oct 2026"


def test_wtforms_messages_are_read_once_per_language_not_per_request(app, client, monkeypatch):
    """Flask-WTF would load and parse WTForms' catalogue for every request with a form."""
    from babel import support

    from portal.core import i18n

    i18n._wtforms_catalogue.cache_clear()
    loads = []
    real_load = support.Translations.load

    def counting_load(*args, **kwargs):
        loads.append(kwargs.get("domain"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", counting_load)
    for _ in range(3):
        page = client.submit("/login", {"username": "", "password": ""})  # a form with errors
        assert "Vul uw gebruikersnaam in." in page.get_data(as_text=True)
    assert loads.count("wtforms") == 1
