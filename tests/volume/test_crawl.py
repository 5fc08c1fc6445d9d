"""Every GET route on the volume data, as every role: no 5xx, the expected status, and working pagination.

URLs come from ``app.url_map``, with real ids of existing objects (those of the employee the crawl signs
in as, where ownership matters) filled in. ``EXPECTED`` says, for every endpoint, what each role gets;
a route without an entry fails ``test_every_route_is_in_the_crawl_table``, as in
tests/security/test_access_matrix.py.

To add a role: put it in ``ROLES`` (and give it a person in tests/volume/conftest.py ``_pick_people``);
``signed_in()`` and ``everyone()`` include it at once; for pages that only some roles see, add it to
the ``only(...)`` lists that apply. To add a route: one line in ``EXPECTED`` (and, when it has a
parameter nobody uses yet, one query in ``PARAMETERS``); a paged list goes in ``LISTS`` too.
"""

from __future__ import annotations

import re
import time
from typing import Optional

import pytest
from sqlalchemy import text

from tests.conftest import PortalClient

pytestmark = pytest.mark.volume

ANONYMOUS, EMPLOYEE, REVIEWER, ADMIN = "anonymous", "employee", "reviewer", "admin"
#: no request may come near the worker timeout (30 s); on this data set every page is far under this
#: (generous: on a machine shared with other work a 0.5 s page has been seen to take 6 s)
SLOW_SECONDS = 10.0
#: every role the crawl signs in as (anonymous: not signed in)
ROLES = (ANONYMOUS, EMPLOYEE, REVIEWER, ADMIN)
SIGN_IN = "sign in"  #: anonymous visitors are sent to the sign-in page
POST_ONLY = "post only"  #: no GET: the rule must not accept GET


def everyone(status: int = 200) -> dict[str, int | str]:
    return {role: status for role in ROLES}


def signed_in(status: int = 200, **exceptions: int) -> dict[str, int | str]:
    """Every signed-in role gets ``status`` (``role=status`` for exceptions); anonymous signs in first."""
    expected: dict[str, int | str] = {role: status for role in ROLES}
    expected[ANONYMOUS] = SIGN_IN
    expected.update(exceptions)
    return expected


def only(*roles: str, otherwise: int = 403, status: int = 200) -> dict[str, int | str]:
    """Only ``roles`` get ``status``; other signed-in roles get ``otherwise``."""
    expected = signed_in(otherwise)
    expected.update({role: status for role in roles})
    return expected


HR = (REVIEWER, ADMIN)  # administrators are reviewers too in the data set

#: endpoint -> what each role gets for a GET (the ids are the employee's objects where ownership matters)
EXPECTED: dict[str, dict[str, int | str] | str] = {
    "static": everyone(),
    "core.healthz": everyone(),
    "core.privacy": everyone(),
    "core.dashboard": signed_in(),
    "auth.login": {**everyone(), EMPLOYEE: 302, REVIEWER: 302, ADMIN: 302},
    "auth.logout": POST_ONLY,
    "auth.set_language": POST_ONLY,
    "auth.account": signed_in(),
    "auth.sign_out_everywhere": POST_ONLY,
    "policies.advisers": everyone(),
    "policies.glossary": everyone(),
    "policies.adviser_photo": everyone(404),  # the demo advisers have no photo
    "public_register.public": everyone(),
    "public_register.public_csv": everyone(),
    "public_register.public_json": everyone(),
    "policies.index": signed_in(),
    "policies.page": signed_in(),
    "policies.search": signed_in(),
    "policies.versions": signed_in(),
    "policies.version": signed_in(),
    "policies.diff": signed_in(),
    "policies.acknowledge": POST_ONLY,
    "policies.edit": only(*HR),
    "policies.new_page": only(*HR),
    "policies.acknowledgements": only(*HR),
    "policies.acknowledgements_csv": only(*HR),
    "policies.manage_advisers": only(ADMIN),
    "policies.new_adviser": only(ADMIN),
    "policies.edit_adviser": only(ADMIN),
    "policies.set_adviser_visibility": POST_ONLY,
    "declarations.index": signed_in(),
    "declarations.my_data": signed_in(),
    "declarations.my_data_json": signed_in(),
    "declarations.new": signed_in(),
    "declarations.nil": signed_in(),
    "declarations.detail": only(EMPLOYEE, otherwise=404),  # someone else's declaration does not exist
    "declarations.version": only(EMPLOYEE, otherwise=404),
    "declarations.edit": only(EMPLOYEE, otherwise=404, status=302),  # submitted: nothing to edit now
    "declarations.end": only(EMPLOYEE, otherwise=404),
    "declarations.answer": only(EMPLOYEE, otherwise=404, status=302),  # no question asked
    "declarations.withdraw": POST_ONLY,
    "declarations.confirm": signed_in(200, admin=302),  # the administrator's task is done already
    "declarations.campaigns": only(*HR),
    "declarations.campaign": only(*HR),
    "declarations.campaign_csv": only(*HR),
    "declarations.close": POST_ONLY,
    "oath.my": signed_in(),
    "oath.sessions": signed_in(),
    "oath.session": signed_in(),
    "oath.statement": signed_in(302),  # for interns and hired staff; the oath-takers are sent on
    "oath.certificate": only(EMPLOYEE, *HR, otherwise=404),  # the employee's own, and HR
    "oath.calendar_file": only(otherwise=404),  # the crawl's registration is attended: no invitation any more
    "oath.cancel": POST_ONLY,
    "oath.admin_sessions": only(*HR),
    "oath.admin_session": only(*HR),
    "oath.admin_new_session": only(*HR),
    "oath.admin_edit_session": only(*HR),
    "oath.admin_cancel_session": only(*HR),
    "oath.admin_attendance": only(*HR),
    "oath.admin_attendance_csv": only(*HR),
    "oath.admin_outstanding": only(*HR),
    "oath.admin_outstanding_csv": only(*HR),
    "oath.admin_outstanding_remind": POST_ONLY,
    "oath.admin_mark": POST_ONLY,
    "oath.admin_statements": only(*HR),
    "oath.admin_import": only(*HR),
    "oath.admin_import_apply": POST_ONLY,
    "oath.admin_formulas": only(*HR),
    "oath.admin_new_formula": only(*HR),
    "review.queue": only(*HR),
    "review.detail": only(*HR),
    "review.declaration_audit": only(*HR),
    "review.assessment": POST_ONLY,
    "review.assign": POST_ONLY,
    "review.decide": POST_ONLY,
    "review.note": POST_ONLY,
    "review.summary": POST_ONLY,
    "review.proposal": POST_ONLY,
    "review.question": POST_ONLY,
    "review.take": POST_ONLY,
    "review.register": only(*HR),
    "review.ask_advice_on_declaration": POST_ONLY,
    "review.withdraw_advice_request": POST_ONLY,
    "review.answer_advice_request": POST_ONLY,
    "review.advice_requests": signed_in(),  # one's own questions as a manager (none in the volume data)
    "review.advice": only(otherwise=404),  # only the manager asked; the volume data asks nobody
    "review.register_csv": only(*HR),
    "review.register_xlsx": only(*HR),  # asks; the file is made by a job
    "review.audit": only(ADMIN),
    "review.audit_csv": only(ADMIN),
    "reports.annual": only(*HR),
    "reports.annual_csv": only(*HR),
    "reports.annual_pdf": only(*HR),
    "reports.close": POST_ONLY,
    "reports.explain": POST_ONLY,
    "reports.reopen": POST_ONLY,
    # reports of suspected breaches: every signed-in person files and follows their own; the cases are the
    # integrity coordinators' alone (none of the crawl's roles), the contacts the confidential advisers'
    "concerns.new": signed_in(),
    "concerns.mine": signed_in(),
    "concerns.index": only(),
    "concerns.export_csv": only(),
    "concerns.register": only(),
    "concerns.case": only(),
    "concerns.attachment": only(),
    "concerns.attach": POST_ONLY,
    "concerns.classify": POST_ONLY,
    "concerns.close": POST_ONLY,
    "concerns.confirm": POST_ONLY,
    "concerns.investigation": POST_ONLY,
    "concerns.note": POST_ONLY,
    "concerns.outcome": POST_ONLY,
    "gifts.index": signed_in(),
    "gifts.new": signed_in(),
    "gifts.detail": signed_in(),  # the employee's own gift; HR sees every gift
    "gifts.decide": POST_ONLY,
    "gifts.ask_advice_on_gift": POST_ONLY,
    "gifts.team": signed_in(),
    "gifts.register": only(*HR),
    "gifts.register_csv": only(*HR),
    "adviser_contacts.index": only(),
    "exports.index": signed_in(),
    "exports.create": POST_ONLY,
    "exports.detail": only(ADMIN, otherwise=404),  # the administrator's export
    "exports.download": only(ADMIN, otherwise=404),
    "admin.mail": only(ADMIN),
    "admin.setup": only(ADMIN),
    "admin.mail_message": only(ADMIN),
    "admin.retry_mail": POST_ONLY,
    "admin.send_test_mail": POST_ONLY,
    # development only (PORTAL_DEV_MAIL): not there for anyone here
    "admin.dev_inbox": only(ADMIN, status=404),
    "admin.dev_inbox_message": only(ADMIN, status=404),
    "admin.dev_inbox_attachment": only(ADMIN, status=404),
}

#: path parameter -> SQL for a real value (``:employee`` and ``:admin`` are those people's user ids)
PARAMETERS: dict[str, str] = {
    "declaration_id": """SELECT id FROM declaration WHERE owner_id = :employee AND status = 'submitted'
                         ORDER BY id LIMIT 1""",
    "number": "SELECT 1",
    "campaign_id": "SELECT max(id) FROM declaration_campaign",
    "session_id": """SELECT s.id FROM oath_session s WHERE s.status = 'scheduled'
                     AND EXISTS (SELECT 1 FROM oath_registration r WHERE r.session_id = s.id
                                 AND r.status = 'waitlisted') ORDER BY s.id LIMIT 1""",
    "registration_id": """SELECT id FROM oath_registration WHERE user_id = :employee AND status = 'attended'
                          ORDER BY id LIMIT 1""",
    "adviser_id": "SELECT min(id) FROM policy_adviser",
    "message_id": "SELECT min(id) FROM outbox_message",
    "job_id": "SELECT min(id) FROM export_job WHERE requested_by_id = :admin",
    # the volume data has no concerns: any id, refused before it is looked up
    "concern_id": "SELECT coalesce(min(id), 1) FROM concern",
    "attachment_id": "SELECT coalesce(min(id), 1) FROM concern_attachment",
    "gift_id": "SELECT min(id) FROM gift WHERE owner_id = :employee",
    # the volume data has no advice requests: any id, refused as not the viewer's
    "advice_id": "SELECT coalesce(min(id), 1) FROM review_advice_request",
    "year": "SELECT 2025",
    "slug": "SELECT 'code-of-conduct'",
    "kind_slug": "SELECT 'side-activity'",
    "formula": "SELECT 'oath'",
    "language": "SELECT 'nl'",
    "filename": "SELECT 'css/portal.css'",
    "key": "SELECT 'no-such-message'",
}

#: lists that must show a second page at this volume: endpoint -> the role that sees it
LISTS: dict[str, str] = {
    "review.queue": REVIEWER,
    "review.register": REVIEWER,
    "review.audit": ADMIN,
    "policies.acknowledgements": REVIEWER,
    "declarations.campaign": REVIEWER,
    "oath.admin_sessions": REVIEWER,
    "oath.admin_outstanding": REVIEWER,
    "oath.admin_statements": REVIEWER,
    "admin.mail": ADMIN,
    "gifts.register": REVIEWER,
}
# Lists that stay on one page at this volume (the pager is the same macro, tested in tests/core/test_pagination.py):
# declarations.index (one person's history), declarations.campaigns, oath.sessions (open sessions),
# policies.versions, policies.advisers, policies.manage_advisers, review.declaration_audit, exports.index.

_RULE_PARAM = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>")
_ROW = re.compile(r'<tr class="utrecht-table__row">(.*?)</tr>', re.S)
_NEXT = re.compile(r'<a class="utrecht-link" href="([^"]+)" rel="next">')


def _values(app, volume) -> dict[str, str]:
    from portal.extensions import db

    ids = {"employee": _user_id(app, volume.people[EMPLOYEE].username),
           "admin": _user_id(app, volume.people[ADMIN].username)}
    values = {}
    with app.app_context():
        for name, sql in PARAMETERS.items():
            value = db.session.execute(text(sql), ids).scalar()
            assert value is not None, f"no value for <{name}> in the volume data"
            values[name] = str(value)
    return values


def _user_id(app, username: str) -> Optional[int]:
    from portal.extensions import db

    with app.app_context():
        return db.session.execute(text('SELECT id FROM "user" WHERE username = :u'), {"u": username}).scalar()


def _url(rule, values: dict[str, str]) -> str:
    return _RULE_PARAM.sub(lambda m: values[m.group(1)], rule.rule)


def _client(app, volume, role: str) -> PortalClient:
    app.test_client_class = PortalClient
    client = app.test_client()
    if role != ANONYMOUS:
        person = volume.people[role]
        response = client.submit("/login", {"username": person.username, "password": person.password})
        assert response.status_code == 302, f"{role} {person.username} could not sign in"
    return client


def _ready_export(app, volume) -> None:
    """One finished export of the administrator, so that its page and download can be crawled."""
    from portal.exports.services import request_export
    from portal.exports.worker import run_pending_exports
    from portal.auth.models import User
    from portal.extensions import db

    with app.test_request_context():
        admin = db.session.scalars(db.select(User).where(User.username == volume.people[ADMIN].username)).one()
        request_export("review.audit_csv", {"action": "auth.sign_out"}, admin)
        db.session.commit()
        run_pending_exports()


def test_every_route_is_in_the_crawl_table(volume_app):
    endpoints = {rule.endpoint for rule in volume_app.url_map.iter_rules()}
    assert endpoints - set(EXPECTED) == set(), "add the new endpoints to EXPECTED with what each role gets"
    assert set(EXPECTED) - endpoints == set(), "remove endpoints that no longer exist"
    for role_table in EXPECTED.values():
        if role_table != POST_ONLY:
            assert set(role_table) == set(ROLES)


def test_crawl_every_get_route_as_every_role(volume_app, volume):
    started = time.perf_counter()
    for role in (ADMIN, REVIEWER, EMPLOYEE):  # sign in once so that every person exists as a user row
        _client(volume_app, volume, role)
    _ready_export(volume_app, volume)
    values = _values(volume_app, volume)
    failures, slowest = [], []
    for role in ROLES:
        client = _client(volume_app, volume, role)
        for rule in volume_app.url_map.iter_rules():
            expected = EXPECTED[rule.endpoint]
            if expected == POST_ONLY:
                if "GET" in rule.methods:
                    failures.append(f"{rule.endpoint} accepts GET but is marked POST_ONLY")
                continue
            if "GET" not in rule.methods or rule.endpoint in ("auth.logout", "auth.set_language"):
                continue
            url = _url(rule, values)
            t = time.perf_counter()
            response = client.get(url)
            status = response.status_code
            response.get_data()  # a streamed export is read to its end, as a browser would
            response.close()
            elapsed = time.perf_counter() - t
            slowest.append((elapsed, role, url))
            want = expected[role]
            if elapsed > SLOW_SECONDS:
                failures.append(f"{role} GET {url}: {elapsed:.1f} s (long work belongs in a job)")
            if status >= 500:
                failures.append(f"{role} GET {url}: {status}")
            elif want == SIGN_IN:
                if not (status == 302 and "/login" in response.headers.get("Location", "")):
                    failures.append(f"{role} GET {url}: {status}, expected a redirect to sign in")
            elif status != want:
                failures.append(f"{role} GET {url}: {status}, expected {want}")
    slowest.sort(reverse=True)
    print(f"\ncrawl: {len(slowest)} requests in {time.perf_counter() - started:.1f} s; slowest: "
          + ", ".join(f"{role} {url} {s * 1000:.0f} ms" for s, role, url in slowest[:5]))
    assert failures == [], "\n".join(failures)


def _body_rows(html: str) -> list[str]:
    """The body rows of the paged table: the last table before the pager (a page may show a summary first)."""
    paged = html[:html.index('class="portal-pagination"')]
    paged = paged[paged.rindex("<table"):]
    return [row for row in _ROW.findall(paged) if 'scope="col"' not in row]


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_every_long_list_has_a_second_page_that_works(volume_app, volume, endpoint):
    client = _client(volume_app, volume, LISTS[endpoint])
    with volume_app.test_request_context():
        from flask import url_for

        kwargs = {}
        if endpoint == "declarations.campaign":
            kwargs["campaign_id"] = _values(volume_app, volume)["campaign_id"]
        url = url_for(endpoint, **kwargs)
    first = client.get(url)
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    match = _NEXT.search(html)
    assert match, f"{endpoint}: no link to a second page"
    second = client.get(match.group(1).replace("&amp;", "&"))
    assert second.status_code == 200
    first_rows, second_rows = _body_rows(html), _body_rows(second.get_data(as_text=True))
    assert first_rows and second_rows, f"{endpoint}: a page without rows"
    # (different people may share a name and a department: compare the pages, not single rows)
    assert first_rows != second_rows, f"{endpoint}: the second page shows the rows of the first"


@pytest.mark.parametrize("path", ["/review/register?page=999999", "/review/register?page=0",
                                  "/oath/admin/outstanding?page=x", "/review/?after=garbage",
                                  "/review/audit?before=-5"])
def test_a_page_past_the_end_or_a_bad_cursor_is_never_a_server_error(volume_app, volume, path):
    client = _client(volume_app, volume, ADMIN)
    assert client.get(path).status_code in (200, 404)


