"""The nightly sync imports everyone the directory lists, also people who never signed in.

Each test runs against OpenLDAP and against Active Directory (tests/auth/conftest.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.directory import get_directory
from portal.auth.directory.entry import ROLE_GROUP_SETTINGS
from portal.auth.models import User
from portal.auth.queries import manager_of
from portal.core.models import AuditEvent
from portal.core.time import today_local
from portal.extensions import db
from tests.auth.test_directory_sync import _signed_in_as
from tests.declarations.helpers import user_by_name
from tests.review.helpers import declared

#: people of the test directory on both servers (AD leaves out the LDIF's duplicated "dubbel")
EVERYWHERE = {"jdevries", "sbakker", "abakker", "mjansen", "lvisser", "pmeijer", "evanleeuwen", "zcelik",
              "kobrien", "tdejong", "rsmit", "nmulder", "hbos", "fyilmaz", "wvandam", "ddekker", "ebrouwer",
              "sdegroot", "jvos", "lpeters", "mhendriks", "fvandenberg", "tkok", "ldijkstra", "sschouten",
              "nkuipers", "epost", "bvermeulen", "lwillems", "jdeboer", "rvandijk", "gleeg", "rkoster", "bhaan"}


def _sync(runner, *args: str) -> str:
    result = runner.invoke(args=["portal", "sync-directory", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _snapshot(app) -> dict:
    """Every row as the database holds it, by username."""
    with app.app_context():
        table = User.__table__
        return {row.username: dict(row._mapping) for row in db.session.execute(select(table))}


def _without(app, *usernames: str) -> str:
    """The configured user filter, leaving out these people (as if their entries were gone)."""
    login = app.config["LDAP_LOGIN_ATTRIBUTE"]
    user_filter = app.config["LDAP_USER_FILTER"].strip()
    user_filter = user_filter if user_filter.startswith("(") else f"({user_filter})"
    return f"(&{user_filter}" + "".join(f"(!({login}={name}))" for name in usernames) + ")"


def test_the_sync_imports_everyone_who_never_signed_in_with_name_department_type_and_manager(app, runner):
    output = _sync(runner)

    with app.app_context():
        people = {u.username: u for u in db.session.scalars(select(User))}
        assert EVERYWHERE <= set(people), EVERYWHERE - set(people)
        assert "dubbel" not in people  # a login name two entries share signs nobody in, and is not imported
        jan = people["jdevries"]
        assert (jan.display_name, jan.department, jan.job_title, jan.employee_type, jan.email) == (
            "Jan de Vries", "Openbare Werken", "Uitvoerder wegen", "medewerker", "jdevries@example.nl")
        assert jan.directory_id and jan.last_login_at is None and jan.first_seen_at is not None
        assert manager_of(jan).username == "hbos"
        assert people["tdejong"].employee_type == "stagiair"
        # roles for everyone, nested groups included, as a sign-in would give them
        assert people["abakker"].is_reviewer and people["mjansen"].is_reviewer  # through pno-team
        assert people["lvisser"].is_admin and people["pmeijer"].is_top_official
        assert not people["jdevries"].is_reviewer and all(u.left_at is None for u in people.values())
        directory = get_directory(app.config)
        for username in ("abakker", "lvisser", "evanleeuwen", "nmulder", "jdevries", "bhaan", "rkoster"):
            roles = {role for role in ROLE_GROUP_SETTINGS if getattr(people[username], f"is_{role}")}
            assert roles == directory.entry_of(username).roles, username
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "directory.sync"))
        assert event.details["created"] == len(people)
    assert f"new {len(people)}" in output


def test_a_later_sign_in_is_the_same_row_and_keeps_the_import_date(app, auth, runner):
    _sync(runner)
    with app.app_context():
        before = user_by_name("sbakker")
        person_id, first_seen_at, count = before.id, before.first_seen_at, db.session.scalar(
            select(func.count()).select_from(User))

    assert auth.login("sbakker").status_code == 302

    with app.app_context():
        after = user_by_name("sbakker")
        assert (after.id, after.first_seen_at) == (person_id, first_seen_at)
        assert after.last_login_at is not None
        assert db.session.scalar(select(func.count()).select_from(User)) == count


def test_running_the_sync_twice_changes_nothing(app, runner):
    _sync(runner)
    first = _snapshot(app)

    output = _sync(runner)

    assert "new 0" in output and "marked as left 0" in output and "updated 0" in output
    assert _snapshot(app) == first


def test_a_changed_department_and_manager_are_brought_up_to_date(app, runner, ldap_server):
    _sync(runner)
    ldap_server.set_department("jdevries", "Stadsbeheer")
    ldap_server.set_manager("jdevries", "evanleeuwen")
    try:
        output = _sync(runner)
    finally:
        ldap_server.set_department("jdevries", "Openbare Werken")
        ldap_server.set_manager("jdevries", "hbos")

    assert "updated 1" in output and "new 0" in output
    with app.app_context():
        jan = user_by_name("jdevries")
        assert jan.department == "Stadsbeheer" and manager_of(jan).username == "evanleeuwen"
        assert jan.last_login_at is None


def test_an_imported_person_whose_entry_is_gone_leaves_within_the_safety_limit(app, runner, client):
    _sync(runner)
    _signed_in_as(client, app, "tkok")
    assert client.get("/").status_code == 200
    app.config.update(LDAP_USER_FILTER=_without(app, "tkok"))

    output = _sync(runner)

    assert "marked as left 1 (tkok)" in output
    assert client.get("/").status_code == 302  # their session ended
    with app.app_context():
        assert user_by_name("tkok").left_reason == "directory"
        assert user_by_name("jvos").left_at is None


def test_more_leavers_than_the_limit_changes_nothing(app, runner):
    _sync(runner)
    before = _snapshot(app)
    app.config.update(LDAP_USER_FILTER=_without(app, "tkok", "jvos", "epost"), DIRECTORY_SYNC_MAX_LEFT=2)

    refused = runner.invoke(args=["portal", "sync-directory"])

    assert refused.exit_code != 0 and "3 of" in refused.output and "nobody was marked as left" in refused.output
    assert _snapshot(app) == before


def test_a_reviewer_who_never_signed_in_is_offered_under_assign_to(app, client, auth, runner):
    declaration_id = declared(app, "jdevries")
    _sync(runner)
    with app.app_context():
        anna = user_by_name("abakker")
        assert anna.last_login_at is None and anna.is_reviewer

    assert auth.login("mjansen").status_code == 302
    html = client.get(f"/review/{declaration_id}?open=assign").get_data(as_text=True)  # the assign form, opened

    select_html = html[html.find('name="reviewer"'):]
    select_html = select_html[:select_html.find("</select>")]
    assert "Bakker, Anna (P&amp;O)" in select_html and "Lotte Visser" in select_html
    assert "Jan de Vries" not in select_html  # the owner, and not a reviewer


def test_the_oath_list_and_a_campaign_count_someone_who_never_signed_in(app, client, auth, runner):
    from portal.declarations.campaigns import open_campaign, progress_by_department
    from portal.declarations.models.campaign import CampaignScope

    _sync(runner)
    assert auth.login("mjansen").status_code == 302

    html = client.get("/oath/admin/outstanding").get_data(as_text=True)

    assert "Noor Mulder" in html and "Kevin O&#39;Brien" in html  # never signed in
    with app.app_context():
        hr = user_by_name("mjansen")
        campaign = open_campaign(today_local().year + 1, today_local() + timedelta(days=60), CampaignScope.everyone,
                                 "", hr)
        progress = {p.department: p.total for p in progress_by_department(campaign)}
        public_works = db.session.scalar(select(func.count()).select_from(User).where(
            User.department == "Openbare Werken", User.left_at.is_(None)))
        assert progress["Openbare Werken"] == public_works >= 4  # jdevries, nmulder, hbos, ddekker ...
        db.session.rollback()


@pytest.mark.directories("ad")
def test_disabled_and_expired_ad_accounts_are_not_imported(app, runner, samba_dc):
    output = _sync(runner)

    with app.app_context():
        names = set(db.session.scalars(select(User.username)))
    assert "cuitgeschakeld" not in names and "bverlopen" not in names
    assert "eprimair" in names and "svc-portal" not in names  # the portal's own service account is nobody
    assert "marked as left 0" in output
    with app.app_context():
        assert user_by_name("eprimair").is_high_risk  # through the primary group


@pytest.mark.directories("ad")
def test_an_imported_account_disabled_later_leaves_and_comes_back(app, runner, samba_dc):
    _sync(runner)
    samba_dc.disable("ebrouwer")
    try:
        _sync(runner)
        with app.app_context():
            assert user_by_name("ebrouwer").left_reason == "disabled"
    finally:
        samba_dc.disable("ebrouwer", False)

    assert "back 1 (ebrouwer)" in _sync(runner)


@pytest.mark.directories("openldap")
def test_the_demo_shows_everyone_in_the_demo_directory(app, runner):
    app.config.update(LDAP_URL="demo")

    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0

    with app.app_context():
        never_signed_in = set(db.session.scalars(select(User.username).where(User.last_login_at.is_(None))))
        assert {"jdevries", "nmulder", "abakker", "tdejong"} <= never_signed_in
        assert user_by_name("abakker").is_reviewer and manager_of(user_by_name("jdevries")).username == "hbos"


def test_the_sync_sends_a_handful_of_statements_however_many_people(app, ldap_server):
    from portal.auth.sync import sync_directory
    from portal.core.time import utcnow
    from tests.review.helpers import count_queries

    with app.app_context():
        with count_queries(db.engine) as first:
            report = sync_directory(utcnow())
        db.session.commit()
        assert report.created >= len(EVERYWHERE)
        ldap_server.set_department("sbakker", "Stadswinkel")
        try:
            with count_queries(db.engine) as again:
                report = sync_directory(utcnow())
        finally:
            ldap_server.set_department("sbakker", "Burgerzaken")
        db.session.rollback()
    # load everyone, insert the new ones, the audit line: no statement per person
    assert len(first) <= 10, first
    assert report.refreshed == 1 and len(again) <= 6, again
