"""A real browser against a real server: the participant presses "I need help now" on a phone and a
clinician with access sees the crisis event."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, running_server

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    # seed_measures makes the portal login "participant" (a participant of the demo clinician "clinician").
    with running_server(
        participants=30, extra=[["seed_measures", "--if-empty"], ["seed_safety_demo", "--if-empty"]]
    ) as url:
        yield url


@pytest.fixture
def browser(base_url: str) -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    errors: list[str] = []
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium, errors
        chromium.close()
    assert not errors, f"browser errors (CSP, script or missing asset): {errors}"


def new_page(chromium: Any, base_url: str, errors: list[str], viewport: dict[str, int]) -> Any:
    page = chromium.new_context(base_url=base_url, viewport=viewport).new_page()
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            errors.append(f"{r.status} {r.url}") if r.status >= 400 and r.request.resource_type != "document" else None
        ),
    )
    return page


def sign_in(page: Any, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def test_the_participants_help_button_raises_an_event_the_clinician_sees(
    base_url: str, browser: tuple[Any, list[str]]
) -> None:
    chromium, errors = browser
    phone = new_page(chromium, base_url, errors, PHONE)
    sign_in(phone, "participant")
    phone.goto("/me/")
    phone.locator("#portal-language").select_option("en")  # the demo participant may read Spanish
    phone.locator(".portal-lang button").click()
    phone.get_by_role("link", name="I need help now").click()
    phone.get_by_role("heading", name="Help now").wait_for()
    assert phone.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"
    phone.get_by_role("button", name="Tell my care team I need help now").click()
    phone.get_by_role("heading", name="Tell your care team now?").wait_for()
    phone.get_by_role("button", name="Yes, tell my care team").click()
    phone.get_by_role("heading", name="Your care team has been told").wait_for()
    assert "waiting for your care team" in phone.content()

    desk = new_page(chromium, base_url, errors, {"width": 1280, "height": 900})
    sign_in(desk, "clinician")
    desk.goto("/safety/")
    row = desk.locator("tr", has_text="Participant (help button)")
    assert row.count() == 1 and "Not acknowledged" in row.inner_text()

    desk.goto("/")
    card = desk.locator('[data-card="crisis"]')
    card.get_by_role("heading", name="Crisis events needing a response").wait_for()
    assert "Participant (help button)" in card.inner_text()
    card.get_by_role("link", name="Respond").first.click()
    desk.get_by_role("button", name="Acknowledge: I am responding").wait_for()
