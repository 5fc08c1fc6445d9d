"""Who takes the oath: holiday and on-call workers employed by the municipality are ambtenaar (art. 7 Aw 2017).

Interns, hired and external staff are not, and sign the integrity statement instead (issue 17, item 5).
"""

from __future__ import annotations

import pytest

from portal.config import SETTINGS


def test_default_statement_types_are_the_people_who_are_not_ambtenaar():
    default = next(s.default for s in SETTINGS if s.key == "STATEMENT_EMPLOYEE_TYPES")
    assert default == ["stagiair", "inhuur", "extern"]


@pytest.mark.parametrize(("employee_type", "signs_statement"), [
    ("oproepkracht", False), ("vakantiekracht", False), ("Oproepkracht", False), (None, False),
    ("stagiair", True), ("inhuur", True), ("extern", True), ("Stagiair", True),
])
def test_who_signs_the_statement_by_default(app, employee_type, signs_statement):
    from types import SimpleNamespace

    from portal.oath.services.statements import is_statement_user

    with app.app_context():
        assert is_statement_user(SimpleNamespace(employee_type=employee_type)) is signs_statement


def test_on_call_worker_is_sent_to_the_oath_sessions_not_the_statement(client, auth):
    auth.login("hbos")  # employeeType oproepkracht in the directory
    response = client.get("/oath/sessions")
    assert response.status_code == 200, response.headers.get("Location")
    assert "Iedere nieuwe medewerker legt de ambtseed of de belofte af" in response.get_data(as_text=True)
    auth.logout()
    auth.login("tdejong")  # employeeType stagiair
    assert client.get("/oath/sessions").headers["Location"].endswith("/oath/statement")


def test_municipality_can_still_choose_to_let_on_call_workers_sign_the_statement(client, auth, app):
    app.config["STATEMENT_EMPLOYEE_TYPES"] = ["stagiair", "inhuur", "extern", "oproepkracht"]
    auth.login("hbos")
    assert client.get("/oath/sessions").headers["Location"].endswith("/oath/statement")
