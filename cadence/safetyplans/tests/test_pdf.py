"""The printout: one letter page with every step (compact when long); a plan too long for one page says
so and keeps every item (read back with pypdf)."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from cadence.core.pdf import render_pdf
from cadence.safetyplans.pdf import pdf_context
from cadence.safetyplans.rules import CONTACT_SECTIONS, SECTION_KEYS, SECTION_TITLES, Item, PlanContent, choose_layout
from cadence.testing.personas import World

from .factories_content import big_content, full_content, huge_content
from .helpers import draft, person, signed

pytestmark = pytest.mark.django_db


def _pages(world: World, content: PlanContent, *, sign: bool = True) -> list[str]:
    participant = person(world).participant
    version = signed(world, participant, content) if sign else draft(world, participant, content)
    pdf = render_pdf("safetyplans/pdf.html", pdf_context(participant, version))
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _assert_every_item(text: str, content: PlanContent) -> None:
    flat = _flat(text)
    for key in SECTION_KEYS:
        assert _flat(SECTION_TITLES[key].en)[:40] in flat, key
        for item in content.items(key):
            probe = _flat(item.name or item.text)[:30]
            assert probe in flat, (key, probe)


def test_a_usual_plan_prints_on_one_page_with_every_step(world: World) -> None:
    pages = _pages(world, full_content())
    assert len(pages) == 1
    _assert_every_item(pages[0], full_content())
    assert "42 CFR part 2 prohibits unauthorized use or disclosure" in pages[0]
    assert "Page 1 of 1" in pages[0]
    assert "988" in pages[0]


def test_a_large_plan_still_prints_on_exactly_one_page(world: World) -> None:
    content = big_content()
    assert choose_layout(content).name == "compact"
    pages = _pages(world, content)
    assert len(pages) == 1
    _assert_every_item(pages[0], content)


SAMPLE = "Call my sister Maria When Wednesday evenings feel long and EMPTY, or walk to the park with Max. " * 3


def _largest(layout: str, length: int) -> PlanContent:
    """The largest plan (items of ``length`` characters, added round-robin over the sections) that the
    budget still prints on one page in ``layout``."""
    rank = {"normal": 0, "compact": 1}
    content = full_content()
    last = content
    n = 0
    while (found := choose_layout(content)).fits_one_page and rank[found.name] <= rank[layout]:
        last = content
        key = SECTION_KEYS[n % len(SECTION_KEYS)]
        if key in CONTACT_SECTIONS:
            item = Item(name=f"Person {n}", text=SAMPLE[: max(1, length - 22)], phone="555-0100")
        else:
            item = Item(text=SAMPLE[:length])
        content = content.with_items(key, (*content.items(key), item))
        n += 1
    assert choose_layout(last).name == layout
    return last


@pytest.mark.parametrize(("layout", "length"), [("normal", 30), ("normal", 200), ("compact", 60), ("compact", 230)])
def test_the_largest_plan_the_budget_prints_on_one_page_does(world: World, layout: str, length: int) -> None:
    content = _largest(layout, length)
    pages = _pages(world, content)
    assert len(pages) == 1
    _assert_every_item(pages[0], content)


def test_a_plan_too_long_for_one_page_says_so_and_drops_nothing(world: World) -> None:
    content = huge_content()
    pages = _pages(world, content)
    assert len(pages) >= 2
    assert "too long for one page" in _flat(pages[0])
    _assert_every_item("\n".join(pages), content)


def test_a_draft_prints_marked_as_draft(world: World) -> None:
    pages = _pages(world, full_content(), sign=False)
    assert "DRAFT" in pages[0]
