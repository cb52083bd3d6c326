"""Accountability rules on plain data (no database): each rule at its edges."""

from __future__ import annotations

import datetime as dt

from cadence.attendance.accountability import (
    BELOW_MINIMUM_TWO_WEEKS,
    GAP_LONGER_THAN_DAYS,
    TWO_UNEXCUSED_IN_A_ROW,
    RuleSpec,
    evaluate,
    gap_days,
)
from cadence.attendance.ledger import EpisodeSpan, LevelPeriod, MarkFact, ledger_weeks

ADMITTED = dt.date(2026, 10, 5)
TODAY = dt.date(2026, 11, 23)
SPAN = EpisodeSpan(ADMITTED, None, (LevelPeriod(ADMITTED, "2.1", 540, 3),))
UNEXCUSED = RuleSpec(1, TWO_UNEXCUSED_IN_A_ROW, 2)
WEEKS = RuleSpec(2, BELOW_MINIMUM_TWO_WEEKS, 2)
GAP = RuleSpec(3, GAP_LONGER_THAN_DAYS, 3)


def mark(n: int, status: str, day: dt.date | None = None, minutes: int = 90) -> MarkFact:
    day = day or dt.date(2026, 11, 2) + dt.timedelta(days=n)
    starts = dt.datetime.combine(day, dt.time(14), tzinfo=dt.UTC) + dt.timedelta(minutes=n)
    return MarkFact(day, starts, "process-group", True, status, minutes if status == "present" else 0, 90, n)


def run(
    rules: list[RuleSpec], marks: list[MarkFact], *, last: dt.date | None = TODAY, today: dt.date = TODAY
) -> list[str]:
    starts = [dt.date(2026, 10, 26) + dt.timedelta(weeks=i) for i in range(5)]
    weeks = [w for w in ledger_weeks(span=SPAN, week_starts=starts, marks=marks, booked=[], today=today) if w.is_over]
    found = evaluate(rules=rules, marks=marks, weeks=weeks, last_service_on=last, admitted_on=ADMITTED, today=today)
    return [t.period_key for t in found]


def test_one_unexcused_absence_opens_nothing() -> None:
    assert run([UNEXCUSED], [mark(1, "present"), mark(2, "unexcused")]) == []


def test_two_unexcused_in_a_row_opens_a_task_keyed_by_the_first() -> None:
    assert run([UNEXCUSED], [mark(1, "present"), mark(2, "unexcused"), mark(3, "unexcused")]) == ["u:2"]


def test_a_third_absence_in_the_same_streak_keeps_the_same_period() -> None:
    marks = [mark(2, "unexcused"), mark(3, "unexcused"), mark(4, "unexcused")]
    assert run([UNEXCUSED], marks) == ["u:2"]


def test_an_excused_absence_or_attendance_breaks_the_streak() -> None:
    assert run([UNEXCUSED], [mark(2, "unexcused"), mark(3, "excused"), mark(4, "unexcused")]) == []
    assert run([UNEXCUSED], [mark(2, "unexcused"), mark(3, "present"), mark(4, "unexcused")]) == []


def test_program_cancellations_neither_break_nor_extend_a_streak() -> None:
    assert run([UNEXCUSED], [mark(2, "unexcused"), mark(3, "program_cancelled"), mark(4, "unexcused")]) == ["u:2"]
    assert run([UNEXCUSED], [mark(2, "unexcused"), mark(3, "program_cancelled")]) == []


def test_the_parameter_sets_the_streak_length() -> None:
    three = RuleSpec(1, TWO_UNEXCUSED_IN_A_ROW, 3)
    assert run([three], [mark(2, "unexcused"), mark(3, "unexcused")]) == []
    assert run([three], [mark(2, "unexcused"), mark(3, "unexcused"), mark(4, "unexcused")]) == ["u:2"]


def full_week(monday: dt.date, minutes: int = 180) -> list[MarkFact]:
    return [mark(0, "present", monday + dt.timedelta(days=d), minutes) for d in (0, 1, 3)]


def test_one_week_below_minimum_opens_nothing() -> None:
    marks = full_week(dt.date(2026, 10, 26)) + full_week(dt.date(2026, 11, 2)) + full_week(dt.date(2026, 11, 9))
    marks += full_week(dt.date(2026, 11, 16), 179)
    assert run([WEEKS], marks) == []


def test_two_weeks_in_a_row_below_minimum_opens_a_task_for_the_run() -> None:
    marks = full_week(dt.date(2026, 10, 26)) + full_week(dt.date(2026, 11, 2))
    marks += full_week(dt.date(2026, 11, 9), 179) + full_week(dt.date(2026, 11, 16), 179)
    assert run([WEEKS], marks) == ["w:2026-11-09"]


def test_weeks_below_minimum_that_are_not_consecutive_open_nothing() -> None:
    marks = full_week(dt.date(2026, 10, 26)) + full_week(dt.date(2026, 11, 2), 100)
    marks += full_week(dt.date(2026, 11, 9)) + full_week(dt.date(2026, 11, 16), 100)
    assert run([WEEKS], marks) == []


def test_weeks_short_because_of_program_cancellations_do_not_count() -> None:
    marks = full_week(dt.date(2026, 10, 26)) + full_week(dt.date(2026, 11, 2))
    marks += full_week(dt.date(2026, 11, 9), 179)
    thursday = dt.date(2026, 11, 19)
    cancelled = MarkFact(
        thursday, dt.datetime(2026, 11, 19, 14, tzinfo=dt.UTC), "process-group", True, "program_cancelled", 0, 180, 9
    )
    cancelled_week = full_week(dt.date(2026, 11, 16))[:2] + [cancelled]
    assert run([WEEKS], marks + cancelled_week) == []


def test_gap_of_exactly_the_limit_opens_nothing_one_more_day_does() -> None:
    monday = dt.date(2026, 11, 16)
    assert gap_days(last_service_on=monday, admitted_on=ADMITTED, today=dt.date(2026, 11, 20)) == (3, monday)
    assert run([GAP], [], last=monday, today=dt.date(2026, 11, 20)) == []  # Friday: Tue-Thu without service
    assert run([GAP], [], last=monday, today=dt.date(2026, 11, 21)) == ["g:2026-11-16"]  # Saturday: 4 days


def test_gap_without_any_service_counts_from_admission() -> None:
    admitted = dt.date(2026, 11, 16)
    days, anchor = gap_days(last_service_on=None, admitted_on=admitted, today=dt.date(2026, 11, 19))
    assert (days, anchor) == (3, dt.date(2026, 11, 15))
    found = evaluate(
        rules=[GAP], marks=[], weeks=[], last_service_on=None, admitted_on=admitted, today=dt.date(2026, 11, 20)
    )
    assert [t.period_key for t in found] == ["g:2026-11-15"]
    assert "since admission" in found[0].reason
