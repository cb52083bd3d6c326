"""A real browser (Debian's Chromium through Playwright) against a real server process."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, running_server, sign_in, watched_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    with running_server(participants=30) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    with watched_page(base_url) as tab:
        yield tab


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
