"""A real browser (Debian's Chromium through Playwright) against a real server process."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadence.testing.browser import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    with running_server(participants=30) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        errors: list[str] = []
        tab.on(
            "console",
            lambda msg: (
                errors.append(msg.text)
                if msg.type == "error" and not msg.text.startswith("Failed to load resource")
                else None
            ),
        )
        # Pages may answer 404 on purpose; their scripts, styles and icons must not.
        tab.on(
            "response",
            lambda r: (
                errors.append(f"{r.status} {r.url}")
                if r.status >= 400 and r.request.resource_type != "document"
                else None
            ),
        )
        yield tab
        browser.close()
        assert not errors, f"browser errors (CSP, script or missing asset): {errors}"


def sign_in(page: object, username: str) -> None:
    page.goto("/accounts/login/")  # type: ignore[attr-defined]
    page.get_by_label("Username").fill(username)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(DEMO_PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/")  # type: ignore[attr-defined]


def test_front_desk_registers_admits_and_finds_the_participant_on_the_caseload(page: object) -> None:
    p = page  # the Playwright page; attributes are dynamic
    sign_in(p, "frontdesk")
    last_name = "Browsertest" + uuid.uuid4().hex[:6].capitalize()
    today = dt.date.today()
    p.goto("/participants/new/")  # type: ignore[attr-defined]
    p.get_by_label("Legal first name").fill("Morgan")  # type: ignore[attr-defined]
    p.get_by_label("Legal last name").fill(last_name)  # type: ignore[attr-defined]
    p.get_by_label("Date of birth").fill("1987-06-15")  # type: ignore[attr-defined]
    p.get_by_label("ICD-10-CM code").fill("F10.20")  # type: ignore[attr-defined]
    p.get_by_label("Program").select_option(index=1)  # type: ignore[attr-defined]
    p.get_by_label("Referral date").fill((today - dt.timedelta(days=3)).isoformat())  # type: ignore[attr-defined]
    p.get_by_role("button", name="Register and refer").click()  # type: ignore[attr-defined]
    p.get_by_role("heading", name=f"Morgan {last_name}").wait_for()  # type: ignore[attr-defined]

    p.get_by_role("link", name="Admit").first.click()  # type: ignore[attr-defined]
    p.get_by_label("Track").select_option(index=1)  # type: ignore[attr-defined]
    p.get_by_label("Admission date").fill((today - dt.timedelta(days=1)).isoformat())  # type: ignore[attr-defined]
    p.get_by_role("button", name="Admit").click()  # type: ignore[attr-defined]
    p.get_by_text("Admitted").first.wait_for()  # type: ignore[attr-defined]

    p.goto("/participants/")  # type: ignore[attr-defined]
    p.get_by_label("Search").fill(last_name)  # type: ignore[attr-defined]
    row = p.get_by_role("row").filter(has_text=last_name)  # type: ignore[attr-defined]
    row.wait_for()
    assert "Admitted" in row.inner_text() or "Active" in row.inner_text()


def test_a_clinician_of_the_second_site_cannot_open_a_first_site_chart(page: object, base_url: str) -> None:
    p = page
    sign_in(p, "clinician")
    p.goto("/participants/")  # type: ignore[attr-defined]
    href = p.locator("table a[href^='/participants/']").first.get_attribute("href")  # type: ignore[attr-defined]
    p.locator("summary").filter(has_text="Clinician").first.click()  # type: ignore[attr-defined]
    p.get_by_role("button", name="Sign out").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/accounts/login/")  # type: ignore[attr-defined]
    sign_in(p, "clinician2")
    response = p.goto(href)  # type: ignore[attr-defined]
    assert response.status == 404
