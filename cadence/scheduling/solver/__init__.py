"""Pure scheduling optimiser for Cadence (no Django): plan an IOP week, check a plan, re-plan it.

    from cadence.scheduling.solver import solve, check, generate
    problem = generate(60, seed=1)
    result = solve(problem, time_limit=10)
    assert check(problem, result.solution).ok

See docs/scheduling-format.md for the JSON format and ``python -m cadence.scheduling.solver``.
"""

from .checker import CheckReport, Violation, check
from .explain import explain_shortfalls
from .generator import call_out, generate
from .greedy import greedy
from .jsonio import from_json, problem_from_json, solution_from_json, to_json
from .solve import plan_diff, solve
from .types import (
    Booking,
    Facilitation,
    GroupAssignment,
    GroupSession,
    OneToOneNeed,
    Participant,
    PlanDiff,
    Problem,
    ProblemError,
    Room,
    Shortfall,
    Solution,
    SolveResult,
    Staff,
    TimeSlot,
    TimeWindow,
    Weights,
)

__all__ = [
    "Booking",
    "CheckReport",
    "Facilitation",
    "GroupAssignment",
    "GroupSession",
    "OneToOneNeed",
    "Participant",
    "PlanDiff",
    "Problem",
    "ProblemError",
    "Room",
    "Shortfall",
    "Solution",
    "SolveResult",
    "Staff",
    "TimeSlot",
    "TimeWindow",
    "Violation",
    "Weights",
    "call_out",
    "check",
    "explain_shortfalls",
    "from_json",
    "generate",
    "greedy",
    "plan_diff",
    "problem_from_json",
    "solution_from_json",
    "solve",
    "to_json",
]
