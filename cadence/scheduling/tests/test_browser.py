"""The schedule in a real browser (Debian's Chromium through Playwright) against a real server process:
a director opens a program's week, books through the drag-free session panel and sees the instant
conflict check refuse a move, with no CSP or console errors."""

from __future__ import annotations

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
    # Two weeks so that next week's sessions (none started yet) exist whatever the day of the run.
    with running_server(participants=12, extra=[["seed_schedule_demo", "--weeks", "2"]]) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    # The booking editor answers a refused change with a 4xx to htmx, on purpose.
    with watched_page(base_url, answers_may_fail=("xhr", "fetch")) as tab:
        yield tab


# Two sessions of one day at different times: [[href, start text], [href, start text]].
PICK_TWO = """() => {
  for (const day of document.querySelectorAll('.day')) {
    const cards = [...day.querySelectorAll('a.session-card:not(.is-cancelled)')];
    const seen = new Map();
    for (const c of cards) {
      const t = c.querySelector('.time time').textContent.trim();
      if (!seen.has(t)) seen.set(t, c.id);
    }
    if (seen.size >= 2) return [...seen.entries()].slice(0, 2).map(([t, id]) => [id, t]);
  }
  return null;
}"""


def test_director_books_in_the_week_view_and_a_conflicting_move_is_refused(page: Any) -> None:
    p = page
    sign_in(p, "director")
    p.goto("/schedule/")
    p.locator("a[href*='/schedule/programs/']").first.click()
    p.get_by_role("heading", level=1).wait_for()
    p.get_by_role("link", name="Next week").click()
    p.wait_for_url("**week=*")
    p.locator("nav[aria-label='Tracks'] ul.tabs li a").nth(1).click()  # the first track
    p.wait_for_url("**track=*")
    picked = p.evaluate(PICK_TWO)
    assert picked, "the demo week should have a day with two group times"
    (first_id, first_time), (second_id, _second_time) = picked

    # Book someone into the first session from its panel (no page load: htmx swaps the panel).
    p.locator(f"#{first_id}").click()
    panel = p.locator("#session-panel")
    panel.locator("[data-panel-heading]").wait_for()
    choice = panel.get_by_label("Participant")
    name = choice.locator("option").nth(1).inner_text().split(" · ")[0]
    choice.select_option(index=1)
    panel.get_by_role("button", name="Book", exact=True).click()
    panel.locator(".roster").get_by_role("link", name=name).wait_for()

    # The same person into the second session, then try to move it onto the first one's time.
    p.locator(f"#{second_id}").click()
    panel.locator(f"[data-session='{second_id.rsplit('-', 1)[1]}']").wait_for()
    options = panel.get_by_label("Participant").locator("option").all_inner_texts()
    panel.get_by_label("Participant").select_option(label=next(o for o in options if o.startswith(name + " · ")))
    panel.get_by_role("button", name="Book", exact=True).click()
    panel.locator(".roster").get_by_role("link", name=name).wait_for()
    panel.get_by_text("Move the session or change its capacity").click()
    hours, minutes = (int(x) for x in first_time.split(":"))
    panel.get_by_label("Starts").fill(first_time)
    panel.get_by_label("Ends").fill(f"{hours + 1:02d}:{minutes:02d}")
    panel.get_by_role("button", name="Move", exact=True).click()
    panel.get_by_role("alert").wait_for()
    text = panel.inner_text()
    assert "The change was refused" in text and "already" in text, text
    # Nothing moved: the second card still shows its own time.
    assert p.locator(f"#{second_id} .time time").inner_text() != first_time
