"""Each alert rule at its edge (pure functions, no database)."""

from __future__ import annotations

import pytest

from cadence.measures.alert_rules import (
    AlertKind,
    AlertSpec,
    PanelFact,
    Severity,
    cssrs_risk,
    high_craving,
    merge,
    phq9_self_harm,
    reliable_deterioration,
    unexpected_positive,
)
from cadence.measures.instruments import classify_change


@pytest.mark.parametrize(("item9", "raised"), [(0, False), (1, True), (3, True)])
def test_phq9_item9_above_zero_raises_whatever_the_total(item9: int, raised: bool) -> None:
    spec = phq9_self_harm([0, 0, 0, 0, 0, 0, 0, 0, item9])
    assert (spec is not None) is raised
    if spec is not None:
        assert spec.kind is AlertKind.PHQ9_SELF_HARM
        assert spec.severity is Severity.HIGH
        assert f"answered {item9} of 3" in spec.message


def test_phq9_rule_ignores_short_or_odd_answers() -> None:
    assert phq9_self_harm([1, 1]) is None
    assert phq9_self_harm([0] * 8 + [None]) is None
    assert phq9_self_harm([0] * 8 + [True]) is None


@pytest.mark.parametrize(
    ("level", "severity"),
    [(None, None), ("none", None), ("low", None), ("moderate", Severity.HIGH), ("high", Severity.CRITICAL)],
)
def test_cssrs_alert_at_moderate_and_high_only(level: str | None, severity: Severity | None) -> None:
    spec = cssrs_risk(level)
    assert (spec.severity if spec else None) == severity
    if spec:
        assert spec.kind is AlertKind.CSSRS_RISK


@pytest.mark.parametrize(("baseline", "current", "raised"), [(8, 13, False), (8, 14, True), (14, 8, False)])
def test_phq9_deterioration_at_six_points(baseline: int, current: int, raised: bool) -> None:
    spec = reliable_deterioration("PHQ-9 total", classify_change("phq9", baseline, current))
    assert (spec is not None) is raised


@pytest.mark.parametrize(("current", "raised"), [(8, False), (9, True)])
def test_gad7_deterioration_at_four_points(current: int, raised: bool) -> None:
    assert (reliable_deterioration("GAD-7", classify_change("gad7", 5, current)) is not None) is raised


def test_deterioration_is_raised_when_it_begins_not_while_it_lasts() -> None:
    previous = classify_change("phq9", 5, 12)
    current = classify_change("phq9", 5, 13)
    assert reliable_deterioration("PHQ-9", current, previous) is None
    assert reliable_deterioration("PHQ-9", current, classify_change("phq9", 5, 10)) is not None


def test_bam_protective_deteriorates_downwards() -> None:
    down = classify_change("bam.protective", 20, 10)
    assert reliable_deterioration("BAM protective", down) is not None
    assert reliable_deterioration("BAM protective", classify_change("bam.protective", 10, 20)) is None


def test_merge_keeps_the_highest_severity_and_every_message() -> None:
    one = AlertSpec(AlertKind.RELIABLE_DETERIORATION, Severity.MODERATE, "use")
    two = AlertSpec(AlertKind.RELIABLE_DETERIORATION, Severity.HIGH, "risk")
    merged = merge([one, two])
    assert merged == AlertSpec(AlertKind.RELIABLE_DETERIORATION, Severity.HIGH, "use risk")
    assert merge([]) is None
    with pytest.raises(ValueError, match="one kind"):
        merge([one, AlertSpec(AlertKind.HIGH_CRAVING, Severity.MODERATE, "x")])


def test_only_an_unexpected_positive_panel_raises() -> None:
    expected = PanelFact("Buprenorphine (BUP)", "positive", expected=True)
    negative = PanelFact("Cocaine (COC)", "negative", expected=False)
    invalid = PanelFact("Fentanyl (FEN)", "invalid", expected=False)
    assert unexpected_positive([expected, negative, invalid]) is None
    spec = unexpected_positive([expected, PanelFact("Cocaine (COC)", "positive", expected=False)])
    assert spec is not None
    assert spec.kind is AlertKind.UNEXPECTED_POSITIVE_SCREEN
    assert "Cocaine" in spec.message and "Buprenorphine" not in spec.message


@pytest.mark.parametrize(
    ("cravings", "raised"),
    [
        ([8], False),  # one check-in only
        ([7, 8], False),  # 7 is below the threshold
        ([8, 7], False),
        ([8, 8], True),  # the edge: 8 twice
        ([2, 8, 10], True),
        ([8, 8, 9], False),  # the run already alerted on the second one
        ([9, 3, 9, 9], True),  # a new run after a break
    ],
)
def test_craving_eight_or_more_on_two_consecutive_check_ins(cravings: list[int], raised: bool) -> None:
    assert (high_craving(cravings) is not None) is raised


def test_craving_threshold_is_a_setting() -> None:
    assert high_craving([7, 7], threshold=7) is not None
    assert high_craving([8, 8], threshold=9) is None
