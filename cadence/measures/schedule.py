"""The measurement schedule and which measures are due: pure functions over plain data (no database).

A program's rules say which instruments are given at admission, every N days, and at discharge. A
program without rules of its own uses ``DEFAULT_SCHEDULE`` (PHQ-9 and GAD-7 at admission and weekly, BAM
at admission and every 30 days, C-SSRS at admission).

``due_measures`` answers, for one episode on ``today``, which instruments are due and since when:

- At admission: due on the admission day until a result exists from ``ADMISSION_WINDOW_DAYS`` before
  admission on (an intake measure counts).
- Every N days: due N days after the latest result of the episode (N days after admission when there is
  none and the instrument is not also an admission measure); never after the discharge day.
- At discharge: once the episode has a discharge date and the day has come, due on the discharge day
  until a result exists from ``DISCHARGE_WINDOW_DAYS`` before discharge on; dropped
  ``DISCHARGE_FOLLOW_UP_DAYS`` after discharge (no longer actionable).

One entry per instrument (the earliest outstanding reason), only when its due day is today or earlier.
``days_overdue`` is 0 on the due day: a measure is *overdue* from the day after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

ADMISSION_WINDOW_DAYS = 7
DISCHARGE_WINDOW_DAYS = 7
DISCHARGE_FOLLOW_UP_DAYS = 30
MAX_INTERVAL_DAYS = 365


@dataclass(frozen=True, slots=True)
class ScheduleRule:
    """One instrument of a program's schedule. Raises ``ValueError`` for a rule that never applies or an
    interval outside 1-365 days."""

    instrument: str
    at_admission: bool = False
    every_days: int | None = None
    at_discharge: bool = False

    def __post_init__(self) -> None:
        if self.every_days is not None and not 1 <= self.every_days <= MAX_INTERVAL_DAYS:
            raise ValueError(f"every_days must be from 1 to {MAX_INTERVAL_DAYS}, not {self.every_days}")
        if not (self.at_admission or self.every_days or self.at_discharge):
            raise ValueError(f"{self.instrument}: a rule needs at admission, an interval, or at discharge")


DEFAULT_SCHEDULE: tuple[ScheduleRule, ...] = (
    ScheduleRule("phq9", at_admission=True, every_days=7),
    ScheduleRule("gad7", at_admission=True, every_days=7),
    ScheduleRule("bam", at_admission=True, every_days=30),
    ScheduleRule("cssrs", at_admission=True),
)


class DueReason(StrEnum):
    ADMISSION = "admission"
    INTERVAL = "interval"
    DISCHARGE = "discharge"


REASON_LABELS = {
    DueReason.ADMISSION: "admission measure",
    DueReason.INTERVAL: "regular measure",
    DueReason.DISCHARGE: "discharge measure",
}


@dataclass(frozen=True, slots=True)
class DueMeasure:
    instrument: str
    reason: DueReason
    due_on: dt.date
    days_overdue: int
    last_done: dt.date | None

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def reason_label(self) -> str:
        return REASON_LABELS[self.reason]


def _latest(results: Iterable[tuple[str, dt.date]], since: dt.date, today: dt.date) -> dict[str, dt.date]:
    latest: dict[str, dt.date] = {}
    for code, day in results:
        if since <= day <= today and (code not in latest or day > latest[code]):
            latest[code] = day
    return latest


def _due(rule: ScheduleRule, *, reason: DueReason, due_on: dt.date, today: dt.date, last: dt.date | None) -> DueMeasure:
    return DueMeasure(rule.instrument, reason, due_on, (today - due_on).days, last)


def due_measures(
    rules: Sequence[ScheduleRule],
    *,
    admitted_on: dt.date | None,
    today: dt.date,
    results: Iterable[tuple[str, dt.date]],
    discharged_on: dt.date | None = None,
) -> list[DueMeasure]:
    """Measures due on ``today`` for an episode admitted on ``admitted_on`` (None: not admitted, nothing
    is due), given past ``results`` as (instrument code, administered day) pairs of the participant.
    Sorted by due day, then by the order of ``rules``."""
    if admitted_on is None or today < admitted_on:
        return []
    latest = _latest(results, admitted_on - dt.timedelta(days=ADMISSION_WINDOW_DAYS), today)
    closed = discharged_on is not None and today > discharged_on
    due: list[DueMeasure] = []
    for rule in rules:
        last = latest.get(rule.instrument)
        candidates: list[tuple[dt.date, DueReason]] = []
        if discharged_on is not None and rule.at_discharge and today >= discharged_on:
            done = last is not None and last >= discharged_on - dt.timedelta(days=DISCHARGE_WINDOW_DAYS)
            if not done and (today - discharged_on).days <= DISCHARGE_FOLLOW_UP_DAYS:
                candidates.append((discharged_on, DueReason.DISCHARGE))
        if not closed:
            if rule.at_admission and last is None:
                candidates.append((admitted_on, DueReason.ADMISSION))
            if rule.every_days is not None:
                next_on = (last or admitted_on) + dt.timedelta(days=rule.every_days)
                if discharged_on is None or next_on <= discharged_on:
                    candidates.append((next_on, DueReason.INTERVAL))
        if not candidates:
            continue
        due_on, reason = min(candidates, key=lambda c: c[0])
        if due_on <= today:
            due.append(_due(rule, reason=reason, due_on=due_on, today=today, last=last))
    order = {rule.instrument: i for i, rule in enumerate(rules)}
    return sorted(due, key=lambda d: (d.due_on, order[d.instrument]))


def overdue_while_open(
    rules: Sequence[ScheduleRule], *, admitted_on: dt.date, today: dt.date, latest: dict[str, dt.date]
) -> list[DueMeasure]:
    """What ``due_measures`` gives for an episode with no discharge date, overdue entries only, with
    ``latest`` already holding each instrument's latest result from the admission window to ``today``.

    The same rule in the few comparisons the home page's count over thousands of episodes needs (a
    property test holds it to ``due_measures``); only the rows shown become objects, so callers count
    with ``overdue_count_while_open`` and build these for the few they show.
    """
    if today < admitted_on:
        return []
    due: list[tuple[dt.date, int, DueMeasure]] = []
    for i, rule in enumerate(rules):
        found = _open_due_on(rule, admitted_on, latest.get(rule.instrument))
        if found is not None and found[0] < today:
            due_on, reason = found
            last = latest.get(rule.instrument)
            due.append((due_on, i, DueMeasure(rule.instrument, reason, due_on, (today - due_on).days, last)))
    due.sort(key=lambda item: item[:2])
    return [d for _on, _i, d in due]


def overdue_count_while_open(
    rules: Sequence[ScheduleRule], *, admitted_on: dt.date, today: dt.date, latest: dict[str, dt.date]
) -> Iterable[tuple[int, str]]:
    """(days overdue, instrument) of each overdue measure of ``overdue_while_open``, without objects."""
    if today < admitted_on:
        return
    for rule in rules:
        found = _open_due_on(rule, admitted_on, latest.get(rule.instrument))
        if found is not None and found[0] < today:
            yield (today - found[0]).days, rule.instrument


def _open_due_on(rule: ScheduleRule, admitted_on: dt.date, last: dt.date | None) -> tuple[dt.date, DueReason] | None:
    """The earliest outstanding due day of ``rule`` for an episode still open (see module docstring)."""
    if last is None and rule.at_admission:
        return admitted_on, DueReason.ADMISSION  # never later than the first interval
    if rule.every_days is not None:
        return (last or admitted_on) + dt.timedelta(days=rule.every_days), DueReason.INTERVAL
    return None
