"""A real browser against a real server: edit a plan with htmx (field error, then saved), sign the draft,
download the PDF. Fails on CSP or console errors."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadence.testing.browser import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, running_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM})")
    with running_server(participants=20, extra=[["seed_plans_demo", "--if-empty"]]) as url:
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
        tab.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
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


def test_director_edits_a_plan_with_htmx_signs_it_and_downloads_the_pdf(page: object) -> None:
    p = page  # the Playwright page; attributes are dynamic
    p.goto("/accounts/login/")  # type: ignore[attr-defined]
    p.get_by_label("Username").fill("director")  # type: ignore[attr-defined]
    p.get_by_label("Password").fill(DEMO_PASSWORD)  # type: ignore[attr-defined]
    p.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/")  # type: ignore[attr-defined]
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
