"""A refusal takes the same time whatever its cause: time must not tell a stranger anything.

Unknown user, wrong password, someone marked as left (with the right password) and, on AD, a
locked account (with the right password) are measured interleaved, in random order, many times;
their medians must lie within a tolerance of each other. The tolerance is wide enough for a
busy test machine and narrow enough to catch the defect this guards against (a left person's
right password took a third longer than a wrong one: 16.7 against 12.3 ms).
"""

from __future__ import annotations

import random
import re
import statistics
import time

import pytest

from tests.conftest import password_for

ROUNDS = 30
GENERIC = "De combinatie van gebruikersnaam en wachtwoord is niet bekend."


@pytest.fixture()
def app_config(app_config):
    # Measure the refusals, not the throttle: no lockout budget and a generous address limit.
    app_config.update(LDAP_LOCKOUT_THRESHOLD=0, LOGIN_RATE_LIMIT="100000 per minute")
    return app_config


def test_refusals_take_the_same_time_whatever_the_cause(app, client, auth, runner, ldap_server, request):
    assert auth.login("sdegroot").status_code == 302
    auth.logout()
    assert runner.invoke(args=["portal", "mark-left", "sdegroot"]).exit_code == 0
    kinds = {
        "unknown user": ("niemand-bekend", "Welkom-niemand-2026"),
        "wrong password": ("wvandam", "Welkom-wvandam-2025"),
        "left, right password": ("sdegroot", password_for("sdegroot")),
    }
    samba = request.getfixturevalue("samba_dc") if ldap_server.kind == "ad" else None
    if samba is not None:
        kinds["locked, right password"] = ("dvergrendeld", password_for("dvergrendeld"))
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]
    spent: dict[str, list[float]] = {kind: [] for kind in kinds}
    for round_number in range(ROUNDS + 3):
        order = list(kinds)
        random.shuffle(order)
        for kind in order:
            username, password = kinds[kind]
            started = time.perf_counter()
            response = client.post("/login", data={"csrf_token": token, "username": username, "password": password})
            elapsed = time.perf_counter() - started
            assert GENERIC in response.get_data(as_text=True), kind
            if round_number >= 3:  # the first rounds warm up connections and caches
                spent[kind].append(elapsed * 1000)
            if samba is not None and kind == "wrong password":
                samba.bind_as("wvandam", password_for("wvandam"))  # AD must not lock wvandam meanwhile
    # The lower quartile: what the work costs, with less of the noise of a busy machine on top.
    quartiles = {kind: statistics.quantiles(values, n=4)[0] for kind, values in spent.items()}
    reference = quartiles["wrong password"]
    report = ", ".join(f"{kind}: {value:.1f} ms" for kind, value in quartiles.items())
    print(f"[{ldap_server.kind}] lower quartile of refusal times: {report}")
    for kind, value in quartiles.items():
        assert abs(value - reference) <= max(1.5, 0.15 * reference), report
