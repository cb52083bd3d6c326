"""Local weeks across daylight-saving changes (no database)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from cadence.scheduling.weeks import Week, monday_of, parse_week

NY = zoneinfo.ZoneInfo("America/New_York")


def test_a_week_with_the_autumn_change_has_169_hours_and_09_00_stays_09_00() -> None:
    week = Week(dt.date(2026, 10, 26), NY)  # clocks go back on Sunday 1 November 2026
    assert week.ends_at - week.starts_at == dt.timedelta(hours=169)
    assert week.at(0, 9 * 60) == dt.datetime(2026, 10, 26, 13, 0, tzinfo=dt.UTC)
    assert week.next.at(0, 9 * 60) == dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC)


def test_a_week_with_the_spring_change_has_167_hours() -> None:
    week = Week(dt.date(2027, 3, 8), NY)  # clocks go forward on Sunday 14 March 2027
    assert week.ends_at - week.starts_at == dt.timedelta(hours=167)
    assert week.at(6, 1440) == week.ends_at  # the end of Sunday is next Monday 00:00


def test_parse_week_falls_back_to_this_week() -> None:
    today = dt.date(2026, 11, 25)
    assert parse_week("2026-12-03", today=today) == dt.date(2026, 11, 30)
    assert parse_week("nonsense", today=today) == monday_of(today) == dt.date(2026, 11, 23)
    assert parse_week(None, today=today) == dt.date(2026, 11, 23)
