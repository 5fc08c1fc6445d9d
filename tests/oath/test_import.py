"""Oaths taken before the portal: HR's CSV through the command and the upload page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.core.models import AuditEvent
from portal.core.time import today_local
from portal.extensions import db
from portal.oath.models import OathRecord
from portal.oath.states import Formula, RecordSource
from tests.oath.conftest import make_user

GOOD = ("\ufeffGebruikersnaam;Datum;Eed of belofte;Certificaatnummer\r\n"
        "anna;14-03-2019;eed;C-2019-001\r\n"
        "bram;2020-06-01;Belofte;\r\n"
        "P1234;01-02-2018;oath;C-2018-7\r\n")


@pytest.fixture()
def people(app):
    with app.app_context():
        make_user("anna", display_name="Anna de Boer")
        make_user("bram", display_name="Bram Smit")
        carla = make_user("carla", display_name="Carla Peters")
        carla.employee_number = "P1234"
        db.session.commit()


def _records() -> dict[str, OathRecord]:
    db.session.expire_all()
    rows = db.session.execute(select(User.username, OathRecord).join(OathRecord, OathRecord.user_id == User.id))
    return {username: record for username, record in rows}


def _write(tmp_path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "eden.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_cli_dry_run_shows_what_would_change_and_writes_nothing(runner, app, people, tmp_path):
    result = runner.invoke(args=["portal", "import-oaths", "--dry-run", _write(tmp_path, GOOD)])
    assert result.exit_code == 0, result.output
    assert "Regel 2: Anna de Boer (anna): Eed op 14-03-2019 wordt vastgelegd" in result.output
    assert "Regel 4: Carla Peters (carla)" in result.output  # found by employee number
    assert "Nieuw: 3, al vastgelegd: 0, regels met een fout: 0. Proefdraai: er is niets vastgelegd." in result.output
    with app.app_context():
        assert _records() == {}
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "oath.import")) == 0


def test_cli_records_the_oaths_once_and_a_second_run_changes_nothing(runner, app, people, tmp_path):
    path = _write(tmp_path, GOOD)
    first = runner.invoke(args=["portal", "import-oaths", path])
    assert first.exit_code == 0, first.output
    assert "Nieuw: 3, al vastgelegd: 0" in first.output
    with app.app_context():
        records = _records()
        assert set(records) == {"anna", "bram", "carla"}
        anna = records["anna"]
        assert (anna.formula, anna.taken_on, anna.certificate_number, anna.source) == (
            Formula.oath, date(2019, 3, 14), "C-2019-001", RecordSource.imported)
        assert records["bram"].formula == Formula.affirmation and records["bram"].certificate_number is None
        assert anna.session_id is None and anna.registration_id is None
        ids = {r.id for r in records.values()}
    second = runner.invoke(args=["portal", "import-oaths", path])
    assert second.exit_code == 0, second.output
    assert "Nieuw: 0, al vastgelegd: 3" in second.output
    assert "heeft al een eed of belofte in het portaal" in second.output
    with app.app_context():
        assert {r.id for r in _records().values()} == ids
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "oath.import")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.details["recorded"], e.details["already_recorded"]) for e in events] == [(3, 0), (0, 3)]
        assert events[0].details["file"] == "eden.csv"


def test_one_wrong_line_records_nobody_and_every_error_names_its_line(runner, app, people, tmp_path):
    with app.app_context():
            future = (today_local() + timedelta(days=3)).strftime("%d-%m-%Y")
    text = ("username,date,oath or affirmation,certificate number\n"
            "anna,14-03-2019,affirmation,\n"
            "xyz,14-03-2019,eed,\n"
            "bram,31-02-2019,eed,\n"
            "carla,14-03-2019,zweren,\n"
            "\n"
            f"P1234,{future},eed,\n"
            "anna,15-03-2019,eed,\n")
    result = runner.invoke(args=["portal", "import-oaths", _write(tmp_path, text)])
    assert result.exit_code == 1
    assert "Regel 3: onbekende medewerker 'xyz'." in result.output
    assert "Regel 4: datum '31-02-2019' is geen datum" in result.output
    assert "Regel 5: 'zweren' is geen eed of belofte" in result.output
    assert f"Regel 7: datum {future} kan niet" in result.output  # the blank line 6 is skipped, not renumbered
    assert "Regel 8: Anna de Boer staat ook op regel 2." in result.output
    assert "Er is niets vastgelegd" in result.output
    with app.app_context():
        assert _records() == {}
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "oath.import")) == 0


def test_excel_without_a_bom_in_windows_encoding_is_read(runner, app, tmp_path):
    with app.app_context():
        make_user("joël", display_name="Joël Çelik")
        db.session.commit()
    text = "Gebruikersnaam;Datum;Eed of belofte\r\njoël;1-9-2015;EED\r\n"
    result = runner.invoke(args=["portal", "import-oaths", _write(tmp_path, text, "cp1252")])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert _records()["joël"].taken_on == date(2015, 9, 1)


@pytest.mark.parametrize("content, message", [
    (b"", "Het bestand is leeg."),
    (b"naam;geboortedatum\njan;1-1-1990\n", "De kolommen kloppen niet"),
    (b"Gebruikersnaam;Datum;Eed of belofte\n", "alleen kolomnamen"),
    (b"PK\x03\x04\x14\x00\x06\x00binary", "Dit is geen CSV-bestand"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Dit is geen CSV-bestand"),
])
def test_a_file_that_is_not_the_list_is_refused_with_a_sentence(runner, app, tmp_path, content, message):
    path = tmp_path / "bestand.csv"
    path.write_bytes(content)
    result = runner.invoke(args=["portal", "import-oaths", str(path)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


# --- the upload page -------------------------------------------------------------------------------------------

def _upload(client, content: bytes, name: str = "eden.csv"):
    return client.submit("/oath/admin/import", {"file": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")


def test_hr_checks_a_file_then_applies_it(client, auth, app, people):
    auth.login("mjansen")
    page = client.get("/oath/admin/import")
    assert page.status_code == 200 and "Alleen als alle regels goed zijn" in page.get_data(as_text=True)
    checked = _upload(client, GOOD.encode("utf-8"))
    body = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "Anna de Boer" in body and "C-2019-001" in body and "Carla Peters" in body
    with app.app_context():
        assert _records() == {}
    token = body.split('name="content" type="hidden" value="')[1].split('"')[0]
    applied = client.submit("/oath/admin/import/apply", {"content": token, "file_name": "eden.csv"})
    assert applied.status_code == 302 and applied.headers["Location"].endswith("/oath/admin/outstanding")
    flashed = client.get(applied.headers["Location"]).get_data(as_text=True)
    assert "3 eden of beloften vastgelegd" in flashed
    assert "Anna de Boer" not in flashed and "Carla Peters" not in flashed  # no longer "still has to"
    with app.app_context():
        assert set(_records()) == {"anna", "bram", "carla"}
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "oath.import")).one()
        assert event.actor_id == db.session.scalar(select(User.id).where(User.username == "mjansen"))
        assert event.details["recorded"] == 3
    again = client.submit("/oath/admin/import/apply", {"content": token, "file_name": "eden.csv"})
    assert "0 eden of beloften vastgelegd" in client.get(again.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert len(_records()) == 3


def test_the_page_shows_errors_per_line_and_offers_no_import(client, auth, app, people):
    auth.login("mjansen")
    response = _upload(client, b"Gebruikersnaam;Datum;Eed of belofte\nanna;14-03-2019;eed\nxyz;1-1-2020;eed\n")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Regel 3: onbekende medewerker &#39;xyz&#39;." in body
    assert "/oath/admin/import/apply" not in body


@pytest.mark.parametrize("content, name, message", [
    (b"", "leeg.csv", "Het bestand is leeg"),
    (b"%PDF-1.7\n\x00\x01", "brief.pdf", "Dit is geen CSV-bestand"),
    (b"a;b\n1;2\n", "iets.csv", "De kolommen kloppen niet"),
    (b"Gebruikersnaam;Datum;Eed of belofte\n" + b"anna;14-03-2019;eed\n" * 60_000, "groot.csv", "te groot"),
])
def test_a_bad_upload_gets_a_message_next_to_the_field(client, auth, app, content, name, message):
    auth.login("mjansen")
    response = _upload(client, content, name)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="file-error"' in body and message in body.split('id="file-error"')[1][:400]


def test_an_apply_with_a_tampered_file_records_nothing(client, auth, app, people):
    auth.login("mjansen")
    response = client.submit("/oath/admin/import/apply", {"content": "not base64 at all!", "file_name": "x.csv"})
    assert response.status_code == 200
    assert "opnieuw" in response.get_data(as_text=True)
    with app.app_context():
        assert _records() == {}


def test_employees_cannot_import(client, auth, app, people):
    import base64
    auth.login("jdevries")
    assert client.get("/oath/admin/import").status_code == 403
    assert _upload(client, GOOD.encode()).status_code == 403
    content = base64.b64encode(GOOD.encode()).decode()
    assert client.submit("/oath/admin/import/apply", {"content": content}).status_code == 403
    with app.app_context():
        assert _records() == {}


def test_an_imported_oath_is_shown_as_taken_before_the_portal_without_a_certificate(client, auth, app, tmp_path,
                                                                                       runner):
    auth.login("jdevries")
    client.get("/")  # the first sign-in made the user row; now HR's file names them
    path = _write(tmp_path, "Gebruikersnaam;Datum;Eed of belofte;Certificaatnummer\njdevries;14-03-2019;eed;C-77\n")
    assert runner.invoke(args=["portal", "import-oaths", path]).exit_code == 0
    mine = client.get("/oath/my").get_data(as_text=True)
    assert "vóór het portaal" in mine and "C-77" in mine
    assert "oorkonde (PDF)" not in mine and "afgenomen door" not in mine
    dashboard = client.get("/").get_data(as_text=True)
    assert "Afgelegd op 14 maart 2019" in dashboard


@pytest.mark.browser
def test_hr_uploads_the_list_checks_it_and_records_it_in_the_browser(app, page, people):
    from tests.support.browser import assert_accessible, sign_in

    sign_in(page, "mjansen")
    page.goto("/oath/admin")
    page.get_by_role("link", name="Eerdere eden inlezen").click()
    assert_accessible(page)
    field = page.get_by_label("CSV-bestand met eden en beloften")
    field.set_input_files({"name": "fout.csv", "mimeType": "text/csv",
                           "buffer": b"Gebruikersnaam;Datum;Eed of belofte\nxyz;1-1-2020;eed\n"})
    page.get_by_role("button", name="Bestand controleren").click()
    assert page.get_by_text("Regel 2: onbekende medewerker 'xyz'.").is_visible()
    assert page.get_by_role("button", name="Eden en beloften vastleggen").count() == 0
    page.get_by_label("CSV-bestand met eden en beloften").set_input_files(
        {"name": "eden.csv", "mimeType": "text/csv", "buffer": GOOD.encode("utf-8")})
    page.get_by_role("button", name="Bestand controleren").click()
    table = page.get_by_role("region", name="Krijgt een eed of belofte in het portaal")
    assert table.get_by_role("rowheader", name="Anna de Boer").is_visible()
    assert table.get_by_text("C-2019-001").is_visible()
    assert_accessible(page)
    with app.app_context():
        assert _records() == {}  # the check wrote nothing
    page.get_by_role("button", name="Eden en beloften vastleggen").click()
    assert page.get_by_text("3 eden of beloften vastgelegd; 0 stonden er al.").is_visible()
    assert page.get_by_role("rowheader", name="Anna de Boer").count() == 0  # no longer on "who still has to"
    assert_accessible(page)
    with app.app_context():
        assert set(_records()) == {"anna", "bram", "carla"}


def test_an_employee_number_two_people_share_is_an_error_not_a_guess(runner, app, people, tmp_path):
    with app.app_context():
        make_user("dirk").employee_number = "P1234"  # the same number as carla
        db.session.commit()
    result = runner.invoke(args=["portal", "import-oaths", _write(tmp_path, GOOD)])
    assert result.exit_code == 1
    assert "Regel 4: personeelsnummer 'P1234' hoort bij meer dan één medewerker" in result.output
    with app.app_context():
        assert _records() == {}


def test_the_check_warns_about_an_open_registration_and_lists_who_already_has_an_oath(client, auth, app, people,
                                                                                     runner, tmp_path):
    from portal.oath.services.registrations import register_for_session
    from tests.oath.conftest import plan_session

    with app.test_request_context():
        anna = db.session.scalars(select(User).where(User.username == "anna")).one()
        register_for_session(plan_session().id, anna, "oath")
        db.session.commit()
    only_bram = "Gebruikersnaam;Datum;Eed of belofte\nbram;2020-06-01;belofte\n"
    assert runner.invoke(args=["portal", "import-oaths", _write(tmp_path, only_bram)]).exit_code == 0
    auth.login("mjansen")
    body = _upload(client, GOOD.encode("utf-8")).get_data(as_text=True)
    assert "Nieuw vast te leggen: 2. Heeft al een eed of belofte in het portaal: 1." in body
    assert "Is nog aangemeld voor een bijeenkomst" in body  # anna: HR may cancel that place
    existing = body.split("Heeft al een eed of belofte (blijft zoals het is)")[1]
    assert "Bram Smit" in existing and "1 juni 2020" in existing


def test_an_oath_recorded_between_the_check_and_the_import_refuses_the_file_not_a_500(client, auth, app, people,
                                                                                        monkeypatch):
    """The file sent twice at once (or a ceremony marked meanwhile): one record per person holds, nothing half-written."""
    import portal.oath.imports as imports

    real_records_of = imports._records_of
    with app.app_context():
        anna = db.session.scalar(select(User).where(User.username == "anna"))
        anna_id = anna.id

    def records_seen_before_the_other_request(found):
        seen = real_records_of(found)
        with db.session.no_autoflush:
            db.session.execute(OathRecord.__table__.insert().values(  # the other request's insert
                user_id=anna_id, formula=Formula.oath, taken_on=date(2019, 3, 14), official="",
                recorded_at=imports.utcnow(), source=RecordSource.imported))
        return seen

    monkeypatch.setattr(imports, "_records_of", records_seen_before_the_other_request)
    with app.app_context():
        with pytest.raises(imports.ImportFileError, match="Intussen is voor iemand"):
            imports.import_oaths(GOOD.encode("utf-8"), None)
        # nothing of this file stays (the simulated other insert ran in this transaction, so it went too)
        assert _records() == {}


def _apply(client, text: str) -> str:
    """Check and then apply ``text``; the flashed result on the page it leads to, whitespace folded."""
    body = _upload(client, text.encode("utf-8")).get_data(as_text=True)
    token = body.split('name="content" type="hidden" value="')[1].split('"')[0]
    applied = client.submit("/oath/admin/import/apply", {"content": token, "file_name": "eden.csv"})
    assert applied.status_code == 302
    return " ".join(client.get(applied.headers["Location"]).get_data(as_text=True).split())


def test_the_import_result_counts_one_in_the_singular(client, auth, app, people):
    header = "Gebruikersnaam;Datum;Eed of belofte;Certificaatnummer\r\n"
    anna, bram = "anna;14-03-2019;eed;\r\n", "bram;2020-06-01;belofte;\r\n"
    auth.login("mjansen")
    assert "1 eed of belofte vastgelegd; 0 stonden er al." in _apply(client, header + anna)
    assert "1 eed of belofte vastgelegd; 1 stond er al." in _apply(client, header + anna + bram)
    assert "0 eden of beloften vastgelegd; 2 stonden er al." in _apply(client, header + anna + bram)
    client.submit("/language", {"lang": "en", "next": "/"})
    assert "0 oaths or affirmations recorded; 1 was already there." in _apply(client, header + anna)
