"""The unavoidable part of the objective: a constant from the problem alone, never above any plan's
objective, with reasons in plain words, and split the same way for greedy and CP-SAT plans."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cadence.scheduling.solver import check, generate, greedy, solve
from cadence.scheduling.solver.floor import hours_cut, problem_floor, unavoidable_costs
from cadence.scheduling.solver.index import Index
from cadence.scheduling.solver.tests.helpers import clinician, individual, person, week
from cadence.scheduling.solver.types import Weights


def terms(problem: object) -> dict[str, int]:
    found: dict[str, int] = {}
    for cost in unavoidable_costs(problem):  # type: ignore[arg-type]
        found[cost.term] = found.get(cost.term, 0) + cost.points
    return found


def test_a_fully_servable_participant_costs_nothing_unavoidable() -> None:
    assert unavoidable_costs(week([person("p1")])) == []


def test_too_few_available_days_is_unavoidable_with_the_reason() -> None:
    problem = week([person("p1", days=(0, 1))])
    costs = unavoidable_costs(problem)
    by_term = {c.term: c for c in costs}
    assert by_term["shortfall_days"].points == 20000  # one day short
    assert by_term["shortfall_minutes"].points == 180 * 1000  # 6 h of 9 h
    assert "not available on enough days in the evening track" in by_term["shortfall_days"].reason
    assert check(problem, solve(problem, time_limit=5).solution).avoidable == 0


def test_a_primary_clinician_who_never_works_then_is_unavoidable() -> None:
    away = clinician("C9", ["LCSW"], days=(5,))
    problem = week(
        [person("p1", primary_clinician="C9")],
        staff=[clinician("C1", ["LCSW"]), away],
        needs=[individual("p1")],
    )
    assert terms(problem)["not_primary_clinician"] == 400
    result = solve(problem, time_limit=5)
    assert result.unavoidable == problem_floor(problem) >= 400
    report = check(problem, result.solution)
    assert report.breakdown["not_primary_clinician"] == 400
    assert result.avoidable_objective == report.avoidable == result.objective - result.unavoidable


def test_hours_that_cannot_add_up_exactly_leave_unavoidable_excess_minutes() -> None:
    # 9 h from three 3-hour groups plus the weekly individual hour: 60 minutes over, whatever the plan.
    problem = week([person("p1")], needs=[individual("p1")])
    assert terms(problem)["excess_minutes"] == 60
    report = check(problem, solve(problem, time_limit=5).solution)
    assert report.breakdown["excess_minutes"] == 60 and report.avoidable == 0


def test_greedy_and_cp_sat_plans_share_the_same_constant() -> None:
    problem = generate(60, seed=3)
    result = solve(problem, time_limit=4)
    greedy_report = check(problem, greedy(problem))
    cp_report = check(problem, result.solution)
    assert greedy_report.unavoidable == cp_report.unavoidable == result.unavoidable > 0
    assert cp_report.avoidable == result.avoidable_objective
    assert 0 <= cp_report.avoidable <= greedy_report.avoidable


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(5, 40))
def test_the_unavoidable_part_never_exceeds_a_plans_objective(seed: int, n: int) -> None:
    problem = generate(n, seed=seed, hard_share=0.3)
    report = check(problem, greedy(problem))
    assert report.ok
    assert 0 <= report.unavoidable <= report.objective
    assert report.unavoidable == problem_floor(problem)  # the floor used as a bound is the same constant


def test_hours_cut_is_the_least_excess_or_shortfall_with_every_session_booked() -> None:
    w = Weights()
    exact = week([person("p1")])  # three 3-hour groups give exactly 9 h
    over = week([person("p1")], needs=[individual("p1")])  # 9 h + the individual hour: 60 minutes over
    short = week([person("p1", days=[0, 1])], needs=[individual("p1")])  # 2 groups + 1 h = 7 h of 9
    assert hours_cut(Index(exact), exact.participants[0]) == 0
    assert hours_cut(Index(over), over.participants[0]) == 60 * w.excess_minute
    assert hours_cut(Index(short), short.participants[0]) == 120 * w.shortfall_minute
