"""The weekly hours ledger: pure functions over plain dataclasses (no Django), reused by the board, the
participant page, the API, the accountability rules and the benchmark.

For one episode of care and one week (``week_start`` to ``week_start + 7``, local dates at the site):

- **Minutes attended** count only PRESENT marks of services that count toward hours (service types
  with ``counts_toward_hours``), broken down by service; other services are reported as uncounted.
- **Days attended**: days with at least one counted minute.
- **Required minutes and days** are prorated day by day over the level of care in force on each day
  the episode is open (admission to discharge, inclusive)::

      required_minutes = round_half_up( sum over days d of min_hours_week(level on d) * 60 / 7 )
      required_days    = round_half_up( sum over days d of min_days_week(level on d) / 7 )

  with the adult or adolescent minimum by the program's population. A full week at one level gives
  exactly that level's minimum (9 h = 540 min and 3 days for adult level 2.1); a week with 3 days at
  2.1 and 4 days at 2.5 needs round((540*3 + 1200*4) / 7) = 917 minutes and round((3*3 + 5*4) / 7) = 4
  days; a week of which only 4 days fall inside the episode needs 4/7 of the minimum. The sums are
  kept in sevenths (integers), so the rounding happens once, at the end.
- **Cancelled by the program** is never counted against the participant: it adds no minutes, is not an
  absence, and a shortfall that those sessions would have covered is flagged ``short_because_of_program``
  (accountability rules ignore such weeks).
- **Status**: ``on_track`` when the minimum of minutes and days is met, or (week not over) when the
  sessions still booked would meet it; ``at_risk`` when the week is not over and even the booked
  sessions fall short; ``below_minimum`` when the week is over and short; ``no_minimum`` when the level
  asks for nothing; ``not_enrolled`` when no day of the week is inside the episode. Booked sessions are
  live bookings without a mark (a session that already ended but is not marked yet still counts in the
  projection, and is reported as ``unrecorded_sessions``).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

PRESENT = "present"
UNEXCUSED = "unexcused"
EXCUSED = "excused"
PROGRAM_CANCELLED = "program_cancelled"
DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)


class WeekStatus(StrEnum):
    BELOW_MINIMUM = "below_minimum"
    AT_RISK = "at_risk"
    ON_TRACK = "on_track"
    NO_MINIMUM = "no_minimum"
    NOT_ENROLLED = "not_enrolled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    WeekStatus.BELOW_MINIMUM: "Below minimum",
    WeekStatus.AT_RISK: "At risk",
    WeekStatus.ON_TRACK: "On track",
    WeekStatus.NO_MINIMUM: "No minimum",
    WeekStatus.NOT_ENROLLED: "Not enrolled",
}
# Board order: the most worrying first.
RISK_ORDER = {
    WeekStatus.BELOW_MINIMUM: 0,
    WeekStatus.AT_RISK: 1,
    WeekStatus.ON_TRACK: 2,
    WeekStatus.NO_MINIMUM: 3,
    WeekStatus.NOT_ENROLLED: 4,
}


class ServiceCategory(NamedTuple):
    key: str
    abbreviation: str
    label: str


GROUP = ServiceCategory("group", "G", "Group therapy")
INDIVIDUAL = ServiceCategory("individual", "I", "Individual")
FAMILY = ServiceCategory("family", "F", "Family")
PSYCHOEDUCATION = ServiceCategory("psychoeducation", "P", "Psychoeducation")
OTHER = ServiceCategory("other", "O", "Other")
CATEGORIES = (GROUP, INDIVIDUAL, FAMILY, PSYCHOEDUCATION, OTHER)
# Service type codes (scheduling's catalog, DOMAIN.md section 2) by category; a code not listed is "other".
SERVICE_CATEGORY = {
    **dict.fromkeys(
        (
            "process-group",
            "relapse-prevention",
            "cbt-skills",
            "dbt-skills",
            "mindfulness",
            "communication-group",
            "co-occurring",
            "twelve-step",
            "aftercare",
        ),
        GROUP,
    ),
    **dict.fromkeys(("individual", "crisis-intervention", "medication-management", "drug-screen"), INDIVIDUAL),
    **dict.fromkeys(("family-therapy", "family-education"), FAMILY),
    **dict.fromkeys(("psychoeducation", "vocational"), PSYCHOEDUCATION),
}


class CategoryMinutes(NamedTuple):
    category: ServiceCategory
    minutes: int

    @property
    def hours_text(self) -> str:
        """ "6h", "1.5h": compact, for the board."""
        hours = self.minutes / 60
        return f"{hours:.0f}h" if self.minutes % 60 == 0 else f"{hours:.1f}h"


def by_category(minutes_by_service: Iterable[tuple[str, int]]) -> tuple[CategoryMinutes, ...]:
    """Counted minutes by service category (group, individual, family, psychoeducation, other), in that
    order, leaving out empty ones."""
    sums: dict[str, int] = {}
    for code, minutes in minutes_by_service:
        key = SERVICE_CATEGORY.get(code, OTHER).key
        sums[key] = sums.get(key, 0) + minutes
    return tuple(CategoryMinutes(c, sums[c.key]) for c in CATEGORIES if sums.get(c.key))


@dataclass(frozen=True)
class LevelPeriod:
    """A level of care in force from ``starts_on`` until the next period; minimums already chosen for
    the program's population (adult or adolescent)."""

    starts_on: dt.date
    code: str
    min_minutes_week: int
    min_days_week: int


@dataclass(frozen=True)
class EpisodeSpan:
    """An episode's days (admission to discharge, inclusive) and its level history, sorted by date."""

    admitted_on: dt.date
    discharged_on: dt.date | None
    levels: tuple[LevelPeriod, ...]

    def level_on(self, day: dt.date) -> LevelPeriod | None:
        if day < self.admitted_on or (self.discharged_on is not None and day > self.discharged_on):
            return None
        current = None
        for period in self.levels:
            if period.starts_on <= day:
                current = period
            else:
                break
        return current


class MarkFact(NamedTuple):
    """One attendance mark (a named tuple: boards build tens of thousands of them)."""

    occurs_on: dt.date
    starts_at: dt.datetime
    service: str
    counts: bool
    status: str
    minutes: int
    session_minutes: int
    session_id: int = 0


class BookedFact(NamedTuple):
    """A live booking without a mark yet (its session is scheduled)."""

    occurs_on: dt.date
    service: str
    counts: bool
    minutes: int
    ended: bool


@dataclass(frozen=True)
class Requirement:
    minutes: int
    days: int
    levels: tuple[str, ...]
    enrolled_days: int


@dataclass(frozen=True)
class WeekLedger:
    week_start: dt.date
    required_minutes: int
    required_days: int
    levels: tuple[str, ...]
    minutes: int
    days: int
    minutes_by_service: tuple[tuple[str, int], ...]
    uncounted_minutes: int
    program_cancelled_minutes: int
    excused_absences: int
    unexcused_absences: int
    booked_minutes: int
    booked_sessions: int
    unrecorded_sessions: int
    projected_minutes: int
    projected_days: int
    is_over: bool
    short_because_of_program: bool
    status: WeekStatus

    @property
    def week_end(self) -> dt.date:
        """The first day after the week (exclusive end)."""
        return self.week_start + WEEK

    @property
    def last_day(self) -> dt.date:
        return self.week_start + 6 * DAY

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def required_hours(self) -> float:
        return self.required_minutes / 60

    @property
    def hours_text(self) -> str:
        return f"{self.minutes / 60:.1f}"

    @property
    def required_hours_text(self) -> str:
        return f"{self.required_minutes / 60:.1f}"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def by_category(self) -> tuple[CategoryMinutes, ...]:
        """Counted minutes by service category (``by_category``): "G 6h · I 1h · F 1h" on the board."""
        return by_category(self.minutes_by_service)

    @property
    def shortfall_minutes(self) -> int:
        return max(0, self.required_minutes - self.minutes)

    @property
    def projected_shortfall_minutes(self) -> int:
        return max(0, self.required_minutes - self.projected_minutes)

    @property
    def percent(self) -> int:
        """Minutes attended as a percentage of the requirement (capped at 100 for display; 0 when the
        week asks for nothing)."""
        if self.required_minutes <= 0:
            return 0
        return min(100, round(100 * self.minutes / self.required_minutes))

    @property
    def percent_step(self) -> int:
        """``percent`` rounded down to a multiple of 10 (a CSS class; the CSP forbids inline styles)."""
        return self.percent // 10 * 10

    @property
    def risk_rank(self) -> int:
        return RISK_ORDER[self.status]

    @property
    def counts_against_participant(self) -> bool:
        """A completed week below the minimum that the program's cancellations do not explain."""
        return self.status == WeekStatus.BELOW_MINIMUM and not self.short_because_of_program


def _round_half_up_sevenths(sevenths: int) -> int:
    """round_half_up(sevenths / 7) in integers (an exact half cannot occur with sevenths, but the rule
    is stated once and for all)."""
    return (2 * sevenths + 7) // 14


@functools.cache
def _full_week(minutes: int, days: int, code: str) -> Requirement:
    """The requirement of a whole week at one level (shared: boards ask for it thousands of times)."""
    return Requirement(minutes, days, (code,), 7)


def requirement(span: EpisodeSpan, week_start: dt.date) -> Requirement:
    """The prorated minimum for the week (see the module docstring for the formula). Sums are kept in
    sevenths (integers), so the only rounding happens at the end."""
    week_end = week_start + WEEK
    if span.admitted_on <= week_start and (span.discharged_on is None or span.discharged_on >= week_end - DAY):
        # The common case: enrolled all week at one level (the last to start by ``week_start``, when
        # the next one starts after the week).
        current = None
        for period in span.levels:
            if period.starts_on <= week_start:
                current = period
            elif period.starts_on < week_end:
                current = None
                break
            else:
                break
        if current is not None:
            return _full_week(current.min_minutes_week, current.min_days_week, current.code)
    minutes = days = enrolled = 0
    codes: list[str] = []
    for offset in range(7):
        level = span.level_on(week_start + offset * DAY)
        if level is None:
            continue
        enrolled += 1
        minutes += level.min_minutes_week
        days += level.min_days_week
        if level.code not in codes:
            codes.append(level.code)
    return Requirement(_round_half_up_sevenths(minutes), _round_half_up_sevenths(days), tuple(codes), enrolled)


@dataclass
class WeekTotals:
    """A week's marks and bookings summed: what a ledger is computed from. Facts go in one by one
    (``add_mark``/``add_booked``) or already grouped by day (``count`` rows at once; ``service`` None
    when the grouping dropped it, so the breakdown by service stays empty)."""

    minutes: int = 0
    counted_days: set[dt.date] = field(default_factory=set)
    by_service: dict[str, int] = field(default_factory=dict)
    by_day: dict[dt.date, int] = field(default_factory=dict)
    uncounted_minutes: int = 0
    cancelled_minutes: int = 0
    cancelled_days: set[dt.date] = field(default_factory=set)
    excused: int = 0
    unexcused: int = 0
    booked_minutes: int = 0
    booked_sessions: int = 0
    booked_days: set[dt.date] = field(default_factory=set)
    unrecorded: int = 0

    def add_mark(
        self,
        occurs_on: dt.date,
        service: str | None,
        counts: bool,
        status: str,
        minutes: int,
        session_minutes: int,
        count: int = 1,
    ) -> None:
        if status == PRESENT:
            if counts:
                if service is not None:
                    self.by_service[service] = self.by_service.get(service, 0) + minutes
                self.minutes += minutes
                if minutes > 0:
                    self.counted_days.add(occurs_on)
                    self.by_day[occurs_on] = self.by_day.get(occurs_on, 0) + minutes
            else:
                self.uncounted_minutes += minutes
        elif status == PROGRAM_CANCELLED:
            if counts:
                self.cancelled_minutes += session_minutes
                self.cancelled_days.add(occurs_on)
        elif status == UNEXCUSED:
            self.unexcused += count
        elif status == EXCUSED:
            self.excused += count

    def add_booked(self, occurs_on: dt.date, counts: bool, minutes: int, ended: int, count: int = 1) -> None:
        """``ended``: how many of the ``count`` bookings' sessions have already ended (unrecorded)."""
        self.unrecorded += ended
        if counts:
            self.booked_sessions += count
            self.booked_minutes += minutes
            self.booked_days.add(occurs_on)


def day_mask(days: Iterable[dt.date], week_start: dt.date) -> int:
    """The days of a week as 7 bits (bit 0 = ``week_start``); days outside the week are ignored."""
    mask = 0
    for day in days:
        offset = (day - week_start).days
        if 0 <= offset < 7:
            mask |= 1 << offset
    return mask


def days_of_mask(mask: int, week_start: dt.date) -> set[dt.date]:
    return {week_start + offset * DAY for offset in range(7) if mask >> offset & 1}


@dataclass(frozen=True)
class CachedAttendance:
    """The attendance part of a week's totals as the cache (``models.WeeklyLedger``) stores it: what
    depends only on the marks. ``from_totals`` and ``totals`` convert both ways without loss."""

    minutes: int
    counted_days_mask: int
    minutes_by_service: dict[str, int]
    day_minutes: tuple[int, ...]
    uncounted_minutes: int
    program_cancelled_minutes: int
    cancelled_days_mask: int
    excused_absences: int
    unexcused_absences: int

    @classmethod
    def from_totals(cls, totals: WeekTotals, week_start: dt.date) -> CachedAttendance:
        return cls(
            minutes=totals.minutes,
            counted_days_mask=day_mask(totals.counted_days, week_start),
            minutes_by_service=dict(sorted(totals.by_service.items())),
            day_minutes=tuple(totals.by_day.get(week_start + offset * DAY, 0) for offset in range(7)),
            uncounted_minutes=totals.uncounted_minutes,
            program_cancelled_minutes=totals.cancelled_minutes,
            cancelled_days_mask=day_mask(totals.cancelled_days, week_start),
            excused_absences=totals.excused,
            unexcused_absences=totals.unexcused,
        )

    def totals(self, week_start: dt.date) -> WeekTotals:
        """Fresh totals (no bookings yet: add them with ``add_booked``)."""
        return WeekTotals(
            minutes=self.minutes,
            counted_days=days_of_mask(self.counted_days_mask, week_start),
            by_service=dict(self.minutes_by_service),
            by_day={week_start + offset * DAY: m for offset, m in enumerate(self.day_minutes) if m},
            uncounted_minutes=self.uncounted_minutes,
            cancelled_minutes=self.program_cancelled_minutes,
            cancelled_days=days_of_mask(self.cancelled_days_mask, week_start),
            excused=self.excused_absences,
            unexcused=self.unexcused_absences,
        )


def week_ledger(
    *,
    span: EpisodeSpan,
    week_start: dt.date,
    marks: Iterable[MarkFact],
    booked: Iterable[BookedFact],
    today: dt.date,
) -> WeekLedger:
    """The ledger of one week. ``marks`` and ``booked`` outside the week are ignored; ``today`` is the
    local date at the site (the week is over when ``today`` is after its last day)."""
    week_end = week_start + WEEK
    totals = WeekTotals()
    for mark in marks:
        if week_start <= mark.occurs_on < week_end:
            totals.add_mark(mark.occurs_on, mark.service, mark.counts, mark.status, mark.minutes, mark.session_minutes)
    for item in booked:
        if week_start <= item.occurs_on < week_end:
            totals.add_booked(item.occurs_on, item.counts, item.minutes, int(item.ended))
    return ledger_from_totals(span=span, week_start=week_start, totals=totals, today=today)


def week_status(
    need: Requirement, minutes: int, days: int, projected_minutes: int, projected_days: int, *, is_over: bool
) -> WeekStatus:
    """A week's status from its requirement, what was attended and what the bookings would add (the
    rules of the module docstring; the board sorts every row with it before building the rows shown)."""
    if need.enrolled_days == 0:
        return WeekStatus.NOT_ENROLLED
    if need.minutes == 0 and need.days == 0:
        return WeekStatus.NO_MINIMUM
    if minutes >= need.minutes and days >= need.days:
        return WeekStatus.ON_TRACK
    if is_over:
        return WeekStatus.BELOW_MINIMUM
    if projected_minutes >= need.minutes and projected_days >= need.days:
        return WeekStatus.ON_TRACK
    return WeekStatus.AT_RISK


def ledger_from_totals(*, span: EpisodeSpan, week_start: dt.date, totals: WeekTotals, today: dt.date) -> WeekLedger:
    """The ledger of one week from its totals (the status rules of the module docstring)."""
    need = requirement(span, week_start)
    minutes = totals.minutes
    days = len(totals.counted_days)
    projected_minutes = minutes + totals.booked_minutes
    projected_days = len(totals.counted_days | totals.booked_days) if totals.booked_days else days
    is_over = today >= week_start + WEEK
    met = minutes >= need.minutes and days >= need.days
    status = week_status(need, minutes, days, projected_minutes, projected_days, is_over=is_over)
    cancelled = totals.cancelled_minutes
    short_because_of_program = (
        not met
        and cancelled > 0
        and minutes + cancelled >= need.minutes
        and len(totals.counted_days | totals.cancelled_days) >= need.days
    )
    return WeekLedger(
        week_start=week_start,
        required_minutes=need.minutes,
        required_days=need.days,
        levels=need.levels,
        minutes=minutes,
        days=days,
        minutes_by_service=tuple(sorted(totals.by_service.items())),
        uncounted_minutes=totals.uncounted_minutes,
        program_cancelled_minutes=cancelled,
        excused_absences=totals.excused,
        unexcused_absences=totals.unexcused,
        booked_minutes=totals.booked_minutes,
        booked_sessions=totals.booked_sessions,
        unrecorded_sessions=totals.unrecorded,
        projected_minutes=projected_minutes,
        projected_days=projected_days,
        is_over=is_over,
        short_because_of_program=short_because_of_program,
        status=status,
    )


def ledger_weeks(
    *,
    span: EpisodeSpan,
    week_starts: Sequence[dt.date],
    marks: Iterable[MarkFact],
    booked: Iterable[BookedFact],
    today: dt.date,
) -> list[WeekLedger]:
    """The ledgers of several weeks (marks and bookings are sorted into their weeks once)."""
    marks_by_week: dict[dt.date, list[MarkFact]] = defaultdict(list)
    booked_by_week: dict[dt.date, list[BookedFact]] = defaultdict(list)
    starts = sorted(week_starts)
    if not starts:
        return []
    first = starts[0]
    for mark in marks:
        marks_by_week[first + ((mark.occurs_on - first).days // 7) * WEEK].append(mark)
    for item in booked:
        booked_by_week[first + ((item.occurs_on - first).days // 7) * WEEK].append(item)
    return [
        week_ledger(span=span, week_start=start, marks=marks_by_week[start], booked=booked_by_week[start], today=today)
        for start in week_starts
    ]


def risk_order(
    status: WeekStatus, last_status: WeekStatus, projected_shortfall: int, shortfall: int
) -> tuple[int, int, int, int]:
    """Sort key for the board: status, then last week's status, then the projected shortfall (largest
    first), then the shortfall so far (minutes)."""
    return (RISK_ORDER[status], RISK_ORDER[last_status], -projected_shortfall, -shortfall)


def risk_key(this_week: WeekLedger, last_week: WeekLedger | None = None) -> tuple[int, int, int, int]:
    """``risk_order`` of a week's ledger (last week on track when not given)."""
    return risk_order(
        this_week.status,
        last_week.status if last_week is not None else WeekStatus.ON_TRACK,
        this_week.projected_shortfall_minutes,
        this_week.shortfall_minutes,
    )
