"""Plan contents of every size for the tests (no database)."""

from __future__ import annotations

from cadence.safetyplans.rules import (
    CONTACT_SECTIONS,
    SECTION_KEYS,
    Item,
    PlanContent,
    crisis_line_item,
    emergency_department_item,
)


def full_content(**overrides: tuple[Item, ...]) -> PlanContent:
    """A plan ready to sign: every step and the reasons for living filled, 988 and the ED in step 5."""
    content = PlanContent(
        warning_signs=(Item(text="Not sleeping for two nights"), Item(text="Skipping group")),
        coping=(Item(text="Walk the dog around the block"),),
        distractions=(Item(name="Coffee shop on Main St"), Item(name="Cousin Dana", phone="555-0102")),
        people=(Item(name="Maria Lopez", text="my sister", phone="(555) 010-0101"),),
        professionals=(
            crisis_line_item(),
            emergency_department_item("Mercy General ER", "12 Elm St"),
            Item(name="Dr. Okafor (therapist)", phone="+1 555 010 0177"),
        ),
        environment=(Item(text="Medications locked at my brother's house"),),
        reasons=(Item(text="My daughter Lily"),),
    )
    for key, items in overrides.items():
        content = content.with_items(key, items)
    return content


def _sized(count: int, length: int) -> PlanContent:
    content = full_content()
    for key in SECTION_KEYS:
        keep = tuple(i for i in content.items(key) if i.kind)
        items = []
        for n in range(count - len(keep)):
            words = f"{key} item {n + 1}: " + ("steady words " * 40)
            text = words[:length].strip()
            if key in CONTACT_SECTIONS:
                items.append(Item(name=f"Person {n + 1}", text=text[: max(0, length - 30)], phone="555-0100"))
            else:
                items.append(Item(text=text))
        content = content.with_items(key, (*keep, *items))
    return content


def big_content() -> PlanContent:
    """Too long for the normal layout, still one page in the compact one."""
    return _sized(5, 110)


def huge_content() -> PlanContent:
    """Too long even for the compact layout: every section full of long items."""
    return _sized(12, 240)
