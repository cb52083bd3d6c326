"""A version's content shaped for templates (staff pages, PDF, portal): numbered steps with titles in the
reader's language, and phone numbers as ``tel:`` targets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .rules import REASONS, SECTION_KEYS, SECTION_TITLES, STEP_KEYS, Item, PlanContent, phone_digits


@dataclass(frozen=True, slots=True)
class ItemView:
    text: str
    name: str
    phone: str
    kind: str
    tel: str  # "+15550100123" / "988", empty without a phone

    @property
    def label(self) -> str:
        return self.name or self.text

    @property
    def note(self) -> str:
        return self.text if self.name else ""


@dataclass(frozen=True, slots=True)
class SectionView:
    key: str
    number: int | None  # None for the reasons for living
    title: str
    items: tuple[ItemView, ...]
    step_label: str = ""  # "Step 4" / "Paso 4"; empty for the reasons for living
    short_title: str = ""  # "People I can ask for help": for a phone

    @property
    def is_reasons(self) -> bool:
        return self.key == REASONS


def tel_target(phone: str) -> str:
    """What goes after ``tel:``: the digits, with a leading + kept."""
    digits = phone_digits(phone)
    if not digits:
        return ""
    return f"+{digits}" if phone.strip().startswith("+") else digits


def item_view(item: Item) -> ItemView:
    return ItemView(item.text, item.name, item.phone, item.kind, tel_target(item.phone))


def sections(content: PlanContent, language: str = "en") -> list[SectionView]:
    """The six steps in order, then the reasons for living."""
    return [
        SectionView(
            key=key,
            number=STEP_KEYS.index(key) + 1 if key in STEP_KEYS else None,
            title=SECTION_TITLES[key].get(language),
            items=tuple(item_view(item) for item in content.items(key)),
            step_label=_step_label(key, language),
            short_title=_capitalized(SECTION_TITLES[key].short(language)),
        )
        for key in SECTION_KEYS
    ]


def contacts(content: PlanContent) -> list[ItemView]:
    """Every person, place and service of the plan that has a phone number (steps 3, 4, 5), in order."""
    found: list[ItemView] = []
    for key in STEP_KEYS:
        found.extend(item_view(item) for item in content.items(key) if item.phone)
    return found


def local_day(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def _step_label(key: str, language: str) -> str:
    if key not in STEP_KEYS:
        return ""
    return f"{'Paso' if language == 'es' else 'Step'} {STEP_KEYS.index(key) + 1}"


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]
