"""The certificate (oorkonde): opens as a PDF, says the right words, and only for the right people."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from portal.core.time import utcnow
from portal.extensions import db
from portal.oath.certificate import CertificateData, render_certificate
from portal.oath.formulas import LEGACY_WORDING, wording_lines
from portal.oath.states import Formula
from portal.oath.services.attendance import mark_attendance
from portal.oath.services.registrations import register_for_session
from tests.oath.conftest import make_user, plan_session


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().split())


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("name", "formula", "spoken", "other"),
    [
        ("Fatma Yılmaz", Formula.affirmation, wording_lines(LEGACY_WORDING[Formula.affirmation]),
         "Zo waarlijk helpe mij God almachtig!"),
        ("Zoë Çelik-Öztürk", Formula.oath, wording_lines(LEGACY_WORDING[Formula.oath]), "Dat verklaar en beloof ik!"),
    ],
)
def test_certificate_names_the_person_and_the_formula_actually_spoken(name, formula, spoken, other):
    data = render_certificate(CertificateData(
        organisation="Gemeente Voorbeeld", name=name, formula=formula, taken_on=date(2026, 10, 25),
        official="wethouder P&O", lines=spoken,
    ))
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "Oorkonde" in text and "Gemeente Voorbeeld" in text
    assert name in text
    for line in spoken:
        assert _squash(line) in text
    assert other not in text
    assert "25 oktober 2026" in text and "wethouder P&O" in text
    assert ("de ambtsbelofte" if formula == Formula.affirmation else "de ambtseed") in text


def test_user_data_is_placed_as_text_never_interpreted(app):
    with app.app_context():
        data = render_certificate(CertificateData(
            organisation="Gemeente Voorbeeld", name="{{ config.SECRET_KEY }} **vet** <b>x</b>",
            formula=Formula.oath, taken_on=date(2026, 1, 5), official="{% raw %}wethouder",
        ))
    text = pdf_text(data)
    assert "{{ config.SECRET_KEY }} **vet** <b>x</b>" in text
    assert "{% raw %}wethouder" in text
    assert app.config["SECRET_KEY"] not in text


def _attended_registration(username: str, display_name: str):
    hr = make_user("hr-" + username, reviewer=True)
    user = make_user(username, display_name=display_name)
    session = plan_session(starts_in=timedelta(hours=1), deadline_before=timedelta(minutes=30))
    registration = register_for_session(session.id, user, "affirmation")
    mark_attendance(registration.id, "attended", hr, now=utcnow() + timedelta(hours=2))
    db.session.commit()
    return registration.id


def test_employee_downloads_own_certificate_but_not_a_colleagues(client, auth, app):
    auth.login("fyilmaz")  # creates the user row for Fatma Yılmaz
    with app.test_request_context():
        from portal.auth.models import User
        from sqlalchemy import select

        fatma = db.session.scalars(select(User).where(User.username == "fyilmaz")).one()
        hr = make_user("hr1", reviewer=True)
        session = plan_session(starts_in=timedelta(hours=1), deadline_before=timedelta(minutes=30))
        own = register_for_session(session.id, fatma, "oath")
        mark_attendance(own.id, "attended", hr, now=utcnow() + timedelta(hours=2))
        db.session.commit()
        own_id = own.id
        other_id = _attended_registration("colleague", "Collega de Wit")

    response = client.get(f"/oath/certificates/{own_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Fatma Yılmaz" in text and "Zo waarlijk helpe mij God almachtig!" in text
    assert client.get(f"/oath/certificates/{other_id}.pdf").status_code == 404
    assert client.get("/oath/certificates/999999.pdf").status_code == 404


def test_hr_downloads_any_certificate_and_anonymous_is_sent_to_sign_in(client, auth, app):
    with app.test_request_context():
        registration_id = _attended_registration("ddekker2", "Daan Dekker")
    anonymous = client.get(f"/oath/certificates/{registration_id}.pdf")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    auth.login("mjansen")
    response = client.get(f"/oath/certificates/{registration_id}.pdf")
    assert response.status_code == 200
    assert "Daan Dekker" in pdf_text(response.data)


def test_no_certificate_before_attendance(client, auth, app):
    auth.login("jdevries")
    with app.test_request_context():
        from portal.auth.models import User
        from sqlalchemy import select

        jan = db.session.scalars(select(User).where(User.username == "jdevries")).one()
        registration = register_for_session(plan_session().id, jan, "oath")
        db.session.commit()
        registration_id = registration.id
    assert client.get(f"/oath/certificates/{registration_id}.pdf").status_code == 404
    assert re.search(r"oorkonde", client.get("/oath/my").get_data(as_text=True), re.I) is None


def test_certificate_is_a_tagged_pdf_whose_visible_text_a_screen_reader_finds():
    from tests.support.pdf_tags import page_content, parent_tree_matches, read, structure_tree

    data = render_certificate(CertificateData(
        organisation="Gemeente Voorbeeld", name="Jan de Vries", formula=Formula.oath, taken_on=date(2026, 10, 25),
        official="burgemeester", lines=wording_lines(LEGACY_WORDING[Formula.oath]),
    ))
    reader = read(data)
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "nl" and "/StructTreeRoot" in root
    tags = structure_tree(reader).tags()
    assert tags.count("/H1") == 1 and tags.count("/BlockQuote") == 1
    # organisation, intro, name, sentence, four lines of the oath, two names, two roles, footer
    assert tags.count("/P") == 4 + 4 + 2 + 2 + 1
    content = page_content(reader, 0)
    assert content.untagged == 0 and content.artifacts == 0
    assert {mcid for _, mcid in content.tagged} == set(range(14))  # every element has its text
    assert [tag for tag, _ in content.tagged][1] == "/H1"
    assert parent_tree_matches(reader)


def test_a_long_wording_still_fits_above_the_signatures():
    sentence = "Ik zweer dat ik de voorschriften van de gedragscode zal volgen en integer zal handelen in alles. "
    lines = tuple(sentence * 4 for _ in range(5)) + ("Zo waarlijk helpe mij God almachtig!",)  # 2,000 characters
    data = render_certificate(CertificateData(
        organisation="Gemeente Voorbeeld", name="Jan de Vries", formula=Formula.oath, taken_on=date(2026, 10, 25),
        official="burgemeester", lines=lines,
    ))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    positions = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            positions.append((tm[5], text.strip()))

    reader.pages[0].extract_text(visitor_text=visit)
    closing = min(y for y, text in positions if "almachtig" in text)
    signature = max(y for y, text in positions if "handtekening medewerker" in text)
    assert closing > signature + 40  # points: the words end well above the signature lines
