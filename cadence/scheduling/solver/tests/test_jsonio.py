"""Problems and plans survive a trip through JSON; bad files give clear errors."""

from __future__ import annotations

import json

import pytest

from cadence.scheduling.solver import ProblemError, from_json, generate, greedy, to_json
from cadence.scheduling.solver.jsonio import problem_from_json, solution_from_json
from cadence.scheduling.solver.types import Solution, TimeSlot

from .helpers import clinician, individual, person, week


def test_generated_problem_round_trips() -> None:
    problem = generate(40, seed=5)
    assert from_json(to_json(problem)) == problem


def test_problem_with_time_off_and_preferences_round_trips() -> None:
    p1 = person("p1", avoid_days=frozenset({4}), preferred_clinician="C1", last_week_peers=frozenset({"p2"}))
    staff = [clinician("C1", off=(TimeSlot(2, 15 * 60, 17 * 60),))]
    problem = week([p1, person("p2", max_weekly_minutes=1140)], staff=staff, needs=[individual("p1")])
    assert problem_from_json(to_json(problem)) == problem


def test_plan_round_trips_and_is_sorted() -> None:
    problem = generate(40, seed=5)
    plan = greedy(problem)
    text = to_json(plan)
    assert solution_from_json(text) == plan.normalized()
    assert to_json(solution_from_json(text)) == text


def test_plan_file_with_report_reads_back_as_a_plan() -> None:
    from cadence.scheduling.solver import solve

    problem = week([person("p1", days=[0, 1])])
    result = solve(problem, time_limit=2)
    data = json.loads(to_json(result))
    assert data["report"]["shortfalls"][0]["reasons"]
    assert isinstance(from_json(json.dumps(data)), Solution)


def test_times_and_days_are_human_readable() -> None:
    data = json.loads(to_json(week([person("p1", days=[0])])))
    assert data["participants"][0]["availability"] == {"mon": ["16:00", "21:30"]}
    assert data["group_sessions"][0]["start"] == "18:00"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="nope"), "unknown format"),
        (lambda d: d["participants"][0].pop("min_days"), "participants[0]: missing field 'min_days'"),
        (lambda d: d["participants"][0]["availability"].update(mon=["25:00", "26:00"]), "no such time"),
        (lambda d: d["group_sessions"][0].update(day="funday"), "day must be one of"),
        (lambda d: d["weights"].update(bogus=1), "weights: unknown bogus"),
    ],
)
def test_malformed_problem_names_the_bad_field(mutate: object, message: str) -> None:
    data = json.loads(to_json(week([person("p1")])))
    mutate(data)  # type: ignore[operator]
    with pytest.raises(ProblemError, match=message.replace("[", r"\[").replace("]", r"\]")):
        from_json(json.dumps(data))


def test_not_json_at_all_is_a_problem_error() -> None:
    with pytest.raises(ProblemError, match="not valid JSON"):
        from_json("{nope")
