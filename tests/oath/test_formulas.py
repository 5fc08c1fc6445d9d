"""The wording of the oath and affirmation: HR publishes versions, each record keeps the words spoken."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from sqlalchemy import select

from portal.core.models import AuditEvent
from portal.core.time import utcnow
from portal.extensions import db
from portal.oath.formulas import LEGACY_WORDING, MODEL_TEXTS
from portal.oath.models import OathFormulaText, OathRecord
from portal.oath.services.attendance import mark_attendance
from portal.oath.services.formulas import load_model_formulas
from portal.oath.services.registrations import register_for_session
from portal.oath.states import Formula
from tests.conftest import BACKENDS
from tests.oath.conftest import make_user, plan_session

NEW_THIRD = ("Ik zweer dat ik de voorschriften van de gedragscode van {organisatie} zal volgen en het vertrouwen "
             "van de inwoners niet zal beschamen.")


def _text(data: bytes) -> str:
    return " ".join(PdfReader(io.BytesIO(data)).pages[0].extract_text().split())


def _attended(username: str, formula: str = "oath", language: str = "nl") -> int:
    hr = make_user("hr-" + username, reviewer=True)
    user = make_user(username, display_name=username.title())
    session = plan_session(starts_in=timedelta(hours=1), deadline_before=timedelta(minutes=30), language=language)
    registration = register_for_session(session.id, user, formula)
    mark_attendance(registration.id, "attended", hr, now=utcnow() + timedelta(hours=2))
    db.session.commit()
    return registration.id


def _new_body(third: str = NEW_THIRD) -> str:
    lines = MODEL_TEXTS[Formula.oath, "nl"].split("\n")
    lines[2] = third
    return "\r\n".join(lines)


def test_load_content_publishes_the_model_texts_once(app, runner):
    for _ in range(2):
        assert runner.invoke(args=["portal", "load-content"]).exit_code == 0
    with app.app_context():
        texts = db.session.scalars(select(OathFormulaText)).all()
        assert sorted((t.formula.value, t.language, t.version, t.is_model_text) for t in texts) == [
            ("affirmation", "en", 1, True), ("affirmation", "nl", 1, True),
            ("oath", "en", 1, True), ("oath", "nl", 1, True),
        ]
        assert all("{organisatie}" in t.body for t in texts)


def test_new_version_changes_new_certificates_only_and_the_name_comes_from_config(app, client, auth):
    app.config["ORGANISATION_NAME"] = "Gemeente Zandstad"
    with app.test_request_context():
        load_model_formulas()
        db.session.commit()
        before = _attended("annevoor")
    auth.login("mjansen")
    page = client.get("/oath/admin/formulas/oath/nl/new").get_data(as_text=True)
    assert "Gemeente Zandstad" in page and "Tekst van de eed (Nederlands)" in page
    response = client.submit("/oath/admin/formulas/oath/nl/new", {"body": _new_body()})
    assert response.status_code == 302 and response.headers["Location"].endswith("/oath/admin/formulas")
    overview = client.get("/oath/admin/formulas").get_data(as_text=True)
    assert "Versie 2, gepubliceerd op" in overview and "door Mohamed Jansen" in overview, overview[overview.find("<main"):]
    with app.test_request_context():
        after = _attended("bertna")
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "oath.formula_published")
                                   .order_by(AuditEvent.id.desc())).first()
        assert event.details["version"] == 2 and event.actor_id is not None

    old = _text(client.get(f"/oath/certificates/{before}.pdf").data)
    new = _text(client.get(f"/oath/certificates/{after}.pdf").data)
    assert "gedragscode voor ambtenaren van Gemeente Zandstad zal volgen" in old
    assert "vertrouwen van de inwoners" not in old
    assert "gedragscode van Gemeente Zandstad zal volgen en het vertrouwen van de inwoners niet zal beschamen" in new
    assert "{organisatie}" not in old + new and "Voorbeeld" not in old + new
    with app.app_context():
        records = {r.registration_id: r for r in db.session.scalars(select(OathRecord))}
        assert records[before].wording_version.version == 1 and records[after].wording_version.version == 2


def test_an_english_session_records_the_english_wording(app, client, auth):
    with app.test_request_context():
        load_model_formulas()
        db.session.commit()
        registration_id = _attended("emmaeng", formula="affirmation", language="en")
        record = db.session.scalars(select(OathRecord).where(OathRecord.registration_id == registration_id)).one()
        assert record.wording.endswith("This I declare and promise!")
        assert "civil servants of Gemeente Voorbeeld" in record.wording


def test_a_record_without_stored_wording_prints_the_fact_without_words(app, client, auth):
    with app.test_request_context():
        registration_id = _attended("imported")
        record = db.session.scalars(select(OathRecord).where(OathRecord.registration_id == registration_id)).one()
        record.wording = None  # as an imported oath from before the portal
        db.session.commit()
    auth.login("mjansen")
    text = _text(client.get(f"/oath/certificates/{registration_id}.pdf").data)
    assert "de ambtseed heeft afgelegd." in text
    assert "met de volgende woorden" not in text and "Ik zweer" not in text


@pytest.mark.parametrize("body, message", [
    ("", "Vul de tekst in."),
    (_new_body().replace("{organisatie}", "Gemeente Voorbeeld"), "Zet {organisatie} op de plek waar de naam"),
    (_new_body().replace("{organisatie}", "{gemeente}"), "{gemeente} kan het portaal niet invullen."),
    (_new_body().replace("Zo waarlijk helpe mij God almachtig!", ""),
     "De eed eindigt met de zin „Zo waarlijk helpe mij God almachtig!”, op een eigen regel."),
    (_new_body() + "\nDat verklaar en beloof ik!", "De eed eindigt met de zin"),
    (_new_body().replace("\r\n", " "), "Zet elke zin op een eigen regel"),
    ("x" * 2001, "Gebruik hoogstens 2000 tekens"),
])
def test_a_text_without_the_required_parts_is_refused_next_to_the_field(app, client, auth, body, message):
    auth.login("mjansen")
    response = client.submit("/oath/admin/formulas/oath/nl/new", {"body": body})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'aria-invalid="true"' in html and "Fout:" in html
    if body:
        assert body.split("\r\n")[0][:40] in html  # the input is kept
    with app.app_context():
        assert db.session.scalar(select(sa.func.count(OathFormulaText.id))) == 0


def test_the_same_text_again_is_not_a_new_version(app, client, auth):
    with app.test_request_context():
        load_model_formulas()
        db.session.commit()
    auth.login("mjansen")
    html = client.submit("/oath/admin/formulas/oath/nl/new", {"body": MODEL_TEXTS[Formula.oath, "nl"]}
                         ).get_data(as_text=True)
    assert "Deze tekst is gelijk aan de huidige versie." in html


def test_only_hr_sees_or_edits_the_wording(app, client, auth):
    auth.login("jdevries")
    assert client.get("/oath/admin/formulas").status_code == 403
    assert client.get("/oath/admin/formulas/oath/nl/new").status_code == 403
    assert client.submit("/oath/admin/formulas/oath/nl/new", {"body": _new_body()}).status_code == 403
    auth.logout()
    auth.login("mjansen")
    assert client.get("/oath/admin/formulas/eed/nl/new").status_code == 404
    assert client.get("/oath/admin/formulas/oath/de/new").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(sa.func.count(OathFormulaText.id))) == 0


def test_the_session_page_shows_the_current_wording_for_its_language(app, client, auth):
    app.config["ORGANISATION_NAME"] = "Gemeente Zandstad"
    with app.test_request_context():
        load_model_formulas()
        dutch = plan_session().id
        english = plan_session(language="en").id
        db.session.commit()
    auth.login("jdevries")
    html = client.get(f"/oath/sessions/{dutch}").get_data(as_text=True)
    assert "gedragscode voor ambtenaren van Gemeente Zandstad zal volgen" in html
    assert "Zo waarlijk helpe mij God almachtig!" in html and "Dat verklaar en beloof ik!" in html
    assert "{organisatie}" not in html
    assert "So help me God Almighty!" in client.get(f"/oath/sessions/{english}").get_data(as_text=True)


# -- the migration ---------------------------------------------------------------------------------------------


def _insert(conn, table: sa.Table, **values) -> int:
    """A row with every required column filled (the models of today do not match the old schema)."""
    for column in table.columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        python_type = column.type.python_type
        values[column.name] = {bool: False, int: 0, str: "x", datetime: datetime(2025, 1, 1, tzinfo=timezone.utc)
                               }.get(python_type, "x")
    return conn.execute(table.insert().values(**values)).inserted_primary_key[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_migration_gives_old_records_the_wording_their_certificate_printed(backend, tmp_path_factory, slapd):
    from alembic.script import ScriptDirectory
    from flask_migrate import Config, upgrade

    from portal import create_app
    from tests.conftest import _base_config, create_database, drop_database

    url = create_database(backend, tmp_path_factory)
    app = create_app(_base_config(url, slapd.config()))
    with app.app_context():
        directory = app.extensions["migrate"].directory
        config = Config(directory + "/alembic.ini")
        config.set_main_option("script_location", directory)
        before = ScriptDirectory.from_config(config).get_revision("0018").down_revision
        upgrade(revision=before)
        engine = db.engine
        with engine.begin() as conn:
            meta = sa.MetaData()
            user, record = (sa.Table(name, meta, autoload_with=conn) for name in ("user", "oath_record"))
            for n, formula in enumerate(("oath", "affirmation")):
                user_id = _insert(conn, user, username=f"old{n}", dn=f"uid=old{n}", display_name=f"Old {n}",
                                  language="nl")
                _insert(conn, record, user_id=user_id, formula=formula, taken_on=datetime(2025, 3, 1).date(),
                        official="burgemeester")
        upgrade(revision="heads")
        with engine.connect() as conn:
            rows = dict(conn.execute(sa.text("SELECT formula, wording FROM oath_record")).all())
            versions = conn.execute(sa.text("SELECT wording_version_id FROM oath_record")).scalars().all()
        db.session.remove()
        engine.dispose()
    drop_database(url)
    assert rows == {"oath": LEGACY_WORDING[Formula.oath], "affirmation": LEGACY_WORDING[Formula.affirmation]}
    assert "gedragscode voor ambtenaren van de gemeente Voorbeeld zal volgen" in rows["oath"]
    assert versions == [None, None]


def test_once_signed_up_the_session_page_shows_only_the_chosen_wording(app, client, auth):
    from portal.auth.models import User

    auth.login("jdevries")
    with app.test_request_context():
        load_model_formulas()
        session_id = plan_session().id
        jan = db.session.scalars(select(User).where(User.username == "jdevries")).one()
        register_for_session(session_id, jan, "affirmation")
        db.session.commit()
    html = client.get(f"/oath/sessions/{session_id}").get_data(as_text=True)
    assert "De tekst die u uitspreekt" in html
    assert "Dat verklaar en beloof ik!" in html and "Zo waarlijk helpe mij God almachtig!" not in html
