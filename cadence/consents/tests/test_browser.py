"""A real browser against a real server: the participant, on a phone, signs the consent waiting for them;
a clinician records a disclosure, the consent list follows the date and the counseling-notes box (htmx),
and the cover sheet carries the Part 2 notice. Fails on CSP, console or asset errors."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cadence.testing.browser import CHROMIUM, running_server, sign_in, watched_page

pytestmark = pytest.mark.browser
NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is required for the browser tests ({CHROMIUM}); `make test` installs it")
    # seed_measures makes the demo participant's portal login, as in `make demo`.
    extra = [["seed_measures", "--seed", "3"], ["seed_consents_demo", "--if-empty"]]
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


def test_participant_on_a_phone_reads_every_element_and_signs(phone: object) -> None:
    p: Any = phone
    sign_in(p, "participant")
    p.goto("/me/")
    p.get_by_role("link", name=re.compile("My consents to share records|Mis autorizaciones")).click()
    p.wait_for_url("**/me/consents/")
    in_effect = re.compile(r"^(In effect|Vigente)$")
    before = p.locator(".badge").filter(has_text=in_effect).count()
    p.get_by_role("link", name=re.compile("Read and sign|Leer y firmar")).first.click()
    # Every element of the consent is on the page before the button.
    elements = p.locator("dl.cs-elements dt")
    assert elements.count() == 7
    assert "42 CFR" not in p.url
    p.locator("#cs-confirm").check()
    p.get_by_role("button", name=re.compile("Sign this consent|Firmar esta autorización")).click()
    p.wait_for_url("**/me/consents/")
    assert p.locator(".badge").filter(has_text=in_effect).count() == before + 1


def test_clinician_records_a_disclosure_and_prints_its_cover_sheet(page: object) -> None:
    p: Any = page
    sign_in(p, "clinician")
    p.goto("/participants/?status=active")
    hrefs = p.eval_on_selector_all("a[href^='/participants/']", "els => els.map(e => e.getAttribute('href'))")
    ids = [m.group(1) for h in hrefs if (m := re.fullmatch(r"/participants/(\d+)/", h))]
    for pk in ids:
        p.goto(f"/consents/{pk}/disclosures/new/")
        if p.locator("select[name='consent'] option").count() > 1:  # a consent in effect today
            break
    else:
        pytest.fail("no participant of the clinician's caseload has a consent in effect")
    # Ticking "counseling notes" asks the server again: only a counseling-notes consent may cover them.
    with p.expect_response(lambda r: "/disclosures/consents/" in r.url):
        p.get_by_label("Includes SUD counseling notes").check()
    p.locator("#consent-options").get_by_text(re.compile("SUD counseling notes")).wait_for()
    with p.expect_response(lambda r: "/disclosures/consents/" in r.url):
        p.get_by_label("Includes SUD counseling notes").uncheck()
    p.locator("#consent-options").get_by_text(re.compile("^Consents in effect on")).wait_for()
    p.get_by_label("Written consent").check()
    p.locator("select[name='consent']").select_option(index=1)
    p.locator("#id_recipient").fill("Riverbend Primary Care")
    p.get_by_label("What was disclosed").fill("Attendance dates and the current treatment plan")
    p.locator("#id_purpose").fill("Coordination of care")
    p.get_by_label("The consent names this recipient and this purpose").check()
    p.get_by_role("button", name="Record the disclosure").click()
    p.get_by_text("Disclosure recorded.").wait_for()
    assert "/cover/" in p.url
    assert NOTICE in p.locator("main").inner_text()
    assert "Riverbend Primary Care" in p.locator("main").inner_text()
