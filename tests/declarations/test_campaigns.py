"""The annual reconfirmation: opening a campaign, tasks, mails and reminders, HR's progress, the form."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy import event, insert, select

from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.core.exports import safe_cell as csv_cell
from portal.declarations.campaigns import open_campaign, reminder_stage
from portal.declarations.jobs import campaign_mail
from portal.declarations.models import (
    Campaign,
    CampaignScope,
    CampaignTask,
    Declaration,
    DeclarationKind,
    DeclarationStatus,
    NilStatement,
    VersionStatus,
)
from portal.declarations.statements import checklist_items
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.declarations.helpers import count, declare, make_user, user_by_name, versions_of
from tests.support.clock import AMSTERDAM, amsterdam

DUE = date(2027, 3, 31)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _staff():
    make_user("jdevries", department="Openbare Werken")
    make_user("ddekker", department="Openbare Werken")
    make_user("sbakker", department="Burgerzaken")
    make_user("nmulder", department="Openbare Werken", is_high_risk=True)
    make_user("gone", department="Burgerzaken", left_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    return make_user("mjansen", department="P&O", is_reviewer=True)


#: before DUE, so that the tests built on it do not depend on the day they run
BEFORE_DUE = [pytest.param(amsterdam(2026, 12, 4, 12, 0), id="2026-12-04")]


@pytest.mark.parametrize("clock", BEFORE_DUE, indirect=True)
def test_hr_opens_a_campaign_and_everyone_active_in_scope_gets_one_task(clock, client, auth, app):
    with app.app_context():
        _staff()
        db.session.commit()
    auth.login("mjansen")
    page = client.get("/declarations/campaigns").get_data(as_text=True)
    assert "Openbare Werken" in page  # departments offered
    bad = client.submit("/declarations/campaigns", {"year": "2027", "due_on": "2020-01-01", "scope": "department",
                                                    "department": ""})
    html = bad.get_data(as_text=True)
    assert "Kies een uiterste datum na vandaag" in html and "Kies de afdeling" in html
    response = client.submit("/declarations/campaigns", {"year": "2027", "due_on": DUE.isoformat(),
                                                         "scope": "department", "department": "Openbare Werken"})
    assert response.status_code == 302
    again = client.submit("/declarations/campaigns", {"year": "2027", "due_on": DUE.isoformat(),
                                                      "scope": "department", "department": "Openbare Werken"})
    assert "Er is al een campagne" in again.get_data(as_text=True)
    with app.app_context():
        campaign = db.session.scalar(select(Campaign))
        users = db.session.scalars(select(User.username).join(CampaignTask, CampaignTask.user_id == User.id)).all()
        assert sorted(users) == ["ddekker", "jdevries", "nmulder"]
        assert campaign.task_count == 3 and count(Campaign) == 1
        # invitations go out with the job, once per person
        assert campaign_mail(_at(date(2027, 3, 1))) == 3
        assert campaign_mail(_at(date(2027, 3, 1), 10)) == 0
        assert count(OutboxMessage, OutboxMessage.template == "declarations/campaign_invite") == 3


@pytest.mark.parametrize(("scope", "expected"), [
    (CampaignScope.everyone, {"jdevries", "ddekker", "sbakker", "nmulder", "mjansen"}),
    (CampaignScope.high_risk, {"nmulder"}),
    (CampaignScope.top_official, set()),
])
def test_scope_selects_the_right_people(app, scope, expected):
    with app.app_context():
        hr = _staff()
        campaign = open_campaign(2027, DUE, scope, "", hr)
        names = set(db.session.scalars(select(User.username).join(CampaignTask, CampaignTask.user_id == User.id)
                                       .where(CampaignTask.campaign_id == campaign.id)))
        assert names == expected


def test_tasks_for_ten_thousand_people_are_one_insert(app):
    with app.app_context():
        hr = make_user("mjansen", is_reviewer=True)
        db.session.execute(insert(User), [
            {"username": f"user{i}", "dn": f"uid=user{i}", "display_name": f"Medewerker {i}",
             "department": f"Afdeling {i % 40}", "is_reviewer": False, "is_admin": False, "is_top_official": False,
             "is_high_risk": False, "language": "nl", "is_enabled": True, "first_seen_at": _at(date(2026, 1, 1)),
             "session_generation": 0}
            for i in range(10_000)
        ])
        statements = []

        def remember(conn, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", remember)
        try:
            campaign = open_campaign(2027, DUE, CampaignScope.everyone, "", hr)
        finally:
            event.remove(db.engine, "before_cursor_execute", remember)
        task_inserts = [s for s in statements if "INSERT INTO declaration_campaign_task" in s]
        assert len(task_inserts) == 1 and "SELECT" in task_inserts[0]
        assert campaign.task_count == 10_001 == count(CampaignTask)
        assert len(statements) < 10


@pytest.mark.parametrize(("today", "stage"), [
    (DUE - timedelta(days=15), 0), (DUE - timedelta(days=14), 1), (DUE - timedelta(days=4), 1),
    (DUE - timedelta(days=3), 2), (DUE - timedelta(days=1), 2), (DUE, 0), (DUE + timedelta(days=6), 0),
    (DUE + timedelta(days=7), 3), (DUE + timedelta(days=300), 3),
])
def test_reminder_schedule(today, stage):
    assert reminder_stage(DUE, today) == stage


def test_reminder_job_run_many_times_sends_at_most_two_before_and_one_after(app):
    with app.app_context():
        hr = _staff()
        campaign = open_campaign(2027, DUE, CampaignScope.everyone, "", hr, now=_at(DUE - timedelta(days=40)))
        late = make_user("laatkomer", department="Burgerzaken")
        db.session.commit()
        sent_at: dict[str, list[datetime]] = {}
        seen = set()
        # Every 6 hours from 22:30 UTC: 23:30 or (after the DST change of 28 March) 00:30 in Amsterdam, where
        # the reminders' days are counted, while the date in UTC is still the day before.
        start = _at(DUE - timedelta(days=41), 22) + timedelta(minutes=30)
        moment = start
        while moment < _at(DUE + timedelta(days=60)):
            if moment == start + timedelta(days=31):
                # someone joins late: their task starts 10 days before the due date
                db.session.execute(insert(CampaignTask).values(campaign_id=campaign.id, user_id=late.id,
                                                               created_at=moment, reminders_sent=0))
            if moment == start + timedelta(days=36):
                task = db.session.scalar(select(CampaignTask).join(User).where(User.username == "sbakker"))
                task.completed_at = moment  # sbakker finishes: no more reminders
            for _ in range(2):  # overlapping runs change nothing
                campaign_mail(moment)
                db.session.commit()
            for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedup_key.like("%reminder%"))):
                if message.id not in seen:
                    seen.add(message.id)
                    sent_at.setdefault(message.recipient, []).append(moment)
            moment += timedelta(hours=6)
        assert sent_at, "no reminders at all"
        def local_day(moment: datetime) -> date:
            return moment.astimezone(AMSTERDAM).date()

        for recipient, moments in sent_at.items():
            before = [m for m in moments if local_day(m) < DUE]
            after = [m for m in moments if local_day(m) >= DUE]
            assert len(before) <= 2 and len(after) <= 1, (recipient, moments)
        # Each reminder goes at the first run of its day in Amsterdam: 05:30 in winter time; 06:30 on 28 March
        # (the clock went forward at 02:00); 00:30 in summer time, when UTC still says the day before.
        assert [local_day(m) for m in sent_at["jdevries@example.nl"]] == [
            DUE - timedelta(days=14), DUE - timedelta(days=3), DUE + timedelta(days=7)]
        assert [m.astimezone(AMSTERDAM).strftime("%H:%M") for m in sent_at["jdevries@example.nl"]] == [
            "05:30", "06:30", "00:30"]
        assert len(sent_at.get("sbakker@example.nl", [])) == 1  # only the first, before finishing
        assert len([m for m in sent_at["laatkomer@example.nl"] if local_day(m) < DUE]) <= 2
        assert max(db.session.scalars(select(CampaignTask.reminders_sent))) == 3
        invites = Counter(m.recipient for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template == "declarations/campaign_invite")))
        assert set(invites.values()) == {1}


def test_hr_sees_progress_per_department_and_a_csv_that_spreadsheets_cannot_run(client, auth, app):
    with app.app_context():
        hr = _staff()
        make_user("formula", display_name="=HYPERLINK(\"http://evil\")", department="-Afdeling", job_title="@cmd")
        campaign = open_campaign(2027, DUE, CampaignScope.everyone, "", hr)
        db.session.execute(sa.update(CampaignTask).where(
            CampaignTask.user_id == user_by_name("ddekker").id).values(completed_at=_at(date(2027, 3, 1))))
        db.session.commit()
        campaign_id = campaign.id
    auth.login("mjansen")
    page = client.get(f"/declarations/campaigns/{campaign_id}").get_data(as_text=True)
    assert "Openbare Werken" in page and "Nog niet klaar (5)" in page
    assert "Daan Dekker" not in page  # done: not in the list
    response = client.get(f"/declarations/campaigns/{campaign_id}/not-done.csv")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Naam", "Gebruikersnaam", "Afdeling"]
    evil = next(row for row in rows if row[1] == "formula")
    assert evil[0] == "'=HYPERLINK(\"http://evil\")" and evil[2] == "'-Afdeling" and evil[3] == "'@cmd"
    assert "ddekker" not in [row[1] for row in rows]
    assert len(rows) == 1 + 5


@pytest.mark.parametrize("value", ["=1+1", "+31", "-2", "@SUM(A1)", "\tx"])
def test_csv_cells_never_start_a_formula(value):
    assert csv_cell(value).startswith("'")


def test_employee_reconfirms_prefilled_entries_and_the_task_is_done(client, auth, app):
    with app.app_context():
        hr = _staff()
        nmulder = user_by_name("nmulder")
        kept = declare(nmulder, decide="approved", reviewer=hr)
        changed = declare(nmulder, decide="approved", reviewer=hr, organisation_name="Schaakclub")
        ended = declare(nmulder, decide="approved", reviewer=hr, organisation_name="Toneelclub")
        campaign = open_campaign(2027, DUE, CampaignScope.high_risk, "", hr)
        db.session.commit()
        ids, campaign_id = [kept.id, changed.id, ended.id], campaign.id
    auth.login("nmulder")
    dashboard = client.get("/").get_data(as_text=True)
    assert "Verklaringen bevestigen voor 2027" in dashboard
    form = client.get(f"/declarations/confirm/{campaign_id}").get_data(as_text=True)
    assert "Voetbalvereniging De Bal" in form and "Schaakclub" in form and "Ik heb geen financiële belangen" in form
    data = {"entries-0-declaration_id": ids[0], "entries-0-choice": "keep",
            "entries-1-declaration_id": ids[1], "entries-1-choice": "change",
            "entries-2-declaration_id": ids[2], "entries-2-choice": "end", "entries-2-ended_on": "",
            "nil_financial_interest": "none"}
    missing_date = client.submit(f"/declarations/confirm/{campaign_id}", data).get_data(as_text=True)
    assert "Vul de datum in waarop het beëindigd is" in missing_date
    data["entries-2-ended_on"] = "2025-12-31"
    response = client.submit(f"/declarations/confirm/{campaign_id}", data)
    assert response.headers["Location"].endswith(f"/declarations/{ids[1]}/edit")  # on to the change
    with app.app_context():
        task = db.session.scalar(select(CampaignTask).where(CampaignTask.user_id == user_by_name("nmulder").id))
        assert task.completed_at is not None
        kept_row, changed_row, ended_row = (db.session.get(Declaration, i) for i in ids)
        assert kept_row.last_confirmed_at is not None and kept_row.status == DeclarationStatus.approved
        assert changed_row.last_confirmed_at == kept_row.last_confirmed_at and ended_row.last_confirmed_at is None
        # on record per declaration: confirmed (kept and changed), the change started, the end
        events = db.session.execute(select(AuditEvent.object_id, AuditEvent.action).where(
            AuditEvent.object_type == "declaration", AuditEvent.object_id.in_(ids),
            AuditEvent.action.in_(["declaration.confirm", "declaration.change", "declaration.end"]),
        ).order_by(AuditEvent.id)).all()
        assert sorted(tuple(e) for e in events) == sorted([(ids[0], "declaration.confirm"), (ids[1], "declaration.confirm"),
                                                           (ids[1], "declaration.change"), (ids[2], "declaration.end")])
        assert [a for i, a in events if i == ids[1]] == ["declaration.confirm", "declaration.change"]
        assert [v.status for v in versions_of(changed_row.id)] == [VersionStatus.approved, VersionStatus.draft]
        assert ended_row.status == DeclarationStatus.ended and ended_row.ended_on == date(2025, 12, 31)
        statement = db.session.scalar(select(NilStatement))
        assert statement.kind == DeclarationKind.financial_interest
    with app.test_request_context():
        items = {i.key: i for i in checklist_items(user_by_name("nmulder"))}
        assert items[f"declarations.campaign.{campaign_id}"].is_done
    again = client.submit(f"/declarations/confirm/{campaign_id}", data, follow_redirects=True)
    assert "al bevestigd" in again.get_data(as_text=True)


def test_hr_closes_a_campaign_and_the_task_is_gone_with_no_more_reminders(client, auth, app):
    with app.app_context():
        hr = _staff()
        campaign = open_campaign(2027, DUE, CampaignScope.everyone, "", hr, now=_at(DUE - timedelta(days=40)))
        db.session.commit()
        campaign_id = campaign.id
    auth.login("jdevries")
    assert "Verklaringen bevestigen voor 2027" in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("mjansen")

    unticked = client.submit(f"/declarations/campaigns/{campaign_id}/close", {})
    assert unticked.status_code == 400
    assert "Vink aan dat u de campagne wilt sluiten." in unticked.get_data(as_text=True)
    closed = client.submit(f"/declarations/campaigns/{campaign_id}/close", {"confirm": "y"}, follow_redirects=True)
    html = closed.get_data(as_text=True)
    assert "De campagne is gesloten. 5 personen waren nog niet klaar." in html
    assert "Campagne sluiten</h2>" not in html and "Gesloten op" in html
    again = client.submit(f"/declarations/campaigns/{campaign_id}/close", {"confirm": "y"}, follow_redirects=True)
    assert "Deze campagne is al gesloten." in again.get_data(as_text=True)
    auth.logout()

    auth.login("jdevries")
    assert "Verklaringen bevestigen voor 2027" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/declarations/confirm/{campaign_id}").status_code == 404
    with app.app_context():
        campaign_mail(_at(DUE + timedelta(days=1)))
        db.session.commit()
        assert count(OutboxMessage, OutboxMessage.dedup_key.like("%reminder%")) == 0
        events = [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert events.count("campaign.close") == 1


def test_the_due_date_must_be_after_today_in_amsterdam(clock, client, auth, app):
    """At 00:30 in Amsterdam UTC still says yesterday: today (Amsterdam) is refused, tomorrow accepted."""
    with app.app_context():
        _staff()
        db.session.commit()
    auth.login("mjansen")
    today = clock.now.astimezone(AMSTERDAM).date()
    refused = client.submit("/declarations/campaigns", {"year": str(today.year), "due_on": today.isoformat(),
                                                        "scope": "everyone", "department": ""})
    assert "Kies een uiterste datum na vandaag" in refused.get_data(as_text=True)
    accepted = client.submit("/declarations/campaigns", {"year": str(today.year),
                                                         "due_on": (today + timedelta(days=1)).isoformat(),
                                                         "scope": "everyone", "department": ""})
    assert accepted.status_code == 302, accepted.get_data(as_text=True)


def test_an_entry_waiting_for_a_decision_offers_no_change_and_titles_follow_the_latest_version(client, auth, app):
    """The form's entries (rows, queries.confirmation_entries): a first submission or a change waiting for HR
    has no "Wijzigen"; the title is the pending version's subject, as Declaration.title."""
    from portal.declarations.services import change_declaration

    with app.app_context():
        hr = _staff()
        nmulder = user_by_name("nmulder")
        decided = declare(nmulder, decide="approved", reviewer=hr, organisation_name="Schaakclub")
        waiting = declare(nmulder, organisation_name="Toneelclub")  # submitted, never decided
        changing = declare(nmulder, decide="approved", reviewer=hr, organisation_name="Zangkoor")
        answers = {name: value for name, value in changing.current_version.answers().items()}
        change_declaration(changing, dict(answers, organisation_name="Zangkoor Nieuw"), nmulder, submit=True)
        campaign = open_campaign(2027, DUE, CampaignScope.high_risk, "", hr)
        db.session.commit()
        order = [d.id for d in sorted([decided, waiting, changing], key=lambda d: (d.created_at, d.id))]
        campaign_id = campaign.id
        ids = {decided.id: "decided", waiting.id: "waiting", changing.id: "changing"}
    auth.login("nmulder")
    page = client.get(f"/declarations/confirm/{campaign_id}").get_data(as_text=True)
    assert "Zangkoor Nieuw" in page and "Toneelclub" in page and "Schaakclub" in page
    for index, declaration_id in enumerate(order):
        offers_change = re.search(f'<input [^>]*name="entries-{index}-choice"[^>]*value="change"', page) is not None
        assert offers_change == (ids[declaration_id] == "decided"), ids[declaration_id]


def test_reconfirming_a_list_that_no_longer_matches_saves_nothing(app):
    from portal.declarations.campaigns import reconfirm
    from portal.declarations.states import DeclarationError

    with app.test_request_context():
        hr = _staff()
        nmulder = user_by_name("nmulder")
        kept = declare(nmulder, decide="approved", reviewer=hr)
        campaign = open_campaign(2027, DUE, CampaignScope.high_risk, "", hr)
        task = db.session.scalar(select(CampaignTask).where(CampaignTask.campaign_id == campaign.id,
                                                            CampaignTask.user_id == nmulder.id))
        with pytest.raises(DeclarationError, match="intussen veranderd"):
            reconfirm(task, [(kept.id, "keep", None), (kept.id + 1000, "keep", None)], {}, nmulder)
        assert task.completed_at is None and kept.last_confirmed_at is None
