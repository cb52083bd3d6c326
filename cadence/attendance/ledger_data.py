"""Loading the ledger's plain facts from the database, in a fixed number of queries whatever the size:
episode spans (level history), marks and unmarked bookings, for one episode over many weeks or for a
whole program over one or two weeks. The computation itself is ``ledger.py``.

Program-wide reads filter by joins (``session__program_id``, ``episode__program_id``), never by long
lists of ids, so a program with thousands of participants stays one query per kind of fact.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, overload

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import CharField, Exists, IntegerField, OuterRef, QuerySet
from django.db.models.functions import Cast

from cadence.participants.models import Episode, EpisodeStatus, LevelOfCareChange
from cadence.programs.models import LevelOfCare, Population, Program
from cadence.scheduling.models import Booking, BookingStatus, Session, SessionStatus

from . import conf
from .ledger import (
    WEEK,
    BookedFact,
    EpisodeSpan,
    LevelPeriod,
    MarkFact,
    WeekLedger,
    WeekStatus,
    ledger_weeks,
    risk_order,
)
from .models import Attendance, AttendancePolicy
from .rules import week_start_of

if TYPE_CHECKING:
    from .weekly import BoardWeek

MARK_FIELDS = (
    "episode_id",
    "occurs_on",
    "session_id",
    "session__starts_at",
    "session__service_type__code",
    "session__service_type__counts_toward_hours",
    "status",
    "minutes",
    "session_minutes",
)
BOOKED_FIELDS = (
    "episode_id",
    "session__occurs_on",
    "session__starts_at",
    "session__ends_at",
    "session__service_type__code",
    "session__service_type__counts_toward_hours",
)


@contextlib.contextmanager
def no_gc_pauses() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a board is built: it allocates tens of thousands of
    short-lived, acyclic objects, and the full collections they would trigger walk the whole process heap
    (Django included), costing more than the board itself. Reference counting still frees everything;
    the collector runs again as soon as the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def midnight(zone: zoneinfo.ZoneInfo, day: dt.date) -> dt.datetime:
    """The UTC instant of local midnight starting ``day``."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone).astimezone(dt.UTC)


def local_today(program: Program, at: dt.datetime) -> dt.date:
    return at.astimezone(program.site.zone).date()


def week_starts_on(program: Program) -> int:
    """The program's first weekday of a ledger week (Monday when it has no policy)."""
    value = AttendancePolicy.objects.filter(program_id=program.pk).values_list("week_starts_on", flat=True).first()
    return 0 if value is None else int(value)


def level_minimums(level: LevelOfCare, population: str) -> tuple[int, int]:
    """(minutes per week, days per week) of a level for the population."""
    if population == Population.ADOLESCENT:
        return round(level.min_hours_week_adolescent * 60), level.min_days_week_adolescent
    return round(level.min_hours_week_adult * 60), level.min_days_week_adult


def all_levels() -> dict[int, LevelOfCare]:
    return {level.pk: level for level in LevelOfCare.objects.all()}


@dataclass(frozen=True)
class EpisodeFacts:
    """What the ledger needs of one episode."""

    id: int
    admitted_on: dt.date
    discharged_on: dt.date | None
    level_of_care_id: int | None


def build_spans(
    episodes: Iterable[EpisodeFacts],
    changes: Iterable[tuple[int, dt.date, int]],
    levels: dict[int, LevelOfCare],
    population: str,
) -> dict[int, EpisodeSpan]:
    """Episode spans from level-change rows ``(episode_id, starts_on, level_id)``; an episode without
    any change row is at its current level from admission."""
    by_episode: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for episode_id, starts_on, level_id in changes:
        by_episode[episode_id].append((starts_on, level_id))
    spans: dict[int, EpisodeSpan] = {}
    # Periods are immutable and a program's episodes share a few levels and dates: build each once.
    periods: dict[tuple[dt.date, int], LevelPeriod] = {}
    for episode in episodes:
        rows = by_episode.get(episode.id)
        if rows:
            rows.sort()
        elif episode.level_of_care_id is not None:
            rows = [(episode.admitted_on, episode.level_of_care_id)]
        else:
            rows = []
        found = []
        for key in rows:
            period = periods.get(key)
            if period is None:
                level = levels[key[1]]
                period = periods[key] = LevelPeriod(key[0], level.code, *level_minimums(level, population))
            found.append(period)
        spans[episode.id] = EpisodeSpan(episode.admitted_on, episode.discharged_on, tuple(found))
    return spans


def spans_for(
    episodes: QuerySet[Episode], *, population: str, facts: Iterable[EpisodeFacts] | None = None
) -> dict[int, EpisodeSpan]:
    """The span (days and level history, ``build_spans``) of each admitted episode of ``episodes``, with
    the minimums of ``population``: 3 queries whatever the number of episodes (the episodes, the levels,
    the level changes), 2 when the caller, having read the episodes already, passes their ``facts``.
    Filtered by a subquery, never by a list of ids; read raw, each distinct date parsed once (boards read
    thousands of rows)."""
    dates: dict[object, dt.date] = {}

    def day(raw: object) -> dt.date:
        found = dates.get(raw)
        if found is None:
            found = dates[raw] = as_date(raw if isinstance(raw, dt.date) else str(raw)[:10])
        return found

    if facts is None:
        facts = [
            EpisodeFacts(pk, day(admitted), day(discharged) if discharged is not None else None, level_id)
            for pk, admitted, discharged, level_id in raw_rows(
                episodes.filter(admitted_on__isnull=False)
                .order_by()
                .annotate(admitted=Cast("admitted_on", CharField()), discharged=Cast("discharged_on", CharField()))
                .values_list("pk", "admitted", "discharged", "level_of_care_id")
            )
        ]
    changes = [
        (episode_id, day(starts_on), level_id)
        for episode_id, starts_on, level_id in raw_rows(
            LevelOfCareChange.objects.filter(episode__in=episodes.order_by().values("pk"))
            .order_by()
            .annotate(starts=Cast("starts_on", CharField()))
            .values_list("episode_id", "starts", "level_of_care_id")
        )
    ]
    return build_spans(facts, changes, all_levels(), population)


def mark_fact(row: dict[str, Any]) -> MarkFact:
    return MarkFact(
        occurs_on=row["occurs_on"],
        starts_at=row["session__starts_at"],
        service=row["session__service_type__code"],
        counts=row["session__service_type__counts_toward_hours"],
        status=row["status"],
        minutes=row["minutes"],
        session_minutes=row["session_minutes"],
        session_id=row["session_id"],
    )


def booked_fact(row: dict[str, Any], at: dt.datetime) -> BookedFact:
    starts, ends = row["session__starts_at"], row["session__ends_at"]
    return BookedFact(
        occurs_on=row["session__occurs_on"],
        service=row["session__service_type__code"],
        counts=row["session__service_type__counts_toward_hours"],
        minutes=int((ends - starts).total_seconds() // 60),
        ended=ends <= at,
    )


def unmarked_bookings() -> QuerySet[Booking]:
    """Live bookings of scheduled sessions that have no attendance mark yet."""
    marked = Attendance.objects.filter(session_id=OuterRef("session_id"), participant_id=OuterRef("participant_id"))
    return Booking.objects.filter(status=BookingStatus.BOOKED, session__status=SessionStatus.SCHEDULED).filter(
        ~Exists(marked)
    )


@dataclass(frozen=True)
class SessionFacts:
    occurs_on: dt.date
    starts_at: dt.datetime
    ends_at: dt.datetime
    service: str
    counts: bool


def program_facts(
    program: Program, *, starts_on: dt.date, ends_on: dt.date, at: dt.datetime, with_booked: bool = True
) -> tuple[dict[int, list[MarkFact]], dict[int, list[BookedFact]]]:
    """Marks and unmarked bookings of the program's sessions from ``starts_on`` to ``ends_on`` (local
    dates, exclusive end), by episode: 3 queries (sessions, marks, bookings) whatever the size. Session
    details are read once per session, not once per participant."""
    zone = program.site.zone
    lo, hi = midnight(zone, starts_on), midnight(zone, ends_on)
    sessions = {
        pk: SessionFacts(occurs_on, starts_at, ends_at, code, counts)
        for pk, occurs_on, starts_at, ends_at, code, counts in Session.objects.filter(
            program_id=program.pk, starts_at__gte=lo, starts_at__lt=hi
        ).values_list(
            "pk", "occurs_on", "starts_at", "ends_at", "service_type__code", "service_type__counts_toward_hours"
        )
    }
    marks: dict[int, list[MarkFact]] = defaultdict(list)
    for episode_id, session_id, status, minutes, session_minutes in Attendance.objects.filter(
        session__program_id=program.pk, session__starts_at__gte=lo, session__starts_at__lt=hi
    ).values_list("episode_id", "session_id", "status", "minutes", "session_minutes"):
        s = sessions.get(session_id)
        if s is not None:
            marks[episode_id].append(
                MarkFact(s.occurs_on, s.starts_at, s.service, s.counts, status, minutes, session_minutes, session_id)
            )
    booked: dict[int, list[BookedFact]] = defaultdict(list)
    if with_booked:
        for episode_id, session_id in (
            unmarked_bookings()
            .filter(session__program_id=program.pk, session__starts_at__gte=lo, session__starts_at__lt=hi)
            .values_list("episode_id", "session_id")
        ):
            s = sessions.get(session_id)
            if s is not None:
                minutes = int((s.ends_at - s.starts_at).total_seconds() // 60)
                booked[episode_id].append(BookedFact(s.occurs_on, s.service, s.counts, minutes, s.ends_at <= at))
    return marks, booked


def as_date(value: dt.date | str) -> dt.date:
    """A date read as text to skip Django's per-row converter (SQLite); a date object passes through."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def as_datetime(value: dt.datetime | str) -> dt.datetime:
    """An aware UTC datetime from a timestamp read as text (SQLite stores UTC without an offset)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def raw_rows(queryset: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """The rows of a ``values_list`` queryset straight from the cursor, without Django's per-row
    converters: for hot loops whose columns are ints, text and casts (both databases agree on them)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. an empty ``__in`` list: like Django, run no query
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


class BookedSink(Protocol):
    """What takes a week's unmarked bookings (``WeekTotals``, or the board's ``weekly.BoardWeek``)."""

    def add_booked(self, occurs_on: dt.date, counts: bool, minutes: int, ended: int, count: int = 1) -> None: ...


def add_booked_totals(
    program: Program,
    *,
    first: dt.date,
    end: dt.date,
    at: dt.datetime,
    bucket: Callable[[int, dt.date], BookedSink | None],
) -> None:
    """Add the program's unmarked bookings of scheduled sessions from ``first`` to ``end`` (local dates,
    exclusive end) to the totals ``bucket(episode_id, day)`` returns (None: skip): 2 queries, the
    sessions once and the bookings as plain ids, read raw (the boards' hot path)."""
    zone = program.site.zone
    lo, hi = midnight(zone, first), midnight(zone, end)
    session_rows = (
        Session.objects.filter(
            program_id=program.pk, starts_at__gte=lo, starts_at__lt=hi, status=SessionStatus.SCHEDULED
        )
        .order_by()
        .annotate(
            day=Cast("occurs_on", CharField()),
            starts=Cast("starts_at", CharField()),
            ends=Cast("ends_at", CharField()),
            counts=Cast("service_type__counts_toward_hours", IntegerField()),
        )
        .values_list("pk", "day", "starts", "ends", "counts")
    )
    sessions: dict[int, tuple[dt.date, int, bool, int]] = {}
    # Thousands of sessions share a handful of days and times: parse each text once.
    days: dict[str, dt.date] = {}
    timings: dict[tuple[str, str], tuple[int, int]] = {}
    for pk, raw_day, raw_starts, raw_ends, counts in raw_rows(session_rows):
        day = days.get(raw_day)
        if day is None:
            day = days[raw_day] = as_date(str(raw_day)[:10])
        timing = timings.get((raw_starts, raw_ends))
        if timing is None:
            starts, ends = as_datetime(raw_starts), as_datetime(raw_ends)
            timing = timings[(raw_starts, raw_ends)] = (int((ends - starts).total_seconds() // 60), int(ends <= at))
        sessions[pk] = (day, timing[0], bool(counts), timing[1])
    in_range = {"session__program_id": program.pk, "session__starts_at__gte": lo, "session__starts_at__lt": hi}
    booked = unmarked_bookings().filter(**in_range).order_by().values_list("episode_id", "session_id")
    for episode_id, session_id in raw_rows(booked):
        found = sessions.get(session_id)
        if found is not None:
            day, minutes, counts, ended = found
            target = bucket(episode_id, day)
            if target is not None:
                target.add_booked(day, counts, minutes, ended)


# --- One episode over many weeks -------------------------------------------------------------------


@dataclass(frozen=True)
class EpisodeLedger:
    episode: Episode
    week_starts_on: int
    today: dt.date
    weeks: list[WeekLedger]
    marks: list[MarkFact]

    @property
    def this_week(self) -> WeekLedger | None:
        return self.weeks[-1] if self.weeks else None


def episode_ledger(
    episode: Episode, *, at: dt.datetime, weeks: int | None = None, until: dt.date | None = None
) -> EpisodeLedger:
    """The last ``weeks`` ledger weeks of an admitted episode, ending with the week holding ``until``
    (default: the current week). 5 queries (policy, levels, level changes, marks, bookings) whatever the
    number of weeks or marks; the episode's program and site come loaded."""
    count = weeks or conf.ledger_weeks()
    program = episode.program
    zone = program.site.zone
    first_weekday = week_starts_on(program)
    today = at.astimezone(zone).date()
    current = week_start_of(until or today, first_weekday)
    starts = [current - (count - 1 - i) * WEEK for i in range(count)]
    if episode.admitted_on is None:
        return EpisodeLedger(episode, first_weekday, today, [], [])
    span = spans_for(
        Episode.objects.filter(pk=episode.pk),
        population=program.population,
        facts=[EpisodeFacts(episode.pk, episode.admitted_on, episode.discharged_on, episode.level_of_care_id)],
    )[episode.pk]
    first, end = starts[0], current + WEEK
    marks = [
        mark_fact(row)
        for row in Attendance.objects.filter(episode_id=episode.pk, occurs_on__gte=first, occurs_on__lt=end).values(
            *MARK_FIELDS
        )
    ]
    booked = [
        booked_fact(row, at)
        for row in unmarked_bookings()
        .filter(
            episode_id=episode.pk,
            session__starts_at__gte=midnight(zone, first),
            session__starts_at__lt=midnight(zone, end),
        )
        .values(*BOOKED_FIELDS)
    ]
    weeks_out = ledger_weeks(span=span, week_starts=starts, marks=marks, booked=booked, today=today)
    return EpisodeLedger(episode, first_weekday, today, weeks_out, marks)


# --- A whole program over this week and last week -----------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    episode_id: int
    participant_id: int
    name: str
    record_number: str
    track: str
    clinician: str
    clinician_id: int | None
    this_week: WeekLedger
    last_week: WeekLedger


class EpisodeRow(NamedTuple):
    """An admitted episode as the board reads it (raw: its dates as ISO text)."""

    id: int
    participant_id: int
    admitted_on: str
    discharged_on: str | None
    level_of_care_id: int | None
    first_name: str
    last_name: str
    preferred_name: str
    record_number: str
    track: str | None
    clinician_id: int | None
    clinician_first_name: str | None
    clinician_last_name: str | None
    clinician_username: str | None


def _as_text(field: str) -> Cast:
    return Cast(field, CharField())


class BoardEntry(NamedTuple):
    """A board row before its ledgers are built: its sort key and what building it needs."""

    key: tuple[int, int, int, int, str, int]
    status: WeekStatus
    values: EpisodeRow
    name: str
    span: EpisodeSpan
    this_week: BoardWeek
    last_week: BoardWeek


class BoardRows(Sequence[BoardRow]):
    """The board's rows, most at risk first, each built when first read: sorting and counting need only
    each week's status and shortfalls (``BoardWeek.summary``), so a page of a board of thousands builds
    the full ledgers of that page alone (iterating builds them all)."""

    def __init__(self, entries: list[BoardEntry], today: dt.date) -> None:
        self._entries = entries
        self._today = today
        self._built: dict[int, BoardRow] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> BoardRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[BoardRow]: ...

    def __getitem__(self, index: int | slice) -> BoardRow | list[BoardRow]:
        if isinstance(index, slice):
            return [self._row(i) for i in range(*index.indices(len(self._entries)))]
        return self._row(range(len(self._entries))[index])  # negative indexes; IndexError past the end

    def _row(self, i: int) -> BoardRow:
        found = self._built.get(i)
        if found is None:
            entry = self._entries[i]
            row = entry.values
            clinician = " ".join(p for p in (row.clinician_first_name, row.clinician_last_name) if p) or (
                row.clinician_username or ""
            )
            found = self._built[i] = BoardRow(
                episode_id=row.id,
                participant_id=row.participant_id,
                name=entry.name,
                record_number=row.record_number,
                track=row.track or "",
                clinician=clinician,
                clinician_id=row.clinician_id,
                this_week=entry.this_week.ledger(entry.span, self._today),
                last_week=entry.last_week.ledger(entry.span, self._today),
            )
        return found


@dataclass(frozen=True)
class Board:
    program: Program
    week_start: dt.date
    today: dt.date
    rows: Sequence[BoardRow]
    counts: dict[str, int]  # this week's statuses of every row (all pages)

    @property
    def week_end(self) -> dt.date:
        return self.week_start + WEEK


def _display_name(row: EpisodeRow) -> str:
    return f"{row.preferred_name or row.first_name} {row.last_name}"


def program_board(
    program: Program,
    *,
    at: dt.datetime,
    week_start: dt.date | None = None,
    track_id: int | None = None,
    clinician_id: int | None = None,
) -> Board:
    """Every admitted participant of the program with this week's and last week's ledger, sorted by risk
    (7 queries whatever the number of participants): attendance from the weekly ledger cache, the level
    history and the unmarked bookings live (``weekly.board_weeks``). Every row is sorted and counted;
    a row's ledgers are built when the row is read (``BoardRows``)."""
    with no_gc_pauses():
        return _program_board(program, at=at, week_start=week_start, track_id=track_id, clinician_id=clinician_id)


def _program_board(
    program: Program,
    *,
    at: dt.datetime,
    week_start: dt.date | None,
    track_id: int | None,
    clinician_id: int | None,
) -> Board:
    zone = program.site.zone
    today = at.astimezone(zone).date()
    this_start = week_start or week_start_of(today, week_starts_on(program))
    last_start = this_start - WEEK
    episodes = Episode.objects.filter(program_id=program.pk, status=EpisodeStatus.ACTIVE, admitted_on__isnull=False)
    if track_id:
        episodes = episodes.filter(track_id=track_id)
    if clinician_id:
        episodes = episodes.filter(primary_clinician_id=clinician_id)
    # Read raw (no per-value converters): thousands of rows; the few distinct dates are parsed once each.
    rows = [
        EpisodeRow._make(r)
        for r in raw_rows(
            episodes.order_by()
            .annotate(admitted=_as_text("admitted_on"), discharged=_as_text("discharged_on"))
            .values_list(
                "id",
                "participant_id",
                "admitted",
                "discharged",
                "level_of_care_id",
                "participant__legal_first_name",
                "participant__legal_last_name",
                "participant__preferred_name",
                "participant__record_number",
                "track__name",
                "primary_clinician_id",
                "primary_clinician__first_name",
                "primary_clinician__last_name",
                "primary_clinician__username",
            )
        )
    ]
    dates: dict[str, dt.date] = {}

    def day(raw: str) -> dt.date:
        found = dates.get(raw)
        if found is None:
            found = dates[raw] = as_date(str(raw)[:10])
        return found

    facts = [
        EpisodeFacts(r.id, day(r.admitted_on), day(r.discharged_on) if r.discharged_on else None, r.level_of_care_id)
        for r in rows
        if r.admitted_on is not None  # always set on an admitted episode (database constraint)
    ]
    spans = spans_for(episodes, population=program.population, facts=facts)
    from .weekly import board_weeks  # the cache module reads this one's helpers

    weeks, empty_week = board_weeks(program, week_starts=[last_start, this_start], at=at)
    entries = []
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        mine = weeks.get(row.id, {})
        span = spans[row.id]
        this = mine.get(this_start) or empty_week(this_start)
        last = mine.get(last_start) or empty_week(last_start)
        status, projected_short, short = this.summary(span, today)
        last_status = last.summary(span, today)[0]
        counts[status.value] += 1
        name = _display_name(row)
        key = (*risk_order(status, last_status, projected_short, short), name.lower(), row.id)
        entries.append(BoardEntry(key, status, row, name, span, this, last))
    entries.sort(key=lambda e: e.key)
    return Board(program, this_start, today, BoardRows(entries, today), dict(counts))


def program_week_ledgers(program: Program, *, at: dt.datetime, week_start: dt.date) -> dict[int, WeekLedger]:
    """One week's ledger of every admitted episode of the program (used by the benchmark's recompute and
    the nightly accountability sweep)."""
    board = program_board(program, at=at, week_start=week_start)
    return {row.episode_id: row.this_week for row in board.rows}
