"""Words and rows the page, the CSV and the API share: measure names, TEDS labels, the per-episode rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cadence.measures.instruments import CATEGORY_LABELS, DEFAULT_CHANGE_RULES, INSTRUMENTS, ChangeCategory
from cadence.participants.models import TedsReason

from .rules import EpisodeOutcome, MeasureOutcome, MeasureSummary, ProgramSummary

TEDS_LABELS: dict[int, str] = dict(TedsReason.choices)
SHORT_TEDS = {
    1: "Completed",
    2: "Dropped out",
    3: "Terminated",
    4: "Transferred",
    5: "Incarcerated",
    6: "Death",
    7: "Other",
}


def measure_label(key: str) -> str:
    """``PHQ-9``, ``BAM use``..."""
    code, _, sub = key.partition(".")
    instrument = INSTRUMENTS.get(code)
    name = instrument.abbreviation if instrument is not None else code
    if not sub or instrument is None:
        return name
    try:
        return f"{name} {instrument.subscale(sub).label.get('en').lower()}"
    except KeyError:
        return f"{name} {sub}"


def rule_text(key: str) -> str:
    """The reliable-change rule of a measure in words."""
    rule = DEFAULT_CHANGE_RULES.get(key)
    if rule is None:
        return ""
    if rule.min_points is not None:
        return f"a change of {rule.min_points} points or more"
    return f"a change of more than {rule.threshold:.1f} points (Jacobson-Truax; SD and reliability to verify)"


def category_label(category: ChangeCategory | None) -> str:
    return CATEGORY_LABELS[category].get("en") if category is not None else "Not enough data"


CSV_HEADER = (
    "record_number",
    "episode",
    "admitted_on",
    "discharged_on",
    "teds_reason",
    "teds_reason_label",
    "length_of_stay_days",
    "measure",
    "pre_on",
    "pre",
    "post_on",
    "post",
    "change",
    "category",
    "case_at_start",
    "case_at_end",
    "recovered",
    "reliable_recovery",
)


def _flag(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def csv_rows(outcomes: list[EpisodeOutcome]) -> Iterator[list[Any]]:
    """One row per episode and measure (record number, never a name)."""
    for outcome in outcomes:
        facts = outcome.facts
        reason = facts.discharge_reason
        for key, m in outcome.measures.items():
            change = m.change
            yield [
                facts.record_number,
                facts.episode_id,
                facts.admitted_on.isoformat(),
                facts.discharged_on.isoformat() if facts.discharged_on else "",
                reason or "",
                TEDS_LABELS.get(reason, "") if reason else "",
                facts.length_of_stay if facts.length_of_stay is not None else "",
                key,
                m.pre.day.isoformat() if m.pre else "",
                m.pre.score if m.pre else "",
                m.post.day.isoformat() if m.post else "",
                m.post.score if m.post else "",
                change.difference if change else "",
                change.category.value if change else "not_enough_data",
                _flag(change.case_at_baseline if change else None),
                _flag(change.case_now if change else None),
                _flag(change.recovered if change else None),
                _flag(change.reliable_recovery if change else None),
            ]


def measure_outcome_dict(m: MeasureOutcome) -> dict[str, Any]:
    return {
        "measure": m.measure,
        "label": measure_label(m.measure),
        "enough_data": m.enough_data,
        "pre": {"on": m.pre.day, "score": m.pre.score, "result_id": m.pre.result_id} if m.pre else None,
        "post": {"on": m.post.day, "score": m.post.score, "result_id": m.post.result_id} if m.post else None,
        "change": m.change.to_dict() if m.change else None,
    }


def measure_summary_dict(m: MeasureSummary) -> dict[str, Any]:
    return {
        "measure": m.measure,
        "label": measure_label(m.measure),
        "rule": rule_text(m.measure),
        "compared": m.compared,
        "not_enough_data": m.not_enough_data,
        "too_few_to_compare": m.too_few,
        "reliable_improvement": m.improved,
        "reliable_improvement_percent": m.improved_percent,
        "no_reliable_change": m.no_change,
        "no_reliable_change_percent": m.no_change_percent,
        "reliable_deterioration": m.deteriorated,
        "reliable_deterioration_percent": m.deteriorated_percent,
        "cases_at_start": m.cases_at_start if m.has_caseness else None,
        "recovery_too_few_to_compare": m.recovery_too_few if m.has_caseness else None,
        "recovered": m.recovered if m.has_caseness else None,
        "recovered_percent": m.recovered_percent if m.has_caseness else None,
        "reliably_recovered": m.reliably_recovered if m.has_caseness else None,
        "reliably_recovered_percent": m.reliably_recovered_percent if m.has_caseness else None,
    }


def summary_dict(summary: ProgramSummary) -> dict[str, Any]:
    return {
        "episodes": summary.episodes,
        "too_few_to_compare": summary.too_few,
        "measures": [measure_summary_dict(m) for m in summary.measures],
        "discharged": summary.discharged,
        "discharges_too_few_to_compare": summary.discharges_too_few,
        "discharges": [
            {"teds_code": line.reason, "reason": TEDS_LABELS[line.reason], "count": line.count, "percent": line.percent}
            for line in summary.discharges
        ],
        "completed": summary.completed,
        "completion_rate_percent": summary.completion_rate,
        "median_length_of_stay_days": summary.median_length_of_stay,
    }
