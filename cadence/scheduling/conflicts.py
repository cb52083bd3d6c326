"""Instant conflict checks against the database, shared by every action that books or moves something.

Each ``check_*`` raises ``SchedulingError(field, reason)`` naming the clash in plain words; the time
comparisons are half-open, so back-to-back sessions never clash and a one-minute overlap does.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.db.models import Q, QuerySet

from cadence.accounts.models import User
from cadence.participants.models import Episode, Participant
from cadence.programs.models import Program, Room

from .models import (
    Booking,
    BookingStatus,
    Closure,
    ParticipantAvailability,
    ServiceType,
    Session,
    SessionStatus,
    StaffAvailability,
    StaffTimeOff,
)
from .rules import SchedulingError, Window, check_available, check_credentials, check_room_fits


def describe(session: Session, zone: zoneinfo.ZoneInfo | None = None) -> str:
    """``Process group, Tue 24 Nov 09:00-10:30 in Room A`` in the session's site time zone."""
    zone = zone or session.program.site.zone
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return f"{session.service_type.name}, {start:%a %d %b %H:%M}-{end:%H:%M} in {session.room.name}"


def _live_sessions(starts_at: dt.datetime, ends_at: dt.datetime, exclude: Iterable[int]) -> QuerySet[Session]:
    return (
        Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(pk__in=list(exclude))
        .select_related("service_type", "room", "program__site")
    )


def check_participant_free(
    participant: Participant, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Iterable[int] = ()
) -> None:
    """The participant has no live booking in an overlapping scheduled session."""
    clash = (
        _live_sessions(starts_at, ends_at, exclude)
        .filter(bookings__participant=participant, bookings__status=BookingStatus.BOOKED)
        .first()
    )
    if clash is not None:
        raise SchedulingError("participant", f"{participant.display_name} is already booked in {describe(clash)}.")


def check_facilitator_free(
    staff: User, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Iterable[int] = ()
) -> None:
    """The staff member leads no overlapping scheduled session and has no time off then."""
    clash = _live_sessions(starts_at, ends_at, exclude).filter(facilitator=staff).first()
    if clash is not None:
        raise SchedulingError("facilitator", f"{staff.display_name} already leads {describe(clash)}.")
    off = StaffTimeOff.objects.filter(staff=staff, starts_at__lt=ends_at, ends_at__gt=starts_at).first()
    if off is not None:
        raise SchedulingError("facilitator", f"{staff.display_name} is off then ({off.reason or 'time off'}).")


def room_clash(
    room: Room, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Iterable[int] = ()
) -> Session | None:
    """The first scheduled session (by start) using the room at an overlapping time, if any."""
    return _live_sessions(starts_at, ends_at, exclude).filter(room=room).first()


def check_room_free(room: Room, starts_at: dt.datetime, ends_at: dt.datetime, *, exclude: Iterable[int] = ()) -> None:
    clash = room_clash(room, starts_at, ends_at, exclude=exclude)
    if clash is not None:
        raise SchedulingError("room", f"{room.name} is already used by {describe(clash)}.")


def participant_windows(episode: Episode) -> dict[int, Window] | None:
    """The recorded availability of an episode by weekday, or None when none was recorded."""
    rows = list(ParticipantAvailability.objects.filter(episode=episode))
    if not rows:
        return None
    return {row.weekday: (row.earliest, row.latest) for row in rows}


def staff_windows(staff: User) -> dict[int, Window] | None:
    rows = list(StaffAvailability.objects.filter(staff=staff))
    if not rows:
        return None
    return {row.weekday: (row.starts_at, row.ends_at) for row in rows}


def _local_span(zone: zoneinfo.ZoneInfo, starts_at: dt.datetime, ends_at: dt.datetime) -> tuple[int, dt.time, dt.time]:
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if end.date() != start.date() and end.time() != dt.time(0, 0):
        raise SchedulingError("ends_at", "A session must start and end on the same day.")
    end_time = end.time() if end.date() == start.date() else dt.time(23, 59)
    return start.weekday(), start.time(), end_time


def check_participant_available(
    episode: Episode, zone: zoneinfo.ZoneInfo, starts_at: dt.datetime, ends_at: dt.datetime
) -> None:
    weekday, start, end = _local_span(zone, starts_at, ends_at)
    check_available(participant_windows(episode), weekday, start, end, who=episode.participant.display_name)


def check_staff_available(staff: User, zone: zoneinfo.ZoneInfo, starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    weekday, start, end = _local_span(zone, starts_at, ends_at)
    try:
        check_available(staff_windows(staff), weekday, start, end, who=staff.display_name)
    except SchedulingError as exc:
        raise SchedulingError("facilitator", exc.reason) from exc


def check_facilitator(
    staff: User,
    *,
    program: Program,
    service_type: ServiceType,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    exclude: Iterable[int] = (),
) -> None:
    """Everything that makes a staff member unfit to lead a session: another organization or an
    inactive account, a missing credential, working hours, time off, another session at the same time."""
    if not staff.is_active or staff.organization_id != program.site.organization_id:
        raise SchedulingError("facilitator", "Unknown staff member.")
    check_credentials(
        [c.code for c in staff.credentials.all()],
        [c.code for c in service_type.required_credentials.all()],
        service=service_type.name,
        who=staff.display_name,
    )
    check_staff_available(staff, program.site.zone, starts_at, ends_at)
    check_facilitator_free(staff, starts_at, ends_at, exclude=exclude)


def check_room(
    room: Room,
    *,
    program: Program,
    participants: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    exclude: Iterable[int] = (),
) -> None:
    if room.site_id != program.site_id or not room.active:
        raise SchedulingError("room", "Choose an active room at the program's site.")
    check_room_fits(room.name, room.capacity, participants)
    check_room_free(room, starts_at, ends_at, exclude=exclude)


def _closures_of(program: Program) -> QuerySet[Closure]:
    return Closure.objects.filter(Q(site_id=program.site_id) | Q(program=program))


def closure_on(program: Program, day: dt.date) -> Closure | None:
    return _closures_of(program).filter(date=day).first()


def closed_days(program: Program, days: Iterable[dt.date]) -> set[dt.date]:
    """Which of ``days`` the program (or its whole site) is closed on: one query for all of them."""
    wanted = set(days)
    if not wanted:
        return set()
    return set(_closures_of(program).filter(date__in=wanted).values_list("date", flat=True))


def booked_count(session: Session) -> int:
    return Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count()
