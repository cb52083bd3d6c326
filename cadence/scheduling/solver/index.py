"""Look-ups and candidate lists shared by the greedy planner, the CP-SAT model and the explainer.

The checker deliberately does not use this module, so that a mistake here cannot hide itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TypeVar

from .types import (
    MINUTES_PER_DAY,
    GroupSession,
    OneToOneNeed,
    Participant,
    Problem,
    ProblemError,
    Room,
    Staff,
)

_T = TypeVar("_T", Participant, GroupSession, OneToOneNeed, Staff, Room)


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


class Index:
    """Dictionaries and eligibility rules over one problem.

    Raises ProblemError for duplicate ids or references to unknown participants or rooms.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.participants: dict[str, Participant] = _unique(problem.participants, "participant")
        self.sessions: dict[str, GroupSession] = _unique(problem.group_sessions, "group session")
        self.needs: dict[str, OneToOneNeed] = _unique(problem.needs, "need")
        self.staff: dict[str, Staff] = _unique(problem.staff, "staff member")
        self.rooms: dict[str, Room] = _unique(problem.rooms, "room")
        self.needs_of: dict[str, list[OneToOneNeed]] = defaultdict(list)
        for need in problem.needs:
            if need.participant not in self.participants:
                raise ProblemError(f"need {need.id}: unknown participant {need.participant}")
            self.needs_of[need.participant].append(need)
        self.track_sessions: dict[tuple[str, str], list[GroupSession]] = defaultdict(list)
        for session in problem.group_sessions:
            if session.room not in self.rooms:
                raise ProblemError(f"session {session.id}: unknown room {session.room}")
            self.track_sessions[session.track_key].append(session)
        for sessions in self.track_sessions.values():
            sessions.sort(key=lambda g: (g.day, g.start, g.end, g.id))
        self._free: dict[tuple[str, int], list[tuple[int, int]]] = {}
        self._facilitators: dict[str, list[Staff]] = {}
        self._program_staff: dict[str, list[Staff]] = {}

    def staff_in(self, program: str) -> list[Staff]:
        """Staff who work in ``program``, in problem order."""
        found = self._program_staff.get(program)
        if found is None:
            found = self._program_staff[program] = [s for s in self.problem.staff if s.serves(program)]
        return found

    def staff_free(self, staff: Staff, day: int, start: int, end: int) -> bool:
        """True if ``staff`` is working for the whole span (memoised ``Staff.is_free``)."""
        key = (staff.id, day)
        spans = self._free.get(key)
        if spans is None:
            spans = self._free[key] = staff.free_windows(day)
        return any(s <= start and end <= e for s, e in spans)

    def capacity(self, session: GroupSession) -> int:
        """Most participants the group may take: its max size, and the room's seats less one for staff."""
        return max(0, min(session.max_size, self.rooms[session.room].capacity - 1))

    def can_attend(self, participant: Participant, session: GroupSession) -> bool:
        window = participant.availability.get(session.day)
        return (
            session.track_key == participant.track_key
            and window is not None
            and window.covers(session.start, session.end)
        )

    def sessions_for(self, participant: Participant) -> list[GroupSession]:
        """Group sessions of the participant's own track that fit their availability."""
        return [g for g in self.track_sessions.get(participant.track_key, []) if self.can_attend(participant, g)]

    def facilitators_for(self, session: GroupSession) -> list[Staff]:
        """Staff who hold a required credential, work in the program and are working then."""
        found = self._facilitators.get(session.id)
        if found is None:
            found = self._facilitators[session.id] = [
                s
                for s in self.staff_in(session.program)
                if (not session.required_credentials or s.credentials & session.required_credentials)
                and self.staff_free(s, session.day, session.start, session.end)
            ]
        return found

    def rooms_for(self, need: OneToOneNeed) -> list[Room]:
        """Rooms seating the attendees plus the clinician, smallest first."""
        program = self.participants[need.participant].program
        rooms = [r for r in self.problem.rooms if r.serves(program) and r.capacity >= need.attendees + 1]
        return sorted(rooms, key=lambda r: (r.capacity, r.id))

    def clinician_starts(self, need: OneToOneNeed) -> dict[str, list[int]]:
        """For each clinician who may deliver the need: the start times fitting both diaries."""
        participant = self.participants[need.participant]
        result: dict[str, list[int]] = {}
        for staff in self.staff_in(participant.program):
            if not staff.credentials & need.credentials:
                continue
            fitting: list[int] = []
            for day in sorted(participant.availability):
                window = participant.availability[day]
                spans = self._free.get((staff.id, day))
                if spans is None:
                    spans = self._free[(staff.id, day)] = staff.free_windows(day)
                for s, e in spans:
                    fitting += self._grid(day, max(s, window.start), min(e, window.end), need.session_minutes)
            if fitting:
                result[staff.id] = sorted(fitting)
        return result

    def _grid(self, day: int, start: int, end: int, length: int) -> list[int]:
        step = self.problem.slot_minutes
        first = -(-start // step) * step
        return [day * MINUTES_PER_DAY + m for m in range(first, end - length + 1, step)]

    def parallel_sets(self, sessions: list[GroupSession]) -> list[list[GroupSession]]:
        """Groups of two or more sessions of one track held at exactly the same time (balanced sizes)."""
        buckets: dict[tuple[str, str, int, int, int], list[GroupSession]] = defaultdict(list)
        for g in sessions:
            buckets[(g.program, g.track, g.day, g.start, g.end)].append(g)
        return [sorted(b, key=lambda g: g.id) for _, b in sorted(buckets.items()) if len(b) > 1]


def overlap_cliques(items: list[tuple[int, int, int]]) -> list[list[int]]:
    """Maximal sets of mutually overlapping intervals among ``(start, end, key)`` triples.

    For intervals every such set is the set alive at some start point, so a sweep finds them all.
    """
    cliques: list[list[int]] = []
    ordered = sorted(items)
    for start, _end, _key in ordered:
        alive = [k for s, e, k in ordered if s <= start < e]
        if len(alive) > 1 and (not cliques or not set(alive) <= set(cliques[-1])):
            cliques.append(alive)
    return cliques


def _unique(items: tuple[_T, ...], what: str) -> dict[str, _T]:
    result: dict[str, _T] = {}
    for item in items:
        if item.id in result:
            raise ProblemError(f"duplicate {what} id {item.id}")
        result[item.id] = item
    return result
