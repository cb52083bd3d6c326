"""C-SSRS skip logic and risk levels; BAM subscales, item 7 sub-items and item 14."""

from __future__ import annotations

import pytest

from cadence.measures.instruments import Answer, ScoringError, days_category, get_instrument, missing_items, score
from cadence.measures.instruments.bam import BAM_PROTECTIVE_ITEMS, BAM_RISK_ITEMS, BAM_USE_ITEMS

from .test_scoring_support import bam_answers

Y, N, SKIP = True, False, None


def cssrs(q1: Answer, q2: Answer, q3: Answer, q4: Answer, q5: Answer, q6: Answer, q6_3m: Answer) -> list[Answer]:
    return [q1, q2, q3, q4, q5, q6, q6_3m]


@pytest.mark.parametrize(
    ("answers", "level"),
    [
        (cssrs(N, N, SKIP, SKIP, SKIP, N, SKIP), "none"),
        (cssrs(Y, N, SKIP, SKIP, SKIP, N, SKIP), "low"),
        (cssrs(N, Y, N, N, N, N, SKIP), "low"),
        (cssrs(Y, Y, N, N, N, N, SKIP), "low"),
        (cssrs(Y, Y, Y, N, N, N, SKIP), "moderate"),
        (cssrs(N, N, SKIP, SKIP, SKIP, Y, N), "moderate"),
        (cssrs(Y, N, SKIP, SKIP, SKIP, Y, N), "moderate"),
        (cssrs(Y, Y, N, Y, N, N, SKIP), "high"),
        (cssrs(Y, Y, N, N, Y, N, SKIP), "high"),
        (cssrs(N, N, SKIP, SKIP, SKIP, Y, Y), "high"),
        (cssrs(Y, Y, Y, Y, Y, Y, Y), "high"),
        (cssrs(Y, Y, Y, N, N, Y, N), "moderate"),
    ],
)
def test_cssrs_risk_level_follows_domain_md(answers: list[Answer], level: str) -> None:
    result = score("cssrs", answers)
    assert result.risk_level == level
    assert result.band_code == level
    assert result.total is None
    expected_flags = () if level == "none" else (f"cssrs_risk_{level}",)
    assert result.flag_codes == expected_flags


def test_cssrs_q2_no_skips_q3_to_q5() -> None:
    result = score("cssrs", cssrs(Y, N, SKIP, SKIP, SKIP, N, SKIP))
    assert result.answers == (True, False, None, None, None, False, None)


@pytest.mark.parametrize("index", [2, 3, 4])
@pytest.mark.parametrize("value", [True, False])
def test_cssrs_answer_to_a_skipped_question_is_an_error(index: int, value: bool) -> None:
    answers = cssrs(Y, N, SKIP, SKIP, SKIP, N, SKIP)
    answers[index] = value
    with pytest.raises(ScoringError) as caught:
        score("cssrs", answers)
    assert caught.value.index == index
    assert "skipped because item 2 was 'No'" in caught.value.reason


@pytest.mark.parametrize("index", [2, 3, 4])
def test_cssrs_q3_to_q5_are_required_when_q2_is_yes(index: int) -> None:
    answers = cssrs(Y, Y, N, N, N, N, SKIP)
    answers[index] = None
    with pytest.raises(ScoringError) as caught:
        score("cssrs", answers)
    assert caught.value.index == index
    assert "unanswered" in caught.value.reason


def test_cssrs_past_three_months_is_required_after_lifetime_yes() -> None:
    with pytest.raises(ScoringError) as caught:
        score("cssrs", cssrs(N, N, SKIP, SKIP, SKIP, Y, SKIP))
    assert caught.value.field == "cssrs_6_past_3_months"


@pytest.mark.parametrize("value", [True, False])
def test_cssrs_past_three_months_must_be_empty_after_lifetime_no(value: bool) -> None:
    with pytest.raises(ScoringError) as caught:
        score("cssrs", cssrs(N, N, SKIP, SKIP, SKIP, N, value))
    assert caught.value.index == 6


@pytest.mark.parametrize("index", [0, 1, 5])
def test_cssrs_always_asked_questions_are_required(index: int) -> None:
    answers = cssrs(N, N, SKIP, SKIP, SKIP, N, SKIP)
    answers[index] = None
    with pytest.raises(ScoringError) as caught:
        score("cssrs", answers)
    assert caught.value.index == index


def test_cssrs_mapping_may_leave_skipped_questions_out() -> None:
    result = score("cssrs", {"cssrs_1": True, "cssrs_2": False, "cssrs_6_lifetime": False})
    assert result.risk_level == "low"


def test_cssrs_invalid_q2_does_not_pile_up_skip_errors() -> None:
    with pytest.raises(ScoringError) as caught:
        score("cssrs", cssrs(N, 1, N, N, N, N, SKIP))
    assert [p.field for p in caught.value.problems] == ["cssrs_2"]


def test_cssrs_ints_are_not_yes_no_answers() -> None:
    with pytest.raises(ScoringError) as caught:
        score("cssrs", [1, 0, None, None, None, 0, None])
    assert [p.index for p in caught.value.problems] == [0, 1, 5]
    assert "yes/no" in caught.value.reason


# --- BAM -------------------------------------------------------------------------------------------


def test_bam_subscale_item_lists_match_domain_md() -> None:
    assert BAM_USE_ITEMS == (4, 5, 6)
    assert BAM_RISK_ITEMS == (1, 2, 3, 8, 11, 15)
    assert BAM_PROTECTIVE_ITEMS == (9, 10, 12, 13, 14, 16)
    bam = get_instrument("bam")
    assert bam.subscale("use").fields == ("bam_4", "bam_5", "bam_6")
    assert bam.subscale("risk").fields == ("bam_1", "bam_2", "bam_3", "bam_8", "bam_11", "bam_15")
    assert bam.subscale("protective").fields == ("bam_9", "bam_10", "bam_12", "bam_13", "bam_14", "bam_16")


def _subscale_of(number: int) -> str | None:
    for name, numbers in (("use", BAM_USE_ITEMS), ("risk", BAM_RISK_ITEMS), ("protective", BAM_PROTECTIVE_ITEMS)):
        if number in numbers:
            return name
    return None


@pytest.mark.parametrize("number", [n for n in range(1, 18) if n not in (6, 7, 14)])
def test_each_bam_item_adds_only_to_its_own_subscale(number: int) -> None:
    result = score("bam", bam_answers(**{f"n{number}": 3}))
    expected = {"use": 0, "risk": 0, "protective": 0}
    owner = _subscale_of(number)
    if owner is not None:
        expected[owner] = 3
    assert result.subscales == expected
    assert result.total is None
    assert result.band is None


def test_bam_item_6_and_its_sub_items_count_in_use_only_once() -> None:
    answers = bam_answers(n6=2, n7a=2, n7b=0, n7c=1, n7d=0, n7e=4, n7f=0, n7g=0)
    assert score("bam", answers).subscales == {"use": 2, "risk": 0, "protective": 0}


def test_bam_item_14_enough_income_is_yes_no_scoring_4() -> None:
    assert score("bam", bam_answers(n14=True)).subscales["protective"] == 4
    assert score("bam", bam_answers(n14=False)).subscales["protective"] == 0


def test_bam_item_14_rejects_a_number() -> None:
    with pytest.raises(ScoringError) as caught:
        score("bam", bam_answers(n14=4))
    assert caught.value.field == "bam_14"


def test_bam_item_17_is_in_no_subscale() -> None:
    assert score("bam", bam_answers(n17=4)).subscales == {"use": 0, "risk": 0, "protective": 0}


def test_bam_sub_items_are_skipped_when_item_6_is_zero() -> None:
    result = score("bam", bam_answers(n6=0))
    assert result.answers[6:13] == (None,) * 7


def test_bam_sub_items_may_be_zero_when_item_6_is_zero_and_are_stored_as_skipped() -> None:
    zeros = {f"n7{letter}": 0 for letter in "abcdefg"}
    assert score("bam", bam_answers(n6=0, **zeros)).answers[6:13] == (None,) * 7


def test_bam_sub_item_days_contradicting_item_6_is_an_error() -> None:
    with pytest.raises(ScoringError) as caught:
        score("bam", bam_answers(n6=0, n7c=2))
    assert caught.value.field == "bam_7c"
    assert "item 6 was '0 days'" in caught.value.reason


def test_bam_sub_items_are_required_when_item_6_is_above_zero() -> None:
    with pytest.raises(ScoringError) as caught:
        score("bam", bam_answers(n6=1))
    assert [p.field for p in caught.value.problems] == [f"bam_7{letter}" for letter in "abcdefg"]


@pytest.mark.parametrize(
    ("use", "risk", "protective", "flags"),
    [
        ({}, {}, {"n9": 4, "n10": 4, "n12": 4, "n13": 1}, ()),  # protective 13
        ({"n4": 1}, {}, {"n9": 4, "n10": 4, "n12": 4, "n13": 1}, ("bam_use_concern",)),
        ({}, {"n1": 4, "n2": 4, "n3": 3}, {"n9": 4, "n10": 4, "n12": 4, "n13": 1}, ()),  # risk 11
        ({}, {"n1": 4, "n2": 4, "n3": 4}, {"n9": 4, "n10": 4, "n12": 4, "n13": 1}, ("bam_risk_concern",)),
        ({}, {}, {"n9": 4, "n10": 4, "n12": 4}, ("bam_protective_concern",)),  # protective 12
        ({}, {}, {}, ("bam_protective_concern",)),  # protective 0
    ],
)
def test_bam_concern_thresholds_at_the_edges(
    use: dict[str, int], risk: dict[str, int], protective: dict[str, int], flags: tuple[str, ...]
) -> None:
    result = score("bam", bam_answers(**use, **risk, **protective))
    assert result.flag_codes == flags


def test_bam_concern_flags_come_in_subscale_order() -> None:
    result = score("bam", bam_answers(n4=4, n5=4, n6=4, n1=4, n2=4, n3=4, **{f"n7{x}": 0 for x in "abcdefg"}))
    assert result.subscales == {"use": 12, "risk": 12, "protective": 0}
    assert result.flag_codes == ("bam_use_concern", "bam_risk_concern", "bam_protective_concern")


@pytest.mark.parametrize(
    ("days", "category"),
    [(0, 0), (1, 1), (3, 1), (4, 2), (8, 2), (9, 3), (15, 3), (16, 4), (30, 4)],
)
def test_bam_days_convert_to_answer_categories(days: int, category: int) -> None:
    assert days_category(days) == category


@pytest.mark.parametrize("days", [-1, 31, True, 2.0, "3"])
def test_bam_days_outside_a_month_are_rejected(days: object) -> None:
    with pytest.raises(ValueError, match="days"):
        days_category(days)  # type: ignore[arg-type]


def test_bam_answer_list_has_23_entries_with_item_7_flattened() -> None:
    numbers = [item.number for item in get_instrument("bam").items]
    assert numbers == ["1", "2", "3", "4", "5", "6", "7A", "7B", "7C", "7D", "7E", "7F", "7G"] + [
        str(n) for n in range(8, 18)
    ]


def test_skipped_items_of_the_cssrs_are_not_missing() -> None:
    cssrs = get_instrument("cssrs")
    assert missing_items(cssrs, [True, False, None, None, None, False, None]) == []
    assert missing_items(cssrs, [True, True, None, False, False, False, None]) == ["cssrs_3"]


def test_a_short_answer_list_misses_the_items_at_its_end() -> None:
    assert missing_items(get_instrument("phq2"), [1]) == ["phq2_2"]
    assert missing_items(get_instrument("phq2"), [0, 0]) == []
