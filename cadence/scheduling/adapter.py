"""Django rows -> the solver's plain ``Problem`` for one program week, and the solver's plan -> rows.

Identifiers in the problem: participants ``e<episode id>``, group sessions ``s<session id>`` (series
``t<template slot id>`` so last week's group is recognised), needs ``e<episode>:<service code>``,
staff ``u<user id>``, rooms ``r<room id>``; programs and tracks by name (the solver's explanations
quote them, and a problem holds one program whose track names are unique).

What the problem holds:

* group sessions of the tracks in scope that start after ``at``: scheduled ones, and those an
  earlier plan left empty (a new plan may open them again);
* one-to-one needs per participant from the service catalog (``weekly_sessions_default``), less
  sessions of that service already fixed in the week;
* participant availability as recorded, else the track's hours on weekdays (``_default_window``);
  staff working hours as recorded, else the program's track hours;
* everything else in the week is *fixed*: past sessions, sessions of other programs, one-off
  sessions added by hand. Fixed bookings count toward a participant's hours and days and cut their
  availability; fixed sessions a staff member leads are time off for the solver and use up hours.

A staff member named as a session's facilitator keeps it (a pseudo-credential ``*u<id>`` that only
they hold) unless they are off or busy then, in which case the solver may choose anyone qualified.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from cadence.accounts.models import Role, User
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.models import Population, Program, Room, Track

from . import conf
from .models import (
    Booking,
    BookingStatus,
    Closure,
    ParticipantAvailability,
    ServiceFormat,
    ServiceType,
    Session,
    SessionStatus,
    StaffAvailability,
    StaffTimeOff,
)
from .rules import minute_of
from .solver import (
    Booking as SolverBooking,
)
from .solver import (
    Facilitation,
    GroupAssignment,
    GroupSession,
    OneToOneNeed,
    Participant,
    Problem,
    Solution,
    Staff,
    TimeSlot,
    TimeWindow,
)
from .solver import (
    Room as SolverRoom,
)
from .weeks import Week

ANY_STAFF = "*any"
DAY = 1440
Span = tuple[int, int, int]  # weekday, start minute, end minute


def pid(episode_id: int) -> str:
    return f"e{episode_id}"


def sid(session_id: int) -> str:
    return f"s{session_id}"


def uid(user_id: int) -> str:
    return f"u{user_id}"


def rid(room_id: int) -> str:
    return f"r{room_id}"


def need_id(episode_id: int, service_code: str) -> str:
    return f"e{episode_id}:{service_code}"


def number(text: str) -> int:
    """``e12`` -> 12."""
    return int(text[1:])


@dataclass(frozen=True)
class Scope:
    """One program week to plan: all active tracks, or one."""

    program: Program
    track: Track | None
    week: Week
    at: dt.datetime

    @classmethod
    def of(cls, program: Program, track: Track | None, week_start: dt.date, at: dt.datetime) -> Scope:
        return cls(program, track, Week(week_start, program.site.zone), at)


@dataclass
class ParticipantFacts:
    """What the summary reports per participant besides the solver's own figures."""

    episode_id: int
    required_minutes: int
    required_days: int
    fixed_minutes: int = 0
    fixed_days: set[int] = field(default_factory=set)
    last_week_series: frozenset[str] = frozenset()


@dataclass
class BuiltProblem:
    problem: Problem
    previous: Solution | None
    episodes: dict[str, Episode]
    sessions: dict[str, Session]
    replaceable: list[int]
    staff: dict[str, User]
    rooms: dict[str, Room]
    services: dict[str, ServiceType]
    facts: dict[str, ParticipantFacts]
    # Room occupancy the solver cannot see (fixed sessions at the site): room id -> spans.
    fixed_rooms: dict[str, list[Span]]


def _level_needs(episode: Episode, program: Program) -> tuple[int, int, int | None]:
    level = episode.level_of_care or program.level_of_care
    adolescent = program.population == Population.ADOLESCENT
    hours = level.min_hours_week_adolescent if adolescent else level.min_hours_week_adult
    days = level.min_days_week_adolescent if adolescent else level.min_days_week_adult
    cap = level.max_hours_week
    return int(Decimal(hours) * 60), int(days), int(Decimal(cap) * 60) if cap is not None else None


def _span(week: Week, session: Session) -> Span:
    start = session.starts_at.astimezone(week.zone)
    end = session.ends_at.astimezone(week.zone)
    day = (start.date() - week.start).days
    end_minute = end.hour * 60 + end.minute if end.date() == start.date() else DAY
    return day, start.hour * 60 + start.minute, end_minute


def _default_window(track: Track) -> dict[int, tuple[int, int]]:
    """Without recorded availability: the track's hours on the track's days and on every weekday
    (someone in the morning track is free in the mornings, so one-to-one sessions can go on days
    without groups)."""
    window = (minute_of(track.starts_at), minute_of(track.ends_at))
    return {d: window for d in sorted(set(track.weekdays) | {0, 1, 2, 3, 4})}


def _cut(window: tuple[int, int], busy: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
    """The longest part of ``window`` that overlaps none of ``busy``."""
    parts = [window]
    for b_start, b_end in busy:
        nxt: list[tuple[int, int]] = []
        for start, end in parts:
            if b_end <= start or end <= b_start:
                nxt.append((start, end))
                continue
            if start < b_start:
                nxt.append((start, b_start))
            if b_end < end:
                nxt.append((b_end, end))
        parts = nxt
    parts = [p for p in parts if p[1] > p[0]]
    return max(parts, key=lambda p: (p[1] - p[0], -p[0])) if parts else None


@dataclass(frozen=True)
class LastWeek:
    series: dict[int, frozenset[str]]
    peers: dict[int, set[int]]
    clinicians: dict[int, set[int]]


class _Builder:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.week = scope.week
        self.program = scope.program
        self.org_id = scope.program.site.organization_id
        tracks = [scope.track] if scope.track is not None else list(scope.program.tracks.filter(active=True))
        self.tracks = {t.pk: t for t in tracks}
        self.all_tracks = list(scope.program.tracks.filter(active=True))
        self.local_now = scope.at.astimezone(self.week.zone)
        self.closed_days = {
            (d - self.week.start).days
            for d in Closure.objects.filter(
                Q(site_id=self.program.site_id) | Q(program=self.program),
                date__gte=self.week.start,
                date__lt=self.week.end,
            ).values_list("date", flat=True)
        }

    # --- time ------------------------------------------------------------------------------
    def _open_part(self, day: int, start: int, end: int) -> tuple[int, int] | None:
        """The part of a day's window that is still ahead and not closed."""
        if day in self.closed_days:
            return None
        date = self.week.start + dt.timedelta(days=day)
        today = self.local_now.date()
        if date < today:
            return None
        if date == today:
            start = max(start, self.local_now.hour * 60 + self.local_now.minute + 1)
        return (start, end) if end > start else None

    # --- rows ------------------------------------------------------------------------------
    def load(self) -> None:
        week, program = self.week, self.program
        self.services = {s.pk: s for s in ServiceType.objects.prefetch_related("required_credentials")}
        self.creds = {pk: frozenset(c.code for c in s.required_credentials.all()) for pk, s in self.services.items()}
        self.episodes = list(
            Episode.objects.filter(
                program=program, status=EpisodeStatus.ACTIVE, track__in=list(self.tracks), admitted_on__lt=week.end
            )
            .filter(Q(discharged_on__isnull=True) | Q(discharged_on__gte=week.start))
            .select_related("participant", "level_of_care", "track", "primary_clinician", "preference")
            .order_by("pk")
        )
        self.windows: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
        for row in ParticipantAvailability.objects.filter(episode__in=self.episodes):
            self.windows[row.episode_id][row.weekday] = (minute_of(row.earliest), minute_of(row.latest))
        week_sessions = list(
            Session.objects.filter(starts_at__lt=week.ends_at, ends_at__gt=week.starts_at)
            .filter(program__site_id=program.site_id)
            .select_related("service_type", "room")
        )
        self.in_problem: dict[int, Session] = {}
        self.replaceable: dict[int, Session] = {}
        for s in week_sessions:
            future = s.starts_at > self.scope.at and s.program_id == program.pk and s.track_id in self.tracks
            if not future:
                continue
            if s.service_type.is_group and (s.status == SessionStatus.SCHEDULED or s.cancelled_by_plan):
                self.in_problem[s.pk] = s
            elif not s.service_type.is_group and s.plan_id is not None and s.status == SessionStatus.SCHEDULED:
                self.replaceable[s.pk] = s
        managed = set(self.in_problem) | set(self.replaceable)
        # Every session read here is at the program's site: rooms the solver must not double-book.
        self.fixed_room_sessions = [
            s for s in week_sessions if s.status == SessionStatus.SCHEDULED and s.pk not in managed
        ]
        episode_ids = [e.pk for e in self.episodes]
        self.week_bookings = list(
            Booking.objects.filter(
                status=BookingStatus.BOOKED,
                session__status=SessionStatus.SCHEDULED,
                session__starts_at__lt=week.ends_at,
                session__ends_at__gt=week.starts_at,
                participant__episodes__in=episode_ids,
            )
            .select_related("session__service_type", "session__room")
            .distinct()
        )
        self.managed = managed

    def staff_rows(self) -> list[User]:
        pinned = {s.facilitator_id for s in self.in_problem.values() if s.facilitator_id is not None}
        return list(
            User.objects.filter(is_active=True, organization_id=self.org_id)
            .filter(Q(programs=self.program, role__in=[Role.CLINICIAN, Role.DIRECTOR]) | Q(pk__in=pinned))
            .prefetch_related("credentials")
            .distinct()
            .order_by("pk")
        )

    # --- participants ----------------------------------------------------------------------
    def participants(self) -> tuple[list[Participant], list[OneToOneNeed], dict[str, ParticipantFacts]]:
        week = self.week
        by_participant: dict[int, list[Booking]] = defaultdict(list)
        for b in self.week_bookings:
            if b.session_id not in self.managed:
                by_participant[b.participant_id].append(b)
        last = self._last_week()
        people: list[Participant] = []
        needs: list[OneToOneNeed] = []
        facts: dict[str, ParticipantFacts] = {}
        one_to_one = [s for s in self.services.values() if s.active and s.format == ServiceFormat.ONE_TO_ONE]
        for ep in self.episodes:
            key = pid(ep.pk)
            required, required_days, cap = _level_needs(ep, self.program)
            fact = ParticipantFacts(
                ep.pk, required, required_days, last_week_series=last.series.get(ep.pk, frozenset())
            )
            fixed_busy: dict[int, list[tuple[int, int]]] = defaultdict(list)
            fixed_by_service: dict[int, int] = defaultdict(int)
            for b in by_participant.get(ep.participant_id, []):
                day, start, end = _span(week, b.session)
                fixed_busy[day].append((start, end))
                fixed_by_service[b.session.service_type_id] += 1
                if b.session.service_type.counts_toward_hours:
                    fact.fixed_minutes += end - start
                    fact.fixed_days.add(day)
            track = self.tracks[ep.track_id]  # type: ignore[index]  # active episodes have a track (constraint)
            base = self.windows.get(ep.pk) or _default_window(track)
            availability: dict[int, TimeWindow] = {}
            for day, (start, end) in base.items():
                date = week.start + dt.timedelta(days=day)
                if ep.admitted_on is not None and date < ep.admitted_on:
                    continue
                if ep.discharged_on is not None and date > ep.discharged_on:
                    continue
                part = self._open_part(day, start, end)
                part = _cut(part, fixed_busy.get(day, [])) if part else None
                if part:
                    availability[day] = TimeWindow(*part)
            preference = getattr(ep, "preference", None)
            avoid = frozenset(d for d in range(7) if preference and preference.avoid_days_mask & (1 << d))
            preferred = (
                uid(preference.preferred_clinician_id) if preference and preference.preferred_clinician_id else None
            )
            people.append(
                Participant(
                    id=key,
                    program=self.program.name,
                    track=track.name,
                    availability=availability,
                    min_weekly_minutes=max(0, required - fact.fixed_minutes),
                    min_days=max(0, required_days - len(fact.fixed_days)),
                    max_weekly_minutes=max(0, cap - fact.fixed_minutes) if cap is not None else None,
                    avoid_days=avoid,
                    preferred_clinician=preferred,
                    primary_clinician=uid(ep.primary_clinician_id) if ep.primary_clinician_id else None,
                    last_week_sessions=fact.last_week_series,
                    last_week_peers=frozenset(pid(e) for e in last.peers.get(ep.pk, set())),
                    last_week_clinicians=frozenset(uid(u) for u in last.clinicians.get(ep.pk, set())),
                )
            )
            facts[key] = fact
            for service in one_to_one:
                count = service.weekly_sessions_default - fixed_by_service.get(service.pk, 0)
                if count <= 0:
                    continue
                needs.append(
                    OneToOneNeed(
                        id=need_id(ep.pk, service.code),
                        participant=key,
                        service_type=service.code,
                        minutes_per_week=count * service.default_minutes,
                        session_minutes=service.default_minutes,
                        credentials=self.creds[service.pk] or frozenset({ANY_STAFF}),
                        attendees=1 + service.extra_attendees,
                        counts_toward_hours=service.counts_toward_hours,
                    )
                )
        return people, needs, facts

    def _last_week(self) -> LastWeek:
        """Series, peers and one-to-one clinicians of each episode in the week before."""
        prev = self.week.previous
        rows = list(
            Booking.objects.filter(
                status=BookingStatus.BOOKED,
                session__status=SessionStatus.SCHEDULED,
                session__program=self.program,
                session__starts_at__gte=prev.starts_at,
                session__starts_at__lt=prev.ends_at,
            ).values_list(
                "episode_id",
                "session_id",
                "session__generated_from_id",
                "session__service_type__format",
                "session__facilitator_id",
            )
        )
        members: dict[int, set[int]] = defaultdict(set)
        series: dict[int, set[str]] = defaultdict(set)
        clinicians: dict[int, set[int]] = defaultdict(set)
        for episode_id, session_id, slot_id, fmt, lead in rows:
            if fmt == ServiceFormat.GROUP:
                members[session_id].add(episode_id)
                series[episode_id].add(f"t{slot_id}" if slot_id else sid(session_id))
            elif lead is not None:
                clinicians[episode_id].add(lead)
        peers: dict[int, set[int]] = defaultdict(set)
        for group in members.values():
            for e in group:
                peers[e] |= group - {e}
        return LastWeek({e: frozenset(s) for e, s in series.items()}, dict(peers), dict(clinicians))

    # --- staff -----------------------------------------------------------------------------
    def staff(self, users: list[User]) -> list[Staff]:
        week = self.week
        ids = [u.pk for u in users]
        rows: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
        for row in StaffAvailability.objects.filter(staff_id__in=ids):
            rows[row.staff_id][row.weekday] = (minute_of(row.starts_at), minute_of(row.ends_at))
        # Without recorded hours: weekdays (and the tracks' weekend days) from the earliest track start
        # to the latest track end of the program; the weekly maximum keeps the total reasonable.
        default: dict[int, tuple[int, int]] = {}
        if self.all_tracks:
            start = min(minute_of(t.starts_at) for t in self.all_tracks)
            end = max(minute_of(t.ends_at) for t in self.all_tracks)
            days = {0, 1, 2, 3, 4} | {d for t in self.all_tracks for d in t.weekdays}
            default = {d: (start, end) for d in sorted(days)}
        off: dict[int, list[Span]] = defaultdict(list)
        for t in StaffTimeOff.objects.filter(staff_id__in=ids, starts_at__lt=week.ends_at, ends_at__gt=week.starts_at):
            for day in range(7):
                day_start, day_end = week.at(day, 0), week.at(day, DAY)
                lo, hi = max(t.starts_at, day_start), min(t.ends_at, day_end)
                if lo < hi:
                    start = int((lo - day_start).total_seconds() // 60)
                    end = int(-(-(hi - day_start).total_seconds() // 60))
                    off[t.staff_id].append((day, start, min(end, DAY)))
        used: dict[int, int] = defaultdict(int)
        led = Session.objects.filter(
            facilitator_id__in=ids,
            status=SessionStatus.SCHEDULED,
            starts_at__lt=week.ends_at,
            ends_at__gt=week.starts_at,
        ).exclude(pk__in=list(self.managed))
        for s in led:
            lead = int(s.facilitator_id or 0)
            off[lead].append(_span(week, s))
            used[lead] += s.minutes
        result: list[Staff] = []
        for user in users:
            base = rows.get(user.pk) or default
            availability = {}
            for day, (start, end) in base.items():
                part = self._open_part(day, start, end)
                if part:
                    availability[day] = TimeWindow(*part)
            hours = user.max_hours_week if user.max_hours_week is not None else conf.staff_default_max_hours_week()
            credentials = {c.code for c in user.credentials.all()} | {ANY_STAFF, f"*{uid(user.pk)}"}
            slots = tuple(TimeSlot(d, s, e) for d, s, e in off.get(user.pk, []) if e > s)
            result.append(
                Staff(
                    id=uid(user.pk),
                    credentials=frozenset(credentials),
                    availability=availability,
                    max_weekly_minutes=max(0, hours * 60 - used[user.pk]),
                    time_off=slots,
                )
            )
        return result

    # --- sessions --------------------------------------------------------------------------
    def group_sessions(self, staff: dict[str, Staff]) -> list[GroupSession]:
        result: list[GroupSession] = []
        for s in sorted(self.in_problem.values(), key=lambda x: (x.starts_at, x.pk)):
            day, start, end = _span(self.week, s)
            required = self.creds[s.service_type_id] or frozenset({ANY_STAFF})
            lead = staff.get(uid(s.facilitator_id)) if s.facilitator_id else None
            if lead is not None and lead.is_free(day, start, end):
                required = frozenset({f"*{lead.id}"})
            result.append(
                GroupSession(
                    id=sid(s.pk),
                    program=self.program.name,
                    track=self.tracks[s.track_id].name,  # type: ignore[index]
                    service_type=s.service_type.code,
                    day=day,
                    start=start,
                    end=end,
                    room=rid(s.room_id),
                    min_size=s.service_type.min_size,
                    max_size=s.capacity,
                    required_credentials=required,
                    counts_toward_hours=s.service_type.counts_toward_hours,
                    series=f"t{s.generated_from_id}" if s.generated_from_id else sid(s.pk),
                )
            )
        return result

    def previous(self, needs: dict[str, OneToOneNeed]) -> Solution:
        """The week as it stands (bookings and facilitators of managed sessions), for a re-plan."""
        by_participant = {e.participant_id: pid(e.pk) for e in self.episodes}
        assignments: list[GroupAssignment] = []
        bookings: list[SolverBooking] = []
        running: set[int] = set()
        for b in self.week_bookings:
            key = by_participant.get(b.participant_id)
            if key is None:
                continue
            if b.session_id in self.in_problem:
                assignments.append(GroupAssignment(key, sid(b.session_id)))
                running.add(b.session_id)
            elif b.session_id in self.replaceable:
                s = self.replaceable[b.session_id]
                nid = need_id(number(key), s.service_type.code)
                if nid in needs and s.facilitator_id is not None:
                    day, start, end = _span(self.week, s)
                    bookings.append(SolverBooking(key, nid, uid(s.facilitator_id), day, start, end, rid(s.room_id)))
        facilitations = [
            Facilitation(sid(pk), uid(self.in_problem[pk].facilitator_id))  # type: ignore[arg-type]
            for pk in sorted(running)
            if self.in_problem[pk].facilitator_id is not None
        ]
        return Solution(tuple(assignments), tuple(facilitations), tuple(bookings)).normalized()


def build_problem(scope: Scope, *, replan: bool = False) -> BuiltProblem:
    """Read the week from the database into a solver problem (and, for a re-plan, the current plan)."""
    builder = _Builder(scope)
    builder.load()
    users = builder.staff_rows()
    staff = builder.staff(users)
    staff_by_id = {s.id: s for s in staff}
    people, needs, facts = builder.participants()
    groups = builder.group_sessions(staff_by_id)
    rooms = list(Room.objects.filter(site_id=scope.program.site_id, active=True).order_by("pk"))
    problem = Problem(
        week_start=scope.week.start,
        participants=tuple(people),
        group_sessions=tuple(groups),
        needs=tuple(needs),
        staff=tuple(staff),
        rooms=tuple(SolverRoom(rid(r.pk), r.capacity) for r in rooms),
    )
    fixed_rooms: dict[str, list[Span]] = defaultdict(list)
    for s in builder.fixed_room_sessions:
        fixed_rooms[rid(s.room_id)].append(_span(scope.week, s))
    previous = builder.previous({n.id: n for n in needs}) if replan else None
    return BuiltProblem(
        problem=problem,
        previous=previous,
        episodes={pid(e.pk): e for e in builder.episodes},
        sessions={sid(pk): s for pk, s in builder.in_problem.items()},
        replaceable=sorted(builder.replaceable),
        staff={uid(u.pk): u for u in users},
        rooms={rid(r.pk): r for r in rooms},
        services={s.code: s for s in builder.services.values()},
        facts=facts,
        fixed_rooms=dict(fixed_rooms),
    )
