"""Issue 18's points as a person meets them in Chromium: starter pages, first loads, exports, ceremonies, forms.

Each test drives the page by its labels and roles and checks it with axe; the points with a
browser test of their own elsewhere are listed in the README's test section.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from portal.core.time import utcnow
from portal.extensions import db
from tests.exports.helpers import make_register_data
from tests.oath.conftest import plan_session
from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_point_1_a_fresh_install_shows_the_starter_pages_after_load_content(page, app, runner):
    answer = page.goto("/policies/reporting")
    assert answer.status == 404  # an empty production database: what the issue saw
    result = runner.invoke(args=["portal", "load-content"])
    assert result.exit_code == 0, result.output
    for slug, heading in (("reporting", "melden"), ("code-of-conduct", "gedragscode")):
        if slug == "code-of-conduct":
            sign_in(page, "jdevries")  # the code of conduct is for staff; the reporting routes are public
        answer = page.goto(f"/policies/{slug}")
        assert answer.status == 200
        assert heading in page.get_by_role("heading", level=1).inner_text().lower()
        assert_accessible(page)


def test_point_13_the_acknowledgements_report_opens_without_an_error(page, app):
    from portal.policies.demo import load_demo_content

    with app.app_context():
        load_demo_content()
        db.session.commit()
    sign_in(page, "mjansen")
    page.goto("/policies/acknowledgements")
    assert not page.title().startswith("Fout:")
    assert page.get_by_text("Ongeldige keuze").count() == 0
    assert page.locator(".portal-form-errors").count() == 0
    assert_accessible(page)


def test_point_14_every_csv_is_for_dutch_excel_and_the_workbook_shows_text_as_typed(page, app, runner):
    from openpyxl import load_workbook

    make_register_data(app, organisation="=1+1")
    sign_in(page, "mjansen")
    page.goto("/review/register")
    assert_accessible(page)
    with page.expect_download() as hr_csv:
        page.get_by_role("link", name="Exporteren als CSV").click()
    data = open(hr_csv.value.path(), "rb").read()
    assert data.startswith("\ufeff".encode("utf-8"))  # BOM: Excel reads UTF-8
    header = data.decode("utf-8-sig").splitlines()[0]
    assert ";" in header and "," not in header

    # the public register's CSV follows the same convention
    public = page.request.get("/register.csv")
    assert public.body().startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(public.body().decode("utf-8-sig")), delimiter=";"))
    assert len(rows[0]) > 1

    # the workbook: a job, then a download with widths, a frozen header, a filter and no visible apostrophe
    page.goto("/review/register.xlsx")
    page.get_by_role("button", name="Bestand laten maken").click()
    page.wait_for_url("**/exports/*")
    assert runner.invoke(args=["portal", "run-exports"]).exit_code == 0
    page.reload()
    assert_accessible(page)
    with page.expect_download() as workbook:
        page.get_by_role("link", name="Download", exact=False).first.click()
    assert workbook.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(open(workbook.value.path(), "rb").read())).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert all((sheet.column_dimensions[letter].width or 0) > 8 for letter in "ABCH")
    organisations = {sheet.cell(row=r, column=8).value for r in range(2, sheet.max_row + 1)}
    assert "=1+1" in organisations and not any(str(v).startswith("'") for v in organisations)


def test_point_16_attendance_opens_at_the_start_and_cancelling_asks_first(page, app):
    from portal.oath.models import OathSession
    from portal.oath.services.registrations import register_for_session
    from tests.declarations.helpers import make_user

    with app.app_context():
        session_id = plan_session(capacity=5, starts_in=timedelta(hours=1), deadline_before=timedelta(minutes=30)).id
        register_for_session(session_id, make_user("jdevries", email="jdevries@example.nl"), "oath")
        db.session.commit()
    sign_in(page, "mjansen")
    page.goto(f"/oath/admin/sessions/{session_id}")
    assert page.get_by_role("button", name="Aanwezig").count() == 0  # an hour before the start: not yet
    assert "Gehouden" not in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="Annuleren").click()
    assert "Bijeenkomst annuleren" in page.title()
    assert page.get_by_text("Dit kunt u niet ongedaan maken").is_visible()
    assert_accessible(page)
    with app.app_context():
        assert db.session.get(OathSession, session_id).status.value == "scheduled"  # asking is not doing
    page.go_back()

    with app.app_context():  # an hour later: the session has started
        oath_session = db.session.get(OathSession, session_id)
        length = oath_session.ends_at - oath_session.starts_at
        oath_session.starts_at = utcnow() - timedelta(minutes=5)
        oath_session.ends_at = oath_session.starts_at + length
        oath_session.registration_deadline = oath_session.starts_at - timedelta(minutes=30)
        db.session.commit()
    page.reload()
    page.get_by_role("button", name="Aanwezig").first.click()
    page.wait_for_load_state()
    assert page.get_by_text("is gemarkeerd als aanwezig").first.is_visible()
    assert_accessible(page)


def test_point_18_dates_and_hours_get_one_clear_message_next_to_the_field(page):
    sign_in(page, "jdevries")
    page.goto("/declarations/new/side-activity")
    page.get_by_label("Begindatum").fill("1900-01-01")
    page.get_by_label("Hoeveel uur per maand", exact=False).fill("achttien")
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Indienen").click()
    assert page.title().startswith("Fout: ")
    assert page.evaluate("() => document.activeElement.classList.contains('portal-form-errors')")
    assert "Kies een datum van" in page.locator("#start_date-error").inner_text()
    hours_error = page.locator("#hours_per_month-error").inner_text()
    assert hours_error.count("Fout:") == 1 and "heel getal" in hours_error
    assert page.get_by_label("Begindatum").input_value() == "1900-01-01"  # the input is kept
    assert page.get_by_label("Hoeveel uur per maand", exact=False).input_value() == "achttien"
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320


def test_point_17_the_certificate_from_my_oath_page_says_de_burgemeester_and_is_tagged(page, app):
    from portal.oath.services.attendance import mark_attendance
    from portal.oath.services.registrations import register_for_session
    from portal.oath.states import RegistrationStatus
    from tests.declarations.helpers import make_user
    from tests.support.pdf_tags import page_content, read, structure_tree

    with app.app_context():
        oath_session = plan_session(capacity=5, starts_in=timedelta(hours=1), deadline_before=timedelta(minutes=30),
                                    official="Burgemeester")
        registration = register_for_session(oath_session.id, make_user("jdevries", email="jdevries@example.nl"),
                                            "oath")
        hr = make_user("mjansen", is_reviewer=True)
        mark_attendance(registration.id, RegistrationStatus.attended, hr,  # at the ceremony, an hour from now
                        now=oath_session.starts_at + timedelta(minutes=5))
        db.session.commit()
    sign_in(page, "jdevries")
    page.goto("/oath/my")
    assert_accessible(page)
    with page.expect_download() as certificate:
        page.get_by_role("link", name="Download uw oorkonde (PDF)").click()
    data = open(certificate.value.path(), "rb").read()
    reader = read(data)
    text = " ".join(reader.pages[0].extract_text().split())
    assert "ten overstaan van de burgemeester" in text and "ten overstaan van Burgemeester" not in text
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/Lang"] == "nl"
    assert "/H1" in structure_tree(reader).tags() and page_content(reader, 0).untagged == 0
