"""Pure rules of the Stanley-Brown safety plan (DOMAIN.md section 5); no Django, no database.

A plan's content is six steps plus "reasons for living", each a list of items. Steps 3, 4 and 5 list
people, places and services, so their items may carry a name and a phone number; step 5 always carries
the 988 Suicide & Crisis Lifeline and the nearest emergency department.

Here: the content as frozen dataclasses (to and from the JSON stored on a version), the checks for
saving a draft and for signing (every refusal in plain words, naming the steps), the difference between
two versions, and the one-page layout budget of the printout.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from cadence.core.errors import DomainError

# --- Sections ---------------------------------------------------------------------------------------

WARNING_SIGNS = "warning_signs"
COPING = "coping"
DISTRACTIONS = "distractions"
PEOPLE = "people"
PROFESSIONALS = "professionals"
ENVIRONMENT = "environment"
REASONS = "reasons"

STEP_KEYS: tuple[str, ...] = (WARNING_SIGNS, COPING, DISTRACTIONS, PEOPLE, PROFESSIONALS, ENVIRONMENT)
SECTION_KEYS: tuple[str, ...] = (*STEP_KEYS, REASONS)
CONTACT_SECTIONS = frozenset({DISTRACTIONS, PEOPLE, PROFESSIONALS})

# Kinds of item that step 5 must always hold.
CRISIS_LINE = "crisis_line"
EMERGENCY_DEPARTMENT = "emergency_department"
ITEM_KINDS = ("", CRISIS_LINE, EMERGENCY_DEPARTMENT)

CRISIS_LINE_NUMBER = "988"
CRISIS_LINE_NAME = "988 Suicide & Crisis Lifeline"
DEFAULT_EMERGENCY_DEPARTMENT = "Nearest emergency department"
# A plan is written in the participant's language; these are the entries Cadence writes for them.
STARTING_WORDS = {
    "en": {"lifeline": CRISIS_LINE_NAME, "call_or_text": "Call or text, 24/7", "ed": DEFAULT_EMERGENCY_DEPARTMENT},
    "es": {
        "lifeline": "988 Línea de Prevención del Suicidio y Crisis",
        "call_or_text": "Llame o envíe un mensaje, 24/7",
        "ed": "Sala de emergencias más cercana",
    },
}


def _starting_words(language: str) -> dict[str, str]:
    return STARTING_WORDS["es" if language == "es" else "en"]


MAX_ITEMS = 12
TEXT_MAX = 240
NAME_MAX = 120
PHONE_MAX = 32

PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()\-]+$")
PHONE_MIN_DIGITS = 3  # 988, 911
PHONE_MAX_DIGITS = 15  # E.164


@dataclass(frozen=True, slots=True)
class SectionTitle:
    en: str
    es: str
    short_en: str
    short_es: str

    def get(self, language: str) -> str:
        return self.es if language == "es" else self.en

    def short(self, language: str) -> str:
        return self.short_es if language == "es" else self.short_en


SECTION_TITLES: dict[str, SectionTitle] = {
    WARNING_SIGNS: SectionTitle(
        "Warning signs (thoughts, images, mood, situations, behavior) that a crisis may be developing",
        "Señales de advertencia (pensamientos, imágenes, estado de ánimo, situaciones, conductas) de que se "
        "acerca una crisis",
        "warning signs",
        "señales de advertencia",
    ),
    COPING: SectionTitle(
        "Internal coping strategies: things I can do on my own to take my mind off my problems",
        "Estrategias internas: cosas que puedo hacer por mi cuenta para distraerme de mis problemas",
        "internal coping strategies",
        "estrategias internas",
    ),
    DISTRACTIONS: SectionTitle(
        "People and social settings that provide distraction",
        "Personas y lugares sociales que me ayudan a distraerme",
        "people and social settings that distract",
        "personas y lugares que distraen",
    ),
    PEOPLE: SectionTitle(
        "People I can ask for help",
        "Personas a quienes puedo pedir ayuda",
        "people I can ask for help",
        "personas a quienes pedir ayuda",
    ),
    PROFESSIONALS: SectionTitle(
        "Professionals and agencies I can contact during a crisis",
        "Profesionales y servicios a los que puedo llamar durante una crisis",
        "professionals and agencies to contact in a crisis",
        "profesionales y servicios en una crisis",
    ),
    ENVIRONMENT: SectionTitle(
        "Making the environment safe (lethal means)",
        "Cómo hacer que mi entorno sea seguro (medios letales)",
        "making the environment safe",
        "un entorno seguro",
    ),
    REASONS: SectionTitle(
        "The one thing most important to me and worth living for",
        "Lo más importante para mí y por lo que vale la pena vivir",
        "reasons for living",
        "razones para vivir",
    ),
}


def section_label(key: str, language: str = "en") -> str:
    """``Step 4 (people I can ask for help)`` or ``Reasons for living``: how rules and diffs name a section."""
    title = SECTION_TITLES[key]
    if key == REASONS:
        text = title.short(language)
        return text[:1].upper() + text[1:]
    number = STEP_KEYS.index(key) + 1
    word = "Paso" if language == "es" else "Step"
    return f"{word} {number} ({title.short(language)})"


# --- Errors -----------------------------------------------------------------------------------------


class SafetyPlanError(DomainError):
    """A broken safety-plan rule: ``field`` (a section key, ``items``, ``status``...) and ``reason``."""


# --- Content ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One line of a step. ``text`` is the line itself (or a note: a relationship, an address); ``name``
    and ``phone`` belong to people, places and services (steps 3 to 5); ``kind`` marks the crisis line
    and the emergency department of step 5."""

    text: str = ""
    name: str = ""
    phone: str = ""
    kind: str = ""

    @property
    def label(self) -> str:
        return self.name or self.text

    def describe(self) -> str:
        """``Maria Lopez, my sister (555-0101)``: one line for diffs and audit summaries."""
        parts = [p for p in (self.name, self.text) if p]
        words = ", ".join(parts)
        return f"{words} ({self.phone})" if self.phone else words

    def to_dict(self) -> dict[str, str]:
        data = {"text": self.text, "name": self.name, "phone": self.phone}
        if self.kind:
            data["kind"] = self.kind
        return data

    @classmethod
    def from_value(cls, value: object) -> Item:
        """An item from stored JSON or API input: a dict, or a plain string for a text-only item."""
        if isinstance(value, str):
            return cls(text=value.strip())
        if not isinstance(value, Mapping):
            raise SafetyPlanError("items", "Each item must be a text or an object with text, name and phone.")
        parts: dict[str, str] = {}
        for key in ("text", "name", "phone", "kind"):
            raw = value.get(key, "")
            if raw is None:
                raw = ""
            if not isinstance(raw, str):
                raise SafetyPlanError("items", f"An item's {key} must be text.")
            parts[key] = raw.strip()
        return cls(**parts)


@dataclass(frozen=True, slots=True)
class PlanContent:
    """The six steps and the reasons for living, in order; each a tuple of items."""

    warning_signs: tuple[Item, ...] = ()
    coping: tuple[Item, ...] = ()
    distractions: tuple[Item, ...] = ()
    people: tuple[Item, ...] = ()
    professionals: tuple[Item, ...] = ()
    environment: tuple[Item, ...] = ()
    reasons: tuple[Item, ...] = ()

    def items(self, key: str) -> tuple[Item, ...]:
        if key not in SECTION_KEYS:
            raise SafetyPlanError("section", f"Unknown section {key!r}.")
        value: tuple[Item, ...] = getattr(self, key)
        return value

    def with_items(self, key: str, items: Sequence[Item]) -> PlanContent:
        self.items(key)
        return replace(self, **{key: tuple(items)})

    def to_dict(self) -> dict[str, list[dict[str, str]]]:
        return {key: [item.to_dict() for item in self.items(key)] for key in SECTION_KEYS}

    @classmethod
    def from_dict(cls, data: object) -> PlanContent:
        """Content from stored JSON or API input; missing sections are empty. Shape errors raise
        ``SafetyPlanError`` (unknown section, a section that is not a list)."""
        if not isinstance(data, Mapping):
            raise SafetyPlanError("content", "The plan must be an object with one list per step.")
        unknown = sorted(set(data) - set(SECTION_KEYS))
        if unknown:
            raise SafetyPlanError(unknown[0], f"Unknown section {unknown[0]!r}.")
        sections: dict[str, tuple[Item, ...]] = {}
        for key in SECTION_KEYS:
            raw = data.get(key) or []
            if not isinstance(raw, list):
                raise SafetyPlanError(key, f"{section_label(key)} must be a list of items.")
            sections[key] = tuple(Item.from_value(value) for value in raw)
        return cls(**sections)

    def filled_steps(self) -> int:
        """How many of the six steps have at least one item."""
        return sum(1 for key in STEP_KEYS if self.items(key))

    def total_items(self) -> int:
        return sum(len(self.items(key)) for key in SECTION_KEYS)


def crisis_line_item(language: str = "en") -> Item:
    words = _starting_words(language)
    return Item(name=words["lifeline"], phone=CRISIS_LINE_NUMBER, text=words["call_or_text"], kind=CRISIS_LINE)


def emergency_department_item(name: str = "", address: str = "", phone: str = "", *, language: str = "en") -> Item:
    """Step 5's emergency department; without a name, "Nearest emergency department" in ``language``."""
    return Item(name=name or _starting_words(language)["ed"], text=address, phone=phone, kind=EMERGENCY_DEPARTMENT)


def starting_content(*, emergency_department: Item | None = None, language: str = "en") -> PlanContent:
    """A new plan written from scratch: empty steps, except step 5 with 988 and the emergency department."""
    department = emergency_department or emergency_department_item(language=language)
    return PlanContent(professionals=(crisis_line_item(language), department))


# --- Checks -----------------------------------------------------------------------------------------


def phone_digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit())


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` does not look like a phone number (digits, +, spaces, dashes, parentheses), or None.
    An empty phone is fine: not every person or place has one."""
    if not phone:
        return None
    if len(phone) > PHONE_MAX:
        return f"A phone number has at most {PHONE_MAX} characters."
    if not PHONE_CHARACTERS.match(phone):
        return f"{phone!r} does not look like a phone number: use digits, +, spaces, dashes and parentheses."
    digits = len(phone_digits(phone))
    if digits < PHONE_MIN_DIGITS or digits > PHONE_MAX_DIGITS:
        return f"{phone!r} does not look like a phone number: it has {digits} digits."
    return None


def is_crisis_line(item: Item) -> bool:
    return phone_digits(item.phone) == CRISIS_LINE_NUMBER


@dataclass(frozen=True, slots=True)
class Problem:
    field: str
    reason: str


def item_problems(key: str, item: Item) -> list[Problem]:
    """What is wrong with one item of section ``key`` (empty line, too long, a phone where none belongs,
    a phone that does not look like one)."""
    label = section_label(key)
    problems: list[Problem] = []
    if not item.text and not item.name:
        problems.append(Problem(key, f"{label}: an item is empty; write something or remove it."))
    if len(item.text) > TEXT_MAX:
        problems.append(Problem(key, f"{label}: an item is longer than {TEXT_MAX} characters."))
    if len(item.name) > NAME_MAX:
        problems.append(Problem(key, f"{label}: a name is longer than {NAME_MAX} characters."))
    if item.kind not in ITEM_KINDS:
        problems.append(Problem(key, f"{label}: unknown item kind {item.kind!r}."))
    if key not in CONTACT_SECTIONS:
        if item.name or item.phone:
            problems.append(Problem(key, f"{label} takes text only, without a name or phone number."))
        if item.kind:
            problems.append(Problem(key, f"{label} cannot hold the crisis line or the emergency department."))
    reason = phone_problem(item.phone)
    if reason is not None:
        problems.append(Problem(key, f"{label}: {reason}"))
    return problems


def draft_problems(content: PlanContent) -> list[Problem]:
    """Problems that stop a draft from being saved at all (a draft may still have empty steps)."""
    problems: list[Problem] = []
    for key in SECTION_KEYS:
        items = content.items(key)
        if len(items) > MAX_ITEMS:
            problems.append(Problem(key, f"{section_label(key)} has {len(items)} items; keep it to {MAX_ITEMS}."))
        for item in items:
            problems.extend(item_problems(key, item))
    return problems


def check_draft(content: PlanContent) -> None:
    """Raise ``SafetyPlanError`` (first problem's field, every problem in the reason) if a draft cannot be
    saved."""
    _raise(draft_problems(content))


def missing_steps(content: PlanContent) -> list[str]:
    """The sections (six steps and the reasons for living) that have no item yet, in order."""
    return [key for key in SECTION_KEYS if not content.items(key)]


def signing_problems(content: PlanContent, *, written_with_participant: bool) -> list[Problem]:
    """Everything that stops a version from being signed, in plain words. Every step needs at least one
    item (step 6 included: "none for now" is not an answer a plan can be signed with), so do the reasons for
    living; step 5 needs 988 and the nearest emergency department; the clinician attests that the plan
    was written with the participant."""
    problems = draft_problems(content)
    missing = missing_steps(content)
    if missing:
        names = [section_label(key) for key in missing]
        problems.append(Problem(missing[0], "Fill in before signing: " + _join(names) + "."))
    professionals = content.items(PROFESSIONALS)
    if professionals and not any(is_crisis_line(item) for item in professionals):
        problems.append(Problem(PROFESSIONALS, "Step 5 must include the 988 Suicide & Crisis Lifeline (988)."))
    if professionals and not any(item.kind == EMERGENCY_DEPARTMENT for item in professionals):
        problems.append(Problem(PROFESSIONALS, "Step 5 must include the nearest emergency department."))
    if not written_with_participant:
        problems.append(
            Problem("written_with_participant", "Confirm that the plan was written together with the participant.")
        )
    return problems


def check_ready_to_sign(content: PlanContent, *, written_with_participant: bool) -> None:
    """Raise ``SafetyPlanError`` listing every reason the plan cannot be signed yet."""
    _raise(signing_problems(content, written_with_participant=written_with_participant))


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _raise(problems: Sequence[Problem]) -> None:
    if problems:
        raise SafetyPlanError(problems[0].field, " ".join(p.reason for p in problems))


# --- Differences between versions ------------------------------------------------------------------

ADDED = "added"
REMOVED = "removed"
CHANGED = "changed"


@dataclass(frozen=True, slots=True)
class Change:
    section: str
    kind: str  # added, removed, changed
    before: Item | None = None
    after: Item | None = None

    def describe(self, language: str = "en") -> str:
        label = section_label(self.section, language)
        if self.kind == ADDED and self.after is not None:
            return f"{label}: added “{self.after.describe()}”"
        if self.kind == REMOVED and self.before is not None:
            return f"{label}: removed “{self.before.describe()}”"
        before = self.before.describe() if self.before else ""
        after = self.after.describe() if self.after else ""
        return f"{label}: changed “{before}” to “{after}”"


def diff(before: PlanContent | None, after: PlanContent) -> list[Change]:
    """What changed from ``before`` to ``after``, section by section: items added and removed; an item
    whose name (or kind) stayed but whose text or phone changed is one "changed" entry. Order within a
    section is not a change. ``before`` None (the first version) lists every item as added."""
    changes: list[Change] = []
    for key in SECTION_KEYS:
        old = list(before.items(key)) if before is not None else []
        new = list(after.items(key))
        remaining_old = list(old)
        unmatched_new: list[Item] = []
        for item in new:
            if item in remaining_old:
                remaining_old.remove(item)
            else:
                unmatched_new.append(item)
        for item in unmatched_new:
            partner = next((o for o in remaining_old if _same_entry(o, item)), None)
            if partner is not None:
                remaining_old.remove(partner)
                changes.append(Change(key, CHANGED, before=partner, after=item))
            else:
                changes.append(Change(key, ADDED, after=item))
        changes.extend(Change(key, REMOVED, before=item) for item in remaining_old)
    return changes


def _same_entry(old: Item, new: Item) -> bool:
    if old.kind and old.kind == new.kind:
        return True
    return bool(old.name) and old.name.casefold() == new.name.casefold()


# --- One-page layout budget -------------------------------------------------------------------------

NORMAL = "normal"
COMPACT = "compact"


@dataclass(frozen=True, slots=True)
class LayoutBudget:
    """How much of a letter page one layout gives the plan's items, in text lines of that layout's font.

    The page's fixed parts (title, the seven headings, the signature lines, the notice and the footer) are
    the same for every plan, so the budget counts only item lines: each item takes
    ``ceil(characters / chars_per_line)`` lines, an empty section one line ("not filled in yet").
    Calibrated against WeasyPrint with ordinary text (normal: about 90 characters a line and 23 item lines
    a page; compact: about 120 and 55) and set a little lower, so what the budget calls one page is one
    page (``tests/test_pdf.py`` checks the largest such plans)."""

    name: str
    chars_per_line: int
    item_lines_per_page: int


LAYOUTS: tuple[LayoutBudget, ...] = (
    LayoutBudget(NORMAL, chars_per_line=80, item_lines_per_page=21),
    LayoutBudget(COMPACT, chars_per_line=110, item_lines_per_page=50),
)


@dataclass(frozen=True, slots=True)
class Layout:
    """The printout's layout: ``name`` (normal or compact), the lines the plan needs in it, and whether
    it fits on one page. A plan too long even for the compact layout is printed in full on more pages,
    with a note saying so; nothing is ever dropped."""

    name: str
    lines: int
    fits_one_page: bool
    estimated_pages: int
    needs: tuple[tuple[str, int], ...] = field(default=())


def item_line(item: Item) -> str:
    """The text of an item as printed (name, note and phone on one line)."""
    return item.describe()


def estimated_lines(content: PlanContent, budget: LayoutBudget) -> int:
    """The item lines ``content`` needs in ``budget``'s layout."""
    lines = 0
    for key in SECTION_KEYS:
        items = content.items(key)
        if not items:
            lines += 1
        for item in items:
            lines += max(1, math.ceil(len(item_line(item)) / budget.chars_per_line))
    return lines


def choose_layout(content: PlanContent) -> Layout:
    """The roomiest layout in which the plan fits on one page; else the compact layout over as many
    pages as it needs (``fits_one_page`` False: the printout says so on its first page)."""
    needs = tuple((budget.name, estimated_lines(content, budget)) for budget in LAYOUTS)
    for budget, (_name, lines) in zip(LAYOUTS, needs, strict=True):
        if lines <= budget.item_lines_per_page:
            return Layout(budget.name, lines, True, 1, needs)
    compact = LAYOUTS[-1]
    lines = needs[-1][1]
    # Later pages have no title or signatures: about a third more room than the first.
    later = compact.item_lines_per_page * 4 // 3
    pages = 1 + max(1, math.ceil((lines - compact.item_lines_per_page) / later))
    return Layout(compact.name, lines, False, pages, needs)
