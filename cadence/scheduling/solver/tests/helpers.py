"""Small hand-made weeks for the solver tests: one evening track of program "P"."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cadence.scheduling.solver.types import (
    GroupSession,
    OneToOneNeed,
    Participant,
    Problem,
    Room,
    Staff,
    TimeSlot,
    TimeWindow,
)

EVENING = TimeWindow(16 * 60, 21 * 60 + 30)
WEEK = (0, 1, 2, 3, 4)
LICENSED = frozenset({"LCSW", "LPC", "LADC"})


def person(
    pid: str,
    *,
    days: Iterable[int] = WEEK,
    window: TimeWindow = EVENING,
    minutes: int = 540,
    min_days: int = 3,
    **extra: object,
) -> Participant:
    return Participant(
        id=pid,
        program="P",
        track="evening",
        availability={d: window for d in days},
        min_weekly_minutes=minutes,
        min_days=min_days,
        **extra,  # type: ignore[arg-type]
    )


def group(
    gid: str, day: int, *, room: str = "G1", min_size: int = 1, max_size: int = 12, creds: frozenset[str] = LICENSED
) -> GroupSession:
    return GroupSession(
        id=gid,
        program="P",
        track="evening",
        service_type="process group",
        day=day,
        start=18 * 60,
        end=21 * 60,
        room=room,
        min_size=min_size,
        max_size=max_size,
        required_credentials=creds,
    )


def clinician(
    sid: str,
    creds: Iterable[str] = ("LCSW",),
    *,
    days: Iterable[int] = WEEK,
    max_minutes: int = 2400,
    off: tuple[TimeSlot, ...] = (),
) -> Staff:
    return Staff(
        id=sid,
        credentials=frozenset(creds),
        availability={d: TimeWindow(15 * 60, 21 * 60 + 30) for d in days},
        max_weekly_minutes=max_minutes,
        time_off=off,
    )


def individual(pid: str, creds: Iterable[str] = LICENSED, minutes: int = 60) -> OneToOneNeed:
    return OneToOneNeed(f"{pid}-IND", pid, "individual", minutes, 60, frozenset(creds))


def week(
    participants: Iterable[Participant],
    sessions: Iterable[GroupSession] | None = None,
    staff: Iterable[Staff] | None = None,
    needs: Iterable[OneToOneNeed] = (),
    rooms: Iterable[Room] | None = None,
) -> Problem:
    """A week; by default one group a weekday in room G1, two clinicians, a group room and an office."""
    return Problem(
        week_start=date(2025, 3, 3),
        participants=tuple(participants),
        group_sessions=tuple(sessions if sessions is not None else [group(f"A-{d}", d) for d in WEEK]),
        needs=tuple(needs),
        staff=tuple(staff if staff is not None else [clinician("C1", ["LCSW"]), clinician("C2", ["LADC"])]),
        rooms=tuple(rooms if rooms is not None else [Room("G1", 14), Room("O1", 2), Room("F1", 6)]),
    )
