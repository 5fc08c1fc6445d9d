"""Who takes the oath, as the pages and mails say it: holiday and on-call workers employed by the
municipality are ambtenaar and take the oath; interns, hired and external staff sign the statement."""

from __future__ import annotations

from portal.extensions import db
from tests.oath.conftest import make_user, outbox

WRONG_NL = ("vakantiekracht of oproepkracht legt u geen ambtseed af",
            "vakantiekracht of oproepkracht ondertekent de integriteitsverklaring",
            "vakantiekrachten en oproepkrachten ondertekenen de integriteitsverklaring",
            "vakantiewerkers en oproepkrachten ondertekenen de integriteitsverklaring")
WRONG_EN = ("holiday worker or on-call worker you do not", "holiday worker or on-call worker signs",
            "holiday workers and on-call workers sign the")


def _publish_statement(app):
    from portal.oath.services.statements import publish_statement_text

    with app.app_context():
        publish_statement_text()
        db.session.commit()


def _clean(html: str) -> str:
    return " ".join(html.split()).lower()


def test_the_interns_statement_page_does_not_say_holiday_or_on_call_staff_take_no_oath(client, auth, app):
    _publish_statement(app)
    auth.login("tdejong")  # employeeType stagiair
    page = _clean(client.get("/oath/statement").get_data(as_text=True))
    assert not any(wrong in page for wrong in WRONG_NL)
    assert "als stagiair, ingehuurde of externe medewerker bent u geen ambtenaar van de gemeente" in page
    client.submit("/language", {"lang": "en", "next": "/"})
    english = _clean(client.get("/oath/statement").get_data(as_text=True))
    assert not any(wrong in english for wrong in WRONG_EN)
    assert "as an intern, hired or external staff member you are not a civil servant" in english


def test_hrs_statement_list_says_holiday_and_on_call_staff_take_the_oath(client, auth):
    auth.login("mjansen")
    page = _clean(client.get("/oath/admin/statements").get_data(as_text=True))
    assert not any(wrong in page for wrong in WRONG_NL)
    assert "vakantiekrachten en oproepkrachten in dienst van de gemeente zijn ambtenaar" in page


def test_the_interns_reminder_mail_names_only_the_people_who_sign_the_statement(client, auth, app):
    with app.test_request_context():
        make_user("intern", employee_type="stagiair", display_name="Stagiair Een")
        db.session.commit()
    auth.login("mjansen")
    client.submit("/oath/admin/outstanding/remind")
    with app.app_context():
        [mail] = [m for m in outbox("oath-todo-") if m.recipient == "intern@example.nl"]
        for body in (_clean(mail.text_body), _clean(mail.html_body)):
            assert not any(wrong in body for wrong in WRONG_NL)
            assert "als stagiair, ingehuurde of externe medewerker ondertekent de integriteitsverklaring" in body


def test_the_regulations_page_says_holiday_and_on_call_staff_take_the_oath(client, auth, app):
    from portal.policies.demo import load_demo_content

    with app.app_context():
        load_demo_content()
        db.session.commit()
    auth.login("jdevries")
    page = _clean(client.get("/policies/regulations").get_data(as_text=True))
    assert not any(wrong in page for wrong in WRONG_NL)
    assert "vakantiewerkers en oproepkrachten die in dienst zijn van de gemeente zijn ambtenaar" in page
