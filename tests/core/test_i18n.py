"""Languages: the per-request translation lookup and the date filter."""

from __future__ import annotations

import re

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


def test_each_language_has_its_own_compiled_page(client):
    """Pages are compiled with their fixed texts translated (core/i18n.py PortalEnvironment): the
    English page must not be the Dutch one compiled first, nor the other way round."""
    dutch = client.get("/privacy").get_data(as_text=True)
    client.submit("/language", {"lang": "en", "next": "/privacy"})
    english = client.get("/privacy").get_data(as_text=True)
    client.submit("/language", {"lang": "nl", "next": "/privacy"})
    dutch_again = client.get("/privacy").get_data(as_text=True)
    assert "Privacyverklaring integriteitsportaal" in dutch and "Direct naar de inhoud" in dutch
    assert "Privacy statement for the integrity portal" in english and "Skip to content" in english
    assert "Privacyverklaring integriteitsportaal" not in english

    def without_tokens(html: str) -> str:  # a visitor's CSRF token is signed anew with the time
        return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+"', r'\1"', html)

    assert without_tokens(dutch_again) == without_tokens(dutch)


def test_a_mail_template_is_rendered_in_the_recipients_language_after_the_page_language(app):
    """A template file compiled for the page's Dutch is compiled again for an English recipient."""
    from flask import render_template

    with app.test_request_context("/"):
        session["lang"] = "nl"
        app.jinja_env.cache.clear()
        dutch = render_template("core/privacy.html")
        with force_locale("en"):
            english = render_template("core/privacy.html")
        dutch_again = render_template("core/privacy.html")
    assert dutch != english
    assert dutch_again == dutch
    assert 'lang="en"' in english and 'lang="nl"' in dutch


def test_a_template_that_assigns_underscore_itself_is_not_folded(app):
    """``{% set _ = ... %}`` makes ``_`` something else in that template: its calls stay calls."""
    from portal.core.i18n import _compiling_language

    source = '{% set _ = x.append(1) %}{{ "ok" }}'
    with app.test_request_context("/"):
        token = _compiling_language.set("nl")
        try:
            rendered = app.jinja_env.from_string(source).render(x=[])
            folded = app.jinja_env.from_string('{{ _("Wachtrij") }}{{ _("100%%") }}').render()
        finally:
            _compiling_language.reset(token)
    assert rendered == "ok"
    assert folded == "Wachtrij100%"


def test_moments_read_as_babel_writes_them_across_both_clock_changes(app):
    """The datetime filter's own formatting (core/i18n.py format_moment) gives Babel's text."""
    from datetime import timedelta

    from flask_babel import format_datetime

    from portal.core.i18n import format_moment

    patterns = ["d MMMM yyyy, HH:mm", "EEEE d MMMM yyyy", "EEEE d MMMM yyyy, HH:mm", "HH:mm",
                "d MMM yyyy, HH:mm:ss", "d MMMM yyyy", "d MMM yyyy 'om' H:mm"]
    moments = []
    for start in (datetime(2026, 3, 29, 0, 0, tzinfo=timezone.utc), datetime(2026, 10, 25, 0, 0, tzinfo=timezone.utc),
                  datetime(2026, 12, 31, 22, 30, tzinfo=timezone.utc)):
        moments += [start + timedelta(minutes=7 * i, seconds=i) for i in range(60)]
    with app.test_request_context("/"):
        for language in ("nl", "en"):
            with force_locale(language):
                for moment in moments:
                    for pattern in patterns:
                        assert format_moment(moment, pattern) == format_datetime(moment, pattern), (language, pattern, moment)


def test_fixed_links_follow_the_prefix_the_portal_is_served_under(app):
    """The layout's links are built once per prefix (core/urls.py), never one prefix's for another."""
    from portal.core.urls import fixed_url_for

    with app.test_request_context("/", base_url="http://localhost/"):
        plain = (fixed_url_for("core.dashboard"), fixed_url_for("static", filename="js/portal.js"))
    with app.test_request_context("/", base_url="http://localhost/integriteit/"):
        prefixed = (fixed_url_for("core.dashboard"), fixed_url_for("static", filename="js/portal.js"),
                    fixed_url_for("auth.login", next="/privacy"))
    assert plain == ("/", "/static/js/portal.js")
    assert prefixed[:2] == ("/integriteit/", "/integriteit/static/js/portal.js")
    assert prefixed[2] == "/integriteit/login?next=/privacy"


def test_links_with_numbers_are_the_urls_flask_builds_for_every_route(app):
    """Every route with arguments, built with whole numbers (and a page number in the query), under two
    prefixes: the templates' url_for (core/urls.py) gives exactly what Flask's gives."""
    from flask import url_for

    from portal.core.urls import fixed_url_for

    checked = 0
    for base in ("http://localhost/", "http://localhost/integriteit/"):
        with app.test_request_context("/", base_url=base):
            for rule in app.url_map.iter_rules():
                if not rule.arguments or rule.endpoint == "static":
                    continue
                for number in (0, 7, 123456):
                    values = {name: number + index for index, name in enumerate(sorted(rule.arguments))}
                    for extra in ({}, {"page": 3}):
                        try:
                            expected = url_for(rule.endpoint, **values, **extra)
                        except Exception:  # noqa: BLE001 - a rule that takes no number (a text code)
                            continue
                        assert fixed_url_for(rule.endpoint, **values, **extra) == expected, rule.rule
                        checked += 1
            # text and a boolean are not numbers: built by Flask as before
            assert fixed_url_for("review.queue", page=True) == url_for("review.queue", page=True)
            assert fixed_url_for("review.queue", status="submitted") == url_for("review.queue", status="submitted")
    assert checked > 100


class _Html:
    def __html__(self):
        return "<b>safe</b>"


class _Text:
    def __str__(self):
        return "<i>& 'so'</i>"


def test_every_kind_of_value_is_escaped_on_a_page_as_markupsafe_escapes_it(app):
    """The templates' short way of escaping (portal.core.i18n._escape) writes what markupsafe would."""
    from markupsafe import Markup, escape

    from portal.core.i18n import lazy_gettext

    values = ["<script>alert('x')</script> & \"q\"", "", Markup("<em>ok</em>"), 42, 1.5, None, _Html(), _Text(),
              ["<a>"], True, lazy_gettext("Afmelden"), lazy_gettext("%(n)s < %(m)s", n="<b>", m=2)]
    with app.test_request_context("/"):
        for value in values:
            page = render_template_string("{{ value }}|{% set captured %}{{ value }}{% endset %}{{ captured }}",
                                          value=value)
            expected = str(escape(value))
            assert page == f"{expected}|{expected}", value
        macro = render_template_string('{% macro m(v) %}<p>{{ v }}</p>{% endmacro %}{{ m(value) }}',
                                       value="<x>")
    assert macro == "<p>&lt;x&gt;</p>"


def test_the_templates_use_the_short_escape(app):
    """Guard: if a Jinja release stops importing ``escape`` into compiled templates, this says so."""
    from portal.core.templating import _escape

    with app.test_request_context("/"):
        template = app.jinja_env.from_string("{{ value }}")
        assert template.root_render_func.__globals__["escape"] is _escape
