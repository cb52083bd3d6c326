"""A real browser against a real server: edit a plan with htmx (field error, then saved), sign the draft,
download the PDF; the participant, on a phone, reads and signs their plan on the portal. Fails on CSP or
console errors."""

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


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM})")
    # seed_measures makes the demo portal login ("participant"); the plans seed leaves its plan to sign.
    extra = [["seed_measures", "--seed", "3"], ["seed_plans_demo", "--if-empty"]]
    with running_server(participants=20, extra=extra) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    with watched_page(base_url) as tab:
        yield tab


def test_director_edits_a_plan_with_htmx_signs_it_and_downloads_the_pdf(page: object) -> None:
    p = page  # the Playwright page; attributes are dynamic
    sign_in(p, "director")
    p.goto("/plans/1/")  # type: ignore[attr-defined]
    p.get_by_role("heading", name="Treatment plan", exact=True).wait_for()  # type: ignore[attr-defined]
    editing = p.locator("summary", has_text="Edit the plan")  # type: ignore[attr-defined]
    if editing.count():
        editing.click()
    url_before = p.url  # type: ignore[attr-defined]
    p.get_by_role("link", name="Add objective to goal").first.click()  # type: ignore[attr-defined]
    p.get_by_label("Objective (measurable)").fill("Feel better")  # type: ignore[attr-defined]
    p.get_by_label("Target date").fill("2030-01-10")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Save").click()  # type: ignore[attr-defined]
    p.locator(".errorlist", has_text="The objective is not measurable").wait_for()  # type: ignore[attr-defined]
    focused = p.evaluate("document.activeElement.name")  # type: ignore[attr-defined]
    assert focused == "text"  # focus moved to the field with the error
    assert p.url == url_before  # htmx swapped the section; no page load  # type: ignore[attr-defined]
    p.get_by_label("Objective (measurable)").fill("Walk 20 minutes daily")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Save").click()  # type: ignore[attr-defined]
    draft = p.locator("#plan-draft")  # type: ignore[attr-defined]
    draft.get_by_text("objective 'Walk 20 minutes daily' added, target date 10 Jan 2030").wait_for()
    draft.get_by_role("link", name="Review and sign").click()
    p.get_by_label("I reviewed this plan with the participant and sign it as the clinician.").check()  # type: ignore[attr-defined]
    p.get_by_role("button", name="Sign as clinician").click()  # type: ignore[attr-defined]
    p.get_by_role("heading", name="Current plan: revision").wait_for()  # type: ignore[attr-defined]
    assert "Walk 20 minutes daily" in p.locator(".plan-current").inner_text()  # type: ignore[attr-defined]
    response = p.request.get(p.url.rstrip("/") + "/pdf/")  # type: ignore[attr-defined]
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"


@pytest.fixture
def phone(base_url: str) -> Iterator[Any]:
    with watched_page(base_url, {"width": 390, "height": 844}) as tab:
        yield tab


def test_participant_on_a_phone_reads_and_signs_their_plan(phone: Any) -> None:
    p = phone
    sign_in(p, "participant")
    p.goto("/me/")
    p.get_by_role("link", name=re.compile("My treatment plan|Mi plan de tratamiento")).click()
    p.get_by_role("heading", name=re.compile("My goals|Mis metas")).wait_for()
    _shot(p, "plan-portal")
    sign = re.compile("Sign my plan|Firmar mi plan")
    p.get_by_role("link", name=sign).click()
    p.get_by_role("button", name=sign).click()  # unticked: the browser's own check keeps the page
    assert "/me/plan/sign/" in p.url
    p.get_by_label(re.compile("I have read my treatment plan|Leí mi plan de tratamiento")).check()
    _shot(p, "plan-portal-sign")
    p.get_by_role("button", name=sign).click()
    p.get_by_text(re.compile("Your treatment plan is signed|quedó firmado")).wait_for()
    assert p.get_by_role("link", name=sign).count() == 0
    assert p.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
