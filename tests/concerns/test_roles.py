"""The two new roles come from (nested) directory groups, in the test directory and in the demo directory."""

from __future__ import annotations

import pytest

from portal.auth.directory import Directory, get_directory
from portal.config import load_config

ROLES = {"rkoster": {"integrity_officer"}, "bhaan": {"confidential_adviser"}, "lvisser": {"reviewer", "admin"}}


@pytest.mark.parametrize(("username", "roles"), sorted(ROLES.items()))
def test_coordinator_and_adviser_roles_from_the_test_directory(slapd, username, roles):
    directory = Directory({**load_config({}), **slapd.config()})
    assert directory.authenticate(username, f"Welkom-{username}-2026").roles == roles


@pytest.mark.parametrize(("username", "roles"), sorted(ROLES.items()))
def test_coordinator_and_adviser_roles_from_the_demo_directory(username, roles):
    directory = get_directory({**load_config({}), "LDAP_URL": "demo"})
    assert directory.authenticate(username, f"Welkom-{username}-2026").roles == roles


def test_the_roles_are_stored_at_sign_in(app, client, auth):
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.extensions import db

    auth.login("rkoster")
    auth.logout()
    auth.login("bhaan")
    with app.app_context():
        people = {u.username: (u.is_integrity_officer, u.is_confidential_adviser, u.is_reviewer, u.is_admin)
                  for u in db.session.scalars(select(User))}
    assert people == {"rkoster": (True, False, False, False), "bhaan": (False, True, False, False)}
