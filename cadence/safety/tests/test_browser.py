"""A real browser against a real server: the participant presses "I need help now" on a phone and a
clinician with access sees the crisis event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, running_server, sign_in, watched_browser

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


def test_the_participants_help_button_raises_an_event_the_clinician_sees(base_url: str) -> None:
    with watched_browser(base_url) as browser:
        the_participant_asks_for_help(browser.page(PHONE))
        the_clinician_sees_and_acknowledges(browser.page())


def the_participant_asks_for_help(phone: Any) -> None:
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


def the_clinician_sees_and_acknowledges(desk: Any) -> None:
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
