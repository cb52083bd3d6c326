"""The pure rules at their edges (no database)."""

from __future__ import annotations

import pytest

from cadence.safetyplans.rules import (
    ADDED,
    CHANGED,
    COMPACT,
    NORMAL,
    REMOVED,
    SECTION_KEYS,
    Item,
    PlanContent,
    SafetyPlanError,
    check_draft,
    check_ready_to_sign,
    choose_layout,
    diff,
    missing_steps,
    phone_problem,
    section_label,
    signing_problems,
    starting_content,
)

from .factories_content import big_content, full_content, huge_content


@pytest.mark.parametrize(
    "phone", ["", "988", "911", "555-0101", "(555) 010-0101", "+1 555 010 0177", "+44 20 7946 0958"]
)
def test_phone_numbers_that_look_valid(phone: str) -> None:
    assert phone_problem(phone) is None


@pytest.mark.parametrize(
    "phone",
    ["91", "call me", "555.0101", "555-0101 ext 4", "1+555", "+", "1234567890123456", "☎ 988", "5550101#"],
)
def test_phone_numbers_that_do_not_look_valid(phone: str) -> None:
    assert phone_problem(phone) is not None


def test_a_complete_plan_can_be_signed() -> None:
    assert signing_problems(full_content(), written_with_participant=True) == []
    check_ready_to_sign(full_content(), written_with_participant=True)


def test_signing_names_every_missing_step_in_plain_words() -> None:
    content = full_content(coping=(), environment=(), reasons=())
    with pytest.raises(SafetyPlanError) as caught:
        check_ready_to_sign(content, written_with_participant=True)
    assert caught.value.field == "coping"
    assert (
        "Fill in before signing: Step 2 (internal coping strategies), Step 6 (making the environment safe) "
        "and Reasons for living." in caught.value.reason
    )


def test_a_new_plan_misses_every_step_but_step_5() -> None:
    assert missing_steps(starting_content()) == [k for k in SECTION_KEYS if k != "professionals"]


def test_step_6_cannot_be_signed_empty_even_with_a_none_for_now_intent() -> None:
    assert missing_steps(full_content(environment=())) == ["environment"]


def test_step_5_needs_988() -> None:
    professionals = tuple(i for i in full_content().professionals if i.kind != "crisis_line")
    problems = signing_problems(full_content(professionals=professionals), written_with_participant=True)
    assert [p.reason for p in problems] == ["Step 5 must include the 988 Suicide & Crisis Lifeline (988)."]


def test_988_counts_whatever_its_name() -> None:
    professionals = (
        *(i for i in full_content().professionals if i.kind != "crisis_line"),
        Item(name="Lifeline", phone="988"),
    )
    assert signing_problems(full_content(professionals=professionals), written_with_participant=True) == []


def test_step_5_needs_the_emergency_department() -> None:
    professionals = tuple(i for i in full_content().professionals if i.kind != "emergency_department")
    problems = signing_problems(full_content(professionals=professionals), written_with_participant=True)
    assert [p.reason for p in problems] == ["Step 5 must include the nearest emergency department."]


def test_signing_needs_the_written_with_the_participant_attestation() -> None:
    problems = signing_problems(full_content(), written_with_participant=False)
    assert [p.field for p in problems] == ["written_with_participant"]


def test_a_bad_phone_number_stops_a_draft_and_names_the_step() -> None:
    content = full_content(people=(Item(name="Maria", phone="call her"),))
    with pytest.raises(SafetyPlanError) as caught:
        check_draft(content)
    assert caught.value.field == "people"
    assert caught.value.reason.startswith("Step 4 (people I can ask for help):")


def test_warning_signs_take_text_only() -> None:
    with pytest.raises(SafetyPlanError, match="takes text only"):
        check_draft(full_content(warning_signs=(Item(text="x", phone="555-0101"),)))


def test_an_empty_item_is_refused() -> None:
    with pytest.raises(SafetyPlanError, match="an item is empty"):
        check_draft(full_content(coping=(Item(),)))


def test_twelve_items_are_allowed_thirteen_are_not() -> None:
    check_draft(full_content(coping=tuple(Item(text=f"c{i}") for i in range(12))))
    with pytest.raises(SafetyPlanError, match="has 13 items; keep it to 12"):
        check_draft(full_content(coping=tuple(Item(text=f"c{i}") for i in range(13))))


def test_content_round_trips_through_json() -> None:
    content = full_content()
    assert PlanContent.from_dict(content.to_dict()) == content


def test_unknown_sections_and_bad_shapes_are_refused() -> None:
    with pytest.raises(SafetyPlanError, match="Unknown section 'step7'"):
        PlanContent.from_dict({"step7": []})
    with pytest.raises(SafetyPlanError, match="must be a list"):
        PlanContent.from_dict({"coping": "breathe"})
    with pytest.raises(SafetyPlanError, match="must be text"):
        PlanContent.from_dict({"coping": [{"text": 3}]})


def test_diff_of_the_first_version_lists_everything_as_added() -> None:
    changes = diff(None, full_content())
    assert len(changes) == full_content().total_items()
    assert {c.kind for c in changes} == {ADDED}


def test_diff_sees_added_removed_and_changed_items_but_not_order() -> None:
    before = full_content()
    after = full_content(
        warning_signs=(before.warning_signs[1], before.warning_signs[0]),  # reordered only
        coping=(Item(text="Breathing exercise"),),  # replaced
        people=(Item(name="Maria Lopez", text="my sister", phone="555-0199"),),  # new phone
    )
    described = [c.describe() for c in diff(before, after)]
    assert described == [
        "Step 2 (internal coping strategies): added “Breathing exercise”",
        "Step 2 (internal coping strategies): removed “Walk the dog around the block”",
        "Step 4 (people I can ask for help): changed “Maria Lopez, my sister ((555) 010-0101)” to "
        "“Maria Lopez, my sister (555-0199)”",
    ]
    assert [c.kind for c in diff(before, after)] == [ADDED, REMOVED, CHANGED]


def test_diff_of_identical_content_is_empty() -> None:
    assert diff(full_content(), full_content()) == []


def test_section_labels_in_both_languages() -> None:
    assert section_label("people") == "Step 4 (people I can ask for help)"
    assert section_label("people", "es") == "Paso 4 (personas a quienes pedir ayuda)"
    assert section_label("reasons") == "Reasons for living"


def test_a_usual_plan_uses_the_normal_layout_on_one_page() -> None:
    layout = choose_layout(full_content())
    assert (layout.name, layout.fits_one_page, layout.estimated_pages) == (NORMAL, True, 1)


def test_a_large_plan_switches_to_the_compact_layout_on_one_page() -> None:
    layout = choose_layout(big_content())
    assert (layout.name, layout.fits_one_page) == (COMPACT, True)


def test_a_plan_too_long_for_one_page_says_so_and_keeps_every_item() -> None:
    layout = choose_layout(huge_content())
    assert (layout.name, layout.fits_one_page) == (COMPACT, False)
    assert layout.estimated_pages >= 2


def test_item_length_limits_at_their_edges() -> None:
    check_draft(full_content(coping=(Item(text="x" * 240),), people=(Item(name="n" * 120),)))
    with pytest.raises(SafetyPlanError, match="longer than 240 characters"):
        check_draft(full_content(coping=(Item(text="x" * 241),)))
    with pytest.raises(SafetyPlanError, match="name is longer than 120"):
        check_draft(full_content(people=(Item(name="n" * 121),)))


def test_fifteen_digits_is_the_longest_phone_number() -> None:
    assert phone_problem("+123456789012345") is None
    assert phone_problem("+1234567890123456") is not None


def test_a_new_spanish_plan_names_988_and_the_emergency_room_in_spanish() -> None:
    content = starting_content(language="es")
    assert [i.name for i in content.professionals] == [
        "988 Línea de Prevención del Suicidio y Crisis",
        "Sala de emergencias más cercana",
    ]
    assert content.professionals[0].phone == "988"
