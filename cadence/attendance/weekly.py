"""The weekly ledger cache (``models.WeeklyLedger``): writing one row after a mark, rebuilding a program's
rows in bulk, and reading a program's weeks back for the boards.

A row holds what depends only on the marks (``ledger.CachedAttendance``), so it is always exact: every
mark rewrites its row in the same transaction, from that week's marks alone. Everything else a ledger
shows (the requirement, the bookings and the status) depends on the level history, the bookings and the
clock, which change elsewhere: readers compute it live from the row (``board_weeks``, the roster), so a
level change, a new booking or the end of a week shows at once.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connections, models, transaction

from cadence.participants.models import Episode
from cadence.programs.models import Program

from .ledger import (
    DAY,
    WEEK,
    CachedAttendance,
    EpisodeSpan,
    WeekLedger,
    WeekStatus,
    WeekTotals,
    days_of_mask,
    ledger_from_totals,
    requirement,
    week_status,
)
from .ledger_data import (
    EpisodeFacts,
    add_booked_totals,
    booked_fact,
    midnight,
    no_gc_pauses,
    raw_rows,
    spans_for,
    unmarked_bookings,
    week_starts_on,
)
from .models import Attendance, WeeklyLedger
from .rules import week_start_of

BOOKED_FIELDS = (
    "session__occurs_on",
    "session__starts_at",
    "session__ends_at",
    "session__service_type__code",
    "session__service_type__counts_toward_hours",
)


MARK_COLUMNS = (
    "occurs_on",
    "session__service_type__code",
    "session__service_type__counts_toward_hours",
    "status",
    "minutes",
    "session_minutes",
)


def row_values(cached: CachedAttendance) -> dict[str, Any]:
    """The columns of a ``WeeklyLedger`` row (besides its keys)."""
    return {
        "minutes": cached.minutes,
        "counted_days_mask": cached.counted_days_mask,
        "minutes_by_service": cached.minutes_by_service,
        "day_minutes": list(cached.day_minutes),
        "uncounted_minutes": cached.uncounted_minutes,
        "program_cancelled_minutes": cached.program_cancelled_minutes,
        "cancelled_days_mask": cached.cancelled_days_mask,
        "excused_absences": cached.excused_absences,
        "unexcused_absences": cached.unexcused_absences,
    }


def cached_of(row: WeeklyLedger) -> CachedAttendance:
    return CachedAttendance(
        minutes=row.minutes,
        counted_days_mask=row.counted_days_mask,
        minutes_by_service={str(k): int(v) for k, v in dict(row.minutes_by_service).items()},
        day_minutes=tuple(int(m) for m in row.day_minutes),
        uncounted_minutes=row.uncounted_minutes,
        program_cancelled_minutes=row.program_cancelled_minutes,
        cancelled_days_mask=row.cancelled_days_mask,
        excused_absences=row.excused_absences,
        unexcused_absences=row.unexcused_absences,
    )


def episode_span(episode: Episode) -> EpisodeSpan | None:
    """The episode's days and level history (2 queries), None before admission."""
    if episode.admitted_on is None:
        return None
    facts = EpisodeFacts(episode.pk, episode.admitted_on, episode.discharged_on, episode.level_of_care_id)
    spans = spans_for(Episode.objects.filter(pk=episode.pk), population=episode.program.population, facts=[facts])
    return spans[episode.pk]


def fresh_week(episode: Episode, *, week_start: dt.date, at: dt.datetime) -> tuple[WeekTotals, WeekLedger] | None:
    """One episode's week computed from the marks and bookings themselves (no cache): its totals (before
    bookings are added) and its ledger; None before admission. The reference the cache and the boards
    must equal (the tests compare them)."""
    span = episode_span(episode)
    if span is None:
        return None
    program = episode.program
    zone = program.site.zone
    today = at.astimezone(zone).date()
    week_end = week_start + WEEK
    totals = WeekTotals()
    for row in Attendance.objects.filter(
        episode_id=episode.pk, occurs_on__gte=week_start, occurs_on__lt=week_end
    ).values_list(*MARK_COLUMNS):
        totals.add_mark(*row)
    marks_only = CachedAttendance.from_totals(totals, week_start).totals(week_start)
    booked = unmarked_bookings().filter(
        episode_id=episode.pk,
        session__starts_at__gte=midnight(zone, week_start),
        session__starts_at__lt=midnight(zone, week_end),
    )
    for item in (booked_fact(r, at) for r in booked.values(*BOOKED_FIELDS)):
        if week_start <= item.occurs_on < week_end:
            totals.add_booked(item.occurs_on, item.counts, item.minutes, int(item.ended))
    return marks_only, ledger_from_totals(span=span, week_start=week_start, totals=totals, today=today)


def week_attendance(episode_id: int, *, week_start: dt.date) -> CachedAttendance | None:
    """What the cache stores of the episode's ledger week from ``week_start``, summed from its marks
    (1 query); None when the week has no mark."""
    totals = WeekTotals()
    marked = False
    for row in Attendance.objects.filter(
        episode_id=episode_id, occurs_on__gte=week_start, occurs_on__lt=week_start + WEEK
    ).values_list(*MARK_COLUMNS):
        totals.add_mark(*row)
        marked = True
    return CachedAttendance.from_totals(totals, week_start) if marked else None


def ledger_week_of(program: Program, day: dt.date) -> dt.date:
    return week_start_of(day, week_starts_on(program))


@transaction.atomic
def refresh_weekly_ledger(*, episode: Episode, day: dt.date) -> CachedAttendance | None:
    """Rewrite the cached row of the episode's ledger week holding ``day`` from its marks (4 queries: the
    lock, the program's week start, the marks, the update; a new row adds its insert). The row is removed
    when the week has no mark or the episode was never admitted (the invariant: rows exactly for the
    weeks with marks). Returns what the row now holds (None: no row)."""
    # One refresh of an episode at a time, each reading the marks after the previous one committed:
    # otherwise two staff marking two sessions of the same week could each write a row without the
    # other's mark (the last write of a stale computation would win). The lock also makes the update
    # then insert below safe: no other transaction can insert this episode's row meanwhile.
    Episode.objects.select_for_update().filter(pk=episode.pk).values_list("pk", flat=True).get()
    week_start = ledger_week_of(episode.program, day)
    rows = WeeklyLedger.objects.filter(episode_id=episode.pk, week_start=week_start)
    attendance = week_attendance(episode.pk, week_start=week_start) if episode.admitted_on is not None else None
    if attendance is None:
        rows.delete()
        return None
    values = row_values(attendance)
    if not rows.update(**values):
        WeeklyLedger.objects.create(
            episode_id=episode.pk,
            participant_id=episode.participant_id,
            program_id=episode.program_id,
            week_start=week_start,
            **values,
        )
    return attendance


# --- Rebuilding a program's weeks in bulk -------------------------------------------------------------


def rebuild_program(program: Program, *, first_week: dt.date, last_week: dt.date) -> int:
    """Recompute every cached row of the program's ledger weeks from ``first_week`` to ``last_week``
    (week starts, both inclusive) from the marks, replacing the rows of those dates in one transaction
    (so a change of the program's week start is picked up too). Returns the rows written. A fixed
    number of queries whatever the size (the week start, the marks, one delete and batched inserts)."""
    with no_gc_pauses():
        return _rebuild_program(program, first_week=first_week, last_week=last_week)


def _rebuild_program(program: Program, *, first_week: dt.date, last_week: dt.date) -> int:
    end = last_week + WEEK
    first_weekday = week_starts_on(program)
    week_of: dict[dt.date, dt.date] = {}  # thousands of marks share a few dates: each date's week once
    weeks: dict[tuple[int, dt.date], tuple[int, WeekTotals]] = {}
    marks = (
        Attendance.objects.filter(
            episode__program_id=program.pk,
            episode__admitted_on__isnull=False,  # as ``refresh_weekly_ledger``: no row before admission
            occurs_on__gte=first_week,
            occurs_on__lt=end,
        )
        .order_by()
        .values_list("episode_id", "episode__participant_id", *MARK_COLUMNS)
    )
    for episode_id, participant_id, occurs_on, *mark in marks:
        start = week_of.get(occurs_on)
        if start is None:
            start = week_of[occurs_on] = week_start_of(occurs_on, first_weekday)
        found = weeks.get((episode_id, start))
        if found is None:
            found = weeks[(episode_id, start)] = (participant_id, WeekTotals())
        found[1].add_mark(occurs_on, *mark)
    rows = [
        {
            "episode_id": episode_id,
            "participant_id": participant_id,
            "program_id": program.pk,
            "week_start": start,
            **row_values(CachedAttendance.from_totals(totals, start)),
        }
        for (episode_id, start), (participant_id, totals) in weeks.items()
    ]
    with transaction.atomic():
        WeeklyLedger.objects.filter(program_id=program.pk, week_start__gte=first_week, week_start__lt=end).delete()
        insert_rows(rows)
    return len(rows)


def insert_rows(rows: list[dict[str, Any]], batch: int = 500) -> None:
    """Insert ``WeeklyLedger`` rows given as column values, with one ``executemany`` per batch: the same
    values ``bulk_create`` would write (each value through its field's own database preparation), without
    building a model instance and its SQL per row (the nightly run writes thousands)."""
    if not rows:
        return
    connection = connections[WeeklyLedger.objects.db]
    fields = [f for f in WeeklyLedger._meta.concrete_fields if not f.primary_key]
    names = [f.attname for f in fields]
    # Per column: how to prepare a value (plain ints and booleans go as they are).
    prepare: list[Callable[[Any], Any] | None] = []
    for f in fields:
        if isinstance(f, models.DateTimeField):
            prepare.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(f, models.DateField):
            prepare.append(connection.ops.adapt_datefield_value)
        elif isinstance(f, models.JSONField | models.CharField):
            prepare.append(functools.partial(f.get_db_prep_save, connection=connection))
        else:
            prepare.append(None)
    table = connection.ops.quote_name(WeeklyLedger._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 (names from the model)
    with connection.cursor() as cursor:
        for offset in range(0, len(rows), batch):
            params = [
                [
                    value if how is None else how(value)
                    for how, value in zip(prepare, (r[n] for n in names), strict=True)
                ]
                for r in rows[offset : offset + batch]
            ]
            cursor.executemany(sql, params)


def rebuild_weekly_ledgers(
    *,
    at: dt.datetime,
    weeks: int | None = 2,
    programs: Iterable[Program] | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Rebuild the cached weeks of every active program (or ``programs``): the last ``weeks`` ledger
    weeks up to the current one, or every week with a mark when ``weeks`` is None. Idempotent; each
    program is its own transaction. Returns the rows written."""
    chosen = programs if programs is not None else Program.objects.filter(active=True).select_related("site")
    written = 0
    for program in chosen:
        current = ledger_week_of(program, at.astimezone(program.site.zone).date())
        if weeks is None:
            first_day = (
                Attendance.objects.filter(episode__program_id=program.pk)
                .order_by("occurs_on")
                .values_list("occurs_on", flat=True)
                .first()
            )
            first = ledger_week_of(program, first_day) if first_day is not None else current
        else:
            first = current - (max(1, weeks) - 1) * WEEK
        count = rebuild_program(program, first_week=first, last_week=current)
        written += count
        if progress is not None:
            progress(f"{program.name} ({program.site.name}): {count} week(s) from {first:%Y-%m-%d}")
    return written


# --- Reading a program's weeks -------------------------------------------------------------------------


class BoardWeek:
    """One episode's ledger week on a board, kept cheap for sorting: the cached attendance row as read
    (its breakdown by service still undecoded) and the unmarked bookings summed, days as bit masks.
    ``summary`` gives what the board sorts and counts by; ``totals`` the full ``WeekTotals``, built only
    for the rows shown."""

    __slots__ = (
        "week_start",
        "bits",
        "cached",
        "minutes",
        "days_mask",
        "booked_minutes",
        "booked_sessions",
        "booked_mask",
        "unrecorded",
    )

    def __init__(self, week_start: dt.date, bits: dict[dt.date, int], cached: tuple[Any, ...] | None = None) -> None:
        self.week_start = week_start
        self.bits = bits  # day -> its bit in the week's masks
        # The cache row: minutes, counted mask, services, uncounted, cancelled, cancelled mask, excused, unexcused.
        self.cached = cached
        self.minutes: int = cached[0] if cached else 0
        self.days_mask: int = cached[1] if cached else 0
        self.booked_minutes = self.booked_sessions = self.booked_mask = self.unrecorded = 0

    def add_booked(self, occurs_on: dt.date, counts: bool, minutes: int, ended: int, count: int = 1) -> None:
        """As ``WeekTotals.add_booked``."""
        self.unrecorded += ended
        if counts:
            self.booked_sessions += count
            self.booked_minutes += minutes
            self.booked_mask |= self.bits[occurs_on]

    def summary(self, span: EpisodeSpan, today: dt.date) -> tuple[WeekStatus, int, int]:
        """(status, projected shortfall, shortfall so far) in minutes: the same rules as
        ``ledger_from_totals``, without building the ledger."""
        need = requirement(span, self.week_start)
        minutes = self.minutes
        projected = minutes + self.booked_minutes
        status = week_status(
            need,
            minutes,
            self.days_mask.bit_count(),
            projected,
            (self.days_mask | self.booked_mask).bit_count(),
            is_over=today >= self.week_start + WEEK,
        )
        return status, max(0, need.minutes - projected), max(0, need.minutes - minutes)

    def totals(self) -> WeekTotals:
        start = self.week_start
        totals = WeekTotals()
        if self.cached is not None:
            _minutes, mask, services, uncounted, cancelled, cmask, excused, unexcused = self.cached
            totals = WeekTotals(
                minutes=self.minutes,
                counted_days=days_of_mask(mask, start),
                by_service=_json(services),
                uncounted_minutes=uncounted,
                cancelled_minutes=cancelled,
                cancelled_days=days_of_mask(cmask, start),
                excused=excused,
                unexcused=unexcused,
            )
        totals.booked_minutes = self.booked_minutes
        totals.booked_sessions = self.booked_sessions
        totals.booked_days = days_of_mask(self.booked_mask, start)
        totals.unrecorded = self.unrecorded
        return totals

    def ledger(self, span: EpisodeSpan, today: dt.date) -> WeekLedger:
        return ledger_from_totals(span=span, week_start=self.week_start, totals=self.totals(), today=today)


def board_weeks(
    program: Program, *, week_starts: list[dt.date], at: dt.datetime
) -> tuple[dict[int, dict[dt.date, BoardWeek]], Callable[[dt.date], BoardWeek]]:
    """Each episode's consecutive ledger weeks of the program (``BoardWeek``): the attendance from the
    cache (one row per episode and week) and the unmarked bookings live. 3 queries whatever the size.
    Weeks without a row have no mark (the cache's invariant); the second value makes such an empty week."""
    first = week_starts[0]
    # Per day of the weeks: its week's start and its bit in that week's masks.
    week_of: dict[dt.date, dt.date] = {}
    bits: dict[dt.date, dict[dt.date, int]] = {}
    for start in week_starts:
        bits[start] = {start + offset * DAY: 1 << offset for offset in range(7)}
        week_of |= dict.fromkeys(bits[start], start)
    weeks: dict[int, dict[dt.date, BoardWeek]] = defaultdict(dict)
    rows = raw_rows(
        WeeklyLedger.objects.filter(program_id=program.pk, week_start__in=week_starts)
        .order_by()
        .values_list(
            "episode_id",
            "week_start",
            "minutes",
            "counted_days_mask",
            "minutes_by_service",
            "uncounted_minutes",
            "program_cancelled_minutes",
            "cancelled_days_mask",
            "excused_absences",
            "unexcused_absences",
        )
    )
    starts = {start.isoformat(): start for start in week_starts}
    for episode_id, raw_start, *cached in rows:
        start = starts.get(str(raw_start)[:10]) or dt.date.fromisoformat(str(raw_start)[:10])
        weeks[episode_id][start] = BoardWeek(start, bits[start], tuple(cached))

    def bucket(episode_id: int, day: dt.date) -> BoardWeek | None:
        start = week_of.get(day)
        if start is None:
            return None
        mine = weeks[episode_id]
        found = mine.get(start)
        if found is None:
            found = mine[start] = BoardWeek(start, bits[start])
        return found

    add_booked_totals(program, first=first, end=week_starts[-1] + WEEK, at=at, bucket=bucket)
    return weeks, lambda start: BoardWeek(start, bits[start])


def _json(value: Any) -> Any:
    """A JSON column read raw: text on SQLite, already decoded on PostgreSQL."""
    return json.loads(value) if isinstance(value, str | bytes) else value
