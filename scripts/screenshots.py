"""Regenerate the README screenshots: `.venv/bin/python scripts/screenshots.py` (needs /usr/bin/chromium)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from cadence.testing.browser import CHROMIUM, CHROMIUM_ARGS, DEMO_PASSWORD, running_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    extra = [
        ["seed_schedule_demo", "--weeks", "2"],
        ["seed_attendance_demo", "--weeks", "4", "--no-schedule"],
        ["seed_measures", "--if-empty"],
        ["seed_notes_demo", "--if-empty"],
        ["seed_plans_demo", "--if-empty"],
        ["seed_safetyplans_demo", "--if-empty"],
        ["seed_consents_demo", "--if-empty"],
        ["seed_safety_demo", "--if-empty"],
    ]
    with running_server(participants=120, extra=extra) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860}).new_page()
        page.goto("/accounts/login/")
        page.screenshot(path=OUT / "login.png")
        page.get_by_label("Username").fill("clinician")
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/")
        page.screenshot(path=OUT / "home.png", full_page=True)
        page.goto("/participants/?status=active")
        page.screenshot(path=OUT / "caseload.png")
        href = page.locator("table a[href^='/participants/']").first.get_attribute("href")
        page.goto(str(href))
        page.screenshot(path=OUT / "chart.png", full_page=True)
        pk = str(href).strip("/").split("/")[-1]
        page.goto(f"/plans/participant/{pk}/")
        page.screenshot(path=OUT / "plan.png")
        page.goto(f"/consents/{pk}/")
        page.screenshot(path=OUT / "consents.png")
        page.goto("/safety/")
        event = page.locator("table a[href^='/safety/events/']").first
        if event.count():
            event.click()
            page.screenshot(path=OUT / "crisis-event.png")
        page.goto("/notes/cosign/")
        note = page.get_by_role("link", name="Group note").first
        if note.count():
            note.click()
            page.screenshot(path=OUT / "group-note.png")
        schedule = page.goto("/schedule/")
        if schedule is not None and schedule.status == 200:
            page.screenshot(path=OUT / "schedule.png")
        auditor = browser.new_context(base_url=base, viewport={"width": 1280, "height": 860}).new_page()
        auditor.goto("/accounts/login/")
        auditor.get_by_label("Username").fill("auditor")
        auditor.get_by_label("Password").fill(DEMO_PASSWORD)
        auditor.get_by_role("button", name="Sign in").click()
        auditor.wait_for_url("**/")
        auditor.goto("/audit/")
        auditor.screenshot(path=OUT / "audit.png")
        auditor.goto("/outcomes/?mode=active")
        auditor.screenshot(path=OUT / "outcomes.png", full_page=True)
        phone = browser.new_context(base_url=base, viewport={"width": 390, "height": 844}).new_page()
        phone.goto("/accounts/login/")
        phone.get_by_label("Username").fill("participant")
        phone.get_by_label("Password").fill(DEMO_PASSWORD)
        phone.get_by_role("button", name="Sign in").click()
        phone.wait_for_url("**/me/")
        phone.screenshot(path=OUT / "portal.png")
        phone.goto("/me/help/")
        phone.screenshot(path=OUT / "portal-help.png")
        phone.goto("/me/consents/")
        phone.screenshot(path=OUT / "portal-consents.png")
        browser.close()
    print(f"screenshots written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
