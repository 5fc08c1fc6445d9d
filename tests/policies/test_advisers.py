"""Advisers and contacts: working tel:/mailto: links, the administrator's editing, photos served safely."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.policies.advisers import detect_image_type, tel_href
from portal.policies.models import Adviser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _adviser_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Adviser.id).where(Adviser.name == name))


def _fields(**overrides) -> dict:
    data = {
        "name": "Piet Proef",
        "role": "Vertrouwenspersoon integriteit",
        "organisation": "Gemeente Voorbeeld",
        "phone": "030 000 00 09",
        "email": "p.proef@example.nl",
        "availability": "Maandag",
        "introduction": "Ik luister.",
        "photo_alt": "",
        "last_checked_at": "2026-11-01",
        "sort_order": "5",
        "submit": "Opslaan",
    }
    data.update(overrides)
    return data


def test_advisers_page_has_working_phone_and_mail_links(client, demo_content):
    html = client.get("/advisers").get_data(as_text=True)
    assert '<a class="utrecht-link" href="tel:+31300000001">030 000 00 01</a>' in html
    assert '<a class="utrecht-link" href="mailto:a.modelman@example.nl">a.modelman@example.nl</a>' in html
    assert "BING" in html and "Binnen de gemeente" in html and "Buiten de gemeente" in html
    assert "Gegevens gecontroleerd op" in html


@pytest.mark.parametrize(
    "phone, href",
    [("030 000 00 01", "tel:+31300000001"), ("+31 (0)30-1234567", "tel:+31301234567"), ("0031 30 1234567", "tel:+31301234567"),
     ("112", "tel:112"), ("", None), (None, None), ("geen", None)],
)
def test_tel_href_keeps_digits_only(phone, href):
    assert tel_href(phone) == href


@pytest.mark.parametrize("username, expected", [(None, 302), ("jdevries", 403), ("mjansen", 403), ("lvisser", 200)])
def test_only_administrators_manage_advisers(client, auth, demo_content, username, expected):
    if username:
        auth.login(username)
    assert client.get("/advisers/manage").status_code == expected
    assert client.get("/advisers/manage/new").status_code == expected


def test_administrator_adds_an_adviser_with_a_photo(client, auth, demo_content, app):
    auth.login("lvisser")
    data = _fields(photo=(io.BytesIO(PNG), "portret.png"), photo_alt="Portret van Piet Proef")
    response = client.submit("/advisers/manage/new", data, content_type="multipart/form-data")
    assert response.status_code == 302
    adviser_id = _adviser_id(app, "Piet Proef")
    html = client.get("/advisers").get_data(as_text=True)
    assert f'src="/advisers/{adviser_id}/photo" alt="Portret van Piet Proef"' in html
    photo = client.get(f"/advisers/{adviser_id}/photo")
    assert photo.status_code == 200 and photo.data == PNG
    assert photo.headers["Content-Type"] == "image/png"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<html><script>alert(1)</script></html>", "Dit is geen PNG- of JPEG-afbeelding"),
        (b"GIF89a" + b"\x00" * 10, "Dit is geen PNG- of JPEG-afbeelding"),
        (PNG + b"\x00" * (1024 * 1024), "groter dan 1 MB"),
    ],
)
def test_photo_must_be_a_small_png_or_jpeg(client, auth, demo_content, app, content, message):
    auth.login("lvisser")
    data = _fields(photo=(io.BytesIO(content), "foto.png"), photo_alt="Portret")
    response = client.submit("/advisers/manage/new", data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'value="Piet Proef"' in html  # typed input kept
    assert _adviser_id(app, "Piet Proef") is None


def test_photo_needs_a_description(client, auth, demo_content):
    auth.login("lvisser")
    data = _fields(photo=(io.BytesIO(JPEG), "foto.jpg"))
    html = client.submit("/advisers/manage/new", data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Beschrijf de foto voor wie hem niet kan zien." in html


def test_invalid_phone_and_email_get_dutch_messages(client, auth, demo_content):
    auth.login("lvisser")
    html = client.submit("/advisers/manage/new", _fields(phone="bel me", email="geen-adres")).get_data(as_text=True)
    assert "Vul een telefoonnummer in" in html and "Vul een geldig e-mailadres in." in html


def test_administrator_edits_details_and_last_checked_date(client, auth, demo_content, app):
    auth.login("lvisser")
    adviser_id = _adviser_id(app, "Anouk Modelman")
    form = client.get(f"/advisers/manage/{adviser_id}/edit").get_data(as_text=True)
    assert 'value="030 000 00 01"' in form
    data = _fields(name="Anouk Modelman", phone="030 111 22 33", last_checked_at="2026-11-20")
    assert client.submit(f"/advisers/manage/{adviser_id}/edit", data).status_code == 302
    html = client.get("/advisers").get_data(as_text=True)
    assert 'href="tel:+31301112233"' in html and "20 november 2026" in html


def test_deactivated_adviser_disappears_from_the_public_page(client, auth, demo_content, app):
    auth.login("lvisser")
    adviser_id = _adviser_id(app, "Ruben Voorbeeldsma")
    assert client.submit(f"/advisers/manage/{adviser_id}/deactivate").status_code == 302
    assert "Ruben Voorbeeldsma" not in client.get("/advisers").get_data(as_text=True)
    assert "Ruben Voorbeeldsma" in client.get("/advisers/manage").get_data(as_text=True)
    client.submit(f"/advisers/manage/{adviser_id}/activate")
    assert "Ruben Voorbeeldsma" in client.get("/advisers").get_data(as_text=True)


def test_photo_of_a_hidden_adviser_is_not_public(client, auth, demo_content, app):
    auth.login("lvisser")
    data = _fields(photo=(io.BytesIO(PNG), "p.png"), photo_alt="Portret")
    client.submit("/advisers/manage/new", data, content_type="multipart/form-data")
    adviser_id = _adviser_id(app, "Piet Proef")
    client.submit(f"/advisers/manage/{adviser_id}/deactivate")
    auth.logout()
    assert client.get(f"/advisers/{adviser_id}/photo").status_code == 404


def test_removing_the_photo(client, auth, demo_content, app):
    auth.login("lvisser")
    client.submit("/advisers/manage/new", _fields(photo=(io.BytesIO(PNG), "p.png"), photo_alt="Portret"),
                  content_type="multipart/form-data")
    adviser_id = _adviser_id(app, "Piet Proef")
    form = client.get(f"/advisers/manage/{adviser_id}/edit").get_data(as_text=True)
    assert "Foto verwijderen" in form
    client.submit(f"/advisers/manage/{adviser_id}/edit", _fields(remove_photo="y"))
    assert client.get(f"/advisers/{adviser_id}/photo").status_code == 404


def test_detect_image_type_reads_magic_bytes_not_names():
    assert detect_image_type(PNG) == "image/png"
    assert detect_image_type(JPEG) == "image/jpeg"
    assert detect_image_type(b"<svg onload=alert(1)>") is None
    assert detect_image_type(b"") is None


def test_employees_see_no_manage_link(client, auth, demo_content):
    auth.login("jdevries")
    assert "/advisers/manage" not in client.get("/advisers").get_data(as_text=True)
    assert re.search(r'href="/advisers"', client.get("/policies/").get_data(as_text=True))
