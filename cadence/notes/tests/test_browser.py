"""A real browser against a real server with the demo notes: the supervisor returns a supervisee's group
note from the co-sign queue; the supervisee fixes a section (htmx save, no page load) and signs again."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, running_server, sign_in, watched_page

pytestmark = pytest.mark.browser
SEEDS = [["seed_schedule_demo", "--weeks", "1"], ["seed_attendance_demo", "--weeks", "1"], ["seed_notes_demo"]]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    with running_server(participants=40, extra=SEEDS) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    with watched_page(base_url) as tab:
        yield tab


def test_supervisor_returns_a_group_note_and_the_supervisee_fixes_and_signs_it(page: object) -> None:
    p = page
    sign_in(p, "clinician")
    p.goto("/notes/cosign/")  # type: ignore[attr-defined]
    p.get_by_role("link", name="Group note").first.click()  # type: ignore[attr-defined]
    p.get_by_role("heading", name="Co-signature").wait_for()  # type: ignore[attr-defined]
    note_url = p.url  # type: ignore[attr-defined]
    p.get_by_label("What should the author change?").fill("Describe each member's response.")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Return to the author").click()  # type: ignore[attr-defined]
    p.get_by_text("Note returned to its author.").wait_for()  # type: ignore[attr-defined]
    p.context.clear_cookies()  # type: ignore[attr-defined]

    sign_in(p, "dfairbanks")
    p.goto(note_url)  # type: ignore[attr-defined]
    p.get_by_text("Describe each member's response.").wait_for()  # type: ignore[attr-defined]
    section = p.locator("[data-member]").first  # type: ignore[attr-defined]
    section.get_by_label("Response to the session").fill("Named one trigger and a coping plan.")
    section.get_by_role("button", name="section").click()
    section = p.locator("[data-member]").first  # type: ignore[attr-defined]
    section.get_by_text("Saved").wait_for()
    p.get_by_role("button", name="Sign the group note").click()  # type: ignore[attr-defined]
    p.get_by_text("Note signed: awaiting co-signature.").wait_for()  # type: ignore[attr-defined]
