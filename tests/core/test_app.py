"""The application shell: configuration, headers, error pages, health."""

from __future__ import annotations

import re

import subprocess
import sys

import pytest

from portal import ConfigError, create_app
from portal.config import PROJECT_ROOT as ROOT


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"SECRET_KEY": ""}, "PORTAL_SECRET_KEY"),
        ({"SECRET_KEY": "secret"}, "PORTAL_SECRET_KEY"),
        ({"SECRET_KEY": "a" * 40}, "PORTAL_SECRET_KEY"),
        ({"DEBUG": True}, "PORTAL_DEBUG"),
        ({"LDAP_URL": "demo"}, "PORTAL_LDAP_URL"),
    ],
)
def test_production_refuses_unsafe_configuration(overrides, reason):
    config = {
        "ENV": "production",
        "SECRET_KEY": "Zx8-q2Lm0Pa9vR4tY7uI1oP3sD6fG5hJ",
        "DATABASE_URL": "postgresql+psycopg://u@127.0.0.1/db",
        "LDAP_URL": "ldaps://ldap.example.nl",
        "DEBUG": False,
    }
    config.update(overrides)
    with pytest.raises(ConfigError, match=reason):
        create_app(config)


def test_production_refusal_is_one_line_and_nonzero_exit():
    env = {"PORTAL_ENV": "production", "PORTAL_LDAP_URL": "demo", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", "import wsgi"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "PORTAL_SECRET_KEY" in lines[0]


def test_security_headers_on_every_page(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_unknown_page_uses_site_layout(client, auth):
    auth.login()
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in html and "Vertrouwenspersoon" in html


def test_post_without_csrf_is_refused(client):
    response = client.post("/login", data={"username": "jdevries", "password": "Welkom-jdevries-2026"})
    assert response.status_code == 400
    assert "Het formulier was verlopen" in response.get_data(as_text=True)


def test_request_size_limit(client):
    response = client.post("/login", data={"username": "x" * (3 * 1024 * 1024), "password": "y"})
    assert response.status_code == 413


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_and_pages_answer_503_when_database_is_unreachable(app_config):
    app_config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    app = create_app(app_config)
    client = app.test_client()
    assert client.get("/healthz").status_code == 503
    with client.session_transaction() as session:
        session["_user_id"] = "1:0"
        session["seen_at"] = session["login_at"] = __import__("time").time()
    response = client.get("/")
    assert response.status_code == 503
    assert "niet beschikbaar" in response.get_data(as_text=True)


def test_language_switch_to_english(client):
    token = client.csrf_token()
    client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert ">Sign in</h1>" in html and "Confidential adviser" in html  # the catalog is compiled and used


def test_nul_characters_in_input_are_refused_not_a_500(client, auth):
    auth.login()
    assert client.get("/policies/search", query_string={"q": "a\x00b"}).status_code == 400
    response = client.submit("/declarations/nil", {"kind": "side_activity\x00"})
    assert response.status_code == 400
    assert "Dit verzoek klopt niet" in response.get_data(as_text=True)


def test_readme_lists_every_setting_with_its_default():
    from portal.config import readme_table

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "regenerate the table: flask --app wsgi portal config-table"


def test_warm_up_compiles_every_template_before_the_workers_start(app, client, monkeypatch):
    """gunicorn preloads wsgi.py, which calls warm_up: a new worker finds every template compiled."""
    from jinja2 import TemplateNotFound

    from portal import warm_up

    def no_more_reading(environment, template):
        raise TemplateNotFound(f"{template} was not compiled by warm_up")

    warm_up(app)
    monkeypatch.setattr(app.jinja_env.loader, "get_source", no_more_reading)
    assert client.get("/login").status_code == 200
    assert client.get("/privacy").status_code == 200
    assert client.get("/does-not-exist").status_code == 404  # the error page too


def test_the_icon_is_a_static_file_that_leaves_the_session_cookie_alone(client):
    """Every page names its icon, so browsers never ask /favicon.ico (a 404 page that rewrote the cookie)."""
    page = client.get("/login").get_data(as_text=True)
    href = re.search(r'<link rel="icon" href="([^"]+)"', page).group(1)
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    assert "Set-Cookie" not in icon.headers


def test_a_signed_in_page_costs_one_query_for_the_person_and_the_menu(app, client, auth):
    """The session, the person and what the menu needs (asked for advice?) come in one query."""
    from portal.extensions import db
    from tests.review.helpers import count_queries

    auth.login("jdevries")
    client.get("/privacy")
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        page = client.get("/privacy")
    assert page.status_code == 200 and "Afmelden" in page.get_data(as_text=True)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1, selects


def test_forms_carry_the_token_signed_at_sign_in_and_it_is_accepted(app, client, auth):
    """The CSRF token is signed once at sign-in (core/sessions.py), not on every page; a page's
    forms carry that token, a form posted with it is accepted and one with another is refused."""
    import re

    auth.login("jdevries")
    tokens = set()
    for path in ("/privacy", "/", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        tokens.update(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', html))
    assert len(tokens) == 1
    (token,) = tokens
    assert client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/privacy"}).status_code == 302
    refused = client.post("/language", data={"csrf_token": token[:-2] + "xx", "lang": "nl", "next": "/privacy"})
    assert refused.status_code == 400
