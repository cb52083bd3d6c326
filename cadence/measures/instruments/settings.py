"""Numbers that DOMAIN.md says to keep as settings, with their defaults.

``MeasureSettings`` is the one object the Django layer builds (for example from ``settings.MEASURES``)
and passes to ``score`` and ``classify_change``. Anything not given falls back to the defaults here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

#: PCL-5 total at or above which the result is "provisional PTSD". DOMAIN.md §4: 31-33 in the
#: literature; a setting, default 33.
DEFAULT_PCL5_CUTOFF = 33

#: z for a two-tailed 95% interval, as in Jacobson & Truax (1991).
RELIABLE_CHANGE_Z = 1.96


@dataclass(frozen=True, slots=True)
class ChangeRule:
    """How large a change in one measure must be to count as reliable.

    Give either ``min_points`` (an established threshold: a change of at least this many points is
    reliable) or both ``sd`` and ``reliability`` (Jacobson-Truax: S_diff = sqrt(2) * SD *
    sqrt(1 - reliability); a change is reliable when |post - pre| > 1.96 * S_diff).

    Raises ``ValueError`` for a rule that mixes the two methods or has impossible numbers.
    """

    min_points: int | None = None
    sd: float | None = None
    reliability: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        fixed = self.min_points is not None
        formula = self.sd is not None or self.reliability is not None
        if fixed == formula:
            raise ValueError("a ChangeRule needs either min_points, or sd and reliability (not both)")
        if self.min_points is not None:
            if isinstance(self.min_points, bool) or not isinstance(self.min_points, int) or self.min_points < 1:
                raise ValueError(f"min_points must be a whole number of at least 1, not {self.min_points!r}")
            return
        if self.sd is None or self.reliability is None:
            raise ValueError("the Jacobson-Truax method needs both sd and reliability")
        if not (math.isfinite(self.sd) and self.sd > 0):
            raise ValueError(f"sd must be a positive number, not {self.sd!r}")
        if not (math.isfinite(self.reliability) and 0 <= self.reliability < 1):
            raise ValueError(f"reliability must be at least 0 and below 1, not {self.reliability!r}")

    @property
    def method(self) -> Literal["fixed_points", "jacobson_truax"]:
        """``fixed_points`` or ``jacobson_truax``."""
        return "fixed_points" if self.min_points is not None else "jacobson_truax"

    @property
    def s_diff(self) -> float | None:
        """Standard error of the difference (Jacobson-Truax), or None for a fixed-points rule."""
        if self.sd is None or self.reliability is None:
            return None
        return math.sqrt(2) * self.sd * math.sqrt(1 - self.reliability)

    @property
    def threshold(self) -> float:
        """The change in points the rule compares against (see ``is_reliable`` for < or <=).

        The Jacobson-Truax value is rounded to 9 decimals so floating-point noise cannot decide a case
        that sits exactly on the threshold.
        """
        if self.min_points is not None:
            return float(self.min_points)
        s_diff = self.s_diff
        assert s_diff is not None  # noqa: S101 - guaranteed by __post_init__
        return round(RELIABLE_CHANGE_Z * s_diff, 9)

    def is_reliable(self, points: int) -> bool:
        """True when an absolute change of ``points`` is reliable under this rule.

        Fixed thresholds are inclusive ("a drop of 6 or more points"); the Jacobson-Truax test is strict
        ("|post - pre| > 1.96 * S_diff").
        """
        size = abs(points)
        if self.min_points is not None:
            return size >= self.min_points
        return size > self.threshold


# Reliable-change rules per measure key ("<instrument code>" or "<code>.<subscale>").
# PHQ-9 and GAD-7 use the established thresholds in DOMAIN.md §4. Every SD / reliability pair below is a
# SETTING TO VERIFY against the literature and, better, against the programme's own baseline data before
# anyone reports reliable change from it: they are reasonable starting points (clinical-sample SDs and
# internal-consistency estimates of the order published for each instrument), not normative values.
# The resulting thresholds, rounded: PHQ-2 2.1, GAD-2 2.2, AUDIT 8.6, AUDIT-C 3.7, DAST-10 2.7,
# PCL-5 9.5, PACS 6.0, BAM use 4.3, BAM risk 6.2, BAM protective 6.2.
DEFAULT_CHANGE_RULES: Mapping[str, ChangeRule] = MappingProxyType(
    {
        "phq9": ChangeRule(min_points=6, source="DOMAIN.md §4: established PHQ-9 threshold, 6 points"),
        "gad7": ChangeRule(min_points=4, source="DOMAIN.md §4: established GAD-7 threshold, 4 points"),
        "phq2": ChangeRule(sd=1.7, reliability=0.80, source="to verify"),
        "gad2": ChangeRule(sd=1.8, reliability=0.80, source="to verify"),
        "audit": ChangeRule(sd=8.0, reliability=0.85, source="to verify"),
        "auditc": ChangeRule(sd=3.0, reliability=0.80, source="to verify"),
        "dast10": ChangeRule(sd=2.6, reliability=0.86, source="to verify"),
        "pcl5": ChangeRule(sd=14.0, reliability=0.94, source="to verify (gives ~10 points, as often cited)"),
        "pacs": ChangeRule(sd=6.0, reliability=0.87, source="to verify"),
        "bam.use": ChangeRule(sd=3.5, reliability=0.80, source="to verify"),
        "bam.risk": ChangeRule(sd=4.5, reliability=0.75, source="to verify"),
        "bam.protective": ChangeRule(sd=4.5, reliability=0.75, source="to verify"),
    }
)


@dataclass(frozen=True, slots=True)
class MeasureSettings:
    """Programme-level settings for scoring and change classification.

    ``pcl5_cutoff``: PCL-5 provisional-PTSD cut-off (total at or above it), default 33.
    ``change_rules``: reliable-change rules that replace the defaults for the keys given; keys not
    given keep ``DEFAULT_CHANGE_RULES``.

    Raises ``ValueError`` for a cut-off outside 1-80 or a rule that is not a ``ChangeRule``.
    """

    pcl5_cutoff: int = DEFAULT_PCL5_CUTOFF
    change_rules: Mapping[str, ChangeRule] = field(default_factory=dict)

    def __post_init__(self) -> None:
        cutoff = self.pcl5_cutoff
        if isinstance(cutoff, bool) or not isinstance(cutoff, int) or not 1 <= cutoff <= 80:
            raise ValueError(f"pcl5_cutoff must be a whole number from 1 to 80, not {cutoff!r}")
        for key, rule in self.change_rules.items():
            if not isinstance(rule, ChangeRule):
                raise ValueError(f"change_rules[{key!r}] must be a ChangeRule, not {type(rule).__name__}")

    def change_rule(self, key: str) -> ChangeRule | None:
        """The rule for a measure key: the override if given, else the default, else None."""
        rule = self.change_rules.get(key)
        if rule is not None:
            return rule
        return DEFAULT_CHANGE_RULES.get(key)


DEFAULT_SETTINGS = MeasureSettings()
