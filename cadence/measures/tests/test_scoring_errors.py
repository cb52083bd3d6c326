"""Every way answers can be unscorable raises ScoringError with the item and a plain reason."""

from __future__ import annotations

import pytest

from cadence.measures.instruments import (
    MeasureError,
    ScoringError,
    UnknownInstrumentError,
    get_instrument,
    score,
    validate_answers,
)

PHQ9_OK = [1, 1, 1, 1, 1, 1, 1, 1, 0]


def raised(code: str, answers: object, **kwargs: object) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score(code, answers, **kwargs)  # type: ignore[arg-type]
    return caught.value


def test_scoring_error_is_a_value_error_and_a_measure_error() -> None:
    error = raised("phq9", PHQ9_OK[:8])
    assert isinstance(error, ValueError)
    assert isinstance(error, MeasureError)
    assert error.code == "phq9"


def test_too_few_answers_points_at_the_first_missing_item() -> None:
    error = raised("phq9", PHQ9_OK[:7])
    assert error.index == 7
    assert error.field == "phq9_8"
    assert "needs 9 answers" in error.reason
    assert "got 7" in error.reason


def test_too_many_answers_points_past_the_last_item() -> None:
    error = raised("phq9", [*PHQ9_OK, 0])
    assert error.index == 9
    assert error.field is None
    assert "got 10" in error.reason


def test_empty_answer_list_is_incomplete() -> None:
    assert raised("gad7", []).index == 0


@pytest.mark.parametrize("index", range(9))
def test_a_missing_answer_is_never_scored_as_zero(index: int) -> None:
    answers: list[object] = list(PHQ9_OK)
    answers[index] = None
    error = raised("phq9", answers)
    assert error.index == index
    assert error.field == f"phq9_{index + 1}"
    assert "unanswered" in error.reason


def test_every_problem_is_reported_not_just_the_first() -> None:
    error = raised("phq9", [None, 1, 7, 1, True, 1, "2", 1, None])
    assert [(p.index, p.field) for p in error.problems] == [
        (0, "phq9_1"),
        (2, "phq9_3"),
        (4, "phq9_5"),
        (6, "phq9_7"),
        (8, "phq9_9"),
    ]
    assert "and 4 more" in str(error)


@pytest.mark.parametrize("value", [-1, 4, 100])
def test_out_of_range_values_are_rejected(value: int) -> None:
    answers = list(PHQ9_OK)
    answers[3] = value
    error = raised("phq9", answers)
    assert error.index == 3
    assert f"{value} is not an allowed answer (allowed: 0, 1, 2, 3)" in error.reason


@pytest.mark.parametrize("value", [True, False])
def test_a_bool_is_not_an_answer_to_a_scale_item(value: bool) -> None:
    answers: list[object] = list(PHQ9_OK)
    answers[0] = value
    error = raised("phq9", answers)
    assert error.index == 0
    assert "needs a whole number" in error.reason


@pytest.mark.parametrize("value", [1.0, "1", b"1", [1], 1j])
def test_non_integers_are_not_answers_to_a_scale_item(value: object) -> None:
    answers: list[object] = list(PHQ9_OK)
    answers[5] = value
    assert raised("phq9", answers).index == 5


@pytest.mark.parametrize("value", [0, 1, "yes", "no", 1.0])
def test_yes_no_items_need_a_bool(value: object) -> None:
    answers: list[object] = [False] * 10
    answers[2] = value
    error = raised("dast10", answers)
    assert error.index == 2
    assert "yes/no item: answer True or False" in error.reason


@pytest.mark.parametrize("answers", ["012345678", 123, None, {1, 2, 3}, (x for x in range(9))])
def test_answers_must_be_a_list_tuple_or_mapping(answers: object) -> None:
    error = raised("phq9", answers)
    assert error.index is None
    assert "must be a list" in error.reason


def test_a_tuple_is_accepted() -> None:
    assert score("phq9", tuple(PHQ9_OK)).total == 8


def test_gad7_answers_given_to_phq9_are_rejected() -> None:
    error = raised("phq9", [1, 1, 1, 1, 1, 1, 1])
    assert "PHQ-9 has 9 items" in error.reason


def test_dast10_answers_given_to_phq9_are_rejected() -> None:
    error = raised("phq9", [True] * 9)
    assert len(error.problems) == 9


def test_phq9_answers_given_to_dast10_are_rejected() -> None:
    error = raised("dast10", [0] * 10)
    assert len(error.problems) == 10


def test_a_mapping_for_another_instrument_is_rejected_by_field() -> None:
    answers = {f"phq9_{n}": 1 for n in range(1, 10)}
    error = raised("gad7", answers)
    assert {p.field for p in error.problems} == set(answers)
    assert "'phq9_1' is not an item of GAD-7" in error.reason


def test_phq9_mapping_given_to_phq2_is_rejected() -> None:
    assert raised("phq2", {"phq9_1": 1, "phq9_2": 1}).field == "phq9_1"


def test_a_mapping_by_field_is_scored_like_a_list() -> None:
    answers = {f"phq9_{n}": v for n, v in enumerate(PHQ9_OK, start=1)}
    assert score("phq9", answers) == score("phq9", PHQ9_OK)


def test_a_mapping_with_a_missing_field_is_incomplete() -> None:
    answers = {f"gad7_{n}": 1 for n in range(1, 7)}
    error = raised("gad7", answers)
    assert error.field == "gad7_7"
    assert error.index == 6


@pytest.mark.parametrize("sex", [None, "", "M", "F", "Male", "other", 1])
def test_auditc_needs_sex_male_or_female(sex: object) -> None:
    error = raised("auditc", [1, 1, 1], sex=sex)
    assert error.field == "sex"
    assert error.index is None
    assert "'male' or 'female'" in error.reason


def test_sex_is_ignored_where_it_is_not_needed() -> None:
    assert score("phq9", PHQ9_OK, sex="female") == score("phq9", PHQ9_OK)


@pytest.mark.parametrize("code", ["phq-9", "PHQ9", "", "bam2", None, 9])
def test_unknown_instrument_code_raises(code: object) -> None:
    with pytest.raises(UnknownInstrumentError) as caught:
        score(code, PHQ9_OK)  # type: ignore[arg-type]
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, MeasureError)
    assert "phq9" in str(caught.value)
    with pytest.raises(UnknownInstrumentError):
        get_instrument(code)  # type: ignore[arg-type]


def test_settings_must_be_measure_settings() -> None:
    with pytest.raises(MeasureError, match="MeasureSettings"):
        score("pcl5", [0] * 20, settings={"pcl5_cutoff": 31})  # type: ignore[arg-type]


def test_validate_answers_returns_normalized_answers() -> None:
    assert validate_answers(get_instrument("phq2"), [3, 0]) == (3, 0)


def test_problem_str_names_the_field_and_index() -> None:
    error = raised("gad2", [1, None])
    assert str(error) == "gad2: gad2_2 (index 1): item 2 is unanswered; a measure with missing items is incomplete"


def test_scoring_error_needs_a_problem() -> None:
    with pytest.raises(ValueError, match="at least one problem"):
        ScoringError("phq9", [])
