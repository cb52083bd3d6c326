"""A real browser against a real server: a clinician writes a step with htmx; the participant, on a phone,
sees 988 one tap away and signs the version waiting for them. Fails on CSP, console or asset errors."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, running_server, sign_in, watched_page

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("CADENCE_SCREENSHOTS", "")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    extra = [["seed_measures", "--seed", "3"], ["seed_safetyplans_demo", "--if-empty"]]
    with running_server(participants=30, extra=extra) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    with watched_page(base_url) as tab:
        yield tab


@pytest.fixture
def phone(base_url: str) -> Iterator[Any]:
    with watched_page(base_url, {"width": 390, "height": 844}) as tab:
        yield tab


def _shot(page: object, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)  # type: ignore[attr-defined]


def test_clinician_writes_a_step_with_htmx(page: object) -> None:
    p = page
    sign_in(p, "clinician")
    p.goto("/participants/")  # type: ignore[attr-defined]
    hrefs = p.eval_on_selector_all(  # type: ignore[attr-defined]
        "a[href^='/participants/']", "els => els.map(e => e.getAttribute('href'))"
    )
    ids = [m.group(1) for h in hrefs if (m := re.fullmatch(r"/participants/(\d+)/", h))]
    for pk in ids:
        p.goto(f"/safety-plans/{pk}/")  # type: ignore[attr-defined]
        start = p.get_by_role("button", name=re.compile("Write a safety plan|Revise"))  # type: ignore[attr-defined]
        if start.count():
            start.click()
            break
    else:
        pytest.fail("no participant without a draft on the clinician's caseload")
    section = p.locator("#section-warning_signs")  # type: ignore[attr-defined]
    section.get_by_label("Text").fill("Browser test warning sign")
    section.get_by_role("button", name="Add").click()
    p.locator("#section-warning_signs").get_by_text("Browser test warning sign").wait_for()  # type: ignore[attr-defined]
    _shot(p, "safetyplan-staff")


def test_participant_on_a_phone_sees_988_and_signs(phone: object) -> None:
    p = phone
    sign_in(p, "participant")
    p.goto("/me/safety-plan/")  # type: ignore[attr-defined]
    assert p.locator("a[href='tel:988']").count() >= 1  # type: ignore[attr-defined]
    assert p.locator("a[href='sms:988']").count() >= 1  # type: ignore[attr-defined]
    assert p.locator("a[href='tel:911']").count() == 1  # type: ignore[attr-defined]
    _shot(p, "safetyplan-portal")
    sign = re.compile("Sign my safety plan|Firmar mi plan de seguridad")
    p.get_by_role("link", name=sign).click()  # type: ignore[attr-defined]
    p.get_by_label(re.compile("I have read my safety plan|Leí mi plan")).check()  # type: ignore[attr-defined]
    p.get_by_role("button", name=sign).click()  # type: ignore[attr-defined]
    p.get_by_text(re.compile("Your safety plan is signed|quedó firmado")).wait_for()  # type: ignore[attr-defined]
    assert p.get_by_role("link", name=sign).count() == 0  # type: ignore[attr-defined]
