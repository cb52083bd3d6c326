"""The weekly hours ledger on plain data (no database)."""

from __future__ import annotations

import datetime as dt

from cadence.attendance.ledger import (
    BookedFact,
    EpisodeSpan,
    LevelPeriod,
    MarkFact,
    WeekStatus,
    ledger_weeks,
    requirement,
    risk_key,
    week_ledger,
)

LAST_WEEK = dt.date(2026, 11, 16)  # Monday
THIS_WEEK = dt.date(2026, 11, 23)
TODAY = dt.date(2026, 11, 23)  # Monday of this week: last week is over
IOP = LevelPeriod(dt.date(2026, 10, 5), "2.1", 540, 3)
IOP_TEEN = LevelPeriod(dt.date(2026, 10, 5), "2.1", 360, 3)
SPAN = EpisodeSpan(dt.date(2026, 10, 5), None, (IOP,))


def mark(
    day: dt.date, minutes: int, status: str = "present", service: str = "process-group", counts: bool = True
) -> MarkFact:
    starts = dt.datetime.combine(day, dt.time(14), tzinfo=dt.UTC)
    return MarkFact(day, starts, service, counts, status, minutes if status == "present" else 0, 180, 0)


def booked(day: dt.date, minutes: int = 180, counts: bool = True, ended: bool = False) -> BookedFact:
    return BookedFact(day, "process-group", counts, minutes, ended)


def day(week: dt.date, offset: int) -> dt.date:
    return week + dt.timedelta(days=offset)


def test_exactly_nine_hours_on_three_days_is_on_track() -> None:
    marks = [mark(day(LAST_WEEK, d), 180) for d in (0, 1, 3)]
    week = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert (week.required_minutes, week.required_days) == (540, 3)
    assert (week.minutes, week.days) == (540, 3)
    assert week.status == WeekStatus.ON_TRACK


def test_eight_hours_fifty_nine_is_below_minimum() -> None:
    marks = [mark(day(LAST_WEEK, 0), 180), mark(day(LAST_WEEK, 1), 180), mark(day(LAST_WEEK, 3), 179)]
    week = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert week.minutes == 539
    assert week.status == WeekStatus.BELOW_MINIMUM
    assert week.counts_against_participant
    assert week.shortfall_minutes == 1


def test_nine_hours_on_two_days_is_below_minimum() -> None:
    marks = [mark(day(LAST_WEEK, 0), 270), mark(day(LAST_WEEK, 1), 270)]
    week = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert (week.minutes, week.days) == (540, 2)
    assert week.status == WeekStatus.BELOW_MINIMUM


def test_only_services_that_count_toward_hours_are_counted() -> None:
    marks = [mark(day(LAST_WEEK, d), 180) for d in (0, 1, 3)]
    marks.append(mark(day(LAST_WEEK, 4), 15, service="drug-screen", counts=False))
    week = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert (week.minutes, week.days, week.uncounted_minutes) == (540, 3, 15)
    assert week.minutes_by_service == (("process-group", 540),)


def test_program_cancelled_is_not_counted_and_not_held_against_the_participant() -> None:
    marks = [
        mark(day(LAST_WEEK, 0), 180),
        mark(day(LAST_WEEK, 1), 180),
        mark(day(LAST_WEEK, 3), 0, "program_cancelled"),
    ]
    week = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert (week.minutes, week.days) == (360, 2)
    assert week.program_cancelled_minutes == 180
    assert week.unexcused_absences == 0 and week.excused_absences == 0
    assert week.status == WeekStatus.BELOW_MINIMUM
    assert week.short_because_of_program
    assert not week.counts_against_participant


def test_an_unexcused_absence_is_held_against_the_participant() -> None:
    marks = [mark(day(LAST_WEEK, 0), 180), mark(day(LAST_WEEK, 1), 180), mark(day(LAST_WEEK, 3), 0, "unexcused")]
    week = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert week.unexcused_absences == 1
    assert week.counts_against_participant


def test_adolescent_minimum_is_six_hours() -> None:
    teen = EpisodeSpan(dt.date(2026, 10, 5), None, (IOP_TEEN,))
    marks = [mark(day(LAST_WEEK, d), 120) for d in (0, 1, 3)]
    week = week_ledger(span=teen, week_start=LAST_WEEK, marks=marks, booked=[], today=TODAY)
    assert (week.required_minutes, week.minutes, week.status) == (360, 360, WeekStatus.ON_TRACK)
    short = week_ledger(
        span=teen, week_start=LAST_WEEK, marks=marks[:-1] + [mark(day(LAST_WEEK, 3), 119)], booked=[], today=TODAY
    )
    assert short.status == WeekStatus.BELOW_MINIMUM


def test_level_change_mid_week_prorates_by_days() -> None:
    # 2.1 (540 min, 3 days) Mon-Wed, then 2.5 (1200 min, 5 days) from Thursday.
    php = LevelPeriod(day(LAST_WEEK, 3), "2.5", 1200, 5)
    span = EpisodeSpan(dt.date(2026, 10, 5), None, (IOP, php))
    need = requirement(span, LAST_WEEK)
    assert need.minutes == round((540 * 3 + 1200 * 4) / 7)  # 917.14 -> 917
    assert need.minutes == 917
    assert need.days == 4  # (3*3 + 5*4) / 7 = 4.14
    assert need.levels == ("2.1", "2.5")


def test_proration_rounds_to_the_nearest_minute_once() -> None:
    # One day inside the episode: 24/7 = 3.43 -> 3 and 25/7 = 3.57 -> 4 (exact fractions, one rounding;
    # with sevenths an exact half cannot occur).
    for weekly, expected in ((24, 3), (25, 4), (7, 1)):
        span = EpisodeSpan(LAST_WEEK, LAST_WEEK, (LevelPeriod(LAST_WEEK, "x", weekly, 0),))
        assert requirement(span, LAST_WEEK).minutes == expected


def test_admission_mid_week_prorates_by_days_in_the_episode() -> None:
    span = EpisodeSpan(day(LAST_WEEK, 3), None, (LevelPeriod(day(LAST_WEEK, 3), "2.1", 540, 3),))
    need = requirement(span, LAST_WEEK)
    assert need.enrolled_days == 4
    assert need.minutes == 309  # 540 * 4 / 7 = 308.57
    assert need.days == 2  # 3 * 4 / 7 = 1.71


def test_a_week_outside_the_episode_is_not_enrolled() -> None:
    span = EpisodeSpan(THIS_WEEK, None, (LevelPeriod(THIS_WEEK, "2.1", 540, 3),))
    week = week_ledger(span=span, week_start=LAST_WEEK, marks=[], booked=[], today=TODAY)
    assert week.status == WeekStatus.NOT_ENROLLED


def test_a_level_without_minimum_has_no_minimum() -> None:
    span = EpisodeSpan(dt.date(2026, 10, 5), None, (LevelPeriod(dt.date(2026, 10, 5), "1", 0, 0),))
    assert (
        week_ledger(span=span, week_start=LAST_WEEK, marks=[], booked=[], today=TODAY).status == WeekStatus.NO_MINIMUM
    )


def test_this_week_on_track_when_booked_sessions_would_meet_the_minimum() -> None:
    marks = [mark(day(THIS_WEEK, 0), 180)]
    plan = [booked(day(THIS_WEEK, 1)), booked(day(THIS_WEEK, 3))]
    week = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=marks, booked=plan, today=TODAY)
    assert not week.is_over
    assert (week.projected_minutes, week.projected_days) == (540, 3)
    assert week.status == WeekStatus.ON_TRACK


def test_this_week_at_risk_when_booked_sessions_fall_short_by_one_minute() -> None:
    marks = [mark(day(THIS_WEEK, 0), 179)]
    plan = [booked(day(THIS_WEEK, 1)), booked(day(THIS_WEEK, 3))]
    week = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=marks, booked=plan, today=TODAY)
    assert week.projected_minutes == 539
    assert week.status == WeekStatus.AT_RISK
    assert week.projected_shortfall_minutes == 1


def test_at_risk_when_booked_days_are_too_few() -> None:
    plan = [booked(day(THIS_WEEK, 1), 270), booked(day(THIS_WEEK, 3), 270)]
    week = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=[], booked=plan, today=TODAY)
    assert (week.projected_minutes, week.projected_days) == (540, 2)
    assert week.status == WeekStatus.AT_RISK


def test_booked_services_that_do_not_count_do_not_help_the_projection() -> None:
    marks = [mark(day(THIS_WEEK, 0), 180), mark(day(THIS_WEEK, 1), 180)]
    plan = [booked(day(THIS_WEEK, 3), counts=False)]
    week = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=marks, booked=plan, today=TODAY)
    assert week.status == WeekStatus.AT_RISK


def test_unrecorded_sessions_are_reported_and_projected() -> None:
    plan = [booked(day(THIS_WEEK, 0), ended=True), booked(day(THIS_WEEK, 1)), booked(day(THIS_WEEK, 3))]
    week = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=[], booked=plan, today=TODAY)
    assert week.unrecorded_sessions == 1
    assert week.status == WeekStatus.ON_TRACK


def test_minimum_already_met_stays_on_track_mid_week() -> None:
    marks = [mark(day(THIS_WEEK, d), 180) for d in (0, 1, 2)]
    week = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=marks, booked=[], today=day(THIS_WEEK, 2))
    assert week.status == WeekStatus.ON_TRACK


def test_ledger_weeks_sort_marks_into_their_weeks() -> None:
    marks = [mark(day(LAST_WEEK, d), 180) for d in (0, 1, 3)] + [mark(day(THIS_WEEK, 0), 90)]
    last, this = ledger_weeks(span=SPAN, week_starts=[LAST_WEEK, THIS_WEEK], marks=marks, booked=[], today=TODAY)
    assert (last.minutes, this.minutes) == (540, 90)
    assert last.status == WeekStatus.ON_TRACK
    assert this.status == WeekStatus.AT_RISK


def test_risk_order_puts_the_worst_first() -> None:
    below = week_ledger(span=SPAN, week_start=LAST_WEEK, marks=[], booked=[], today=TODAY)
    on_track = week_ledger(
        span=SPAN, week_start=LAST_WEEK, marks=[mark(day(LAST_WEEK, d), 180) for d in (0, 1, 3)], booked=[], today=TODAY
    )
    at_risk = week_ledger(span=SPAN, week_start=THIS_WEEK, marks=[], booked=[], today=TODAY)
    ordered = sorted([on_track, at_risk, below], key=risk_key)
    assert [w.status for w in ordered] == [WeekStatus.BELOW_MINIMUM, WeekStatus.AT_RISK, WeekStatus.ON_TRACK]
