"""ASVS V4 (access control): every URL tried as anonymous, employee, reviewer, administrator,
integrity coordinator and confidential adviser.

Each endpoint has an explicit minimum role below; a new route without an entry
fails ``test_every_route_has_an_expected_role`` so that nobody adds a page
without deciding who may see it.
"""

from __future__ import annotations

import re

import pytest

PUBLIC, USER, REVIEWER, ADMIN = "public", "user", "reviewer", "admin"
#: roles outside the ladder: only their own holders (not reviewers, not administrators)
COORDINATOR, ADVISER = "coordinator", "adviser"
#: the annual report: HR reviewers and integrity coordinators
REPORT = "report"

#: endpoint -> the least role that may use it (admins are also reviewers in the test directory)
EXPECTED = {
    "static": PUBLIC,
    "core.healthz": PUBLIC,
    "core.privacy": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": PUBLIC,
    "auth.set_language": PUBLIC,
    "policies.advisers": PUBLIC,
    "policies.glossary": PUBLIC,
    "policies.adviser_photo": PUBLIC,
    "public_register.public": PUBLIC,
    "public_register.public_csv": PUBLIC,
    "public_register.public_json": PUBLIC,
    "core.dashboard": USER,
    "auth.account": USER,
    "auth.sign_out_everywhere": USER,
    "policies.index": USER,
    "policies.page": USER,
    "policies.acknowledge": USER,
    "policies.search": USER,
    "policies.versions": USER,
    "policies.version": USER,
    "policies.diff": USER,
    "declarations.index": USER,
    "declarations.detail": USER,
    "declarations.answer": USER,
    "declarations.edit": USER,
    "declarations.end": USER,
    "declarations.version": USER,
    "declarations.withdraw": USER,
    "declarations.confirm": USER,
    "declarations.my_data": USER,
    "declarations.my_data_json": USER,
    "declarations.new": USER,
    "declarations.nil": USER,
    "oath.my": USER,
    "oath.sessions": USER,
    "oath.session": USER,
    "oath.statement": USER,
    "oath.certificate": USER,
    "oath.calendar_file": USER,
    "oath.cancel": USER,
    "exports.index": USER,
    "exports.create": USER,
    "exports.detail": USER,
    "exports.download": USER,
    "policies.edit": REVIEWER,
    "policies.acknowledgements": REVIEWER,
    "policies.acknowledgements_csv": REVIEWER,
    "declarations.campaigns": REVIEWER,
    "declarations.campaign": REVIEWER,
    "declarations.campaign_csv": REVIEWER,
    "declarations.close": REVIEWER,
    "policies.new_page": REVIEWER,
    "oath.admin_sessions": REVIEWER,
    "oath.admin_outstanding": REVIEWER,
    "oath.admin_outstanding_csv": REVIEWER,
    "oath.admin_outstanding_remind": REVIEWER,
    "oath.admin_mark": REVIEWER,
    "oath.admin_session": REVIEWER,
    "oath.admin_attendance": REVIEWER,
    "oath.admin_attendance_csv": REVIEWER,
    "oath.admin_cancel_session": REVIEWER,
    "oath.admin_edit_session": REVIEWER,
    "oath.admin_new_session": REVIEWER,
    "oath.admin_statements": REVIEWER,
    "oath.admin_import": REVIEWER,
    "oath.admin_import_apply": REVIEWER,
    "oath.admin_formulas": REVIEWER,
    "oath.admin_new_formula": REVIEWER,
    "review.queue": REVIEWER,
    "review.detail": REVIEWER,
    "review.assessment": REVIEWER,
    "review.assign": REVIEWER,
    "review.declaration_audit": REVIEWER,
    "review.decide": REVIEWER,
    "review.note": REVIEWER,
    "review.summary": REVIEWER,
    "review.proposal": REVIEWER,
    "review.question": REVIEWER,
    "review.take": REVIEWER,
    "review.register": REVIEWER,
    "review.register_csv": REVIEWER,
    "review.register_xlsx": REVIEWER,
    "review.ask_advice_on_declaration": REVIEWER,
    "review.withdraw_advice_request": REVIEWER,
    # the manager's pages: every signed-in person has a list (their own questions, often none); a
    # question itself only for the manager asked (404 for everyone else, tests/review/test_advice.py)
    "review.advice_requests": USER,
    "review.advice": USER,
    "review.answer_advice_request": USER,
    "reports.annual": REPORT,
    "reports.annual_csv": REPORT,
    "reports.annual_pdf": REPORT,
    "reports.explain": COORDINATOR,
    "reports.close": COORDINATOR,
    "reports.reopen": COORDINATOR,
    "concerns.new": USER,
    "concerns.mine": USER,
    "concerns.index": COORDINATOR,
    "concerns.export_csv": COORDINATOR,
    "concerns.register": COORDINATOR,
    "concerns.case": COORDINATOR,
    "concerns.confirm": COORDINATOR,
    "concerns.classify": COORDINATOR,
    "concerns.investigation": COORDINATOR,
    "concerns.outcome": COORDINATOR,
    "concerns.close": COORDINATOR,
    "concerns.note": COORDINATOR,
    "concerns.attach": COORDINATOR,
    "concerns.attachment": COORDINATOR,
    "gifts.index": USER,
    "gifts.new": USER,
    "gifts.detail": USER,
    "gifts.decide": USER,
    # HR deciding on the gift, not the manager (403 for anyone else; tests/gifts/test_advice.py)
    "gifts.ask_advice_on_gift": USER,
    "gifts.team": USER,
    "gifts.register": REPORT,
    "gifts.register_csv": REPORT,
    "adviser_contacts.index": ADVISER,
    "review.audit": ADMIN,
    "review.audit_csv": ADMIN,
    "admin.mail": ADMIN,
    "admin.setup": ADMIN,
    "admin.mail_message": ADMIN,
    "admin.retry_mail": ADMIN,
    "admin.send_test_mail": ADMIN,
    "admin.dev_inbox": ADMIN,
    "admin.dev_inbox_message": ADMIN,
    "admin.dev_inbox_attachment": ADMIN,
    "policies.manage_advisers": ADMIN,
    "policies.edit_adviser": ADMIN,
    "policies.new_adviser": ADMIN,
    "policies.set_adviser_visibility": ADMIN,
}

RANK = {PUBLIC: 0, USER: 1, REVIEWER: 2, ADMIN: 3}
ACCOUNTS = {"anonymous": None, USER: "jdevries", REVIEWER: "mjansen", ADMIN: "lvisser",
            COORDINATOR: "rkoster", ADVISER: "bhaan"}
#: the accounts outside the ladder are plain employees on it
LADDER = {COORDINATOR: USER, ADVISER: USER}


def may(who: str, needed: str) -> bool:
    """Whether ``who`` may use an endpoint whose EXPECTED role is ``needed``."""
    if who == "anonymous":
        return needed == PUBLIC
    if needed in (COORDINATOR, ADVISER):
        return who == needed
    if needed == REPORT:
        return who in (REVIEWER, ADMIN, COORDINATOR)
    return RANK[LADDER.get(who, who)] >= RANK[needed]
#: development-only pages (the mail catcher's inbox): 404 for administrators too unless PORTAL_DEV_MAIL is on
DEVELOPMENT_ONLY = {"admin.dev_inbox", "admin.dev_inbox_message", "admin.dev_inbox_attachment"}
#: pages that are public although their endpoint is not (help must never be behind a login wall)
PUBLIC_PATHS = {"/policies/reporting"}
MISSING_ID = 987654


def _sample_url(rule) -> str | None:
    """A concrete URL for a rule: ids that do not exist, a known slug, an allowed 'any' value."""
    url = rule.rule
    url = re.sub(r"<int:[a-z_]+>", str(MISSING_ID), url)
    url = re.sub(r"<any\(([a-z]+)[^)]*\):[a-z_]+>", r"\1", url)
    url = url.replace("<slug>", "code-of-conduct").replace("<kind_slug>", "side-activity")
    url = url.replace("<path:filename>", "css/portal.css")
    return None if "<" in url else url


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_route_has_an_expected_role(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - set(EXPECTED) == set(), "add the new endpoints to EXPECTED with their role"
    assert set(EXPECTED) - endpoints == set(), "remove endpoints that no longer exist"


@pytest.mark.parametrize("who", ["anonymous", USER, REVIEWER, ADMIN, COORDINATOR, ADVISER])
def test_every_url_answers_as_expected_for_each_role(app, client, auth, runner, who):
    assert runner.invoke(args=["portal", "seed-demo"]).exit_code == 0  # policy pages, sessions, declarations
    if ACCOUNTS[who]:
        assert auth.login(ACCOUNTS[who]).status_code == 302
    token = client.csrf_token()
    failures = []
    for rule, method in _routes(app):
        if rule.endpoint in ("auth.logout", "auth.set_language", "auth.login", "auth.sign_out_everywhere"):
            continue  # covered by the sign-in tests; they would end or change this session
        url = _sample_url(rule)
        if url is None:
            continue
        needed = PUBLIC if url in PUBLIC_PATHS else EXPECTED[rule.endpoint]
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": token})
        status = response.status_code
        # As a browser (and the WSGI server) would: finish the response, so that a streamed
        # export's request context ends before the next request starts.
        response.close()
        has_id = str(MISSING_ID) in url
        if status >= 500:
            failures.append(f"{method} {url}: {status}")
        elif needed == PUBLIC:
            if status not in ((404,) if has_id else (200, 302, 400)) and not (method == "POST" and status == 400):
                failures.append(f"{method} {url}: {status} for a public URL")
        elif who == "anonymous":
            if not (status == 302 and "/login" in response.headers.get("Location", "")):
                failures.append(f"{method} {url}: {status}, anonymous must be sent to sign in")
        elif not may(who, needed):
            if status not in (403, 404):
                failures.append(f"{method} {url}: {status}, {who} must be refused")
        else:
            allowed = (404,) if has_id or rule.endpoint in DEVELOPMENT_ONLY else (
                (200, 302, 400) if method == "POST" else (200, 302))
            if status not in allowed:
                failures.append(f"{method} {url}: {status} for {who}")
    assert failures == []
