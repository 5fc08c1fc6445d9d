"""No 5xx, whatever is sent: every route of the app, as every role, with generated paths, queries and forms.

The walker takes the rules from ``app.url_map`` (what ``flask routes`` lists), so a new route is
walked without anyone adding it here. Per role and per example it sends every GET with generated
path parameters and query strings, then every POST with generated form values and a valid CSRF
token; each answer must be below 500. Values are a mix of what the pages themselves show (real
ids and slugs, form fields and their options, learnt from every page the walker gets) and odd
ones (huge and negative numbers, days at the ends of the calendar, control characters, NUL ...).

``PORTAL_WALK_EXAMPLES`` sets the examples per role (default 3; each walks every route once).
Shrinking is off: a failure lists the exact requests that answered 5xx, and the log holds the traceback.
"""

from __future__ import annotations

import io
import os
from collections import Counter

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from wtforms import BooleanField, DateField, FileField, IntegerField, RadioField, SelectField, TimeField
from wtforms.fields.core import UnboundField

from portal.core.time import today_local
from tests.support.walker import (
    REQUEST_SEED,
    FormField,
    Knowledge,
    build_path,
    form_values,
    path_value,
    query_values,
    unknown_converters,
)

#: role → account in tests/data/directory.ldif (None: not signed in). New roles: add a line.
ROLES = {
    "anonymous": None,
    "employee": "jdevries",
    "reviewer": "mjansen",
    "administrator": "lvisser",
}
EXAMPLES = int(os.environ.get("PORTAL_WALK_EXAMPLES", "3"))
#: walked last, in this order: they change who is signed in
SESSION_ENDPOINTS = ("auth.set_language", "auth.login", "auth.logout", "auth.sign_out_everywhere")


@pytest.fixture()
def app_config(app_config):
    # The walker posts to /login with generated names many times a run; the throttle is tested elsewhere.
    app_config["LOGIN_RATE_LIMIT"] = "100000 per minute"
    return app_config


def _routes(app) -> list:
    """Every (rule, method): GETs first (they teach the walker ids and forms), then POSTs, session changes last."""
    pairs = [(rule, method) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]

    def order(pair):
        rule, method = pair
        last = SESSION_ENDPOINTS.index(rule.endpoint) if rule.endpoint in SESSION_ENDPOINTS else -1
        return (last, method != "GET", len(rule.arguments), rule.rule)

    return sorted(pairs, key=order)


def _kind(field_class) -> str:
    for base, kind in ((DateField, "date"), (TimeField, "time"), (IntegerField, "number"),
                       (BooleanField, "checkbox"), (FileField, "file"), (SelectField, "choice"),
                       (RadioField, "choice")):
        if issubclass(field_class, base):
            return kind
    return "text"


def _all_form_fields() -> list[FormField]:
    """Every field of every form class in the portal: what a POST may carry when no page showed its form."""
    seen, stack, fields = set(), [FlaskForm], {}
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen and sub.__module__.startswith("portal."):
                seen.add(sub)
                stack.append(sub)
                for name in dir(sub):
                    value = getattr(sub, name, None)
                    if isinstance(value, UnboundField):
                        fields.setdefault(value.kwargs.get("name") or name, _kind(value.field_class))
    return [FormField(name, kind) for name, kind in sorted(fields.items())]


def test_the_walker_can_fill_in_every_route(app):
    """A route with a parameter of a new kind must be taught to the walker, not silently skipped."""
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 50
    assert {rule.rule: unknown_converters(rule) for rule in rules if unknown_converters(rule)} == {}
    assert len(_all_form_fields()) > 40


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_5xx_to_generated_input(app, client, auth, runner, role):
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    routes, adapter, knowledge = _routes(app), app.url_map.bind("localhost"), Knowledge()
    pool, statuses, token = _all_form_fields(), Counter(), [""]
    with app.app_context():
        today = today_local()

    def sign_in() -> None:
        if ROLES[role]:
            assert auth.login(ROLES[role]).status_code == 302, f"{ROLES[role]} cannot sign in"
        token[0] = client.csrf_token()

    def send(rule, method: str, seed: dict):
        values = {name: path_value(rule, name, seed["path"][i], knowledge)
                  for i, name in enumerate(sorted(rule.arguments))}
        url = build_path(rule, values)
        if method == "GET":
            sent = query_values(seed["query"], knowledge, today)
            return url, sent, client.get(url, query_string=sent)
        fields = knowledge.forms.get((rule.endpoint, "POST"))
        if fields is None:  # no page showed this form yet: some fields of any form
            offset = len(seed["query"]) * 7 + len(url)
            fields = [pool[(offset + i * 13) % len(pool)] for i in range(len(seed["query"]) + 2)]
        sent = form_values(fields, seed["form"], today)
        sent["csrf_token"] = token[0]
        if seed["upload"] is not None and any(f.kind == "file" for f in fields):
            sent[next(f.name for f in fields if f.kind == "file")] = (io.BytesIO(seed["upload"]), "foto.png")
        return url, sent, client.post(url, data=sent)

    @settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.generate], database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def walk(data) -> None:
        sign_in()
        for rule, method in routes:
            url, sent, response = send(rule, method, data.draw(REQUEST_SEED))
            with response:  # a streamed export ends (and gives back its session) before the next request
                body = response.get_data()
            statuses[(method, response.status_code // 100)] += 1
            if response.status_code >= 500:
                failures.append(f"{response.status_code} {method} {url} {str(sent)[:300]}")
            elif response.mimetype == "text/html":
                knowledge.read(adapter, url, body.decode("utf-8", "replace"))

    # Failures are gathered, not raised inside the walk: the pages change as it goes, so Hypothesis
    # could not replay an example anyway; this way every 5xx of the run is listed at once.
    failures: list[str] = []
    walk()
    assert failures == [], "\n".join(failures)
    if ROLES[role]:
        # Not a walk past locked doors: forms were taken (redirect after POST) and pages shown.
        assert statuses[("POST", 3)] > 0 and statuses[("GET", 2)] > 20, statuses
