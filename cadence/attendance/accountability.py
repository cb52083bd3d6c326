"""Accountability rules: a pure function from a participant's recent attendance to the outreach tasks
that should be open (no Django). ``actions.outreach`` turns triggers into tasks, once per period.

Rules (``parameter`` in brackets):

- ``two_unexcused_in_a_row`` [N, default 2]: N or more unexcused absences in a row, by session in time
  order. Sessions cancelled by the program are skipped (they neither extend nor break a streak); a
  present mark or an excused absence breaks it. Period: the first absence of the streak, so a third
  absence in the same streak does not open a second task.
- ``below_minimum_two_weeks`` [N, default 2]: N or more completed weeks in a row below the minimum of the
  level of care; weeks whose shortfall the program's cancellations explain do not count (and break the
  run), nor do weeks with no minimum. Period: the first week of the run.
- ``gap_longer_than_days`` [D, default 3]: more than D whole days without a clinical service (a present
  mark with counted minutes). The gap is the number of days strictly between the last service and
  ``today`` (the days before today are complete); without any service yet, it counts from the day of
  admission. Last service Monday, D=3: on Friday the gap is 3 (Tue-Thu), no task; on Saturday it is 4,
  a task opens. Period: the day of the last service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from .ledger import PROGRAM_CANCELLED, UNEXCUSED, MarkFact, WeekLedger

TWO_UNEXCUSED_IN_A_ROW = "two_unexcused_in_a_row"
BELOW_MINIMUM_TWO_WEEKS = "below_minimum_two_weeks"
GAP_LONGER_THAN_DAYS = "gap_longer_than_days"


@dataclass(frozen=True)
class RuleSpec:
    id: int
    kind: str
    parameter: int


@dataclass(frozen=True)
class Trigger:
    rule_id: int
    kind: str
    period_key: str
    reason: str


@dataclass(frozen=True)
class Streak:
    first: MarkFact
    last: MarkFact
    length: int


def unexcused_streaks(marks: Sequence[MarkFact]) -> list[Streak]:
    """Runs of unexcused absences in session order (program cancellations skipped)."""
    ordered = sorted(marks, key=lambda m: (m.starts_at, m.session_id))
    streaks: list[Streak] = []
    first: MarkFact | None = None
    last: MarkFact | None = None
    length = 0
    for mark in ordered:
        if mark.status == PROGRAM_CANCELLED:
            continue
        if mark.status == UNEXCUSED:
            if first is None:
                first = mark
            last = mark
            length += 1
            continue
        if first is not None and last is not None:
            streaks.append(Streak(first, last, length))
        first, last, length = None, None, 0
    if first is not None and last is not None:
        streaks.append(Streak(first, last, length))
    return streaks


def below_minimum_runs(weeks: Sequence[WeekLedger]) -> list[list[WeekLedger]]:
    """Runs of consecutive completed weeks that count against the participant."""
    runs: list[list[WeekLedger]] = []
    current: list[WeekLedger] = []
    for week in sorted(weeks, key=lambda w: w.week_start):
        if not week.is_over:
            continue
        if week.counts_against_participant and (not current or current[-1].week_end == week.week_start):
            current.append(week)
            continue
        if current:
            runs.append(current)
        current = [week] if week.counts_against_participant else []
    if current:
        runs.append(current)
    return runs


def gap_days(*, last_service_on: dt.date | None, admitted_on: dt.date, today: dt.date) -> tuple[int, dt.date]:
    """Whole days strictly between the last service (or the day before admission) and today, and that
    anchor day."""
    anchor = last_service_on if last_service_on is not None else admitted_on - dt.timedelta(days=1)
    return max(0, (today - anchor).days - 1), anchor


def evaluate(
    *,
    rules: Sequence[RuleSpec],
    marks: Sequence[MarkFact],
    weeks: Sequence[WeekLedger],
    last_service_on: dt.date | None,
    admitted_on: dt.date,
    today: dt.date,
) -> list[Trigger]:
    """Every trigger of ``rules`` over one episode's recent history (duplicates are the caller's job:
    each trigger's ``period_key`` is stable, so the same streak, run or gap always gives the same key)."""
    triggers: list[Trigger] = []
    for rule in rules:
        if rule.kind == TWO_UNEXCUSED_IN_A_ROW:
            for streak in unexcused_streaks(marks):
                if streak.length >= rule.parameter:
                    triggers.append(
                        Trigger(
                            rule.id,
                            rule.kind,
                            f"u:{streak.first.session_id}",
                            f"{streak.length} unexcused absences in a row since {streak.first.occurs_on:%a %d %b %Y}",
                        )
                    )
        elif rule.kind == BELOW_MINIMUM_TWO_WEEKS:
            for run in below_minimum_runs(weeks):
                if len(run) >= rule.parameter:
                    triggers.append(
                        Trigger(
                            rule.id,
                            rule.kind,
                            f"w:{run[0].week_start.isoformat()}",
                            f"Below the minimum hours {len(run)} weeks in a row "
                            f"(from the week of {run[0].week_start:%d %b %Y})",
                        )
                    )
        elif rule.kind == GAP_LONGER_THAN_DAYS:
            gap, anchor = gap_days(last_service_on=last_service_on, admitted_on=admitted_on, today=today)
            if gap > rule.parameter:
                since = (
                    f"since the last service on {anchor:%a %d %b %Y}"
                    if last_service_on is not None
                    else f"since admission on {admitted_on:%a %d %b %Y}"
                )
                triggers.append(
                    Trigger(rule.id, rule.kind, f"g:{anchor.isoformat()}", f"{gap} days without a service {since}")
                )
    return triggers
