"""Pure rules of program outcomes (DOMAIN.md sections 4 and 7); no Django, no database.

Reliable change, caseness and recovery are NOT decided here: every comparison calls
``cadence.measures.instruments.classify_change`` (PHQ-9 6 points, GAD-7 4 points, Jacobson-Truax for the
others; caseness PHQ-9 above 9, GAD-7 above 7; recovery = a case at start who is not a case now). What is
decided here:

- which two results of an episode are compared (``choose_pre_post``): pre is the first complete result on
  or after admission, or at most ``days_before`` days before it; post is the latest complete result after
  pre, up to the episode's end. A result with no score (incomplete) is never used, and a result recorded
  against another episode is not this episode's.
- the outcome of one episode on one measure (``measure_outcome``), or "not enough data";
- the program summary over many episodes (``summarize``): counts and percentages per change category,
  recovery among those who were cases at start, discharges by TEDS reason with the completion rate, and
  the median length of stay.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from cadence.core.errors import DomainError
from cadence.measures.instruments import (
    DEFAULT_CHANGE_RULES,
    INSTRUMENTS,
    ChangeCategory,
    ChangeResult,
    MeasureSettings,
    classify_change,
)

#: Pre may be answered at most this many days before admission (``CADENCE_OUTCOME_BASELINE_DAYS_BEFORE``).
DEFAULT_BASELINE_DAYS_BEFORE = 14
#: Below this many episodes with pre and post, a figure is shown as counts only ("too few to compare").
MIN_TO_COMPARE = 10
EARLIEST_YEAR = 1900  # dates before this are typing mistakes (and year 1 overflows date arithmetic)

#: The two measures every report shows, whether or not they have results.
HEADLINE_MEASURES: tuple[str, ...] = ("phq9", "gad7")

# SAMHSA TEDS reason for discharge (DOMAIN.md section 7); labels live with the Episode model.
COMPLETED, DROPPED_OUT, TERMINATED, TRANSFERRED, INCARCERATED, DEATH, OTHER = range(1, 8)
TEDS_REASONS: tuple[int, ...] = (COMPLETED, DROPPED_OUT, TERMINATED, TRANSFERRED, INCARCERATED, DEATH, OTHER)

CATEGORIES: tuple[ChangeCategory, ...] = (
    ChangeCategory.RELIABLE_IMPROVEMENT,
    ChangeCategory.NO_RELIABLE_CHANGE,
    ChangeCategory.RELIABLE_DETERIORATION,
)


def measure_keys(settings: MeasureSettings | None = None) -> tuple[str, ...]:
    """Every measure key ``classify_change`` has a rule for: PHQ-9 and GAD-7 first, then the others in the
    instrument library's order (totals before subscales)."""
    keys = set(DEFAULT_CHANGE_RULES) | set(settings.change_rules if settings is not None else ())
    order = {code: index for index, code in enumerate(INSTRUMENTS)}

    def rank(key: str) -> tuple[int, int, str]:
        code = key.partition(".")[0]
        headline = HEADLINE_MEASURES.index(key) if key in HEADLINE_MEASURES else len(HEADLINE_MEASURES)
        return headline, order.get(code, len(order)), key

    return tuple(sorted((k for k in keys if k.partition(".")[0] in INSTRUMENTS), key=rank))


# --- The period --------------------------------------------------------------------------------------

DEFAULT_PERIOD_DAYS = 90
MAX_PERIOD_DAYS = 3660  # ten years: longer asks are a typo more often than a wish


class Mode(StrEnum):
    """Which episodes a period holds: those discharged in it (default), or those active at any time in it."""

    DISCHARGED = "discharged"
    ACTIVE = "active"


MODE_LABELS = {Mode.DISCHARGED: "Discharged in the period", Mode.ACTIVE: "Active at any time in the period"}


@dataclass(frozen=True)
class Period:
    """``starts_on`` to ``ends_on``, both included."""

    starts_on: dt.date
    ends_on: dt.date
    mode: Mode = Mode.DISCHARGED

    @classmethod
    def last_days(cls, today: dt.date, days: int = DEFAULT_PERIOD_DAYS, mode: Mode = Mode.DISCHARGED) -> Period:
        """The ``days`` days ending today (today included)."""
        return cls(today - dt.timedelta(days=days - 1), today, mode)


class PeriodError(DomainError):
    """A period that cannot be read: ``field`` is ``from``, ``to`` or ``mode``."""


def _parse_day(field_name: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(field_name, f"{text!r} is not a date; write it as YYYY-MM-DD.") from None


def parse_period(*, starts: str | None, ends: str | None, mode: str | None, today: dt.date) -> Period:
    """The period asked for in a query string: ``to`` defaults to today, ``from`` to 89 days before ``to``
    (90 days in all), ``mode`` to "discharged". Raises ``PeriodError`` naming the field: a date that is
    not YYYY-MM-DD, ``from`` after ``to``, a period over ten years, or an unknown mode."""
    ends_on = _parse_day("to", ends) if ends and ends.strip() else today
    if starts and starts.strip():
        starts_on = _parse_day("from", starts)
    elif ends_on.year < EARLIEST_YEAR:  # also keeps the default start from running off the calendar
        raise PeriodError("to", f"Choose a date from {EARLIEST_YEAR} on.")
    else:
        starts_on = ends_on - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if starts_on.year < EARLIEST_YEAR:
        raise PeriodError("from", f"Choose a date from {EARLIEST_YEAR} on.")
    if starts_on > ends_on:
        raise PeriodError("from", f"The start ({starts_on:%Y-%m-%d}) is after the end ({ends_on:%Y-%m-%d}).")
    if (ends_on - starts_on).days + 1 > MAX_PERIOD_DAYS:
        raise PeriodError("from", f"A period is at most {MAX_PERIOD_DAYS} days long.")
    chosen = (mode or Mode.DISCHARGED.value).strip()
    if chosen not in {m.value for m in Mode}:
        allowed = ", ".join(m.value for m in Mode)
        raise PeriodError("mode", f"{chosen!r} is not a mode; use one of: {allowed}.")
    return Period(starts_on, ends_on, Mode(chosen))


# --- Choosing pre and post ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Administration:
    """One result of one measure: the day it was answered, its score (None when incomplete), the episode
    it was recorded against (None when none), and ``sequence`` to order results of the same day (the
    result's id, or anything that grows with recording time)."""

    day: dt.date
    score: int | None
    episode_id: int | None = None
    sequence: int = 0
    result_id: int | None = None

    @property
    def complete(self) -> bool:
        return self.score is not None


def choose_pre_post(
    results: Iterable[Administration],
    *,
    episode_id: int | None,
    admitted_on: dt.date,
    ends_on: dt.date,
    days_before: int = DEFAULT_BASELINE_DAYS_BEFORE,
) -> tuple[Administration | None, Administration | None]:
    """The (pre, post) pair of an episode on one measure; either may be None.

    Candidates are complete results recorded against this episode or against no episode, answered from
    ``days_before`` days before ``admitted_on`` (inclusive) to ``ends_on`` (inclusive: the discharge day,
    or the end of the period for an open episode). Pre is the first candidate; post the latest candidate,
    provided it was answered in treatment (on or after admission) and on a later day than pre: a change
    before admission is not the program's, and two answers of one day are no change over treatment.
    Raises ``ValueError`` for a negative ``days_before``.
    """
    if days_before < 0:
        raise ValueError(f"days_before must be 0 or more, not {days_before!r}")
    earliest = admitted_on - dt.timedelta(days=days_before)
    first: Administration | None = None
    last: Administration | None = None
    for item in results:  # one pass: this runs for every result of every episode of a report
        if item.score is None or not earliest <= item.day <= ends_on:
            continue
        if item.episode_id is not None and item.episode_id != episode_id:
            continue
        key = (item.day, item.sequence)
        if first is None or key < (first.day, first.sequence):
            first = item
        if last is None or key >= (last.day, last.sequence):
            last = item
    # Every candidate is on or before ``last``'s day: if it fails, no other candidate could be post.
    if first is None or last is None or last.day < admitted_on or last.day <= first.day:
        return first, None
    return first, last


# --- One episode -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeasureOutcome:
    """An episode's outcome on one measure: ``change`` is None when there is not enough data (no pre, or
    pre without a later complete result)."""

    measure: str
    pre: Administration | None
    post: Administration | None
    change: ChangeResult | None

    @property
    def enough_data(self) -> bool:
        return self.change is not None

    @property
    def category(self) -> ChangeCategory | None:
        return self.change.category if self.change is not None else None

    @property
    def difference(self) -> int | None:
        return self.change.difference if self.change is not None else None

    @property
    def case_at_start(self) -> bool | None:
        return self.change.case_at_baseline if self.change is not None else None

    @property
    def recovered(self) -> bool | None:
        return self.change.recovered if self.change is not None else None

    @property
    def reliable_recovery(self) -> bool | None:
        return self.change.reliable_recovery if self.change is not None else None


def measure_outcome(
    measure: str,
    results: Iterable[Administration],
    *,
    episode_id: int | None,
    admitted_on: dt.date,
    ends_on: dt.date,
    days_before: int = DEFAULT_BASELINE_DAYS_BEFORE,
    settings: MeasureSettings | None = None,
) -> MeasureOutcome:
    """The outcome of one episode on ``measure`` (a key such as ``phq9`` or ``bam.use``): pre and post as
    ``choose_pre_post`` picks them, classified by ``classify_change``. Raises what ``classify_change``
    raises for a measure it does not support."""
    pre, post = choose_pre_post(
        results, episode_id=episode_id, admitted_on=admitted_on, ends_on=ends_on, days_before=days_before
    )
    if pre is None or post is None:
        return MeasureOutcome(measure, pre, post, None)
    assert pre.score is not None and post.score is not None  # noqa: S101 - complete by construction
    return MeasureOutcome(measure, pre, post, classify_change(measure, pre.score, post.score, settings))


@dataclass(frozen=True, slots=True)
class EpisodeFacts:
    """What the summary needs of an episode besides its measures."""

    episode_id: int
    record_number: str
    admitted_on: dt.date
    discharged_on: dt.date | None = None
    discharge_reason: int | None = None
    participant_id: int | None = None

    @property
    def length_of_stay(self) -> int | None:
        """Days from admission to discharge, both counted (None while open)."""
        if self.discharged_on is None:
            return None
        return (self.discharged_on - self.admitted_on).days + 1


@dataclass(frozen=True, slots=True)
class EpisodeOutcome:
    facts: EpisodeFacts
    measures: Mapping[str, MeasureOutcome]


def episode_outcome(
    facts: EpisodeFacts,
    results: Mapping[str, Sequence[Administration]],
    *,
    ends_on: dt.date,
    days_before: int = DEFAULT_BASELINE_DAYS_BEFORE,
    settings: MeasureSettings | None = None,
    keys: Sequence[str] | None = None,
) -> EpisodeOutcome:
    """The outcomes of one episode on every measure of ``keys`` (default: every supported measure) that is
    a headline measure or has at least one result in ``results`` (measure key -> that measure's results).
    ``ends_on`` is the last day a post may be answered."""
    wanted = keys if keys is not None else measure_keys(settings)
    found: dict[str, MeasureOutcome] = {}
    for key in wanted:
        rows = results.get(key, ())
        if not rows and key not in HEADLINE_MEASURES:
            continue
        found[key] = measure_outcome(
            key,
            rows,
            episode_id=facts.episode_id,
            admitted_on=facts.admitted_on,
            ends_on=ends_on,
            days_before=days_before,
            settings=settings,
        )
    return EpisodeOutcome(facts, found)


# --- The program summary -----------------------------------------------------------------------------


def percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``, one decimal; None when ``whole`` is 0 (nothing to divide)."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


def median(values: Sequence[float | int]) -> float | None:
    """The median (the mean of the two middle values for an even count); None for no values."""
    if not values:
        return None
    return float(statistics.median(values))


@dataclass(frozen=True, slots=True)
class MeasureSummary:
    """One measure over the episodes: ``compared`` have pre and post; ``not_enough_data`` do not."""

    measure: str
    compared: int
    not_enough_data: int
    improved: int
    no_change: int
    deteriorated: int
    cases_at_start: int
    recovered: int
    reliably_recovered: int
    has_caseness: bool
    min_to_compare: int = MIN_TO_COMPARE

    @property
    def too_few(self) -> bool:
        """Fewer compared episodes than ``min_to_compare``: show counts, not percentages."""
        return self.compared < self.min_to_compare

    def count(self, category: ChangeCategory) -> int:
        return {
            ChangeCategory.RELIABLE_IMPROVEMENT: self.improved,
            ChangeCategory.NO_RELIABLE_CHANGE: self.no_change,
            ChangeCategory.RELIABLE_DETERIORATION: self.deteriorated,
        }[category]

    @property
    def improved_percent(self) -> float | None:
        return percent(self.improved, self.compared)

    @property
    def no_change_percent(self) -> float | None:
        return percent(self.no_change, self.compared)

    @property
    def deteriorated_percent(self) -> float | None:
        return percent(self.deteriorated, self.compared)

    @property
    def recovery_too_few(self) -> bool:
        """Fewer cases at the start than ``min_to_compare``: the recovery rate is shown as counts."""
        return self.cases_at_start < self.min_to_compare

    @property
    def recovered_percent(self) -> float | None:
        """Recovered among those who were cases at start (None when none were)."""
        return percent(self.recovered, self.cases_at_start)

    @property
    def reliably_recovered_percent(self) -> float | None:
        return percent(self.reliably_recovered, self.cases_at_start)


@dataclass(frozen=True, slots=True)
class DischargeLine:
    reason: int
    count: int
    percent: float | None


@dataclass(frozen=True)
class ProgramSummary:
    """Everything the report shows, over ``episodes`` episodes."""

    episodes: int
    measures: list[MeasureSummary]
    discharged: int
    discharges: list[DischargeLine]
    completed: int
    completion_rate: float | None
    median_length_of_stay: float | None
    min_to_compare: int = MIN_TO_COMPARE
    by_measure: dict[str, MeasureSummary] = field(default_factory=dict)

    @property
    def too_few(self) -> bool:
        return self.episodes < self.min_to_compare

    @property
    def discharges_too_few(self) -> bool:
        """Fewer discharges than ``min_to_compare``: completion and discharge shares are shown as counts
        (in "active" mode a period can hold many episodes and few discharges)."""
        return self.discharged < self.min_to_compare

    def measure(self, key: str) -> MeasureSummary | None:
        return self.by_measure.get(key)


def summarize_measure(
    measure: str, outcomes: Iterable[MeasureOutcome], *, min_to_compare: int = MIN_TO_COMPARE
) -> MeasureSummary:
    """Counts of one measure's outcomes (each an episode's ``MeasureOutcome`` for ``measure``)."""
    compared = not_enough = improved = no_change = deteriorated = cases = recovered = reliable = 0
    has_caseness = False
    for outcome in outcomes:
        change = outcome.change
        if change is None:
            not_enough += 1
            continue
        compared += 1
        if change.category is ChangeCategory.RELIABLE_IMPROVEMENT:
            improved += 1
        elif change.category is ChangeCategory.RELIABLE_DETERIORATION:
            deteriorated += 1
        else:
            no_change += 1
        if change.case_at_baseline is not None:
            has_caseness = True
        if change.case_at_baseline:
            cases += 1
            recovered += bool(change.recovered)
            reliable += bool(change.reliable_recovery)
    return MeasureSummary(
        measure=measure,
        compared=compared,
        not_enough_data=not_enough,
        improved=improved,
        no_change=no_change,
        deteriorated=deteriorated,
        cases_at_start=cases,
        recovered=recovered,
        reliably_recovered=reliable,
        has_caseness=has_caseness or _has_caseness(measure),
        min_to_compare=min_to_compare,
    )


def _has_caseness(measure: str) -> bool:
    code, _, sub = measure.partition(".")
    instrument = INSTRUMENTS.get(code)
    if instrument is None or sub:
        return False
    return instrument.case_threshold(MeasureSettings()) is not None


def summarize(outcomes: Sequence[EpisodeOutcome], *, min_to_compare: int = MIN_TO_COMPARE) -> ProgramSummary:
    """The program summary over episode outcomes.

    Per measure (headline measures always, others when any episode has them): counts and percentages of
    reliable improvement / no reliable change / reliable deterioration among episodes with pre and post,
    and recovery among those who were cases at start. Discharges: episodes with a discharge day, counted
    by TEDS reason (every reason listed, zero included); the completion rate is reason 1 over all of them.
    The median length of stay is over discharged episodes. Every percentage is None when its denominator
    is zero.
    """
    keys: list[str] = list(HEADLINE_MEASURES)
    for outcome in outcomes:
        keys.extend(k for k in outcome.measures if k not in keys)
    order = {key: index for index, key in enumerate(measure_keys())}
    keys.sort(key=lambda k: order.get(k, len(order)))
    measures = [
        summarize_measure(key, (o.measures[key] for o in outcomes if key in o.measures), min_to_compare=min_to_compare)
        for key in keys
    ]
    discharged = [o.facts for o in outcomes if o.facts.discharged_on is not None]
    reasons = {reason: 0 for reason in TEDS_REASONS}
    for facts in discharged:
        if facts.discharge_reason in reasons:
            reasons[facts.discharge_reason] += 1
        else:
            reasons[OTHER] += 1
    total = len(discharged)
    stays = [stay for facts in discharged if (stay := facts.length_of_stay) is not None]
    return ProgramSummary(
        episodes=len(outcomes),
        measures=measures,
        discharged=total,
        discharges=[DischargeLine(reason, count, percent(count, total)) for reason, count in reasons.items()],
        completed=reasons[COMPLETED],
        completion_rate=percent(reasons[COMPLETED], total),
        median_length_of_stay=median(stays),
        min_to_compare=min_to_compare,
        by_measure={m.measure: m for m in measures},
    )
