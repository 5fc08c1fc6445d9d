"""Debian's Chromium driven by Playwright, and axe-core checks."""

from __future__ import annotations

import contextlib
import json
import shutil
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("chromium not found: install the Debian package 'chromium' (make system-deps)")
    return path


@contextlib.contextmanager
def launch_chromium() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the current page."""
    # evaluate() runs through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations']
        })"""
    )
    return result["violations"]


def assert_accessible(page) -> None:
    """Zero axe violations on the current page, with a readable failure."""
    violations = axe_violations(page)
    if violations:
        summary = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "targets": [n["target"] for n in v["nodes"]][:5]}
            for v in violations
        ]
        raise AssertionError(f"axe violations on {page.url}:\n{json.dumps(summary, indent=2)}")


def sign_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password or f"Welkom-{username}-2026")
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_load_state()


def sign_out(page) -> None:
    """Sign out through the header's button."""
    page.get_by_role("button", name="Afmelden").click()
    page.wait_for_load_state()


def ask_the_managers_advice(page, path: str, question: str, manager: str = "Henk Bos") -> None:
    """As a reviewer on ``path`` (a review or gift page): an empty question is refused, then ``question`` is sent."""
    page.goto(path)
    advice = page.get_by_role("region", name="Advies van de leidinggevende")
    advice.locator("summary", has_text=f"Advies vragen aan {manager}").click()
    page.get_by_role("button", name="Advies vragen").click()  # empty: refused with a message
    page.wait_for_load_state()
    assert page.get_by_text("Schrijf uw vraag aan de leidinggevende.").first.is_visible()
    assert_accessible(page)
    page.get_by_label("Uw vraag aan de leidinggevende").fill(question)
    page.get_by_role("button", name="Advies vragen").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Uw vraag is naar {manager} gestuurd.").is_visible()
    assert page.get_by_role("region", name="Advies van de leidinggevende").get_by_text("Wacht op advies").is_visible()
    assert_accessible(page)
