"""The session page tells a registered employee where they stand in one plain sentence,
without repeating the status word ("You are registered for this ceremony (registered).")."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.oath.services.registrations import register_for_session
from tests.oath.conftest import make_user, plan_session


@pytest.mark.parametrize("waitlisted, dutch, english", [
    (False, "U bent aangemeld voor deze bijeenkomst.", "You are registered for this ceremony."),
    (True, "U staat op de wachtlijst voor deze bijeenkomst.", "You are on the waiting list for this ceremony."),
])
def test_a_registered_employee_reads_one_plain_sentence(client, auth, app, waitlisted, dutch, english):
    auth.login("jdevries")
    with app.test_request_context():
        session_id = plan_session(capacity=1).id
        if waitlisted:
            register_for_session(session_id, make_user("first"), "oath")
        me = db.session.scalars(select(User).where(User.username == "jdevries")).one()
        register_for_session(session_id, me, "oath")
        db.session.commit()
    page = " ".join(client.get(f"/oath/sessions/{session_id}").get_data(as_text=True).split())
    assert dutch in page and "(aangemeld)" not in page and "(op de wachtlijst)" not in page
    client.submit("/language", {"lang": "en", "next": "/"})
    page = " ".join(client.get(f"/oath/sessions/{session_id}").get_data(as_text=True).split())
    assert english in page and "(registered)" not in page and "(on the waiting list)" not in page
