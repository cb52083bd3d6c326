"""Reliable change and recovery between two administrations of the same measure.

A measure key is an instrument code with a total (``phq9``, ``gad7``, ``phq2``, ``gad2``, ``audit``,
``auditc``, ``dast10``, ``pcl5``, ``pacs``) or ``<code>.<subscale>`` (``bam.use``, ``bam.risk``,
``bam.protective``; PCL-5 clusters ``pcl5.b``... once a rule is configured for them).

- PHQ-9: a change of 6 or more points is reliable; GAD-7: 4 or more (DOMAIN.md §4).
- Others: Jacobson & Truax (1991), reliable when |current - baseline| > 1.96 * S_diff, with
  S_diff = sqrt(2) * SD * sqrt(1 - reliability); SD and reliability come from
  ``MeasureSettings.change_rules`` over ``DEFAULT_CHANGE_RULES`` (defaults to verify).
- Direction: higher is worse for every total and for BAM use and risk; higher is better for BAM
  protective. A reliable change in the better direction is improvement, in the worse direction
  deterioration.
- Recovery, for measures with a caseness cut (PHQ-9 above 9, GAD-7 above 7, PCL-5 at or above its
  cut-off): a case at baseline who is not a case now. ``reliable_recovery`` also needs reliable
  improvement.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import ChangeError, MeasureError
from .model import Instrument, ScoreResult, Subscale, Text
from .registry import get_instrument
from .settings import DEFAULT_SETTINGS, MeasureSettings


class ChangeCategory(StrEnum):
    """The three outcomes of a reliable-change test."""

    RELIABLE_IMPROVEMENT = "reliable_improvement"
    NO_RELIABLE_CHANGE = "no_reliable_change"
    RELIABLE_DETERIORATION = "reliable_deterioration"


CATEGORY_LABELS = {
    ChangeCategory.RELIABLE_IMPROVEMENT: Text("Reliable improvement", "Mejoría confiable"),
    ChangeCategory.NO_RELIABLE_CHANGE: Text("No reliable change", "Sin cambio confiable"),
    ChangeCategory.RELIABLE_DETERIORATION: Text("Reliable deterioration", "Deterioro confiable"),
}


@dataclass(frozen=True, slots=True)
class ChangeResult:
    """The classification of the change from ``baseline`` to ``current`` on one measure.

    ``difference`` is ``current - baseline`` in raw points (its sign alone does not say better or worse;
    see ``higher_is_better``). ``threshold`` is the points the rule compares against (inclusive for
    ``fixed_points``, strict for ``jacobson_truax``). Caseness and recovery fields are None when the
    measure has no caseness cut; ``recovered`` is also None when baseline was not a case.
    """

    measure: str
    baseline: int
    current: int
    difference: int
    higher_is_better: bool
    method: str
    threshold: float
    category: ChangeCategory
    case_at_baseline: bool | None
    case_now: bool | None
    recovered: bool | None
    reliable_recovery: bool | None

    @property
    def is_reliable(self) -> bool:
        """True for reliable improvement or reliable deterioration."""
        return self.category is not ChangeCategory.NO_RELIABLE_CHANGE

    def label(self, language: str = "en") -> str:
        """The category's label in ``language``."""
        return CATEGORY_LABELS[self.category].get(language)

    def to_dict(self, language: str = "en") -> dict[str, Any]:
        """A JSON-friendly view with the category label in ``language``."""
        return {
            "measure": self.measure,
            "baseline": self.baseline,
            "current": self.current,
            "difference": self.difference,
            "higher_is_better": self.higher_is_better,
            "method": self.method,
            "threshold": self.threshold,
            "category": self.category.value,
            "label": self.label(language),
            "case_at_baseline": self.case_at_baseline,
            "case_now": self.case_now,
            "recovered": self.recovered,
            "reliable_recovery": self.reliable_recovery,
        }


def _resolve(measure: str) -> tuple[Instrument, Subscale | None]:
    if not isinstance(measure, str):
        raise ChangeError(f"a measure key must be a string such as 'phq9' or 'bam.use', not {measure!r}")
    code, _, sub_code = measure.partition(".")
    instrument = get_instrument(code)
    if sub_code:
        try:
            return instrument, instrument.subscale(sub_code)
        except KeyError:
            known = ", ".join(f"{code}.{s.code}" for s in instrument.subscales) or "none"
            raise ChangeError(f"{instrument.abbreviation} has no subscale {sub_code!r} (known: {known})") from None
    if instrument.total_range is None:
        subs = ", ".join(f"{code}.{s.code}" for s in instrument.subscales)
        hint = f"compare its subscales ({subs})" if subs else "compare its bands (risk levels) instead"
        raise ChangeError(f"{instrument.abbreviation} has no total score to compare; {hint}")
    return instrument, None


def _value(instrument: Instrument, subscale: Subscale | None, given: object, name: str) -> int:
    if isinstance(given, ScoreResult):
        if given.code != instrument.code:
            raise ChangeError(f"{name} is a {given.code} result, not {instrument.code}")
        value = given.subscales.get(subscale.code) if subscale is not None else given.total
        if value is None:
            raise ChangeError(f"{name} result has no score for this measure")
        return value
    if isinstance(given, bool) or not isinstance(given, int):
        raise ChangeError(f"{name} must be a whole-number score or a ScoreResult, not {given!r}")
    if subscale is not None:
        low, high = subscale.low, subscale.high
    else:
        assert instrument.total_range is not None  # noqa: S101 - checked in _resolve
        low, high = instrument.total_range
    if not low <= given <= high:
        raise ChangeError(f"{name} score {given} is outside {low}-{high}")
    return int(given)


def classify_change(
    code: str,
    baseline: int | ScoreResult,
    current: int | ScoreResult,
    settings: MeasureSettings | None = None,
) -> ChangeResult:
    """Classify the change from ``baseline`` to ``current`` on the measure ``code``.

    ``baseline`` and ``current`` are scores (ints) or ``ScoreResult`` objects for the same instrument.
    Raises ``UnknownInstrumentError`` for an unknown instrument and ``ChangeError`` for a measure with
    no score (C-SSRS, bare ``bam``), an unknown subscale, a measure without a change rule, a result for
    another instrument, or a score out of range.
    """
    if settings is not None and not isinstance(settings, MeasureSettings):
        raise MeasureError(f"settings must be a MeasureSettings, not {type(settings).__name__}")
    active = settings or DEFAULT_SETTINGS
    instrument, subscale = _resolve(code)
    rule = active.change_rule(code)
    if rule is None:
        raise ChangeError(f"no reliable-change rule for {code!r}; add one to MeasureSettings.change_rules")
    before = _value(instrument, subscale, baseline, "baseline")
    after = _value(instrument, subscale, current, "current")
    difference = after - before
    higher_is_better = subscale.higher_is_better if subscale is not None else instrument.higher_is_better

    if difference != 0 and rule.is_reliable(difference):
        improved = difference > 0 if higher_is_better else difference < 0
        category = ChangeCategory.RELIABLE_IMPROVEMENT if improved else ChangeCategory.RELIABLE_DETERIORATION
    else:
        category = ChangeCategory.NO_RELIABLE_CHANGE

    case_at_baseline = case_now = recovered = reliable_recovery = None
    cut = instrument.case_threshold(active) if subscale is None else None
    if cut is not None:
        case_at_baseline, case_now = before >= cut, after >= cut
        if case_at_baseline:
            recovered = not case_now
            reliable_recovery = recovered and category is ChangeCategory.RELIABLE_IMPROVEMENT

    return ChangeResult(
        measure=code,
        baseline=before,
        current=after,
        difference=difference,
        higher_is_better=higher_is_better,
        method=rule.method,
        threshold=rule.threshold,
        category=category,
        case_at_baseline=case_at_baseline,
        case_now=case_now,
        recovered=recovered,
        reliable_recovery=reliable_recovery,
    )
