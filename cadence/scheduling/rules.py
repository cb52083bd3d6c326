"""Pure scheduling rules (no database): time overlaps, slots inside a track, group and room sizes,
capacity, availability, credentials, and who may build and publish plans.

Every refusal is a ``SchedulingError(field, reason)`` with the reason in plain words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from django.core.exceptions import PermissionDenied

from cadence.accounts.permissions import Capability, has_capability
from cadence.core.errors import DomainError

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class SchedulingError(DomainError):
    """A broken scheduling rule, naming the field it concerns and the reason in plain words."""


def can_manage_schedule(role: str) -> bool:
    return has_capability(role, Capability.MANAGE_SCHEDULE)


def require_schedule_manager(user: object) -> None:
    """Raise PermissionDenied unless the user is an administrator or a program director."""
    if not can_manage_schedule(getattr(user, "role", "")):
        raise PermissionDenied("Only program directors and administrators may change templates or plans.")


def minute_of(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def hhmm(value: dt.time) -> str:
    return f"{value:%H:%M}"


Moment = TypeVar("Moment", int, dt.time, dt.datetime)


def overlaps(a_start: Moment, a_end: Moment, b_start: Moment, b_end: Moment) -> bool:
    """Half-open spans ``[start, end)`` overlap: back-to-back spans (one ends as the other starts) do not."""
    return a_start < b_end and b_start < a_end


def check_time_order(start: dt.time | dt.datetime, end: dt.time | dt.datetime, *, field: str = "ends_at") -> None:
    if end <= start:  # type: ignore[operator]
        raise SchedulingError(field, "The end must be after the start.")


def check_week_start(week_start: dt.date) -> None:
    if week_start.weekday() != 0:
        raise SchedulingError("week", f"A week starts on a Monday; {week_start:%A %d %B %Y} is not one.")


def check_period(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on <= starts_on:
        raise SchedulingError("ends_on", "The end date (exclusive) must be after the start date.")


def periods_overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Do two periods with exclusive, nullable ends share a day?"""
    return a_start < (b_end or dt.date.max) and b_start < (a_end or dt.date.max)


@dataclass(frozen=True)
class TrackHours:
    name: str
    weekdays: frozenset[int]
    starts_at: dt.time
    ends_at: dt.time


def check_inside_track(weekday: int, start: dt.time, end: dt.time, track: TrackHours) -> None:
    """A track session must fall on a day the track runs and inside its hours."""
    check_time_order(start, end)
    if weekday not in track.weekdays:
        days = ", ".join(DAY_NAMES[d] for d in sorted(track.weekdays))
        raise SchedulingError("weekday", f"The {track.name} track does not run on {DAY_NAMES[weekday]} ({days}).")
    length = minute_of(end) - minute_of(start)
    track_length = minute_of(track.ends_at) - minute_of(track.starts_at)
    if length > track_length:
        raise SchedulingError(
            "ends_at",
            f"A session longer than the track: {length} minutes, but the {track.name} track runs "
            f"{hhmm(track.starts_at)}-{hhmm(track.ends_at)} ({track_length} minutes).",
        )
    if start < track.starts_at or end > track.ends_at:
        raise SchedulingError(
            "starts_at" if start < track.starts_at else "ends_at",
            f"{hhmm(start)}-{hhmm(end)} is outside the {track.name} track's hours "
            f"({hhmm(track.starts_at)}-{hhmm(track.ends_at)}).",
        )


@dataclass(frozen=True)
class SlotTimes:
    """A recurring slot as the overlap rule sees it."""

    weekday: int
    starts_at: dt.time
    ends_at: dt.time
    room_id: int
    facilitator_id: int | None
    label: str


def check_slot_conflicts(new: SlotTimes, existing: Iterable[SlotTimes]) -> None:
    """Slots of one track either run at exactly the same time in different rooms with different
    facilitators (parallel groups, which the solver balances) or do not overlap at all."""
    for other in existing:
        if other.weekday != new.weekday or not overlaps(new.starts_at, new.ends_at, other.starts_at, other.ends_at):
            continue
        when = f"{DAY_NAMES[other.weekday]} {hhmm(other.starts_at)}-{hhmm(other.ends_at)} {other.label}"
        if (new.starts_at, new.ends_at) != (other.starts_at, other.ends_at):
            raise SchedulingError(
                "starts_at",
                f"Overlaps {when}. Slots of a track must not overlap, except parallel groups that start "
                "and end at the same time in different rooms.",
            )
        if new.room_id == other.room_id:
            raise SchedulingError("room", f"The room is already used by {when}.")
        if new.facilitator_id is not None and new.facilitator_id == other.facilitator_id:
            raise SchedulingError("facilitator", f"The facilitator already leads {when}.")


def check_group_size(max_size: int, *, min_size: int, limit: int, is_group: bool) -> None:
    if not is_group:
        if max_size != 1:
            raise SchedulingError("max_size", "A one-to-one service has exactly one participant.")
        return
    if max_size < min_size:
        raise SchedulingError("max_size", f"A group of this kind needs room for at least {min_size} participants.")
    if max_size > limit:
        raise SchedulingError("max_size", f"A group may have at most {limit} participants.")


def seats_needed(participants: int) -> int:
    """Seats a session needs: the participants and one facilitator (rooms count everyone seated)."""
    return participants + 1


def check_room_fits(room_name: str, room_capacity: int, participants: int, *, field: str = "room") -> None:
    """A room's capacity counts everyone seated, the facilitator included."""
    if room_capacity < seats_needed(participants):
        raise SchedulingError(
            field,
            f"{room_name} is too small: it seats {room_capacity}, and {participants} participant(s) "
            f"with a facilitator need {seats_needed(participants)}.",
        )


def check_has_place(booked: int, capacity: int) -> None:
    """Booking one more participant must keep the session within its capacity."""
    if booked >= capacity:
        raise SchedulingError("session", f"This session is full ({booked} of {capacity} places booked).")


def check_capacity_not_below_bookings(capacity: int, booked: int) -> None:
    if capacity < 1:
        raise SchedulingError("capacity", "Capacity must be at least 1.")
    if capacity < booked:
        raise SchedulingError(
            "capacity", f"Capacity {capacity} is below the {booked} participants already booked; unbook some first."
        )


Window = tuple[dt.time, dt.time]


def check_available(
    windows: Mapping[int, Window] | None, weekday: int, start: dt.time, end: dt.time, *, who: str = "The participant"
) -> None:
    """``windows`` maps weekday to (earliest, latest); None means no availability was recorded (no limit).
    The session must start at or after ``earliest`` and end at or before ``latest``."""
    if windows is None:
        return
    window = windows.get(weekday)
    if window is None:
        raise SchedulingError("availability", f"{who} is not available on {DAY_NAMES[weekday]}s.")
    earliest, latest = window
    if start < earliest or end > latest:
        raise SchedulingError(
            "availability",
            f"{who} is available on {DAY_NAMES[weekday]}s from {hhmm(earliest)} to {hhmm(latest)} only "
            f"(the session runs {hhmm(start)}-{hhmm(end)}).",
        )


def check_credentials(held: Iterable[str], required: Iterable[str], *, service: str, who: str) -> None:
    """The facilitator must hold any one of the service's required credentials (none required: anyone)."""
    needed = set(required)
    if needed and not needed & set(held):
        raise SchedulingError(
            "facilitator", f"{who} does not hold a credential for {service} (needs {' or '.join(sorted(needed))})."
        )
