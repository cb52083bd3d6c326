"""Reliable change (fixed thresholds and Jacobson-Truax), direction, caseness and recovery."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadence.measures.instruments import (
    DEFAULT_CHANGE_RULES,
    ChangeCategory,
    ChangeError,
    ChangeRule,
    MeasureError,
    MeasureSettings,
    UnknownInstrumentError,
    classify_change,
    score,
)

from .test_scoring_support import PROPERTY, answers_for_total, bam_answers

IMPROVED = ChangeCategory.RELIABLE_IMPROVEMENT
SAME = ChangeCategory.NO_RELIABLE_CHANGE
WORSE = ChangeCategory.RELIABLE_DETERIORATION


@pytest.mark.parametrize(
    ("baseline", "current", "category"),
    [
        (15, 9, IMPROVED),  # drop of exactly 6
        (15, 10, SAME),  # drop of 5
        (9, 15, WORSE),  # rise of exactly 6
        (10, 15, SAME),  # rise of 5
        (27, 0, IMPROVED),
        (12, 12, SAME),
    ],
)
def test_phq9_six_points_is_reliable_five_is_not(baseline: int, current: int, category: ChangeCategory) -> None:
    result = classify_change("phq9", baseline, current)
    assert result.category is category
    assert result.method == "fixed_points"
    assert result.threshold == 6
    assert result.difference == current - baseline


@pytest.mark.parametrize(
    ("baseline", "current", "category"),
    [(12, 8, IMPROVED), (12, 9, SAME), (8, 12, WORSE), (9, 12, SAME)],
)
def test_gad7_four_points_is_reliable_three_is_not(baseline: int, current: int, category: ChangeCategory) -> None:
    assert classify_change("gad7", baseline, current).category is category


def test_jacobson_truax_threshold_is_computed_from_sd_and_reliability() -> None:
    rule = DEFAULT_CHANGE_RULES["pcl5"]
    assert rule.method == "jacobson_truax"
    expected = 1.96 * math.sqrt(2) * 14.0 * math.sqrt(1 - 0.94)
    assert rule.threshold == pytest.approx(expected)
    assert classify_change("pcl5", 50, 40).category is IMPROVED  # 10 > 9.51
    assert classify_change("pcl5", 50, 41).category is SAME  # 9 < 9.51
    assert classify_change("pcl5", 40, 50).category is WORSE


def test_jacobson_truax_change_equal_to_the_threshold_is_not_reliable() -> None:
    # reliability 0.5 makes sqrt(2) * sqrt(1 - r) = 1, so the threshold is 1.96 * SD = exactly 5 points.
    rule = ChangeRule(sd=5 / 1.96, reliability=0.5)
    settings = MeasureSettings(change_rules={"pacs": rule})
    assert rule.threshold == 5.0
    assert classify_change("pacs", 20, 15, settings).category is SAME
    assert classify_change("pacs", 20, 14, settings).category is IMPROVED
    assert classify_change("pacs", 15, 20, settings).category is SAME
    assert classify_change("pacs", 14, 20, settings).category is WORSE


@pytest.mark.parametrize(
    ("code", "threshold"),
    [
        ("phq2", 2.107),
        ("gad2", 2.231),
        ("audit", 8.588),
        ("auditc", 3.719),
        ("dast10", 2.697),
        ("pcl5", 9.505),
        ("pacs", 5.996),
        ("bam.use", 4.339),
        ("bam.risk", 6.237),
        ("bam.protective", 6.237),
    ],
)
def test_default_thresholds_are_documented_values(code: str, threshold: float) -> None:
    assert DEFAULT_CHANGE_RULES[code].threshold == pytest.approx(threshold, abs=0.001)
    below = math.floor(threshold)
    above = below + 1
    assert classify_change(code, 0, below).category is SAME
    assert classify_change(code, 0, above).category is (IMPROVED if code == "bam.protective" else WORSE)


def test_every_scored_measure_has_a_default_rule() -> None:
    assert set(DEFAULT_CHANGE_RULES) == {
        "phq9",
        "gad7",
        "phq2",
        "gad2",
        "audit",
        "auditc",
        "dast10",
        "pcl5",
        "pacs",
        "bam.use",
        "bam.risk",
        "bam.protective",
    }


def test_defaults_can_be_overridden_per_measure() -> None:
    settings = MeasureSettings(change_rules={"phq9": ChangeRule(min_points=5)})
    assert classify_change("phq9", 15, 10, settings).category is IMPROVED
    # Other measures keep their defaults.
    assert classify_change("gad7", 12, 9, settings).category is SAME


def test_bam_protective_higher_is_better() -> None:
    up = classify_change("bam.protective", 6, 16)
    assert up.category is IMPROVED
    assert up.higher_is_better is True
    assert classify_change("bam.protective", 16, 6).category is WORSE


@pytest.mark.parametrize("measure", ["bam.use", "bam.risk"])
def test_bam_use_and_risk_higher_is_worse(measure: str) -> None:
    assert classify_change(measure, 2, 10).category is WORSE
    assert classify_change(measure, 10, 2).category is IMPROVED
    assert classify_change(measure, 10, 2).higher_is_better is False


@pytest.mark.parametrize("code", ["audit", "dast10", "pacs", "pcl5", "phq9", "gad7"])
def test_totals_higher_is_worse(code: str) -> None:
    assert classify_change(code, 0, 20 if code not in ("dast10", "gad7") else 10).category is WORSE


@pytest.mark.parametrize(
    ("baseline", "current", "case_then", "case_now", "recovered", "reliable"),
    [
        (12, 9, True, False, True, False),  # recovered, but a 3-point drop is not reliable
        (15, 9, True, False, True, True),  # recovered and reliable improvement
        (10, 10, True, True, False, False),  # still a case
        (9, 3, False, False, None, None),  # not a case at baseline: recovery does not apply
        (5, 20, False, True, None, None),
    ],
)
def test_phq9_recovery(
    baseline: int,
    current: int,
    case_then: bool,
    case_now: bool,
    recovered: bool | None,
    reliable: bool | None,
) -> None:
    result = classify_change("phq9", baseline, current)
    assert (result.case_at_baseline, result.case_now) == (case_then, case_now)
    assert result.recovered is recovered
    assert result.reliable_recovery is reliable


def test_gad7_recovery_at_the_caseness_edge() -> None:
    assert classify_change("gad7", 8, 7).recovered is True
    assert classify_change("gad7", 9, 8).recovered is False
    assert classify_change("gad7", 7, 2).recovered is None


def test_pcl5_recovery_uses_the_cutoff_setting() -> None:
    assert classify_change("pcl5", 40, 32).recovered is True
    assert classify_change("pcl5", 40, 32, MeasureSettings(pcl5_cutoff=31)).recovered is False


@pytest.mark.parametrize("code", ["audit", "dast10", "pacs", "phq2", "bam.use"])
def test_no_recovery_without_a_caseness_cut(code: str) -> None:
    result = classify_change(code, 3, 0)
    assert result.case_at_baseline is None
    assert result.recovered is None
    assert result.reliable_recovery is None


def test_score_results_can_be_compared_directly() -> None:
    before = score("phq9", answers_for_total("phq9", 18))
    after = score("phq9", answers_for_total("phq9", 7))
    result = classify_change("phq9", before, after)
    assert (result.baseline, result.current, result.category) == (18, 7, IMPROVED)
    assert result.recovered is True


def test_bam_results_compare_by_subscale() -> None:
    before = score("bam", bam_answers(n9=1, n10=1, n12=1))
    after = score("bam", bam_answers(n9=4, n10=4, n12=4, n13=4))
    result = classify_change("bam.protective", before, after)
    assert (result.baseline, result.current, result.category) == (3, 16, IMPROVED)


def test_result_for_another_instrument_is_rejected() -> None:
    gad = score("gad7", [1] * 7)
    with pytest.raises(ChangeError, match="gad7 result, not phq9"):
        classify_change("phq9", gad, 10)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("cssrs", "no total score"),
        ("bam", "compare its subscales"),
        ("bam.craving", "no subscale 'craving'"),
        ("phq9.x", "no subscale"),
        ("pcl5.b", "no reliable-change rule"),
    ],
)
def test_measures_that_cannot_be_compared(code: str, message: str) -> None:
    with pytest.raises(ChangeError, match=message):
        classify_change(code, 1, 2)


def test_a_configured_rule_enables_a_pcl5_cluster() -> None:
    settings = MeasureSettings(change_rules={"pcl5.b": ChangeRule(min_points=4)})
    assert classify_change("pcl5.b", 12, 8, settings).category is IMPROVED


@pytest.mark.parametrize(("baseline", "current"), [(-1, 5), (5, 28), (True, 5), (5, 2.0), ("5", 5), (None, 5)])
def test_scores_must_be_whole_numbers_in_range(baseline: object, current: object) -> None:
    with pytest.raises(ChangeError):
        classify_change("phq9", baseline, current)  # type: ignore[arg-type]


def test_unknown_instrument() -> None:
    with pytest.raises(UnknownInstrumentError):
        classify_change("phq10", 1, 2)
    with pytest.raises(ChangeError):
        classify_change(9, 1, 2)  # type: ignore[arg-type]


def test_settings_must_be_measure_settings() -> None:
    with pytest.raises(MeasureError):
        classify_change("phq9", 1, 2, {"phq9": 5})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"min_points": 5, "sd": 3.0, "reliability": 0.8},
        {"sd": 3.0},
        {"reliability": 0.8},
        {"min_points": 0},
        {"min_points": True},
        {"sd": 0.0, "reliability": 0.8},
        {"sd": -1.0, "reliability": 0.8},
        {"sd": 3.0, "reliability": 1.0},
        {"sd": 3.0, "reliability": -0.1},
        {"sd": float("nan"), "reliability": 0.5},
    ],
)
def test_change_rule_rejects_impossible_numbers(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ChangeRule(**kwargs)  # type: ignore[arg-type]


def test_change_rules_setting_must_hold_rules() -> None:
    with pytest.raises(ValueError, match="ChangeRule"):
        MeasureSettings(change_rules={"phq9": 6})  # type: ignore[dict-item]


def test_change_result_to_dict() -> None:
    data = classify_change("gad7", 15, 5).to_dict("es")
    assert data["category"] == "reliable_improvement"
    assert data["label"] == "Mejoría confiable"
    assert data["recovered"] is True


@PROPERTY
@given(st.integers(0, 27), st.integers(0, 27))
def test_phq9_change_is_symmetric_and_matches_the_rule(before: int, after: int) -> None:
    forward = classify_change("phq9", before, after)
    backward = classify_change("phq9", after, before)
    if abs(after - before) >= 6:
        expected = IMPROVED if after < before else WORSE
    else:
        expected = SAME
    assert forward.category is expected
    mirror = {IMPROVED: WORSE, WORSE: IMPROVED, SAME: SAME}
    assert backward.category is mirror[expected]


@PROPERTY
@given(st.integers(0, 80), st.integers(0, 80))
def test_pcl5_jacobson_truax_matches_the_formula(before: int, after: int) -> None:
    s_diff = math.sqrt(2) * 14.0 * math.sqrt(1 - 0.94)
    reliable = abs(after - before) > 1.96 * s_diff
    category = classify_change("pcl5", before, after).category
    assert (category is not SAME) is reliable
    if reliable:
        assert category is (IMPROVED if after < before else WORSE)
