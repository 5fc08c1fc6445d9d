"""A person signs in with the keyboard in Chromium; every page passes axe."""

from __future__ import annotations

import pytest

from tests.support.browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_page_and_dashboard_are_accessible(page):
    page.goto("/login")
    assert_accessible(page)
    # keyboard only: the skip link is the first thing Tab reaches
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Direct naar de inhoud"
    page.get_by_label("Gebruikersnaam").fill("jdevries")
    page.get_by_label("Wachtwoord").fill("Welkom-jdevries-2026")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welkom, Jan de Vries"
    assert_accessible(page)


def test_wrong_password_message_is_accessible_and_keeps_username(page):
    sign_in(page, "jdevries", "not-the-password")
    assert page.get_by_role("alert").first.is_visible()
    assert page.get_by_label("Gebruikersnaam").input_value() == "jdevries"
    assert_accessible(page)


def test_pages_fit_320_pixels(page):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, "lvisser")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert_accessible(page)


def test_error_page_is_in_site_layout_and_accessible(page):
    sign_in(page, "jdevries")
    response = page.goto("/does-not-exist")
    assert response.status == 404
    assert page.get_by_role("link", name="Vertrouwenspersoon").first.is_visible()
    assert_accessible(page)
