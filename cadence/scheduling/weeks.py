"""Weeks and wall-clock times in a site's time zone, and their UTC instants.

A week runs Monday 00:00 to the next Monday 00:00 local time; across a daylight-saving change it is
167 or 169 hours long, and a 09:00 session stays at 09:00 local time.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def aware(zone: zoneinfo.ZoneInfo, day: dt.date, time: dt.time) -> dt.datetime:
    """The UTC instant of a local wall-clock time (in a spring-forward gap, the earlier reading)."""
    return dt.datetime.combine(day, time, tzinfo=zone).astimezone(dt.UTC)


def local(zone: zoneinfo.ZoneInfo, instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(zone)


def minute_of_day(zone: zoneinfo.ZoneInfo, instant: dt.datetime) -> int:
    value = instant.astimezone(zone)
    return value.hour * 60 + value.minute


def parse_week(raw: str | None, *, today: dt.date) -> dt.date:
    """The Monday of the week holding ``raw`` (YYYY-MM-DD), or of ``today`` when it is missing or bad."""
    if raw:
        try:
            return monday_of(dt.date.fromisoformat(raw))
        except ValueError:
            pass
    return monday_of(today)


@dataclass(frozen=True)
class Week:
    """One local week of a site: its Monday, its days and its UTC bounds."""

    start: dt.date
    zone: zoneinfo.ZoneInfo

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=7)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range(7)]

    @property
    def starts_at(self) -> dt.datetime:
        return aware(self.zone, self.start, dt.time(0, 0))

    @property
    def ends_at(self) -> dt.datetime:
        return aware(self.zone, self.end, dt.time(0, 0))

    @property
    def previous(self) -> Week:
        return Week(self.start - dt.timedelta(days=7), self.zone)

    @property
    def next(self) -> Week:
        return Week(self.end, self.zone)

    def at(self, weekday: int, minute: int) -> dt.datetime:
        """The UTC instant of ``minute`` after local midnight on ``weekday`` (0 = Monday) of this week."""
        day = self.start + dt.timedelta(days=weekday + minute // 1440)
        minute %= 1440
        return aware(self.zone, day, dt.time(minute // 60, minute % 60))

    def contains(self, instant: dt.datetime) -> bool:
        return self.starts_at <= instant < self.ends_at
