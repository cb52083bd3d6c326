"""Which measures are due: the pure schedule function at its edges."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.measures.schedule import (
    ADMISSION_WINDOW_DAYS,
    DEFAULT_SCHEDULE,
    DueMeasure,
    DueReason,
    ScheduleRule,
    due_measures,
    overdue_count_while_open,
    overdue_while_open,
)

ADMITTED = dt.date(2026, 10, 5)
WEEKLY = ScheduleRule("phq9", at_admission=True, every_days=7)


def due(
    rules: list[ScheduleRule], today: dt.date, results: list[tuple[str, dt.date]] = (), **kw: object
) -> list[DueMeasure]:  # type: ignore[assignment]
    return due_measures(rules, admitted_on=ADMITTED, today=today, results=results, **kw)  # type: ignore[arg-type]


def test_defaults_are_phq9_gad7_weekly_bam_monthly_cssrs_at_admission() -> None:
    assert DEFAULT_SCHEDULE == (
        ScheduleRule("phq9", at_admission=True, every_days=7),
        ScheduleRule("gad7", at_admission=True, every_days=7),
        ScheduleRule("bam", at_admission=True, every_days=30),
        ScheduleRule("cssrs", at_admission=True),
    )


def test_everything_is_due_on_the_admission_day() -> None:
    rows = due(list(DEFAULT_SCHEDULE), ADMITTED)
    assert [(d.instrument, d.reason, d.days_overdue) for d in rows] == [
        ("phq9", DueReason.ADMISSION, 0),
        ("gad7", DueReason.ADMISSION, 0),
        ("bam", DueReason.ADMISSION, 0),
        ("cssrs", DueReason.ADMISSION, 0),
    ]
    assert not any(d.is_overdue for d in rows)


def test_nothing_is_due_before_admission_or_without_one() -> None:
    assert due([WEEKLY], ADMITTED - dt.timedelta(days=1)) == []
    assert due_measures([WEEKLY], admitted_on=None, today=ADMITTED, results=[]) == []


def test_an_intake_measure_up_to_seven_days_before_admission_counts() -> None:
    intake = ADMITTED - dt.timedelta(days=3)
    assert due([WEEKLY], ADMITTED, [("phq9", intake)]) == []
    assert [d.reason for d in due([WEEKLY], intake + dt.timedelta(days=7), [("phq9", intake)])] == [DueReason.INTERVAL]
    week_before = due([WEEKLY], ADMITTED, [("phq9", ADMITTED - dt.timedelta(days=7))])
    assert [(d.reason, d.due_on) for d in week_before] == [(DueReason.INTERVAL, ADMITTED)]
    rows = due([WEEKLY], ADMITTED, [("phq9", ADMITTED - dt.timedelta(days=8))])
    assert [(d.reason, d.last_done) for d in rows] == [(DueReason.ADMISSION, None)]


@pytest.mark.parametrize(("days_after", "expected"), [(6, None), (7, 0), (8, 1)])
def test_weekly_measure_is_due_seven_days_after_the_last_and_overdue_the_day_after(
    days_after: int, expected: int | None
) -> None:
    last = dt.date(2026, 11, 16)
    rows = due([WEEKLY], last + dt.timedelta(days=days_after), [("phq9", last), ("phq9", ADMITTED)])
    assert [d.days_overdue for d in rows] == ([] if expected is None else [expected])
    if rows:
        assert rows[0].reason is DueReason.INTERVAL
        assert rows[0].due_on == dt.date(2026, 11, 23)
        assert rows[0].last_done == last


def test_interval_without_admission_measure_starts_counting_at_admission() -> None:
    rule = ScheduleRule("bam", every_days=30)
    assert due([rule], ADMITTED + dt.timedelta(days=29)) == []
    assert [d.due_on for d in due([rule], ADMITTED + dt.timedelta(days=30))] == [ADMITTED + dt.timedelta(days=30)]


def test_admission_only_measure_is_due_once() -> None:
    rule = ScheduleRule("cssrs", at_admission=True)
    assert [d.days_overdue for d in due([rule], ADMITTED + dt.timedelta(days=3))] == [3]
    assert due([rule], ADMITTED + dt.timedelta(days=60), [("cssrs", ADMITTED + dt.timedelta(days=3))]) == []


def test_results_from_the_future_or_other_instruments_do_not_count() -> None:
    today = dt.date(2026, 11, 23)
    rows = due([WEEKLY], today, [("gad7", today), ("phq9", today + dt.timedelta(days=1))])
    assert [d.reason for d in rows] == [DueReason.ADMISSION]


def test_no_interval_measure_after_the_discharge_day() -> None:
    discharged = dt.date(2026, 11, 10)
    last = dt.date(2026, 11, 2)  # next due 9 Nov, before discharge: still owed on the discharge day
    on_discharge = due([WEEKLY], discharged, [("phq9", last)], discharged_on=discharged)
    assert [d.due_on for d in on_discharge] == [dt.date(2026, 11, 9)]
    assert due([WEEKLY], discharged + dt.timedelta(days=1), [("phq9", last)], discharged_on=discharged) == []


def test_discharge_measure_due_once_discharged_until_done_or_thirty_days_later() -> None:
    rule = ScheduleRule("phq9", at_discharge=True)
    discharged = dt.date(2026, 11, 10)
    assert due([rule], dt.date(2026, 11, 9)) == []
    rows = due([rule], dt.date(2026, 11, 12), discharged_on=discharged)
    assert [(d.reason, d.due_on, d.days_overdue) for d in rows] == [(DueReason.DISCHARGE, discharged, 2)]
    done_before = [("phq9", discharged - dt.timedelta(days=7))]
    assert due([rule], dt.date(2026, 11, 12), done_before, discharged_on=discharged) == []
    too_early = [("phq9", discharged - dt.timedelta(days=8))]
    assert len(due([rule], dt.date(2026, 11, 12), too_early, discharged_on=discharged)) == 1
    assert len(due([rule], discharged + dt.timedelta(days=30), discharged_on=discharged)) == 1
    assert due([rule], discharged + dt.timedelta(days=31), discharged_on=discharged) == []


def test_sorted_by_due_day_then_rule_order() -> None:
    rules = [ScheduleRule("gad7", every_days=7), ScheduleRule("phq9", every_days=14), ScheduleRule("bam", every_days=7)]
    today = ADMITTED + dt.timedelta(days=20)
    assert [d.instrument for d in due(rules, today)] == ["gad7", "bam", "phq9"]


@pytest.mark.parametrize("bad", [{"every_days": 0}, {"every_days": 366}, {}])
def test_rule_that_never_applies_is_refused(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        ScheduleRule("phq9", **bad)  # type: ignore[arg-type]


# --- The home page's fast path: the same answer as due_measures for open episodes ------------------

_CODES = ("phq9", "gad7", "bam", "cssrs")


@st.composite
def _rules(draw: st.DrawFn) -> list[ScheduleRule]:
    rules = []
    for code in draw(st.lists(st.sampled_from(_CODES), unique=True, min_size=1, max_size=4)):
        at_admission = draw(st.booleans())
        every = draw(st.one_of(st.none(), st.integers(1, 60)))
        at_discharge = draw(st.booleans()) or not (at_admission or every)
        rules.append(ScheduleRule(code, at_admission=at_admission, every_days=every, at_discharge=at_discharge))
    return rules


@settings(max_examples=300, deadline=None)
@given(
    rules=_rules(),
    admitted=st.dates(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    today=st.dates(dt.date(2025, 12, 1), dt.date(2026, 9, 30)),
    results=st.lists(st.tuples(st.sampled_from(_CODES), st.dates(dt.date(2025, 12, 1), dt.date(2026, 9, 30)))),
)
def test_overdue_while_open_is_due_measures_for_an_open_episode_overdue_only(
    rules: list[ScheduleRule], admitted: dt.date, today: dt.date, results: list[tuple[str, dt.date]]
) -> None:
    expected = [d for d in due_measures(rules, admitted_on=admitted, today=today, results=results) if d.is_overdue]
    since = admitted - dt.timedelta(days=ADMISSION_WINDOW_DAYS)
    latest: dict[str, dt.date] = {}
    for code, day in results:
        if since <= day <= today and day > latest.get(code, dt.date.min):
            latest[code] = day
    assert overdue_while_open(rules, admitted_on=admitted, today=today, latest=latest) == expected
    counted = list(overdue_count_while_open(rules, admitted_on=admitted, today=today, latest=latest))
    assert sorted(counted) == sorted((d.days_overdue, d.instrument) for d in expected)
