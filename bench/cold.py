"""Cold pages: each request by another signed-in person, rotating over at least 200 sessions.

Every page gets a list of prepared requests (path, that person's session cookie, and for a
POST a body with that session's CSRF token and a fresh object to act on), so the page is
built for someone whose data no worker has just seen, as when people open the portal.
POSTs that change something use each prepared request once.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from typing import Callable, Optional

import psycopg

from bench.drive import Call
from bench.web import Connection, form_to, links

#: how many prepared POSTs per measurement (a POST is used once): enough for the time allowed
POSTS_AT = {1: 100, 16: 400}


@dataclass
class SignedIn:
    username: str
    user_id: int
    cookie: str
    token: str  #: a CSRF token of this session


@dataclass
class Context:
    port: int
    dsn: str
    employees: list[SignedIn]  #: ordinary employees (≥ 200 sessions)
    oath_takers: list[SignedIn]  #: employees who take the oath (the ceremony list)
    reviewers: list[SignedIn]  #: reviewers' sessions (20 reviewers, several sessions each)
    registrants: list[SignedIn]  #: employees without oath record or registration (registration POSTs)
    policy_path: str = ""
    deep_path: str = ""
    deep_page: int = 0
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class PageSpec:
    key: str
    label: str
    target: Optional[float]  #: at most this many times bare Flask's server CPU per request
    build: Callable[[Context, int], list[Call]]  #: (context, clients) → prepared requests
    once: bool = False  #: each prepared request is used once (a POST that changes something)


def _gets(path: Callable[[SignedIn], str], people: list[SignedIn], expect=(200,)) -> list[Call]:
    return [Call("GET", path(p), p.cookie, expect=expect) for p in people]


# -- preparation that needs the database or one look at a page ---------------------------------------


def policy_path(ctx: Context) -> str:
    with psycopg.connect(ctx.dsn) as conn:
        slugs = [row[0] for row in conn.execute(
            "SELECT p.slug FROM policy_page p WHERE EXISTS (SELECT 1 FROM policy_version v "
            "WHERE v.page_id = p.id AND v.status = 'published') ORDER BY p.sort_order, p.id")]
    if not slugs:
        raise LookupError("no published policy page (the policies demo loader did not run?)")
    slug = next((s for s in slugs if s in ("gedragscode", "code-of-conduct")), slugs[0])
    return f"/policies/{slug}"


def deep_queue_path(ctx: Context, page: int) -> tuple[str, int]:
    """The queue's page ``page`` (or its last), reached by following its rel=next links (keyset)."""
    import html
    import re

    conn = Connection(ctx.port)
    reviewer = ctx.reviewers[0]
    path, number = "/review/", 1
    try:
        while number < page:
            body = conn.request("GET", path, cookie=reviewer.cookie).text
            link = re.search(r'<a\s[^>]*rel="next"[^>]*>', body)
            if link is None:
                if number == 1:
                    raise LookupError("no next-page link (rel=next) on the review queue")
                break
            path = html.unescape(re.search(r'href="([^"]+)"', link.group(0)).group(1))
            number += 1
    finally:
        conn.close()
    return path, number


def _queue_ids(ctx: Context, limit: int, *, decidable: bool) -> list[tuple[int, int, int]]:
    """(declaration id, lock_version, owner) of items in HR's queue, spread over the queue."""
    where = "d.status IN ('submitted', 'in_review')" if decidable else \
        "d.status IN ('submitted', 'in_review', 'info_requested')"
    with psycopg.connect(ctx.dsn) as conn:
        rows = conn.execute(
            f"""SELECT d.id, d.lock_version, d.owner_id FROM declaration d JOIN "user" u ON u.id = d.owner_id
                WHERE {where} AND NOT u.is_top_official AND NOT u.is_reviewer
                  AND NOT EXISTS (SELECT 1 FROM review_pending_decision p WHERE p.declaration_id = d.id
                                  AND p.status = 'pending')
                ORDER BY md5(d.id::text) LIMIT %s""" if _has_table(conn, "review_pending_decision") else
            f"""SELECT d.id, d.lock_version, d.owner_id FROM declaration d JOIN "user" u ON u.id = d.owner_id
                WHERE {where} AND NOT u.is_top_official AND NOT u.is_reviewer
                ORDER BY md5(d.id::text) LIMIT %s""", (limit,)).fetchall()
    return rows


def _has_table(conn, name: str) -> bool:
    return conn.execute("SELECT to_regclass(%s) IS NOT NULL", (f'public."{name}"',)).fetchone()[0]


# -- builders -------------------------------------------------------------------------------------


def _review_pages(ctx: Context, clients: int) -> list[Call]:
    ids = ctx.notes.setdefault("_review_ids", None) or _queue_ids(ctx, 2000, decidable=False)
    ctx.notes["_review_ids"] = ids
    return [Call("GET", f"/review/{decl_id}", ctx.reviewers[i % len(ctx.reviewers)].cookie)
            for i, (decl_id, _lock, _owner) in enumerate(ids)]


_decided: set[int] = set()


def _decisions(ctx: Context, clients: int) -> list[Call]:
    """Approve items of the queue, each once, by rotating reviewers (never their own)."""
    wanted = POSTS_AT.get(clients, 700)
    sample = _sample_form(ctx, "decision")
    calls = []
    for decl_id, lock, owner in _queue_ids(ctx, wanted + len(_decided) + 50, decidable=True):
        if decl_id in _decided or len(calls) >= wanted:
            continue
        _decided.add(decl_id)
        reviewer = ctx.reviewers[len(calls) % len(ctx.reviewers)]
        if reviewer.user_id == owner:
            reviewer = ctx.reviewers[(len(calls) + 1) % len(ctx.reviewers)]
        body = sample.body({"csrf_token": reviewer.token, "lock_version": str(lock), "outcome": "approved"},
                           submit="submit")
        calls.append(Call("POST", f"/review/{decl_id}/decide", reviewer.cookie, body, expect=(302, 303)))
    return calls


def _sample_form(ctx: Context, which: str):
    """The form as the page renders it, parsed once (field names, hidden fields, buttons)."""
    key = f"_form_{which}"
    if key in ctx.notes:
        return ctx.notes[key]
    conn = Connection(ctx.port)
    try:
        if which == "decision":
            decl_id = _queue_ids(ctx, 1, decidable=True)[0][0]
            reviewer = ctx.reviewers[0]
            page = conn.request("GET", f"/review/{decl_id}", cookie=reviewer.cookie).text
            form = form_to(page, r"/decide$", f"/review/{decl_id}")
        elif which == "side-activity":
            page = conn.request("GET", "/declarations/new/side-activity", cookie=ctx.employees[0].cookie).text
            form = form_to(page, r"/declarations/new/side-activity", "/declarations/new/side-activity")
        elif which == "registration":
            session_id = _open_sessions(ctx)[0]
            page = conn.request("GET", f"/oath/sessions/{session_id}", cookie=ctx.registrants[0].cookie).text
            form = form_to(page, rf"/oath/sessions/{session_id}$", f"/oath/sessions/{session_id}")
        else:
            raise ValueError(which)
    finally:
        conn.close()
    if form is None:
        raise LookupError(f"no {which} form found on its page")
    ctx.notes[key] = form
    return form


SIDE_ACTIVITY = {
    "organisation_name": "Voetbalvereniging De Meeuwen", "organisation_kind": "foundation_association",
    "role": "Penningmeester", "description": "Ik beheer de kas en maak de jaarrekening, een paar uur per maand.",
    "is_paid": "no", "hours_per_month": "4", "start_date": "2024-09-01", "during_working_hours": "no",
    "municipality_relation": "none", "touches_own_work": "no",
    "conflict_assessment": "Geen: de vereniging heeft geen zaken met de gemeente en het raakt mijn werk niet.",
}


def _side_activity_posts(ctx: Context, clients: int) -> list[Call]:
    form = _sample_form(ctx, "side-activity")
    wanted = POSTS_AT.get(clients, 700)
    calls = []
    for i in range(wanted):
        person = ctx.employees[i % len(ctx.employees)]
        body = form.body({**SIDE_ACTIVITY, "csrf_token": person.token, "client_token": secrets.token_urlsafe(24)},
                         submit="submit")
        calls.append(Call("POST", "/declarations/new/side-activity", person.cookie, body, expect=(302, 303)))
    return calls


def _open_sessions(ctx: Context) -> list[int]:
    with psycopg.connect(ctx.dsn) as conn:
        return [row[0] for row in conn.execute(
            "SELECT id FROM oath_session WHERE status = 'scheduled' AND registration_deadline > now() "
            "AND capacity < 1000 ORDER BY starts_at")]


_registered: set[int] = set()


def _registrations(ctx: Context, clients: int) -> list[Call]:
    """Each of the registrants signs up once, for one of the sessions ahead (waiting list when full)."""
    form = _sample_form(ctx, "registration")
    sessions = _open_sessions(ctx)
    wanted = POSTS_AT.get(clients, 700)
    calls = []
    for person in ctx.registrants:
        if person.user_id in _registered or len(calls) >= wanted:
            continue
        _registered.add(person.user_id)
        session_id = sessions[len(calls) % len(sessions)]
        body = form.body({"csrf_token": person.token, "formula": "oath"}, submit="submit")
        calls.append(Call("POST", f"/oath/sessions/{session_id}", person.cookie, body, expect=(302, 303)))
    return calls


PAGES = [
    PageSpec("floor", "layout floor: /privacy signed in", 3.0, lambda c, n: _gets(lambda p: "/privacy", c.employees)),
    PageSpec("dashboard", "dashboard", 6.0, lambda c, n: _gets(lambda p: "/", c.employees)),
    PageSpec("policy", "policy page (code of conduct)", 6.0,
             lambda c, n: _gets(lambda p: c.policy_path, c.employees)),
    PageSpec("declarations", "my declarations", 6.0, lambda c, n: _gets(lambda p: "/declarations/", c.employees)),
    PageSpec("sa-form", "side-activity form (GET)", 6.0,
             lambda c, n: _gets(lambda p: "/declarations/new/side-activity", c.employees)),
    PageSpec("sa-post", "side-activity form (valid POST, submit)", 15.0, _side_activity_posts, once=True),
    PageSpec("queue", "review queue, first page", 10.0, lambda c, n: _gets(lambda p: "/review/", c.reviewers)),
    PageSpec("queue-deep", "review queue, page {deep_page}", 10.0,
             lambda c, n: _gets(lambda p: c.deep_path, c.reviewers)),
    PageSpec("review", "review page", 10.0, _review_pages),
    PageSpec("decide", "decision (POST, approve)", 15.0, _decisions, once=True),
    PageSpec("sessions", "ceremony list", 6.0, lambda c, n: _gets(lambda p: "/oath/sessions", c.oath_takers)),
    PageSpec("register", "registration for a ceremony (POST)", 15.0, _registrations, once=True),
    PageSpec("register-json", "public register JSON", 6.0,
             lambda c, n: [Call("GET", "/register.json")] * 200),
    PageSpec("annual", "annual report", None, lambda c, n: _gets(lambda p: "/reports/annual", c.reviewers)),
]


def shuffled(calls: list[Call], seed: int = 7) -> list[Call]:
    copy = list(calls)
    random.Random(seed).shuffle(copy)
    return copy


def check_links(page: str) -> list[str]:  # pragma: no cover - a debugging aid
    return links(page, r"^/")
