"""Property tests: on random small weeks, greedy and CP-SAT plans always pass the checker."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cadence.scheduling.solver import check, greedy, solve
from cadence.scheduling.solver.cpsat import solve_component
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

CREDS = ("LCSW", "LADC", "MD")
TRACKS = ("morning", "evening")


@st.composite
def windows(draw: st.DrawFn) -> TimeWindow:
    start = draw(st.integers(16, 34)) * 30
    length = draw(st.integers(2, 24)) * 30
    return TimeWindow(start, min(1440, start + length))


@st.composite
def long_windows(draw: st.DrawFn) -> TimeWindow:
    start = draw(st.integers(14, 20)) * 30
    return TimeWindow(start, start + draw(st.integers(16, 28)) * 30)


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    rooms = [Room(f"R{i}", draw(st.integers(1, 10))) for i in range(draw(st.integers(1, 3)))]
    staff = []
    for i in range(draw(st.integers(1, 4))):
        days = draw(st.sets(st.integers(0, 4), min_size=1))
        off = tuple(
            TimeSlot(d, w.start, w.end) for d, w in draw(st.lists(st.tuples(st.integers(0, 4), windows()), max_size=2))
        )
        staff.append(
            Staff(
                f"S{i}",
                frozenset(draw(st.sets(st.sampled_from(CREDS), min_size=1))),
                {d: draw(st.one_of(windows(), long_windows())) for d in sorted(days)},
                draw(st.integers(0, 20)) * 60,
                off,
            )
        )
    sessions = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(8, 19)) * 60
        lo = draw(st.integers(0, 2))
        sessions.append(
            GroupSession(
                id=f"G{i}",
                program="P",
                track=draw(st.sampled_from(TRACKS)),
                service_type="group",
                day=draw(st.integers(0, 4)),
                start=start,
                end=start + draw(st.sampled_from((60, 90, 180))),
                room=draw(st.sampled_from(rooms)).id,
                min_size=lo,
                max_size=lo + draw(st.integers(0, 4)),
                required_credentials=frozenset(draw(st.sets(st.sampled_from(CREDS), max_size=2))),
                counts_toward_hours=draw(st.booleans()),
                series=draw(st.sampled_from(("", "A", "B"))),
            )
        )
    ids = [f"p{i}" for i in range(draw(st.integers(1, 6)))]
    people = []
    needs = []
    staff_ids = [s.id for s in staff]
    for pid in ids:
        days = draw(st.sets(st.integers(0, 4)))
        people.append(
            Participant(
                id=pid,
                program="P",
                track=draw(st.sampled_from(TRACKS)),
                availability={d: draw(st.one_of(windows(), long_windows())) for d in sorted(days)},
                min_weekly_minutes=draw(st.sampled_from((0, 180, 360, 540))),
                min_days=draw(st.integers(0, 3)),
                max_weekly_minutes=draw(st.one_of(st.none(), st.integers(0, 12).map(lambda h: h * 60))),
                avoid_days=frozenset(draw(st.sets(st.integers(0, 4), max_size=2))),
                preferred_clinician=draw(st.one_of(st.none(), st.sampled_from(staff_ids))),
                primary_clinician=draw(st.one_of(st.none(), st.sampled_from(staff_ids))),
                last_week_sessions=frozenset(draw(st.sets(st.sampled_from(("A", "B", "G0", "G1")), max_size=2))),
                last_week_peers=frozenset(draw(st.sets(st.sampled_from(ids), max_size=2))),
                last_week_clinicians=frozenset(draw(st.sets(st.sampled_from(staff_ids), max_size=1))),
            )
        )
        for k in range(draw(st.integers(0, 2))):
            length = draw(st.sampled_from((30, 60)))
            needs.append(
                OneToOneNeed(
                    f"{pid}-N{k}",
                    pid,
                    draw(st.sampled_from(("individual", "family"))),
                    length * draw(st.integers(1, 2)),
                    length,
                    frozenset(draw(st.sets(st.sampled_from(CREDS), min_size=1))),
                    attendees=draw(st.integers(1, 3)),
                )
            )
    return Problem(
        week_start=date(2025, 3, 3),
        participants=tuple(people),
        group_sessions=tuple(sessions),
        needs=tuple(needs),
        staff=tuple(staff),
        rooms=tuple(rooms),
        slot_minutes=draw(st.sampled_from((15, 30))),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_any_greedy_plan_passes_the_checker(problem: Problem) -> None:
    report = check(problem, greedy(problem))
    assert report.ok, report.violations


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_any_cpsat_plan_passes_the_checker_and_beats_greedy(problem: Problem) -> None:
    result = solve(problem, time_limit=1.0, workers=1, explain=False)
    report = check(problem, result.solution)
    assert report.ok, report.violations
    assert result.objective <= check(problem, greedy(problem)).objective
    assert result.best_bound <= result.objective


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_hours_cuts_never_cut_off_the_optimum(problem: Problem) -> None:
    """``floor.hours_cut`` is stated as a constraint: the proven optimum must be the same without it."""
    everyone = frozenset(p.id for p in problem.participants)
    start = greedy(problem)
    with_cuts = solve_component(problem, hint=start, time_limit=5.0, workers=1, everyone=everyone)
    without = solve_component(problem, hint=start, time_limit=5.0, workers=1, everyone=everyone, cuts=False)
    if with_cuts.status == without.status == "OPTIMAL":
        assert with_cuts.objective == without.objective
    else:  # not proven in time: each bound must still be valid for the other's plan
        assert with_cuts.bound is None or without.objective is None or with_cuts.bound <= without.objective
        assert without.bound is None or with_cuts.objective is None or without.bound <= with_cuts.objective
