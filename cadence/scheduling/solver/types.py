"""Plain data for one week of scheduling: the problem, the plan (solution) and the solver's report.

Times are whole minutes. A time of day is minutes after midnight (540 = 09:00); a day is a weekday
number (0 = Monday ... 6 = Sunday). Where an absolute time in the week is needed it is
``day * 1440 + minute``. Nothing here imports Django: these classes are the contract between the
Django app, the JSON files and the solver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

MINUTES_PER_DAY = 1440
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ProblemError(ValueError):
    """Raised when a problem or solution is malformed (bad times, unknown or duplicate ids)."""


def format_time(minute: int) -> str:
    """Return ``HH:MM`` for minutes after midnight."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A span of one day, ``start`` inclusive and ``end`` exclusive, in minutes after midnight.

    Raises ProblemError if the span is empty or leaves the day.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ProblemError(f"bad time window {self.start}-{self.end}")

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def covers(self, start: int, end: int) -> bool:
        """True if ``[start, end)`` lies inside this window."""
        return self.start <= start and end <= self.end

    def __str__(self) -> str:
        return f"{format_time(self.start)}-{format_time(self.end)}"


@dataclass(frozen=True, slots=True)
class TimeSlot:
    """A span on one weekday, e.g. a staff member's time off."""

    day: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.day < 7:
            raise ProblemError(f"bad weekday {self.day}")
        TimeWindow(self.start, self.end)

    def overlaps(self, day: int, start: int, end: int) -> bool:
        return self.day == day and self.start < end and start < self.end


@dataclass(frozen=True, slots=True)
class Weights:
    """Penalty points of the objective (lower is better). The checker scores with the same numbers.

    The first three make the minimum hours and days "hard where possible": they outweigh every
    comfort goal, so the solver only leaves a shortfall when nothing else can be done.
    """

    shortfall_minute: int = 1000
    shortfall_day: int = 20000
    unmet_one_to_one: int = 30000
    missed_last_week_session: int = 300
    lost_peer: int = 50
    clinician_change: int = 200
    not_primary_clinician: int = 400
    not_preferred_clinician: int = 200
    avoid_day: int = 500
    group_size_spread: int = 100
    excess_minute: int = 1


@dataclass(frozen=True, slots=True)
class Participant:
    """Someone enrolled in a track, with what they need this week and what they had last week.

    ``availability`` maps weekday to the earliest/latest time they can be at the program.
    ``last_week_sessions`` holds the *series* keys of last week's group sessions (see GroupSession).
    """

    id: str
    program: str
    track: str
    availability: Mapping[int, TimeWindow]
    min_weekly_minutes: int
    min_days: int
    max_weekly_minutes: int | None = None
    avoid_days: frozenset[int] = frozenset()
    preferred_clinician: str | None = None
    primary_clinician: str | None = None
    last_week_sessions: frozenset[str] = frozenset()
    last_week_peers: frozenset[str] = frozenset()
    last_week_clinicians: frozenset[str] = frozenset()

    @property
    def track_key(self) -> tuple[str, str]:
        return (self.program, self.track)


@dataclass(frozen=True, slots=True)
class GroupSession:
    """A group held at a fixed time and room. It runs if at least ``min_size`` participants attend.

    A running group needs one facilitator holding *any* of ``required_credentials`` (empty: any
    staff member). ``series`` names the recurring slot (e.g. "group A, Monday morning") so that
    continuity with last week can be recognised; it defaults to the session id.
    """

    id: str
    program: str
    track: str
    service_type: str
    day: int
    start: int
    end: int
    room: str
    min_size: int
    max_size: int
    required_credentials: frozenset[str] = frozenset()
    counts_toward_hours: bool = True
    series: str = ""

    def __post_init__(self) -> None:
        TimeSlot(self.day, self.start, self.end)
        if not 0 <= self.min_size <= self.max_size:
            raise ProblemError(f"session {self.id}: bad size limits {self.min_size}-{self.max_size}")

    @property
    def track_key(self) -> tuple[str, str]:
        return (self.program, self.track)

    @property
    def series_key(self) -> str:
        return self.series or self.id

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class OneToOneNeed:
    """A participant needs ``minutes_per_week`` of a service in sessions of ``session_minutes``,
    with a clinician holding any of ``credentials``. ``attendees`` counts the people besides the
    clinician (family sessions bring relatives), which decides the room size.

    Raises ProblemError if the weekly minutes are not a whole number of sessions.
    """

    id: str
    participant: str
    service_type: str
    minutes_per_week: int
    session_minutes: int
    credentials: frozenset[str]
    attendees: int = 1
    counts_toward_hours: bool = True

    def __post_init__(self) -> None:
        if self.session_minutes <= 0 or self.minutes_per_week % self.session_minutes:
            raise ProblemError(f"need {self.id}: weekly minutes must be whole sessions")

    @property
    def sessions_per_week(self) -> int:
        return self.minutes_per_week // self.session_minutes


@dataclass(frozen=True, slots=True)
class Staff:
    """A staff member. ``programs`` limits where they work (empty: every program)."""

    id: str
    credentials: frozenset[str]
    availability: Mapping[int, TimeWindow]
    max_weekly_minutes: int
    time_off: tuple[TimeSlot, ...] = ()
    programs: frozenset[str] = frozenset()

    def serves(self, program: str) -> bool:
        return not self.programs or program in self.programs

    def free_windows(self, day: int) -> list[tuple[int, int]]:
        """Working spans of ``day`` with time off cut out."""
        window = self.availability.get(day)
        if window is None:
            return []
        spans = [(window.start, window.end)]
        for off in self.time_off:
            if off.day != day:
                continue
            cut: list[tuple[int, int]] = []
            for start, end in spans:
                if off.end <= start or end <= off.start:
                    cut.append((start, end))
                    continue
                if start < off.start:
                    cut.append((start, off.start))
                if off.end < end:
                    cut.append((off.end, end))
            spans = cut
        return spans

    def is_free(self, day: int, start: int, end: int) -> bool:
        """True if the whole span lies in working time (ignores other bookings)."""
        return any(s <= start and end <= e for s, e in self.free_windows(day))


@dataclass(frozen=True, slots=True)
class Room:
    """A room. ``capacity`` counts everyone seated, staff included."""

    id: str
    capacity: int
    programs: frozenset[str] = frozenset()

    def serves(self, program: str) -> bool:
        return not self.programs or program in self.programs


@dataclass(frozen=True, slots=True)
class Problem:
    """One week to plan. ``slot_minutes`` is the grid on which one-to-one sessions may start."""

    week_start: date
    participants: tuple[Participant, ...]
    group_sessions: tuple[GroupSession, ...]
    needs: tuple[OneToOneNeed, ...]
    staff: tuple[Staff, ...]
    rooms: tuple[Room, ...]
    weights: Weights = field(default_factory=Weights)
    slot_minutes: int = 30


@dataclass(frozen=True, slots=True, order=True)
class GroupAssignment:
    participant: str
    session: str


@dataclass(frozen=True, slots=True, order=True)
class Facilitation:
    session: str
    staff: str


@dataclass(frozen=True, slots=True, order=True)
class Booking:
    """A one-to-one (individual, family, ...) session: who, with whom, when and where."""

    participant: str
    need: str
    clinician: str
    day: int
    start: int
    end: int
    room: str


@dataclass(frozen=True, slots=True)
class Solution:
    """A plan for the week. Groups with nobody assigned do not run and need no facilitator."""

    assignments: tuple[GroupAssignment, ...] = ()
    facilitations: tuple[Facilitation, ...] = ()
    bookings: tuple[Booking, ...] = ()

    def normalized(self) -> Solution:
        """The same plan with every list sorted and de-duplicated (stable output, easy diffs)."""
        return Solution(
            tuple(sorted(set(self.assignments))),
            tuple(sorted(set(self.facilitations))),
            tuple(sorted(set(self.bookings))),
        )


@dataclass(frozen=True, slots=True)
class Shortfall:
    """A participant whose minimum is not met, with reasons in plain words."""

    participant: str
    minutes_short: int
    days_short: int
    unmet_needs: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UnavoidableCost:
    """Penalty points ``participant`` costs in *every* plan, under a checker ``term``, and why (in
    plain words). Found by a pure pre-pass over the problem (``floor.unavoidable_costs``)."""

    participant: str
    term: str
    points: int
    reason: str


@dataclass(frozen=True, slots=True)
class ParticipantChange:
    """What changed for one participant between two plans."""

    participant: str
    left_sessions: tuple[str, ...] = ()
    joined_sessions: tuple[str, ...] = ()
    cancelled_bookings: tuple[Booking, ...] = ()
    new_bookings: tuple[Booking, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanDiff:
    """Differences between a previous plan and a new one."""

    changes: tuple[ParticipantChange, ...] = ()
    facilitator_changes: tuple[tuple[str, str | None, str | None], ...] = ()

    @property
    def moved_participants(self) -> tuple[str, ...]:
        return tuple(change.participant for change in self.changes)


@dataclass(slots=True)
class SolveStats:
    """Timings and sizes, for the CLI summary and the benchmark."""

    greedy_objective: int = 0
    greedy_seconds: float = 0.0
    first_solution_seconds: float | None = None
    solve_seconds: float = 0.0
    components: int = 0
    components_solved: int = 0
    components_optimal: int = 0
    components_at_floor: int = 0
    second_pass: int = 0
    merged_tracks: list[list[str]] = field(default_factory=list)
    shared_staff: dict[str, list[str]] = field(default_factory=dict)
    shared_cap_repairs: list[str] = field(default_factory=list)
    affected_participants: list[str] = field(default_factory=list)
    locked_participants: int = 0
    fallbacks: list[str] = field(default_factory=list)
    model_objective: int | None = None


@dataclass(slots=True)
class SolveResult:
    """What ``solve`` returns: the plan and how good it is.

    ``best_bound`` is the sum of CP-SAT's proven lower bounds over the solved components (a
    component kept from the previous plan or from greedy contributes its own objective).
    ``objective`` is the full penalty; ``unavoidable`` is its constant part that no plan can avoid
    (``unavoidable_costs`` says who and why), so ``avoidable_objective`` is what planning can still
    improve and the figure to compare between planners.
    """

    solution: Solution
    status: str
    objective: int
    best_bound: int
    shortfalls: tuple[Shortfall, ...] = ()
    diff: PlanDiff | None = None
    stats: SolveStats = field(default_factory=SolveStats)
    unavoidable: int = 0
    unavoidable_costs: tuple[UnavoidableCost, ...] = ()

    @property
    def avoidable_objective(self) -> int:
        return self.objective - self.unavoidable

    @property
    def avoidable_bound(self) -> int:
        return max(0, self.best_bound - self.unavoidable)

    @property
    def gap(self) -> float:
        """Relative distance between the objective and the bound (0.0 means proven optimal)."""
        if self.objective <= 0:
            return 0.0
        return max(0.0, (self.objective - self.best_bound) / self.objective)
