"""The page cache: a page seen again costs one query, and no change is ever hidden by it.

"Another app server" is a second app on the same database with its own cache: only the
version stamps in the database can tell it that something changed.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, event, select, update

from portal.auth.models import User
from portal.core.pagecache import PageStore, page_store
from portal.extensions import db
from tests.declarations.helpers import SIDE_FORM, declare, make_user

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture()
def other_server(app_config):
    """A second app server on the same database."""
    from portal import create_app
    from portal.core import pagecache

    other = create_app(app_config)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()
        pagecache.dispose(other)


@pytest.fixture()
def statements():
    """Every SQL statement any engine of this process sends while the test runs."""
    sent: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    yield sent
    event.remove(Engine, "before_cursor_execute", count)


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _on(app, change) -> None:
    """Run ``change()`` in ``app`` and commit, as a request on that server would."""
    with app.app_context():
        change()
        db.session.commit()


def test_a_page_seen_again_costs_one_query_and_is_the_same(app, client, auth, statements):
    auth.login("jdevries")
    first = _body(client.get("/declarations/"))
    statements.clear()
    second = _body(client.get("/declarations/"))
    assert second == first
    assert len(statements) == 1, statements  # the stamps check; no page was built
    assert len(page_store(app)) >= 1


def test_own_declaration_shows_on_the_next_page(app, client, auth):
    auth.login("jdevries")
    assert "Voetbalvereniging De Bal" not in _body(client.get("/declarations/"))
    client.get("/declarations/")  # now from the cache
    response = client.submit("/declarations/new/side-activity", {**SIDE_FORM, "submit": "Indienen"},
                             follow_redirects=True)  # the confirmation is shown (and used up) there
    assert "Uw verklaring is ingediend" in _body(response)
    assert "Voetbalvereniging De Bal" in _body(client.get("/declarations/"))


def test_a_change_on_another_server_shows_at_once(app, other_server, client, auth):
    """The person's own stamp: their name changed by the directory sync on another node."""
    auth.login("jdevries")
    before = _body(client.get("/"))
    assert _body(client.get("/")) == before  # cached

    def rename():
        db.session.execute(select(User).where(User.username == "jdevries")).scalar_one().display_name = "J. Hernoemd"

    _on(other_server, rename)
    assert "J. Hernoemd" in _body(client.get("/"))


def test_a_declaration_decided_elsewhere_leaves_the_owners_cached_pages(app, other_server, client, auth):
    """HR's decision on another server bumps the owner's stamp, found through the declaration's version."""
    with app.app_context():
        declaration_id = declare(make_user("jdevries")).id
        db.session.commit()
    auth.login("jdevries")
    before = _body(client.get("/declarations/"))
    assert "Afgewezen" not in before
    assert _body(client.get("/declarations/")) == before  # cached

    def refuse():
        from portal.declarations.models import Declaration
        from portal.declarations.services import decide_version

        version = db.session.get(Declaration, declaration_id).pending_version
        decide_version(version, "refused", make_user("mjansen", is_reviewer=True), reason="Te veel uren.")

    _on(other_server, refuse)
    assert "Afgewezen" in _body(client.get("/declarations/"))


def test_shared_content_changed_on_another_server_shows_at_once(app, other_server, client, auth):
    from portal.policies.demo import load_demo_content
    from portal.policies.models import PolicyVersion

    _on(app, load_demo_content)
    auth.login("jdevries")
    before = _body(client.get("/policies/code-of-conduct"))
    assert _body(client.get("/policies/code-of-conduct")) == before

    def retitle():
        for version in db.session.scalars(select(PolicyVersion)):
            version.title = f"{version.title} (herzien)"

    _on(other_server, retitle)
    assert "(herzien)" in _body(client.get("/policies/code-of-conduct"))


def test_a_bulk_update_is_seen_too(app, client, auth):
    with app.app_context():
        make_user("jdevries")
        db.session.commit()
    auth.login("jdevries")
    client.get("/")
    client.get("/")

    def bulk_rename():
        db.session.execute(update(User).where(User.username == "jdevries").values(display_name="Bulk Naam"))

    _on(app, bulk_rename)
    assert "Bulk Naam" in _body(client.get("/"))


def test_a_role_taken_away_elsewhere_closes_the_cached_review_queue(app, other_server, client, auth):
    auth.login("mjansen")  # a reviewer in the test directory
    _body(client.get("/review/"))
    _body(client.get("/review/"))  # cached

    def revoke():
        db.session.execute(select(User).where(User.username == "mjansen")).scalar_one().is_reviewer = False

    _on(other_server, revoke)
    assert client.get("/review/").status_code == 403


def test_signed_out_everywhere_or_left_means_no_cached_page(app, other_server, client, auth):
    auth.login("jdevries")
    _body(client.get("/"))
    _body(client.get("/"))

    def end_sessions():
        db.session.execute(select(User).where(User.username == "jdevries")).scalar_one().session_generation += 1

    _on(other_server, end_sessions)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_message_after_an_action_is_shown_once(app, client, auth):
    auth.login("jdevries")
    client.get("/")
    client.get("/")  # cached
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Uw verklaring is ingediend.")]
    assert "Uw verklaring is ingediend." in _body(client.get("/"))
    assert "Uw verklaring is ingediend." not in _body(client.get("/"))


def test_the_language_switch_is_not_hidden_by_the_cache(app, client, auth):
    auth.login("jdevries")
    dutch = _body(client.get("/"))
    assert 'lang="nl"' in dutch
    client.submit("/language", {"lang": "en", "next": "/"})
    assert 'lang="en"' in _body(client.get("/"))


def test_the_form_token_on_a_cached_page_is_valid(app, client, auth):
    auth.login("jdevries")
    client.get("/")
    cached = _body(client.get("/"))
    token = _TOKEN.search(cached)
    assert token is not None, "the dashboard has the sign-out form"
    response = client.post("/logout", data={"csrf_token": token.group(1)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # signed out


def test_another_persons_page_is_never_served(app, client, auth):
    with app.app_context():
        declare(make_user("jdevries"))
        db.session.commit()
    auth.login("jdevries")
    assert "Voetbalvereniging De Bal" in _body(client.get("/declarations/"))
    auth.logout()
    auth.login("sbakker")
    assert "Voetbalvereniging De Bal" not in _body(client.get("/declarations/"))


def test_the_cache_can_be_switched_off(app_config, statements):
    from portal import create_app

    app_config["PAGE_CACHE_MB"] = 0
    app = create_app(app_config)
    client = app.test_client()
    with client.session_transaction() as session:
        session.update({"_user_id": "1:0", "lang": "nl"})
    client.get("/")
    assert page_store(app) is None
    with app.app_context():
        db.engine.dispose()


def test_the_store_is_bounded_and_forgets_the_least_recently_used():
    store = PageStore(max_bytes=8 * 100, seconds=60)
    for n in range(12):
        store.put(("page", n), b"x" * 100, "text/html")
    assert store.size <= 800
    assert store.get(("page", 0)) is None
    assert store.get(("page", 11)) is not None


def test_an_expired_page_is_built_again_by_one_request_while_the_others_get_it_still():
    store = PageStore(max_bytes=10_000, seconds=0)
    store.put("key", b"old", "text/html")
    assert store.get("key") is None  # this request builds it again
    assert store.get("key").body == b"old"  # meanwhile another thread: no second build
    store.put("key", b"new", "text/html")
    store.release("key")
    assert store.get("key") is None  # expired again (lifetime 0): one request builds it
    store.release("key")  # that build failed or was not storable
    assert store.get("key") is None  # so the next request tries


def test_a_declaration_submitted_elsewhere_shows_in_the_cached_queue_with_its_count(app, other_server, client, auth):
    """The review stamp: the list and the counts above it are both rebuilt, on every server."""
    with app.app_context():
        declare(make_user("jdevries"))
        db.session.commit()
    auth.login("mjansen")
    before = _body(client.get("/review/"))
    assert re.search(r"Ingediend</a>: <strong>1</strong>", before)
    assert _body(client.get("/review/")) == before  # cached, counts included

    def submit_another():
        declare(make_user("sbakker"))

    _on(other_server, submit_another)
    after = _body(client.get("/review/"))
    assert re.search(r"Ingediend</a>: <strong>2</strong>", after), "the counts are as fresh as the list"
    assert len(re.findall(r'href="/review/(\d+)"', after)) == 2


def test_signing_in_again_bumps_nothing_but_a_changed_name_does(app, client, auth):
    """The time of the last sign-in is on no page: a sign-in must not rebuild that person's pages."""
    auth.login("jdevries")
    auth.logout()

    def stamp() -> int:
        with app.app_context():
            return db.session.scalar(select(User.page_version).where(User.username == "jdevries"))

    before = stamp()
    auth.login("jdevries")
    assert stamp() == before

    def rename():
        db.session.execute(select(User).where(User.username == "jdevries")).scalar_one().display_name = "Jan Nieuw"

    _on(app, rename)
    assert stamp() == before + 1


def test_a_check_connection_cut_by_the_database_is_replaced_and_no_page_is_wrong(app, client, auth, caplog):
    """Each request thread keeps a connection for the check; one that PostgreSQL closed (a restart,
    an administrator) costs one page built the normal way, and the next check connects anew."""
    from sqlalchemy import text

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has no server connection: the check runs on the app's engine")
    auth.login("jdevries")
    first = _body(client.get("/declarations/"))
    assert _body(client.get("/declarations/")) == first
    assert not [r for r in caplog.records if r.name == "portal.core.pagecache"]  # the check worked
    reader = app.extensions["portal_stamp_reader"]
    cut = reader._local.connection.driver_connection.info.backend_pid
    with app.app_context():
        assert db.session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": cut})
        db.session.commit()
    assert _body(client.get("/declarations/")) == first
    assert _body(client.get("/declarations/")) == first
    assert reader._local.connection.driver_connection.info.backend_pid != cut
