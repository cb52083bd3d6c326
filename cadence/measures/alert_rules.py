"""When measures, check-ins and drug screens raise an alert: pure functions over plain data (no database).

Each function returns an ``AlertSpec`` (kind, severity, message) or None. The actions that save a result,
a check-in or a screen call them inside their transaction and hand the spec to ``actions.raise_alert``.

- PHQ-9 item 9 above 0 (thoughts of self-harm), whatever the total: high.
- C-SSRS screener at moderate risk: high; at high risk: critical. Low or none: no alert.
- Reliable deterioration against the baseline (the first result of the episode), when the change
  becomes reliable: the first result that crosses the threshold raises it, later results that stay
  deteriorated do not raise it again (the trend page shows it): moderate.
- A positive drug screen panel that is not expected (not prescribed, e.g. buprenorphine): moderate.
- Craving at or above the threshold (default 8 of 10) on two consecutive check-ins, once per run of
  high-craving check-ins: moderate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .instruments import ChangeCategory, ChangeResult

#: PHQ-9 item 9 ("thoughts that you would be better off dead...") is the ninth answer.
PHQ9_ITEM9_INDEX = 8
DEFAULT_CRAVING_THRESHOLD = 8


class AlertKind(StrEnum):
    PHQ9_SELF_HARM = "phq9_item9"
    CSSRS_RISK = "cssrs_risk"
    RELIABLE_DETERIORATION = "reliable_deterioration"
    UNEXPECTED_POSITIVE_SCREEN = "unexpected_positive_screen"
    HIGH_CRAVING = "high_craving"
    OTHER = "other"


KIND_LABELS: dict[str, str] = {
    AlertKind.PHQ9_SELF_HARM: "PHQ-9 item 9: thoughts of self-harm",
    AlertKind.CSSRS_RISK: "C-SSRS suicide risk",
    AlertKind.RELIABLE_DETERIORATION: "Reliable deterioration",
    AlertKind.UNEXPECTED_POSITIVE_SCREEN: "Unexpected positive drug screen",
    AlertKind.HIGH_CRAVING: "High craving on consecutive check-ins",
    AlertKind.OTHER: "Other",
}


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MODERATE = "moderate"


SEVERITY_LABELS: dict[str, str] = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MODERATE: "Moderate",
}

#: Display order: most urgent first.
SEVERITY_RANK: dict[str, int] = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MODERATE: 2}


@dataclass(frozen=True, slots=True)
class AlertSpec:
    """What to raise: the kind, how urgent, and a plain message for the clinician (no more than 300 chars)."""

    kind: AlertKind
    severity: Severity
    message: str


def phq9_self_harm(answers: Sequence[object]) -> AlertSpec | None:
    """PHQ-9 answers in item order: an alert when item 9 is above 0 (whatever the total)."""
    if len(answers) <= PHQ9_ITEM9_INDEX:
        return None
    value = answers[PHQ9_ITEM9_INDEX]
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    return AlertSpec(
        AlertKind.PHQ9_SELF_HARM,
        Severity.HIGH,
        f"PHQ-9 item 9 answered {value} of 3: thoughts of being better off dead or of self-harm. Review safety today.",
    )


def cssrs_risk(risk_level: str | None) -> AlertSpec | None:
    """C-SSRS risk level (``none``/``low``/``moderate``/``high``): an alert at moderate or high."""
    if risk_level == "high":
        return AlertSpec(
            AlertKind.CSSRS_RISK,
            Severity.CRITICAL,
            "C-SSRS high risk: suicidal intent or plan, or suicidal behavior in the past 3 months. "
            "Immediate safety evaluation.",
        )
    if risk_level == "moderate":
        return AlertSpec(
            AlertKind.CSSRS_RISK,
            Severity.HIGH,
            "C-SSRS moderate risk: suicidal thoughts with a method, or past suicidal behavior. "
            "Clinician risk assessment today.",
        )
    return None


def _is_deterioration(change: ChangeResult | None) -> bool:
    return change is not None and change.category is ChangeCategory.RELIABLE_DETERIORATION


def reliable_deterioration(
    measure_label: str, current: ChangeResult, previous: ChangeResult | None = None
) -> AlertSpec | None:
    """An alert when ``current`` (baseline -> this result) is a reliable deterioration and ``previous``
    (baseline -> the result before this one, None when this is the first result after baseline) was not."""
    if not _is_deterioration(current) or _is_deterioration(previous):
        return None
    worse = "higher" if not current.higher_is_better else "lower"
    return AlertSpec(
        AlertKind.RELIABLE_DETERIORATION,
        Severity.MODERATE,
        f"{measure_label}: reliable deterioration since baseline ({current.baseline} -> {current.current}, "
        f"{abs(current.difference)} points {worse}).",
    )


def merge(specs: Sequence[AlertSpec]) -> AlertSpec | None:
    """One spec from several of the same kind (e.g. BAM subscales): the highest severity, messages joined."""
    if not specs:
        return None
    kinds = {s.kind for s in specs}
    if len(kinds) != 1:
        raise ValueError("only specs of one kind can be merged")
    severity = min((s.severity for s in specs), key=lambda s: SEVERITY_RANK[s])
    message = " ".join(s.message for s in specs)
    return AlertSpec(specs[0].kind, severity, message[:300])


@dataclass(frozen=True, slots=True)
class PanelFact:
    """One substance on a drug screen: its label, result (``positive``/``negative``/``invalid``) and
    whether a positive is expected (prescribed)."""

    substance: str
    result: str
    expected: bool


def unexpected_positive(panels: Sequence[PanelFact]) -> AlertSpec | None:
    """An alert when any panel is positive and not expected; expected positives and invalid results do not."""
    unexpected = [p.substance for p in panels if p.result == "positive" and not p.expected]
    if not unexpected:
        return None
    return AlertSpec(
        AlertKind.UNEXPECTED_POSITIVE_SCREEN,
        Severity.MODERATE,
        f"Unexpected positive drug screen: {', '.join(unexpected)}.",
    )


def high_craving(cravings: Sequence[int], *, threshold: int = DEFAULT_CRAVING_THRESHOLD) -> AlertSpec | None:
    """``cravings``: the participant's check-in cravings in date order, ending with the new check-in.

    An alert when the last two are at or above ``threshold`` and the one before them (if any) was not,
    so a run of high-craving check-ins raises one alert, not one a day.
    """
    if len(cravings) < 2 or cravings[-1] < threshold or cravings[-2] < threshold:
        return None
    if len(cravings) >= 3 and cravings[-3] >= threshold:
        return None
    return AlertSpec(
        AlertKind.HIGH_CRAVING,
        Severity.MODERATE,
        f"Craving {cravings[-2]} then {cravings[-1]} of 10 on two consecutive check-ins (alert at {threshold}+).",
    )
