"""Seeded synthetic IOP weeks for tests and the benchmark. All names and data are made up.

Shape of a generated week (numbers drawn from ``random.Random(seed)``):

* tracks of about 36 participants; each program runs a morning track (groups 09:00-12:00) and an
  evening track (groups 18:00-21:00), Monday to Friday; two programs share a site;
* each track has parallel 3-hour groups ("A", "B", ...) of at most 12 every weekday;
* everyone needs 9 hours (some 10 or 12) on at least 3 days, an individual session each week;
  some also need family therapy (LCSW, family room) or medication management (MD, 30 minutes);
* staff: per track a few licensed clinicians (LCSW, LPC, LADC) and a peer specialist; per program an
  MD and an RN who serve both tracks; per site a family therapist who serves both programs;
* about ``hard_share`` of participants cannot be fully served (available on too few days, or only
  at times when no group runs), so shortfall explanations have something to explain.
"""

from __future__ import annotations

import math
import random
from datetime import date
from typing import NamedTuple

from .types import (
    GroupSession,
    OneToOneNeed,
    Participant,
    Problem,
    Room,
    Staff,
    TimeSlot,
    TimeWindow,
)

WEEKDAYS_OPEN = (0, 1, 2, 3, 4)
LICENSED = ("LCSW", "LPC", "LADC")
CLINICIAN_CREDENTIALS = (
    frozenset({"LCSW"}),
    frozenset({"LPC"}),
    frozenset({"LADC"}),
    frozenset({"LPC", "LADC"}),
    frozenset({"LCSW", "LADC"}),
)
GROUP_TYPES = ("process group", "relapse prevention", "CBT skills", "DBT skills", "psychoeducation")


class TrackShape(NamedTuple):
    group: tuple[int, int]
    staff: tuple[int, int]
    people: tuple[tuple[int, int], ...]


TRACKS = {
    "morning": TrackShape((540, 720), (480, 840), ((480, 840), (510, 780), (480, 780))),
    "evening": TrackShape((1080, 1260), (900, 1290), ((960, 1290), (1020, 1290), (900, 1290))),
}
TRACK_SIZE = 36
REQUIRED_MINUTES = {5: (540, 540, 540, 600, 720), 4: (540, 540, 600)}


def generate(n_participants: int, seed: int, *, hard_share: float = 0.02, week_start: date | None = None) -> Problem:
    """Return a realistic synthetic week with ``n_participants`` participants.

    The same ``(n_participants, seed, hard_share)`` always gives the same problem.
    Raises ValueError if ``n_participants`` is negative.
    """
    if n_participants < 0:
        raise ValueError("n_participants must be zero or more")
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    n_tracks = max(1, round(n_participants / TRACK_SIZE))
    sizes = [n_participants // n_tracks + (1 if i < n_participants % n_tracks else 0) for i in range(n_tracks)]
    participants: list[Participant] = []
    sessions: list[GroupSession] = []
    needs: list[OneToOneNeed] = []
    staff: list[Staff] = []
    rooms: list[Room] = []
    n_programs = math.ceil(n_tracks / 2)
    for prog_no in range(n_programs):
        program = f"P{prog_no + 1:02d}"
        site = f"S{prog_no // 2 + 1:02d}"
        track_sizes = sizes[prog_no * 2 : prog_no * 2 + 2]
        parallel = max(max(2, math.ceil(size * 0.75 / 11)) for size in track_sizes)
        for k in range(parallel):
            rooms.append(Room(f"{program}-G{k + 1}", rng.choice((10, 12, 14, 16)), frozenset({program})))
        for k in range(3 + parallel // 2):
            rooms.append(Room(f"{program}-O{k + 1}", rng.choice((2, 3)), frozenset({program})))
        rooms.append(Room(f"{program}-F1", 6, frozenset({program})))
        rn = Staff(
            f"{program}-RN",
            frozenset({"RN"}),
            {d: TimeWindow(480, 1290) for d in WEEKDAYS_OPEN},
            max_weekly_minutes=2400,
            programs=frozenset({program}),
        )
        staff.append(rn)
        if prog_no % 2 == 0:
            programs = frozenset({program, f"P{prog_no + 2:02d}"}) if prog_no + 1 < n_programs else frozenset({program})
            staff.append(
                Staff(
                    f"{site}-FAM",
                    frozenset({"LCSW"}),
                    {d: TimeWindow(720, 1200) for d in WEEKDAYS_OPEN},
                    max_weekly_minutes=2400,
                    programs=programs,
                )
            )
        for track_no, size in enumerate(track_sizes):
            track = ("morning", "evening")[track_no]
            _make_track(rng, program, track, size, parallel, hard_share, participants, sessions, needs, staff)
        # The MD sees the morning track on Monday and Wednesday and the evening track on Tuesday and
        # Thursday, with about a third more hours than the program's medication reviews need.
        demand = sum(n.minutes_per_week for n in needs if n.id.startswith(program + "-") and "MD" in n.credentials)
        staff.append(
            Staff(
                f"{program}-MD",
                frozenset({"MD"}),
                {0: TimeWindow(480, 840), 1: TimeWindow(900, 1290), 2: TimeWindow(480, 840), 3: TimeWindow(900, 1290)},
                max_weekly_minutes=max(240, -(-demand * 4 // 3 // 60) * 60),
                programs=frozenset({program}),
            )
        )
    return Problem(
        week_start=week_start or date(2025, 3, 3),
        participants=tuple(participants),
        group_sessions=tuple(sessions),
        needs=tuple(needs),
        staff=tuple(staff),
        rooms=tuple(rooms),
    )


def _make_track(
    rng: random.Random,
    program: str,
    track: str,
    size: int,
    parallel: int,
    hard_share: float,
    participants: list[Participant],
    sessions: list[GroupSession],
    needs: list[OneToOneNeed],
    staff: list[Staff],
) -> None:
    shape = TRACKS[track]
    g_start, g_end = shape.group
    s_start, s_end = shape.staff
    tag = "AM" if track == "morning" else "PM"
    clinicians: list[Staff] = []
    for k in range(parallel + 1):
        part_time = rng.random() < 0.2
        work_days = WEEKDAYS_OPEN if not part_time else tuple(sorted(rng.sample(WEEKDAYS_OPEN, 4)))
        clinicians.append(
            Staff(
                f"{program}-{tag}-C{k + 1}",
                frozenset({"LCSW"}) if k == 0 else rng.choice(CLINICIAN_CREDENTIALS),
                {d: TimeWindow(s_start, s_end) for d in work_days},
                max_weekly_minutes=1440 if part_time else 2400,
                programs=frozenset({program}),
            )
        )
    peer = Staff(
        f"{program}-{tag}-PS",
        frozenset({"peer specialist"}),
        {d: TimeWindow(s_start, s_end) for d in WEEKDAYS_OPEN},
        max_weekly_minutes=2400,
        programs=frozenset({program}),
    )
    staff += [*clinicians, peer]
    letters = [chr(ord("A") + k) for k in range(parallel)]
    for day in WEEKDAYS_OPEN:
        kind = GROUP_TYPES[day]
        creds = frozenset(LICENSED) if kind != "psychoeducation" else frozenset({*LICENSED, "RN", "peer specialist"})
        for k, letter in enumerate(letters):
            key = f"{program}-{tag}-{letter}-{('mon', 'tue', 'wed', 'thu', 'fri')[day]}"
            sessions.append(
                GroupSession(
                    id=key,
                    program=program,
                    track=track,
                    service_type=kind,
                    day=day,
                    start=g_start,
                    end=g_end,
                    room=f"{program}-G{k + 1}",
                    min_size=3,
                    max_size=12,
                    required_credentials=creds,
                    series=key,
                )
            )
    ids = [f"{program}-{tag}-{i + 1:03d}" for i in range(size)]
    cohort = {pid: rng.choice(letters) for pid in ids}
    for i, pid in enumerate(ids):
        hard = rng.random() < hard_share
        lo, hi = rng.choice(shape.people)
        days: list[int] = list(WEEKDAYS_OPEN)
        if rng.random() < 0.3:
            for d in rng.sample(days, 1 if rng.random() < 0.7 else 2):
                days.remove(d)
        if hard and i % 2 == 0:
            days = sorted(rng.sample(WEEKDAYS_OPEN, 2))
        elif hard:
            lo, hi = (g_end - 60, g_end + 30) if track == "evening" else (g_start - 60, g_start + 60)
        availability = {d: TimeWindow(lo, hi) for d in days}
        last_days = rng.sample(days, min(3, len(days)))
        primary = rng.choice(clinicians)
        peers = [q for q in ids if q != pid and cohort[q] == cohort[pid]]
        participants.append(
            Participant(
                id=pid,
                program=program,
                track=track,
                availability=availability,
                min_weekly_minutes=rng.choice(REQUIRED_MINUTES.get(len(days), (540,))),
                min_days=3,
                max_weekly_minutes=1140,
                avoid_days=frozenset(rng.sample(days, 1)) if rng.random() < 0.2 and len(days) > 3 else frozenset(),
                preferred_clinician=rng.choice(clinicians).id if rng.random() < 0.2 else None,
                primary_clinician=primary.id,
                last_week_sessions=frozenset(
                    f"{program}-{tag}-{cohort[pid]}-{('mon', 'tue', 'wed', 'thu', 'fri')[d]}" for d in last_days
                ),
                last_week_peers=frozenset(rng.sample(peers, min(3, len(peers)))),
                last_week_clinicians=frozenset({primary.id}) if rng.random() < 0.8 else frozenset(),
            )
        )
        needs.append(OneToOneNeed(f"{pid}-IND", pid, "individual", 60, 60, frozenset(LICENSED)))
        if rng.random() < 0.2:
            needs.append(
                OneToOneNeed(f"{pid}-FAM", pid, "family", 60, 60, frozenset({"LCSW"}), attendees=rng.choice((3, 4)))
            )
        if rng.random() < 0.2:
            needs.append(OneToOneNeed(f"{pid}-MED", pid, "medication management", 30, 30, frozenset({"MD"})))


def call_out(problem: Problem, staff_id: str, days: tuple[int, ...] = WEEKDAYS_OPEN) -> Problem:
    """The same problem with ``staff_id`` off sick on ``days`` (whole working day).

    Raises KeyError if no such staff member exists.
    """
    found = False
    new_staff: list[Staff] = []
    for s in problem.staff:
        if s.id == staff_id:
            found = True
            off = tuple(TimeSlot(d, w.start, w.end) for d, w in sorted(s.availability.items()) if d in days)
            s = Staff(s.id, s.credentials, s.availability, s.max_weekly_minutes, s.time_off + off, s.programs)
        new_staff.append(s)
    if not found:
        raise KeyError(staff_id)
    return Problem(
        problem.week_start,
        problem.participants,
        problem.group_sessions,
        problem.needs,
        tuple(new_staff),
        problem.rooms,
        problem.weights,
        problem.slot_minutes,
    )
