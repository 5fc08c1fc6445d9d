"""Every publication is a version: the list, old versions, and the side-by-side comparison."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.policies.diff import compare_texts
from portal.policies.models import PolicyPage, PolicyVersion, VersionStatus
from portal.policies.services import InvalidTransition, transition_version


def test_versions_list_shows_number_date_editor_and_change_summary(client, auth, demo_content, publish, make_user):
    auth.login("mjansen")  # creates the editor's user row
    publish("regulations", "Tweede tekst", editor="mjansen")
    html = client.get("/policies/regulations/versions").get_data(as_text=True)
    assert "Versie 2" in html and "Versie 1" in html
    assert "Mohamed Jansen" in html and "Test" in html and "Modeltekst: controleer deze tekst voordat u hem publiceert." in html
    assert 'href="/policies/regulations/versions/1"' in html


def test_old_version_stays_readable_with_a_notice(client, auth, demo_content, publish):
    publish("regulations", "## Nieuw\n\nDe nieuwe tekst.")
    auth.login("jdevries")
    old = client.get("/policies/regulations/versions/1").get_data(as_text=True)
    assert "Dit is niet de huidige versie" in old and "Budgethoudersregeling" in old
    assert "De nieuwe tekst." in client.get("/policies/regulations").get_data(as_text=True)
    current = client.get("/policies/regulations/versions/2").get_data(as_text=True)
    assert "Dit is de huidige versie." in current


def test_diff_marks_removed_and_added_words_and_escapes_content(client, auth, demo_content, publish):
    publish("regulations", "Regel een.\nDe oude zin <b>blijft</b>.\nRegel drie.")
    publish("regulations", "Regel een.\nDe nieuwe zin <b>blijft</b>.\nRegel drie.\n<script>alert(1)</script>")
    auth.login("jdevries")
    html = client.get("/policies/regulations/diff?from=2&to=3").get_data(as_text=True)
    assert 'class="portal-diff"' in html
    assert "<del>oude</del>" in html and "<ins>nieuwe</ins>" in html
    assert "&lt;b&gt;blijft&lt;/b&gt;" in html and "<b>blijft</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html and "<script>alert" not in html


def test_diff_defaults_to_the_newest_version_against_the_one_before(client, auth, demo_content, publish):
    publish("regulations", "Xyzzy.")
    auth.login("jdevries")
    html = client.get("/policies/regulations/diff").get_data(as_text=True)
    assert "Oud: Versie 1" in html
    assert "Nieuw: Versie 2" in html and "<ins>Xyzzy.</ins>" in html


@pytest.mark.parametrize("query", ["from=1&to=99", "from=abc&to=1", "from=1"])
def test_diff_with_unknown_versions_is_refused_cleanly(client, auth, demo_content, publish, query):
    publish("regulations", "Tweede.")
    auth.login("jdevries")
    response = client.get(f"/policies/regulations/diff?{query}")
    assert response.status_code == 200
    assert 'class="portal-diff"' not in response.get_data(as_text=True)


def test_page_with_a_single_version_says_there_is_nothing_to_compare(client, auth, demo_content):
    auth.login("jdevries")
    html = client.get("/policies/moral-judgement/diff").get_data(as_text=True)
    assert "valt nog niets te vergelijken" in html and 'class="portal-diff"' not in html


def test_compare_texts_escapes_before_wrapping():
    result = compare_texts("a <i>x</i>\n", "a <i>y</i>\n")
    assert "<i>" not in result.old and "<i>" not in result.new
    assert "<del>" in result.old and "<ins>" in result.new and result.changed


def test_published_version_can_never_change_status_again(app, demo_content):
    with app.app_context():
        version = db.session.scalar(select(PolicyVersion).join(PolicyPage).where(PolicyPage.slug == "oath"))
        assert version.status == VersionStatus.PUBLISHED
        with pytest.raises(InvalidTransition):
            transition_version(version, VersionStatus.DRAFT)
        with pytest.raises(InvalidTransition):
            transition_version(version, VersionStatus.PUBLISHED)


def test_each_publication_records_an_audit_event(app, demo_content, publish):
    from portal.core.models import AuditEvent

    publish("regulations", "Nieuwe tekst.")
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("policy.%"))).all()
    assert actions.count("policy.publish") >= 2
