"""Campaign day: employees each doing the reconfirmation journey while reviewers open and decide.

An employee's journey: sign in → dashboard → code of conduct → acknowledge → my declarations
→ reconfirm (the campaign form) or change one declaration → sign out, each person once, with
the links and forms read from the pages as a browser would. A reviewer: the queue → a review
page → a decision, again and again on items assigned to them. Every step is timed; any
unexpected answer is an error and ends that journey.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlencode

import psycopg

from bench.drive import StepFailed, Steps, Timings
from bench.web import SignInFailed, csrf_token, form_to, links

REVIEWER_SHARE = 8  #: one reviewer per this many concurrent users
EMPLOYEE_STEPS = ("sign in (form)", "sign in (POST)", "dashboard", "code of conduct", "acknowledge",
                  "my declarations", "reconfirm (form)", "reconfirm (POST)", "change (form)", "change (POST)",
                  "sign out")
REVIEWER_STEPS = ("review queue", "review page", "decision (POST)")


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    user_id: int
    change_id: int | None  #: a declaration in force this person may change (when no campaign task is open)


def prepare(dsn: str, candidates: list[tuple[int, str, str]], count: int) -> list[Person]:
    """``count`` employees for journeys: their acknowledgement of the code of conduct taken away (so
    that each acknowledges) and, for every other one, their campaign task opened again."""
    ids = [c[0] for c in candidates[:count]]
    with psycopg.connect(dsn) as conn:
        conn.execute("DELETE FROM policy_acknowledgement WHERE user_id = ANY(%s)", (ids,))
        conn.execute("UPDATE declaration_campaign_task SET completed_at = NULL WHERE user_id = ANY(%s) "
                     "AND user_id %% 2 = 0", (ids,))
        changeable = dict(conn.execute(
            "SELECT DISTINCT ON (owner_id) owner_id, id FROM declaration WHERE owner_id = ANY(%s) "
            "AND status IN ('approved', 'approved_with_conditions') AND pending_version_id IS NULL "
            "ORDER BY owner_id, id", (ids,)).fetchall())
        conn.commit()
    return [Person(username, password, user_id, changeable.get(user_id))
            for user_id, username, password in candidates[:count]]


def reviewer_items(dsn: str, reviewer_ids: list[int], per_reviewer: int) -> dict[int, list[int]]:
    """Items each reviewer may decide (in review, not their own, no second approval needed)."""
    items: dict[int, list[int]] = {r: [] for r in reviewer_ids}
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            """SELECT d.id FROM declaration d JOIN "user" u ON u.id = d.owner_id
               WHERE d.status IN ('submitted', 'in_review') AND NOT u.is_top_official AND NOT u.is_reviewer
               ORDER BY md5(d.id::text || 'day') LIMIT %s""", (per_reviewer * len(reviewer_ids),)).fetchall()
    for i, (decl_id,) in enumerate(rows):
        items[reviewer_ids[i % len(reviewer_ids)]].append(decl_id)
    return items


def employee_scenario(people: list[Person], policy_path: str) -> Callable[[Steps, Callable[[], bool]], None]:
    """A client that does one journey after another, each for the next person in ``people``."""

    def run(steps: Steps, over: Callable[[], bool]) -> None:
        for person in people:
            if over():
                return
            try:
                _journey(steps, person, policy_path)
                steps.done += 1
            except (StepFailed, SignInFailed, LookupError) as exc:
                steps.failed += 1
                if not isinstance(exc, StepFailed):
                    steps.by_step.setdefault("journey", Timings()).error(f"{person.username}: {exc}")

    return run


def _journey(steps: Steps, person: Person, policy_path: str) -> None:
    page = steps.step("sign in (form)", "GET", "/login")
    cookie, token = page.session_cookie(), csrf_token(page.text)
    body = urlencode({"csrf_token": token or "", "username": person.username, "password": person.password,
                      "next": "", "submit": "Aanmelden"})
    answer = steps.step("sign in (POST)", "POST", "/login", cookie=cookie, body=body, expect=(302, 303))
    cookie = answer.session_cookie() or cookie

    def renew(response):
        nonlocal cookie
        cookie = response.session_cookie() or cookie
        return response

    renew(steps.step("dashboard", "GET", "/", cookie=cookie))
    policy = renew(steps.step("code of conduct", "GET", policy_path, cookie=cookie))
    acknowledge = form_to(policy.text, r"/acknowledge$", policy_path)
    if acknowledge is not None:
        renew(steps.step("acknowledge", "POST", acknowledge.action, cookie=cookie, body=acknowledge.body(),
                         expect=(302, 303)))
    mine = renew(steps.step("my declarations", "GET", "/declarations/", cookie=cookie))
    confirm = links(mine.text, r"^/declarations/confirm/\d+$")
    if confirm:
        form_page = renew(steps.step("reconfirm (form)", "GET", confirm[0], cookie=cookie))
        form = form_to(form_page.text, r"^/declarations/confirm/\d+$", confirm[0])
        if form is None:
            raise LookupError(f"no reconfirmation form on {confirm[0]}")
        renew(steps.step("reconfirm (POST)", "POST", form.action, cookie=cookie, body=form.body(),
                         expect=(302, 303)))
    elif person.change_id is not None:
        path = f"/declarations/{person.change_id}/edit"
        form_page = renew(steps.step("change (form)", "GET", path, cookie=cookie))
        form = form_to(form_page.text, r"/edit$", path)
        if form is None:
            raise LookupError(f"no change form on {path}")
        body = form.body({"change_note": "Aantal uren per maand bijgewerkt.", "hours_per_month": "6"},
                         submit="submit")
        renew(steps.step("change (POST)", "POST", form.action, cookie=cookie, body=body, expect=(302, 303)))
    token = csrf_token(mine.text)
    steps.step("sign out", "POST", "/logout", cookie=cookie, body=urlencode({"csrf_token": token or ""}),
               expect=(302, 303))


def reviewer_scenario(username: str, password: str, items: list[int]) -> Callable[[Steps, Callable[[], bool]], None]:
    """A reviewer: signs in once (not timed as a step), then queue → review page → decision, item after item."""

    def run(steps: Steps, over: Callable[[], bool]) -> None:
        from bench.web import sign_in

        cookie, _token = sign_in(steps.conn, username, password)
        for decl_id in items:
            if over():
                return
            try:
                queue = steps.step("review queue", "GET", "/review/?assigned=", cookie=cookie)
                cookie = queue.session_cookie() or cookie
                page = steps.step("review page", "GET", f"/review/{decl_id}", cookie=cookie)
                cookie = page.session_cookie() or cookie
                form = form_to(page.text, r"/decide$", f"/review/{decl_id}")
                if form is None:
                    raise LookupError(f"no decision form on /review/{decl_id}")
                steps.step("decision (POST)", "POST", form.action, cookie=cookie,
                           body=form.body({"outcome": "approved"}, submit="submit"), expect=(302, 303))
                steps.done += 1
            except (StepFailed, LookupError):
                steps.failed += 1

    return run
