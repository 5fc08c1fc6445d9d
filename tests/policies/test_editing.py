"""HR edits a page: roles, preview, drafts, publication, validation that keeps the text, and conflicts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.policies.models import PolicyVersion
from portal.policies.services import MAX_BODY_CHARS

EDIT = "/policies/regulations/edit"


def _input_value(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html).group(1)


def _form(client, url=EDIT) -> dict:
    """The edit form as the browser would send it back, unchanged."""
    html = client.get(url).get_data(as_text=True)
    base = _input_value(html, "base_version_id")
    title = _input_value(html, "title")
    return {
        "language": "nl",
        "title": title,
        "description": "Regelingen op een rij.",
        "body": "## Overzicht\n\nNieuwe tekst.",
        "summary": "",
        "effective_at": _input_value(html, "effective_at"),
        "base_version_id": base,
    }


def _version_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(PolicyVersion.id)))


@pytest.mark.parametrize(
    "username, expected",
    [(None, 302), ("jdevries", 403), ("mjansen", 200), ("lvisser", 200)],
)
def test_only_hr_and_administrators_may_edit(client, auth, demo_content, username, expected):
    if username:
        auth.login(username)
    response = client.get(EDIT)
    assert response.status_code == expected
    if expected == 302:
        assert "/login" in response.headers["Location"]


def test_employee_cannot_post_an_edit(client, auth, demo_content, app):
    auth.login("jdevries")
    before = _version_count(app)
    response = client.submit(EDIT, {"title": "x", "body": "y", "publish": "Publiceren"})
    assert response.status_code == 403 and _version_count(app) == before


def test_editing_an_unknown_page_is_a_404(client, auth, demo_content):
    auth.login("mjansen")
    assert client.get("/policies/nope/edit").status_code == 404


def test_preview_shows_sanitised_html_and_saves_nothing(client, auth, demo_content, app):
    auth.login("mjansen")
    data = _form(client)
    data.update(body="## Voorbeeldkop\n\n<script>alert(1)</script> [x](javascript:alert(1))", preview="Voorbeeld")
    before = _version_count(app)
    html = client.submit(EDIT, data).get_data(as_text=True)
    assert _version_count(app) == before
    preview = html.split('id="preview-heading"')[1]
    assert '<h2 id="h-voorbeeldkop">Voorbeeldkop</h2>' in preview
    assert "<script>" not in preview and 'href="javascript' not in preview
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the typed text is kept in the textarea


def test_publishing_makes_a_new_numbered_version_that_employees_read(client, auth, demo_content):
    auth.login("mjansen")
    data = _form(client)
    data.update(body="## Overzicht\n\nDe nieuwe regels.", summary="Regels bijgewerkt", publish="Publiceren")
    response = client.submit(EDIT, data)
    assert response.status_code == 302
    auth.logout()
    auth.login("jdevries")
    html = client.get("/policies/regulations").get_data(as_text=True)
    assert "De nieuwe regels." in html and "Versie 2" in html and "Regels bijgewerkt" in html


def test_draft_is_invisible_to_employees(client, auth, demo_content, app):
    auth.login("mjansen")
    data = _form(client)
    data.update(body="Geheim concept", title="Concepttitel", save_draft="Opslaan als concept")
    assert client.submit(EDIT, data).status_code == 302
    # HR continues from the draft
    assert "Geheim concept" in client.get(EDIT).get_data(as_text=True)
    auth.logout()
    auth.login("jdevries")
    assert "Geheim concept" not in client.get("/policies/regulations").get_data(as_text=True)
    assert "Geheim concept" not in client.get("/policies/search?q=geheim").get_data(as_text=True)
    versions = client.get("/policies/regulations/versions").get_data(as_text=True)
    assert "Concepttitel" not in versions and "concept van" not in versions
    with app.app_context():
        draft_id = db.session.scalar(select(PolicyVersion.id).where(PolicyVersion.title == "Concepttitel"))
    assert draft_id is not None
    assert client.get("/policies/regulations/versions/2").status_code == 404


def test_publish_without_change_summary_keeps_everything_typed(client, auth, demo_content, app):
    auth.login("mjansen")
    data = _form(client)
    data.update(body="Mijn zorgvuldig geschreven tekst", title="", summary="", publish="Publiceren")
    before = _version_count(app)
    response = client.submit(EDIT, data)
    html = response.get_data(as_text=True)
    assert _version_count(app) == before
    assert "Vul een titel in." in html
    assert "Beschrijf kort wat er is veranderd" in html
    assert "Mijn zorgvuldig geschreven tekst" in html


def test_effective_date_in_the_past_is_refused(client, auth, demo_content):
    auth.login("mjansen")
    data = _form(client)
    yesterday = date.fromisoformat(data["effective_at"]) - timedelta(days=1)
    data.update(effective_at=yesterday.isoformat(), summary="x", publish="Publiceren")
    html = client.submit(EDIT, data).get_data(as_text=True)
    assert "De datum mag niet in het verleden liggen." in html


def test_oversize_body_gets_a_dutch_error_and_nothing_is_saved(client, auth, demo_content, app):
    auth.login("mjansen")
    data = _form(client)
    data.update(body="a" * (MAX_BODY_CHARS + 1), summary="groot", publish="Publiceren")
    before = _version_count(app)
    html = client.submit(EDIT, data).get_data(as_text=True)
    assert f"De tekst is te lang: hoogstens {MAX_BODY_CHARS} tekens" in html
    assert _version_count(app) == before


def test_second_editor_gets_a_conflict_and_keeps_their_text(client, auth, demo_content, app):
    auth.login("mjansen")
    stale = _form(client)  # both editors open the form on version 1
    auth.logout()
    auth.login("lvisser")
    first = dict(stale, body="Tekst van de eerste redacteur", summary="Eerste", publish="Publiceren")
    assert client.submit(EDIT, first).status_code == 302
    auth.logout()
    auth.login("mjansen")

    second = dict(stale, body="Tekst van de tweede redacteur", summary="Tweede", publish="Publiceren")
    response = client.submit(EDIT, second)
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Iemand anders heeft deze pagina intussen opgeslagen" in html
    assert "Lotte Visser heeft versie 2 gepubliceerd op" in " ".join(html.split())
    assert "Tekst van de tweede redacteur" in html  # their own text, still in the form
    assert "Tekst van de eerste redacteur" in html  # the newest version, shown to compare
    with app.app_context():
        bodies = db.session.scalars(select(PolicyVersion.body_markdown)).all()
    assert "Tekst van de tweede redacteur" not in bodies

    # having seen the other version, saving again makes theirs the newest
    base = _input_value(html, "base_version_id")
    again = dict(second, base_version_id=base)
    assert client.submit(EDIT, again).status_code == 302
    assert "Tekst van de tweede redacteur" in client.get("/policies/regulations").get_data(as_text=True)


def test_a_saved_draft_also_conflicts_with_a_stale_form(client, auth, demo_content):
    auth.login("mjansen")
    stale = _form(client)
    assert client.submit(EDIT, dict(stale, save_draft="Opslaan als concept")).status_code == 302
    response = client.submit(EDIT, dict(stale, summary="x", publish="Publiceren"))
    assert response.status_code == 409
    html = " ".join(response.get_data(as_text=True).split())
    assert "U heeft een concept opgeslagen op" in html and "Iemand anders" not in html


def test_publishing_from_two_tabs_says_it_was_you_in_another_window(client, auth, demo_content):
    auth.login("mjansen")
    stale = _form(client)  # the same editor, two tabs on version 1
    assert client.submit(EDIT, dict(stale, body="Eerste tab", summary="Een", publish="Publiceren")).status_code == 302
    response = client.submit(EDIT, dict(stale, body="Tweede tab", summary="Twee", publish="Publiceren"))
    html = " ".join(response.get_data(as_text=True).split())
    assert response.status_code == 409
    assert "U heeft deze pagina intussen zelf al opgeslagen in een ander venster" in html
    assert "U heeft versie 2 gepubliceerd op" in html
    assert "Iemand anders" not in html and "Mohamed Jansen heeft" not in html and "Versie 2 gepubliceerd" not in html
    client.submit("/language", {"lang": "en", "next": "/"})
    english = " ".join(client.submit(EDIT, dict(stale, body="Derde", summary="Drie", publish="Publiceren"))
                       .get_data(as_text=True).split())
    assert "You have already saved this page yourself in another window" in english
    assert "You published version 2 on" in english


def test_editing_the_english_text_does_not_conflict_with_the_dutch_one(client, auth, demo_content):
    auth.login("mjansen")
    dutch = _form(client)
    english = _form(client, "/policies/regulations/edit?language=en")
    assert english["base_version_id"] == ""  # no English text yet
    english.update(language="en", title="Regulations", body="English text", summary="Translation", publish="Publiceren")
    assert client.submit(EDIT, english).status_code == 302
    dutch.update(summary="Bijgewerkt", publish="Publiceren")
    assert client.submit(EDIT, dutch).status_code == 302


def test_future_version_is_not_current_yet(client, auth, demo_content, publish):
    publish("regulations", "Toekomstige regels", days_ahead=30)
    auth.login("jdevries")
    assert "Toekomstige regels" not in client.get("/policies/regulations").get_data(as_text=True)
    assert "Toekomstige regels" in client.get("/policies/regulations/versions/2").get_data(as_text=True)


def test_hr_adds_a_page_and_publishes_its_first_version(client, auth, demo_content):
    auth.login("mjansen")
    assert 'href="/policies/new"' in client.get("/policies/").get_data(as_text=True)

    response = client.submit("/policies/new", {"slug": " Regeling-Geschenken "}, follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"].endswith("/policies/regeling-geschenken/edit")
    form = _form(client, "/policies/regeling-geschenken/edit")
    form.update(title="Regeling geschenken", description="Wat u mag aannemen.", body="## Geschenken\n\nTot € 50.",
                summary="Eerste versie.")
    published = client.submit("/policies/regeling-geschenken/edit", {**form, "publish": "Publiceren"})
    assert published.status_code == 302
    auth.logout()

    auth.login("jdevries")
    page = client.get("/policies/regeling-geschenken").get_data(as_text=True)
    assert "Regeling geschenken" in page and "Tot € 50." in page
    assert client.get("/policies/new").status_code == 403
    auth.logout()
    assert "/login" in client.get("/policies/regeling-geschenken").headers["Location"]  # not public


@pytest.mark.parametrize("slug, message", [
    ("", "Vul het adres van de pagina in."),
    ("regeling geschenken!", "Gebruik alleen kleine letters, cijfers en koppeltekens"),
    ("-regeling", "Gebruik alleen kleine letters, cijfers en koppeltekens"),
    ("ab", "Het adres heeft 3 tot 64 tekens."),
    ("regulations", "Dit adres is al in gebruik."),
    ("search", "Dit adres is al in gebruik."),
])
def test_a_new_page_needs_a_free_and_readable_address(client, auth, demo_content, app, slug, message):
    auth.login("mjansen")
    with app.app_context():
        from portal.policies.models import PolicyPage

        before = db.session.scalar(select(func.count(PolicyPage.id)))
    response = client.submit("/policies/new", {"slug": slug, "is_public": "y"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in html
    assert f'value="{slug.strip().lower()}"' in html or not slug  # what was typed stays in the field
    with app.app_context():
        assert db.session.scalar(select(func.count(PolicyPage.id))) == before


@pytest.mark.parametrize("typed, message", [
    ("2026-02-30", "Vul een bestaande datum in"),
    ("30-02-2026", "Vul een bestaande datum in"),
    ("", "Vul de datum in waarop deze versie gaat gelden."),
])
def test_a_date_that_does_not_exist_is_not_called_empty(client, auth, demo_content, app, typed, message):
    auth.login("mjansen")
    data = _form(client)
    data.update(effective_at=typed, summary="x", publish="Publiceren")
    before = _version_count(app)
    response = client.submit(EDIT, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    if typed:
        assert "Vul de datum in waarop deze versie gaat gelden." not in html
        assert f'value="{typed}"' in html  # what was typed stays in the field
    assert _version_count(app) == before
