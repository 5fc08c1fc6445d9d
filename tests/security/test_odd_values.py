"""Odd values answer 404/400 or a Dutch message next to the field, never a 500; jobs carry on past a bad item.

Each case here answered 500 (or was accepted and broke someone else's page later) before.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import DateField as WTFormsDateField
from wtforms.fields.core import UnboundField

from portal.core.forms import DateField
from portal.core.time import today_local, utcnow
from portal.extensions import db

HUGE = "99999999999999999999"


def _sign_in_with_demo(runner, auth, username: str = "lvisser") -> None:
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0
    assert auth.login(username).status_code == 302


def _get_rules(app, with_arguments: bool):
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and bool(rule.arguments) == with_arguments and rule.endpoint != "static"})


# -- ids, page numbers, cursors, NUL ------------------------------------------------------------


def test_a_page_number_out_of_range_answers_404_on_every_page(app, client, auth, runner):
    _sign_in_with_demo(runner, auth)
    odd = {rule: client.get(rule, query_string={"page": HUGE}).status_code for rule in _get_rules(app, False)}
    assert {rule: status for rule, status in odd.items() if status != 404} == {}
    for value in ("0", "-1", "abc", "1.5", "٣", str(2**31)):
        assert client.get("/declarations/", query_string={"page": value}).status_code == 404, value
    assert client.get("/review/register", query_string={"per_page": HUGE}).status_code == 200  # ignored
    assert client.get("/oath/admin", query_string={"page": "1"}).status_code == 200
    assert client.get("/review/register", query_string={"page": "1"}).status_code == 200


def test_an_id_out_of_range_answers_404_on_every_route_with_an_id(app, client, auth, runner):
    _sign_in_with_demo(runner, auth)
    adapter_rules = [rule for rule in app.url_map.iter_rules() if "GET" in rule.methods
                     and any(type(c).__name__ == "DatabaseIdConverter" for c in rule._converters.values())]
    assert len(adapter_rules) > 10
    answers = {}
    for rule in adapter_rules:
        for odd in (HUGE, str(2**31), "٣"):
            url = re.sub(r"<int:[a-z_]+>", odd, rule.rule).replace("<slug>", "code-of-conduct")
            answers[url] = client.get(url).status_code
    assert {url: status for url, status in answers.items() if status != 404} == {}
    assert client.get(f"/declarations/{HUGE}").status_code == 404
    assert client.get(f"/oath/certificates/{HUGE}.pdf").status_code == 404
    assert client.get(f"/oath/certificates/{2**31 - 1}.pdf").status_code == 404  # the largest id: just not there
    assert client.submit(f"/review/{HUGE}/take").status_code == 404


@pytest.mark.parametrize("query", [
    {"after": "1.99999999999999999999"}, {"after": f"{HUGE}{HUGE}.1"}, {"after": "-1.-1"}, {"after": "nonsense"},
])
def test_a_queue_cursor_that_the_page_never_wrote_answers_404(client, auth, runner, query):
    _sign_in_with_demo(runner, auth)
    assert client.get("/review/", query_string=query).status_code == 404


def test_an_audit_cursor_out_of_range_answers_404(client, auth, runner):
    _sign_in_with_demo(runner, auth)
    assert client.get("/review/audit", query_string={"before": HUGE}).status_code == 404
    assert client.get("/review/audit", query_string={"before": "12"}).status_code == 200


@pytest.mark.parametrize("path", ["/policies/a%00b", "/declarations/%00", "/oath/sessions%00", "/static/css%00.css",
                                  "/%00"])
def test_nul_anywhere_in_the_path_answers_400(client, auth, runner, path):
    _sign_in_with_demo(runner, auth, "jdevries")
    assert client.get(path).status_code == 400


def test_nul_in_a_query_key_a_second_value_or_a_form_key_answers_400(client, auth, runner):
    _sign_in_with_demo(runner, auth, "jdevries")
    assert client.get("/policies/search?q=a&q=b%00").status_code == 400
    assert client.get("/policies/search?q%00=a").status_code == 400
    assert client.submit("/declarations/nil", {"kind\x00": "x"}).status_code == 400


# -- dates in forms ----------------------------------------------------------------------------


def _forms():
    seen, stack = [], [FlaskForm]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return [form for form in seen if form.__module__.startswith("portal.")]


def test_every_date_field_of_every_form_has_the_portals_range(app):
    date_fields = {}
    for form in _forms():
        for name in dir(form):
            value = getattr(form, name, None)
            if isinstance(value, UnboundField) and issubclass(value.field_class, WTFormsDateField):
                date_fields[f"{form.__module__}.{form.__name__}.{name}"] = value.field_class
    assert len(date_fields) >= 10
    assert {name: cls for name, cls in date_fields.items() if not issubclass(cls, DateField)} == {}


def _session_form(**changes) -> dict:
    day = (utcnow() + timedelta(days=30)).date().isoformat()
    form = {"day": day, "start_time": "10:00", "end_time": "11:00", "capacity": "5", "official": "wethouder",
            "language": "nl", "deadline_day": (utcnow() + timedelta(days=20)).date().isoformat(),
            "deadline_time": "17:00", "location": "Raadzaal", "online_url": ""}
    form.update(changes)
    return form


@pytest.mark.parametrize(("field", "value"), [
    ("day", "0001-01-01"), ("deadline_day", "0001-01-01"), ("day", "9999-12-31"), ("deadline_day", "9999-12-31"),
])
def test_hr_session_form_refuses_days_out_of_range_with_a_message_and_keeps_them(client, auth, app, field, value):
    from portal.oath.models import OathSession

    auth.login("mjansen")
    response = client.submit("/oath/admin/sessions/new", _session_form(**{field: value}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kies een datum van" in html and f'value="{value}"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OathSession)) == 0


@pytest.mark.parametrize("url", [
    "https://meet.example.org/abc\r\nX-Injected: 1", "https://meet.example.org/a\nb", "https://meet.example.org/\x0bx",
    "https://meet.example.org/a b", "javascript:alert(1)", "https://",
])
def test_hr_session_form_refuses_links_with_control_characters(client, auth, app, url):
    from portal.oath.models import OathSession

    auth.login("mjansen")
    response = client.submit("/oath/admin/sessions/new", _session_form(online_url=url))
    assert response.status_code == 200
    assert "Vul een volledig adres in dat begint met https://." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OathSession)) == 0


def test_a_ceremony_planned_within_range_with_a_good_link_can_be_joined(client, auth, app):
    from portal.oath.models import OathSession

    auth.login("mjansen")
    latest = (today_local_in(app) + timedelta(days=700)).isoformat()
    form = _session_form(day=latest, deadline_day=latest, deadline_time="08:00",
                         online_url="https://meet.example.org/eed?id=1")
    assert client.submit("/oath/admin/sessions/new", form).status_code == 302
    with app.app_context():
        session_id = db.session.scalar(select(OathSession.id))
    auth.logout()
    auth.login("jdevries")
    response = client.submit(f"/oath/sessions/{session_id}", {"formula": "oath"})
    assert response.status_code == 302


def today_local_in(app) -> date:
    with app.app_context():
        return today_local()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "01-01-0001"])
def test_audit_filters_with_days_out_of_range_show_a_message(client, auth, runner, value):
    _sign_in_with_demo(runner, auth)
    for key in ("date_from", "date_to"):
        response = client.get("/review/audit", query_string={key: value})
        assert response.status_code == 200
        assert "Kies een datum van" in response.get_data(as_text=True)
    assert client.get("/review/audit.csv", query_string={"date_from": value}).status_code == 200


def test_a_campaign_due_far_in_the_future_is_refused_at_the_form(client, auth, app):
    from portal.declarations.models import Campaign

    auth.login("mjansen")
    response = client.submit("/declarations/campaigns", {"year": "2027", "due_on": "9999-12-31", "scope": "everyone",
                                                         "department": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Kies een datum van" in html and 'value="9999-12-31"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Campaign)) == 0


@pytest.mark.parametrize(("field", "value"), [("start_date", "0001-01-01"), ("end_date", "31-12-9999")])
def test_a_declaration_date_out_of_range_gets_a_message_next_to_the_field(client, auth, app, field, value):
    from tests.declarations.helpers import SIDE_FORM

    auth.login("jdevries")
    data = dict(SIDE_FORM, **{field: value}, submit="Indienen", client_token="odd-date")
    response = client.submit("/declarations/new/side-activity", data)
    html = response.get_data(as_text=True)
    # the side activity's own range (a working life back, a few years ahead) is narrower than 1900-2100
    assert response.status_code in (200, 400) and "Kies een datum van" in html
    assert f'value="{value}"' in html
    with app.app_context():
        from portal.declarations.models import Declaration

        assert db.session.scalar(select(func.count()).select_from(Declaration)) == 0


def test_a_withdrawn_first_submission_can_still_be_opened(client, auth, runner):
    """Found by the walker: the page had no version to show and answered 500."""
    _sign_in_with_demo(runner, auth, "jdevries")
    page = client.get("/declarations/").get_data(as_text=True)
    declaration_id = int(re.search(r'href="/declarations/(\d+)"', page).group(1))
    assert client.submit(f"/declarations/{declaration_id}/withdraw").status_code == 302
    assert client.get(f"/declarations/{declaration_id}").status_code == 200


# -- jobs carry on past one bad item -------------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime.combine(day, time(9), tzinfo=timezone.utc)


def test_one_campaign_that_cannot_be_reminded_does_not_stop_the_others(app, caplog):
    from portal.declarations.campaigns import open_campaign
    from portal.declarations.jobs import campaign_mail
    from portal.declarations.models import CampaignScope
    from portal.notifications.models import OutboxMessage
    from tests.declarations.helpers import make_user

    due = date(2027, 3, 31)
    with app.app_context():
        hr = make_user("mjansen", is_reviewer=True)
        make_user("jdevries")
        good = open_campaign(2027, due, CampaignScope.everyone, "", hr, now=_at(due - timedelta(days=40)))
        # as a campaign form that knew no range let HR save it: every reminder run tripped over it
        bad = open_campaign(2028, date(9999, 12, 31), CampaignScope.everyone, "", hr,
                            now=_at(due - timedelta(days=40)))
        db.session.commit()
        assert campaign_mail(_at(due - timedelta(days=30))) == 4  # invitations: both campaigns
        db.session.commit()
        with caplog.at_level(logging.ERROR, logger="portal.jobs"):
            assert campaign_mail(_at(due - timedelta(days=10))) == 2  # the good campaign's first reminders
        db.session.commit()
        assert f"reminders of campaign {bad.id} failed" in caplog.text
        reminders = db.session.scalars(select(OutboxMessage.dedup_key).where(
            OutboxMessage.dedup_key.like("%reminder%"))).all()
        assert len(reminders) == 2 and all(key.startswith(f"campaign-{good.id}-") for key in reminders)


def test_one_registration_whose_reminder_fails_does_not_stop_the_others(app, caplog, monkeypatch):
    from portal.oath import mails
    from portal.oath.services.registrations import register_for_session
    from portal.oath.services.reports import send_ceremony_reminders
    from tests.oath.conftest import make_user, outbox, plan_session

    with app.test_request_context():
        session = plan_session(starts_in=timedelta(days=10))
        people = [register_for_session(session.id, make_user(name), "oath") for name in ("anna", "bert")]
        for registration in people:
            registration.created_at = utcnow() - timedelta(days=20)
        db.session.commit()
        real_reminder = mails.mail_reminder

        def reminder_failing_for_anna(registration, session, days):
            if registration.user.username == "anna":
                raise RuntimeError("template cannot be rendered")
            return real_reminder(registration, session, days)

        monkeypatch.setattr(mails, "mail_reminder", reminder_failing_for_anna)
        with caplog.at_level(logging.ERROR, logger="portal.jobs"):
            assert send_ceremony_reminders(3, utcnow() + timedelta(days=7, hours=1)) == 1
        db.session.commit()
        assert f"reminder for registration {people[0].id} failed" in caplog.text
        assert len(outbox(f"oath-reg-{people[1].id}-reminder")) == 1
        assert outbox(f"oath-reg-{people[0].id}-reminder") == []


def test_one_waiting_list_that_cannot_be_closed_does_not_stop_the_others(app, caplog, monkeypatch):
    from portal.oath import mails
    from portal.oath.models import Registration, RegistrationStatus
    from portal.oath.services.registrations import close_waitlists, register_for_session
    from tests.oath.conftest import make_user, plan_session

    with app.test_request_context():
        sessions = [plan_session(capacity=1, starts_in=timedelta(days=days)) for days in (3, 4)]
        waiting = []
        for number, session in enumerate(sessions):
            register_for_session(session.id, make_user(f"eerste{number}"), "oath")
            waiting.append(register_for_session(session.id, make_user(f"wacht{number}"), "oath"))
        db.session.commit()
        real_mail = mails.mail_waitlist_closed

        def failing_for_the_first_session(registration, session):
            if session.id == sessions[0].id:
                raise RuntimeError("mail cannot be made")
            real_mail(registration, session)

        monkeypatch.setattr(mails, "mail_waitlist_closed", failing_for_the_first_session)
        with caplog.at_level(logging.ERROR, logger="portal.jobs"):
            assert close_waitlists(utcnow() + timedelta(days=5)) == 1
        db.session.commit()
        assert f"waiting list of session {sessions[0].id} failed" in caplog.text
        statuses = [db.session.get(Registration, r.id).status for r in waiting]
        assert statuses == [RegistrationStatus.waitlisted, RegistrationStatus.cancelled]  # the first one undone
