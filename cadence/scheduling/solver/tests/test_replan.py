"""Re-planning keeps everyone who is not affected exactly where they were."""

from __future__ import annotations

from collections import Counter

import pytest

from cadence.scheduling.solver import call_out, check, generate, solve
from cadence.scheduling.solver.checker import count_changes
from cadence.scheduling.solver.types import Problem, SolveResult

from .helpers import individual, person, week


@pytest.fixture(scope="module")
def planned() -> tuple[Problem, SolveResult]:
    problem = generate(40, seed=11)
    return problem, solve(problem, time_limit=4, explain=False)


def busiest_clinician(result: SolveResult) -> str:
    load = Counter(b.clinician for b in result.solution.bookings)
    load.update(f.staff for f in result.solution.facilitations)
    return next(s for s, _n in load.most_common() if "-C" in s)


def test_replan_after_a_call_out_moves_only_affected_participants(planned: tuple[Problem, SolveResult]) -> None:
    problem, first = planned
    sick = busiest_clinician(first)
    changed = call_out(problem, sick)
    result = solve(changed, previous=first.solution, time_limit=4, explain=False)

    assert check(changed, result.solution).ok
    touched = {b.participant for b in first.solution.bookings if b.clinician == sick}
    led = {f.session for f in first.solution.facilitations if f.staff == sick}
    in_led_groups = {a.participant for a in first.solution.assignments if a.session in led}
    assert result.diff is not None
    moved = set(result.diff.moved_participants)
    assert moved <= touched | in_led_groups
    assert moved <= set(result.stats.affected_participants)
    assert touched <= moved, "everyone booked with the sick clinician needs a new booking"
    assert all(sick not in {old, new} or new != sick for _g, old, new in result.diff.facilitator_changes)
    assert not any(f.staff == sick for f in result.solution.facilitations)
    assert not any(b.clinician == sick for b in result.solution.bookings)


def test_replan_without_any_change_moves_nobody(planned: tuple[Problem, SolveResult]) -> None:
    problem, first = planned
    result = solve(problem, previous=first.solution, time_limit=2, explain=False)
    assert result.diff is not None
    assert result.diff.changes == ()
    assert result.diff.facilitator_changes == ()
    assert count_changes(problem, first.solution, result.solution) == 0


def test_stability_term_is_scored_identically_by_model_and_checker(planned: tuple[Problem, SolveResult]) -> None:
    problem, first = planned
    changed = call_out(problem, busiest_clinician(first))
    result = solve(changed, previous=first.solution, stability_weight=700, time_limit=3, explain=False)
    report = check(changed, result.solution, previous=first.solution, stability_weight=700)
    assert report.objective == result.objective
    # CP-SAT may stop before setting helper variables (e.g. "booking kept") to their best values,
    # so its own objective can only be higher than the checker's re-scoring of the same plan.
    assert result.stats.model_objective is not None
    assert result.stats.model_objective >= result.objective
    if result.status == "OPTIMAL":
        assert result.stats.model_objective == result.objective


def test_new_participant_is_planned_without_moving_the_others() -> None:
    people = [person("p1"), person("p2")]
    problem = week(people, needs=[individual("p1"), individual("p2")])
    first = solve(problem, time_limit=3)
    grown = week([*people, person("p3")], needs=[individual("p1"), individual("p2"), individual("p3")])
    result = solve(grown, previous=first.solution, time_limit=3)
    assert result.diff is not None
    assert result.diff.moved_participants == ("p3",)
    assert check(grown, result.solution).ok
    assert not result.shortfalls
