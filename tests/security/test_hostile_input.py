"""ASVS V5 (input) and output encoding: generated hostile input never causes a 500 and never renders as markup."""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.declarations.helpers import SIDE_FORM

PAYLOADS = [
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "{{ 7*7 }}{% raw %}", "' OR 1=1 --", "=HYPERLINK(\"http://evil\")", "\u202eevil", "\x00nul",
    "a" * 5000, "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ë ı Ç", "<svg/onload=alert(1)>", "%(name)s %s {0}",
]
hostile_text = st.one_of(st.sampled_from(PAYLOADS), st.text(min_size=0, max_size=300))
TEXT_FIELDS = ["organisation_name", "role", "description", "touches_own_work_explanation", "conflict_assessment"]
_tokens = itertools.count()


class _ActiveMarkup(HTMLParser):
    """Collects script tags and event-handler attributes: active markup the portal never writes itself."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self.found.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}=javascript:]")


def _active_markup(html: str) -> list[str]:
    parser = _ActiveMarkup()
    parser.feed(html)
    return parser.found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(TEXT_FIELDS), value=hostile_text, submit=st.booleans())
def test_side_activity_form_survives_hostile_text(client, auth, field, value, submit):
    if not getattr(client, "_signed_in", False):
        auth.login("ddekker")
        client._signed_in = True
    data = dict(SIDE_FORM, **{field: value}, client_token=f"fuzz-{next(_tokens)}")
    data["submit" if submit else "save_draft"] = "Indienen" if submit else "Opslaan als concept"
    response = client.submit("/declarations/new/side-activity", data, follow_redirects=True)
    assert response.status_code in (200, 400), response.status_code
    html = response.get_data(as_text=True)
    assert _active_markup(html) == []
    overview = client.get("/declarations/").get_data(as_text=True)
    assert _active_markup(overview) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=hostile_text)
def test_search_and_queue_filters_survive_hostile_query_strings(client, auth, query):
    if not getattr(client, "_signed_in", False):
        auth.login("lvisser")
        client._signed_in = True
    for url in ("/policies/search", "/review/", "/review/register", "/review/audit", "/oath/admin"):
        response = client.get(url, query_string={"q": query, "department": query, "after": query, "page": query,
                                                   "status": query, "kind": query})
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        assert _active_markup(response.get_data(as_text=True)) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=hostile_text, password=hostile_text)
def test_login_form_survives_hostile_credentials(client, username, password):
    response = client.submit("/login", {"username": username, "password": password})
    assert response.status_code in (200, 400, 429), response.status_code
    assert _active_markup(response.get_data(as_text=True)) == []
