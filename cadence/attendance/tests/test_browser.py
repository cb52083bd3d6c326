"""Taking attendance in a real browser (Debian's Chromium through Playwright) against a real server: each
roster row saves itself with htmx and comes back with the participant's hours this week; no CSP or
console errors on the way."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, running_server, sign_in, watched_page

pytestmark = pytest.mark.browser
HOURS = re.compile(r"This week (\d+\.\d) of (\d+\.\d) h")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    # The demo's own seeders (see the Makefile's demo target), on a smaller clinic.
    extra = [["seed_schedule_demo", "--weeks", "1"], ["seed_attendance_demo", "--weeks", "2", "--codes", "0"]]
    with running_server(participants=30, extra=extra) as url:
        yield url


@pytest.fixture
def page(base_url: str) -> Iterator[Any]:
    with watched_page(base_url) as tab:
        yield tab


def hours(row: object) -> float:
    text = row.locator("[data-week-hours]").inner_text()  # type: ignore[attr-defined]
    found = HOURS.search(text)
    assert found, text
    return float(found.group(1))


def test_clinician_marks_present_and_absent_and_sees_the_weekly_hours_change(page: object) -> None:
    p = page  # the Playwright page; attributes are dynamic
    sign_in(p, "clinician")
    # A session of a day before today (all its sessions have started, whatever the time of the test run)
    # with at least two people booked: a small clinic can have a track nobody is in this week.
    link = None
    for back in range(1, 8):
        p.goto(f"/attendance/?day={dt.date.today() - dt.timedelta(days=back)}")  # type: ignore[attr-defined]
        for tr in p.locator("tbody tr:not(.is-cancelled)").all():  # type: ignore[attr-defined]
            if int(tr.locator("td.num").first.inner_text()) >= 2:
                link = tr.get_by_role("link", name="Take attendance")
                break
        if link is not None:
            break
    assert link is not None, "no session with two people booked in the last week"
    link.click()
    p.get_by_role("heading", level=1).wait_for()  # type: ignore[attr-defined]
    rows = p.locator("li.roster-row")  # type: ignore[attr-defined]
    assert rows.count() >= 2
    first_id, second_id = rows.nth(0).get_attribute("id"), rows.nth(1).get_attribute("id")
    first, second = p.locator(f"#{first_id}"), p.locator(f"#{second_id}")  # type: ignore[attr-defined]

    def press(row: object, label: str) -> None:
        """Click a mark button and wait for htmx to swap the saved row in."""
        with p.expect_response(lambda r: "/mark/" in r.url and r.request.method == "POST"):  # type: ignore[attr-defined]
            row.get_by_role("button", name=label, exact=True).click()  # type: ignore[attr-defined]
        row.locator(f"button.is-current:text-is('{label}')").wait_for()  # type: ignore[attr-defined]

    # Start each row from a known mark, then change it: the row comes back with the new week's hours.
    press(first, "Unexcused")
    absent_hours = hours(first)
    press(first, "Present")
    assert hours(first) > absent_hours
    assert first.locator(".roster-state").inner_text().startswith("Present")
    press(second, "Present")
    present_hours = hours(second)
    press(second, "Unexcused")
    assert hours(second) < present_hours
    assert "Unexcused" in second.locator(".roster-state").inner_text()
    # The saves went through htmx: still on the roster, no full page load.
    assert "/attendance/sessions/" in p.url  # type: ignore[attr-defined]
