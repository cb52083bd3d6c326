"""Property tests: scoring agrees with independent reference rules for any valid answers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.measures.instruments import INSTRUMENTS, Answer, ScoringError, get_instrument, score

from .test_scoring_support import PROPERTY, valid_answers


def phq9_band(total: int) -> str:
    """DOMAIN.md §4 table, written out independently of the definitions."""
    if total <= 4:
        return "none_minimal"
    if total <= 9:
        return "mild"
    if total <= 14:
        return "moderate"
    if total <= 19:
        return "moderately_severe"
    return "severe"


def gad7_band(total: int) -> str:
    return "minimal" if total <= 4 else "mild" if total <= 9 else "moderate" if total <= 14 else "severe"


def audit_zone(total: int) -> str:
    return "zone_i" if total <= 7 else "zone_ii" if total <= 15 else "zone_iii" if total <= 19 else "zone_iv"


def dast_band(total: int) -> str:
    if total == 0:
        return "none"
    return "low" if total <= 2 else "moderate" if total <= 5 else "substantial" if total <= 8 else "severe"


def cssrs_level(a: list[Answer]) -> str:
    q1, q2, q3, q4, q5, q6, q6_recent = a
    if q4 or q5 or q6_recent:
        return "high"
    if q3 or q6:
        return "moderate"
    return "low" if q1 or q2 else "none"


@PROPERTY
@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_phq9_total_is_the_sum_and_the_band_matches_the_table(answers: list[int]) -> None:
    result = score("phq9", answers)
    assert result.total == sum(answers)
    assert result.band_code == phq9_band(sum(answers))
    assert result.has_flag("phq9_item9") is (answers[8] > 0)
    assert result.case is (sum(answers) > 9)


@PROPERTY
@given(st.lists(st.integers(0, 3), min_size=7, max_size=7))
def test_gad7_total_band_and_caseness(answers: list[int]) -> None:
    result = score("gad7", answers)
    assert result.total == sum(answers)
    assert result.band_code == gad7_band(sum(answers))
    assert result.case is (sum(answers) > 7)
    assert result.flags == ()


@PROPERTY
@given(st.lists(st.integers(0, 3), min_size=2, max_size=2), st.sampled_from(["phq2", "gad2"]))
def test_two_item_screens_are_positive_at_three(answers: list[int], code: str) -> None:
    assert score(code, answers).band_code == ("positive" if sum(answers) >= 3 else "negative")


@PROPERTY
@given(
    st.lists(st.integers(0, 4), min_size=8, max_size=8),
    st.lists(st.sampled_from([0, 2, 4]), min_size=2, max_size=2),
)
def test_audit_total_and_zone(first_eight: list[int], last_two: list[int]) -> None:
    answers = first_eight + last_two
    result = score("audit", answers)
    assert result.total == sum(answers)
    assert result.band_code == audit_zone(sum(answers))


@PROPERTY
@given(st.lists(st.integers(0, 4), min_size=3, max_size=3), st.sampled_from(["male", "female"]))
def test_auditc_positive_cut_by_sex(answers: list[int], sex: str) -> None:
    cut = 4 if sex == "male" else 3
    result = score("auditc", answers, sex=sex)
    assert result.total == sum(answers)
    assert result.band_code == ("positive" if sum(answers) >= cut else "negative")


@PROPERTY
@given(st.lists(st.booleans(), min_size=10, max_size=10))
def test_dast10_counts_yes_except_item3_counts_no(answers: list[bool]) -> None:
    expected = sum(1 for i, yes in enumerate(answers) if (not yes if i == 2 else yes))
    result = score("dast10", answers)
    assert result.total == expected
    assert result.band_code == dast_band(expected)


@PROPERTY
@given(valid_answers(get_instrument("cssrs")))
def test_cssrs_level_matches_the_reference_rule(answers: list[Answer]) -> None:
    assert score("cssrs", answers).risk_level == cssrs_level(answers)


@PROPERTY
@given(st.lists(st.integers(0, 4), min_size=20, max_size=20))
def test_pcl5_clusters_add_up_to_the_total(answers: list[int]) -> None:
    result = score("pcl5", answers)
    assert result.total == sum(answers)
    assert sum(result.subscales.values()) == result.total
    assert result.subscales["c"] == answers[5] + answers[6]


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_any_valid_answers_score_within_range(code: str) -> None:
    instrument = get_instrument(code)

    @PROPERTY
    @given(valid_answers(instrument), st.sampled_from(["male", "female"]))
    def check(answers: list[Answer], sex: str) -> None:
        result = score(code, answers, sex=sex)
        if instrument.total_range is None:
            assert result.total is None
        else:
            low, high = instrument.total_range
            assert result.total is not None and low <= result.total <= high
        for sub in instrument.subscales:
            assert sub.low <= result.subscales[sub.code] <= sub.high
        assert len(result.answers) == len(instrument.items)

    check()


@pytest.mark.parametrize("code", list(INSTRUMENTS))
def test_any_single_missing_required_answer_raises(code: str) -> None:
    instrument = get_instrument(code)

    @PROPERTY
    @given(valid_answers(instrument), st.data())
    def check(answers: list[Answer], data: st.DataObject) -> None:
        answered = [i for i, value in enumerate(answers) if value is not None]
        index = data.draw(st.sampled_from(answered))
        broken = list(answers)
        broken[index] = None
        with pytest.raises(ScoringError) as caught:
            score(code, broken, sex="female")
        assert caught.value.problems[0].index == index

    check()


@pytest.mark.parametrize("code", [c for c, i in INSTRUMENTS.items() if i.items[0].asked_when is None])
def test_any_out_of_range_or_wrongly_typed_first_answer_raises(code: str) -> None:
    instrument = get_instrument(code)
    first = instrument.items[0]

    @PROPERTY
    @given(valid_answers(instrument), st.one_of(st.integers(), st.booleans(), st.text(max_size=2), st.floats()))
    def check(answers: list[Answer], bad: object) -> None:
        if first.is_allowed(bad):
            return
        broken: list[object] = list(answers)
        broken[0] = bad
        with pytest.raises(ScoringError) as caught:
            score(code, broken, sex="male")  # type: ignore[arg-type]
        assert caught.value.index == 0

    check()
