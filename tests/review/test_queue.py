"""The queue: oldest first, filters, counts per status, waiting time, keyset pages, constant queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from portal.core.time import utcnow
from portal.declarations.models import Declaration, DeclarationKind
from portal.declarations.states import DeclarationStatus
from portal.extensions import db
from portal.review.queries import decode_cursor, encode_cursor
from tests.review.helpers import count_queries, declare, follow_pages, make_user, person


def _age(declaration_id: int, days: int) -> None:
    db.session.execute(update(Declaration).where(Declaration.id == declaration_id)
                       .values(submitted_at=utcnow() - timedelta(days=days)))


def _ids_in(html: str) -> list[int]:
    """Declaration ids in queue order (the name links)."""
    return [int(m) for m in re.findall(r'href="/review/(\d+)"', html)]


@pytest.fixture()
def queue(app):
    """Five items of different people, ages and kinds; returns their ids by name."""
    with app.app_context():
        ids = {
            "old": declare(person("jdevries")).id,
            "top": declare(person("pmeijer")).id,
            "risk": declare(person("nmulder"), DeclarationKind.financial_interest).id,
            "new": declare(person("sbakker")).id,
            "own": declare(person("mjansen")).id,
        }
        for name, days in (("old", 40), ("top", 20), ("risk", 10), ("new", 1), ("own", 50)):
            _age(ids[name], days)
        db.session.commit()
        return ids


def test_queue_is_oldest_first_without_own_declarations_and_marks_overdue(clock, client, auth, queue):
    auth.login("mjansen")
    html = client.get("/review/").get_data(as_text=True)
    assert _ids_in(html) == [queue["old"], queue["top"], queue["risk"], queue["new"]]
    assert html.count("Over de termijn</span>") == 1  # only the 40-day-old one is past 28 days
    assert "40 dagen" in html and "1 dag" in html


@pytest.mark.parametrize("query, expected", [
    ("kind=financial_interest", ["risk"]),
    ("department=Directie", ["top"]),
    ("top_official=yes", ["top"]),
    ("high_risk=yes", ["risk"]),
    ("high_risk=no&top_official=no", ["old", "new"]),
    ("waiting=14", ["old", "top"]),
    ("waiting=overdue", ["old"]),
    ("assigned=unassigned", ["old", "top", "risk", "new"]),
    ("assigned=me", []),
])
def test_queue_filters(client, auth, queue, query, expected):
    auth.login("mjansen")
    html = client.get(f"/review/?{query}").get_data(as_text=True)
    assert _ids_in(html) == [queue[name] for name in expected]


def test_one_statement_serves_every_filter_value_and_reviewer(app, client, auth, queue):
    """The page's statement is built once per filter shape: the values chosen and the reviewer are parameters."""
    from portal.review.services import take_declaration

    with app.app_context():
        take_declaration(db.session.get(Declaration, queue["top"]), person("abakker"))
        db.session.commit()
    auth.login("mjansen")
    assert _ids_in(client.get("/review/?department=Directie").get_data(as_text=True)) == [queue["top"]]
    assert _ids_in(client.get("/review/?department=Openbare+Werken").get_data(as_text=True)) == \
        [queue["old"], queue["risk"]]
    assert _ids_in(client.get("/review/?waiting=7").get_data(as_text=True)) == [queue["old"], queue["top"], queue["risk"]]
    assert len(_ids_in(client.get("/review/?waiting=30").get_data(as_text=True))) == 4  # not a choice: ignored
    assert _ids_in(client.get("/review/?assigned=me").get_data(as_text=True)) == []
    auth.logout()
    auth.login("abakker")  # another reviewer: their own assignment, and mjansen's declaration in their queue
    assert _ids_in(client.get("/review/?assigned=me").get_data(as_text=True)) == [queue["top"]]
    assert queue["own"] in _ids_in(client.get("/review/").get_data(as_text=True))


def test_counts_per_status_and_status_filter(app, client, auth, queue):
    from portal.review.services import take_declaration

    with app.app_context():
        take_declaration(db.session.get(Declaration, queue["top"]), person("abakker"))
        db.session.commit()
    auth.login("mjansen")
    html = client.get("/review/").get_data(as_text=True)
    assert re.search(r"Ingediend</a>: <strong>3</strong>", html)
    assert re.search(r"In behandeling</a>: <strong>1</strong>", html)
    assert _ids_in(client.get("/review/?status=in_review").get_data(as_text=True)) == [queue["top"]]
    assert _ids_in(client.get("/review/?assigned=me").get_data(as_text=True)) == []


def test_invalid_filter_value_is_reported_and_ignored(client, auth, queue):
    auth.login("mjansen")
    response = client.get("/review/?kind=everything")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "utrecht-form-field-error-message" in html
    assert len(_ids_in(html)) == 4


def test_keyset_pages_cover_the_queue_once_in_order(app, client, auth):
    with app.app_context():
        owner = person("jdevries")
        ids = [declare(owner).id for _ in range(7)]
        same_moment = utcnow() - timedelta(days=3)
        db.session.execute(update(Declaration).where(Declaration.id.in_(ids[2:5])).values(submitted_at=same_moment))
        db.session.commit()
        from portal.review import queries

        queries_page = queries.QUEUE_PAGE
        queries.QUEUE_PAGE = 3
    try:
        auth.login("mjansen")
        pages = follow_pages(client, "/review/", lambda html: [_ids_in(html)])
    finally:
        queries.QUEUE_PAGE = queries_page
    assert [len(page) for page in pages] == [3, 3, 1]
    seen = [i for page in pages for i in page]
    assert sorted(seen) == sorted(ids) and len(seen) == len(ids)
    assert seen[:3] == ids[2:5]  # the oldest (three at the same moment, by id) first


def test_cursor_round_trip_and_garbage():
    moment = utcnow()
    assert decode_cursor(encode_cursor(moment, 42)) == (moment, 42)
    assert decode_cursor("nonsense") is None and decode_cursor("1.x") is None and decode_cursor(None) is None


def _fill(app, count: int) -> None:
    with app.app_context():
        departments = ["Burgerzaken", "ICT", "Openbare Werken"]
        for i in range(count):
            owner = make_user(f"bulk{i}", display_name=f"Medewerker {i}", department=departments[i % 3])
            declare(owner, DeclarationKind.side_activity if i % 2 else DeclarationKind.financial_interest)
        db.session.commit()


def _queries_for(app, client, url: str) -> int:
    client.get(url)  # warm up (templates, user)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


def _approve_everything_submitted(app) -> None:
    with app.app_context():
        from portal.review.services import decide_version

        reviewer = person("abakker")
        for declaration in db.session.scalars(
            db.select(Declaration).where(Declaration.status == DeclarationStatus.submitted)
        ):
            decide_version(declaration.pending_version, "approved", reviewer)
        db.session.commit()


def test_queue_and_register_queries_do_not_grow_with_rows(app, client, auth):
    """5 or 40 items in the queue, 5 or 45 lines on the register's one page: the same number of queries."""
    _fill(app, 5)
    auth.login("mjansen")
    small_queue = _queries_for(app, client, "/review/")
    _approve_everything_submitted(app)
    small_register = _queries_for(app, client, "/review/register")
    _fill(app, 40)
    html = client.get("/review/").get_data(as_text=True)
    assert len(_ids_in(html)) == 40
    assert _queries_for(app, client, "/review/") == small_queue
    _approve_everything_submitted(app)
    assert client.get("/review/register").get_data(as_text=True).count("<tr class=\"utrecht-table__row\">") >= 45
    assert _queries_for(app, client, "/review/register") == small_register


def test_counts_follow_a_new_submission_at_once(app, client, auth, queue):
    """The counts are shared for a few seconds, but a change made here clears them."""
    auth.login("mjansen")
    html = client.get("/review/").get_data(as_text=True)
    assert re.search(r"Ingediend</a>: <strong>4</strong>", html)
    with app.app_context():
        declare(person("sbakker"), DeclarationKind.financial_interest)
        db.session.commit()
    html = client.get("/review/").get_data(as_text=True)
    assert re.search(r"Ingediend</a>: <strong>5</strong>", html)
    assert len(_ids_in(html)) == 5
