"""One-off sessions, changing and cancelling sessions, booking and unbooking participants."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.models import Program, Room, Track

from .. import conf
from ..conflicts import (
    booked_count,
    check_facilitator,
    check_participant_available,
    check_participant_free,
    check_room,
    closure_on,
    describe,
)
from ..models import (
    Booking,
    BookingSource,
    BookingStatus,
    ServiceType,
    Session,
    SessionStatus,
)
from ..rules import (
    SchedulingError,
    check_capacity_not_below_bookings,
    check_credentials,
    check_group_size,
    check_has_place,
    check_inside_track,
    check_room_fits,
    check_time_order,
)
from .templates import track_hours

# --- Sessions ------------------------------------------------------------------------------------


def _check_session_shape(
    *,
    program: Program,
    track: Track | None,
    service_type: ServiceType,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    at: dt.datetime,
) -> dt.date:
    """The rules a session's own fields must keep; returns its local date."""
    check_time_order(starts_at, ends_at)
    if starts_at <= at:
        raise SchedulingError("starts_at", "A session cannot start in the past.")
    zone = program.site.zone
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if end.date() != start.date():
        raise SchedulingError("ends_at", "A session must start and end on the same day.")
    if track is not None:
        if track.program_id != program.pk:
            raise SchedulingError("track", f"This track does not belong to {program.name}.")
        check_inside_track(start.weekday(), start.time(), end.time(), track_hours(track))
    check_group_size(
        capacity, min_size=1, limit=conf.group_max_size_limit(), is_group=service_type.is_group
    )  # a one-off group may be small
    closure = closure_on(program, start.date())
    if closure is not None:
        raise SchedulingError("starts_at", f"The program is closed on {start:%d %b %Y} ({closure.reason}).")
    return start.date()


@transaction.atomic
def add_one_off_session(
    *,
    program: Program,
    service_type: ServiceType,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    room: Room,
    by: User,
    at: dt.datetime,
    track: Track | None = None,
    facilitator: User | None = None,
    capacity: int | None = None,
) -> Session:
    """A session outside the templates (an extra group, an individual appointment). Same checks as a
    template slot, plus the room and the facilitator must be free then and the day not closed."""
    if not service_type.active:
        raise SchedulingError("service_type", "This service is not in use.")
    size = capacity if capacity is not None else service_type.max_size
    day = _check_session_shape(
        program=program,
        track=track,
        service_type=service_type,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=size,
        at=at,
    )
    check_room(room, program=program, participants=size, starts_at=starts_at, ends_at=ends_at)
    if facilitator is not None:
        check_facilitator(facilitator, program=program, service_type=service_type, starts_at=starts_at, ends_at=ends_at)
    session = Session.objects.create(
        program=program,
        track=track,
        service_type=service_type,
        occurs_on=day,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        facilitator=facilitator,
        capacity=size,
        created_at=at,
        created_by=by,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=session,
        summary=f"Added a one-off session: {describe(session)}",
        changes={"facilitator": facilitator.pk if facilitator else None, "capacity": size},
        at=at,
    )
    return session


_UNSET: Any = object()


def _lock_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("program__site", "track", "service_type", "room", "facilitator")
        .get(pk=session.pk)
    )


@transaction.atomic
def change_session(
    *,
    session: Session,
    by: User,
    at: dt.datetime,
    facilitator: User | None = _UNSET,
    room: Room = _UNSET,
    starts_at: dt.datetime = _UNSET,
    ends_at: dt.datetime = _UNSET,
    capacity: int = _UNSET,
) -> Session:
    """Change a future session's facilitator, room, time or capacity with the same checks as booking:
    the facilitator's credential, hours, time off and other sessions; the room's size and other
    sessions; every booked participant's other sessions and availability; capacity not below bookings."""
    session = _lock_session(session)
    if session.status != SessionStatus.SCHEDULED:
        raise SchedulingError("session", "This session is cancelled.")
    if session.starts_at <= at:
        raise SchedulingError("session", "This session has already started; it can no longer be changed.")
    before = {
        "facilitator": session.facilitator_id,
        "room": session.room_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
    }
    new_lead = session.facilitator if facilitator is _UNSET else facilitator
    new_room = session.room if room is _UNSET else room
    new_start = session.starts_at if starts_at is _UNSET else starts_at
    new_end = session.ends_at if ends_at is _UNSET else ends_at
    new_capacity = session.capacity if capacity is _UNSET else capacity
    program = session.program
    bookings = list(
        Booking.objects.filter(session=session, status=BookingStatus.BOOKED).select_related(
            "participant", "episode__participant"
        )
    )
    check_capacity_not_below_bookings(new_capacity, len(bookings))
    moved = (new_start, new_end) != (session.starts_at, session.ends_at)
    day = session.occurs_on
    if moved or new_capacity != session.capacity:
        day = _check_session_shape(
            program=program,
            track=session.track,
            service_type=session.service_type,
            starts_at=new_start,
            ends_at=new_end,
            capacity=new_capacity,
            at=at,
        )
    if moved or new_room != session.room or new_capacity != session.capacity:
        check_room(
            new_room,
            program=program,
            participants=new_capacity,
            starts_at=new_start,
            ends_at=new_end,
            exclude=[session.pk],
        )
    if new_lead is not None and (moved or new_lead != session.facilitator):
        check_facilitator(
            new_lead,
            program=program,
            service_type=session.service_type,
            starts_at=new_start,
            ends_at=new_end,
            exclude=[session.pk],
        )
    if moved:
        for booking in bookings:
            check_participant_free(booking.participant, new_start, new_end, exclude=[session.pk])
            check_participant_available(booking.episode, program.site.zone, new_start, new_end)
    session.facilitator, session.room, session.capacity = new_lead, new_room, new_capacity
    session.starts_at, session.ends_at, session.occurs_on = new_start, new_end, day
    session.save(update_fields=["facilitator", "room", "capacity", "starts_at", "ends_at", "occurs_on"])
    after = {
        "facilitator": session.facilitator_id,
        "room": session.room_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=session,
            summary=f"Changed {', '.join(changes)} of {describe(session)}",
            changes=changes,
            at=at,
        )
    return session


@transaction.atomic
def cancel_session(*, session: Session, reason: str, by: User, at: dt.datetime) -> Session:
    """Cancel a future session (its bookings stay on record; the session no longer counts)."""
    session = _lock_session(session)
    if session.status != SessionStatus.SCHEDULED:
        raise SchedulingError("session", "This session is already cancelled.")
    if session.starts_at <= at:
        raise SchedulingError("session", "This session has already started.")
    if not reason.strip():
        raise SchedulingError("reason", "Give the reason for cancelling.")
    session.status, session.cancel_reason = SessionStatus.CANCELLED, reason.strip()
    session.save(update_fields=["status", "cancel_reason"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=session,
        summary=f"Cancelled {describe(session)}",
        changes={"status": ["scheduled", "cancelled"], "reason": session.cancel_reason},
        at=at,
    )
    return session


# --- Bookings ------------------------------------------------------------------------------------


def check_booking(session: Session, episode: Episode, *, at: dt.datetime) -> None:
    """Every rule for putting ``episode``'s participant into ``session`` (session row already locked)."""
    if session.status != SessionStatus.SCHEDULED:
        raise SchedulingError("session", "This session is cancelled.")
    if session.starts_at <= at:
        raise SchedulingError("session", "This session has already started.")
    if episode.status != EpisodeStatus.ACTIVE or episode.program_id != session.program_id:
        raise SchedulingError("episode", f"Only participants admitted to {session.program.name} can be booked.")
    if session.track_id is not None and episode.track_id != session.track_id:
        raise SchedulingError("episode", f"{episode.participant.display_name} is in another track.")
    if episode.admitted_on is not None and session.occurs_on < episode.admitted_on:
        raise SchedulingError("episode", f"The session is before the admission ({episode.admitted_on:%d %b %Y}).")
    participant = episode.participant
    if Booking.objects.filter(session=session, participant=participant, status=BookingStatus.BOOKED).exists():
        raise SchedulingError("participant", f"{participant.display_name} is already booked in this session.")
    booked = booked_count(session)
    check_has_place(booked, session.capacity)
    check_room_fits(session.room.name, session.room.capacity, booked + 1)
    if session.facilitator is not None:
        check_credentials(
            [c.code for c in session.facilitator.credentials.all()],
            [c.code for c in session.service_type.required_credentials.all()],
            service=session.service_type.name,
            who=session.facilitator.display_name,
        )
    check_participant_free(participant, session.starts_at, session.ends_at, exclude=[session.pk])
    check_participant_available(episode, session.program.site.zone, session.starts_at, session.ends_at)


@transaction.atomic
def book_participant(
    *, session: Session, episode: Episode, by: User, at: dt.datetime, source: str = BookingSource.MANUAL
) -> Booking:
    """Book the episode's participant into a session. The session row is locked so two bookings for
    the last place cannot both succeed. Refuses: a cancelled or started session, another program or
    track, a full session, a room too small, a facilitator without the credential, another booking at
    an overlapping time, a time outside the participant's availability."""
    session = _lock_session(session)
    episode = Episode.objects.select_related("participant").get(pk=episode.pk)
    check_booking(session, episode, at=at)
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                session=session,
                episode=episode,
                participant=episode.participant,
                source=source,
                created_at=at,
                created_by=by,
            )
    except IntegrityError as exc:
        raise SchedulingError("participant", "Already booked in this session.") from exc
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=booking,
        participant_id=episode.participant_id,
        summary=f"Booked into {describe(session)}",
        changes={"session": session.pk, "episode": episode.pk, "source": source},
        at=at,
    )
    return booking


@transaction.atomic
def unbook_participant(*, booking: Booking, by: User, at: dt.datetime) -> Booking:
    """Cancel a live booking of a session that has not started."""
    session = _lock_session(booking.session)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED:
        raise SchedulingError("booking", "This booking is already cancelled.")
    if session.starts_at <= at:
        raise SchedulingError("booking", "The session has already started; record attendance instead.")
    return cancel_booking_row(booking=booking, summary=f"Unbooked from {describe(session)}", by=by, at=at)


def cancel_booking_row(*, booking: Booking, summary: str, by: User, at: dt.datetime) -> Booking:
    """Set a locked, live booking to cancelled and audit it with ``summary``; the callers (inside their
    own transaction) have checked that the change is allowed."""
    booking.status, booking.cancelled_at, booking.cancelled_by = BookingStatus.CANCELLED, at, by
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=booking,
        participant_id=booking.participant_id,
        summary=summary,
        changes={"status": ["booked", "cancelled"], "session": booking.session_id},
        at=at,
    )
    return booking
