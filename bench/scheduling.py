"""Benchmark of the scheduling optimiser on seeded synthetic weeks.

    .venv/bin/python bench/scheduling.py            # N = 60, 300, 1000, 3000; 30 s budget each
    .venv/bin/python bench/scheduling.py --quick    # N = 60 and 300 with short budgets
    .venv/bin/python bench/scheduling.py --prove 600  # N = 300 and 1000 solved for up to 600 s: the optimum

Each N runs in its own child process so that peak memory (ru_maxrss) is per N. Per N it prints:
greedy objective and time; time to the first CP-SAT solution; objective at the budget, the proven
bound; the *unavoidable* part of the objective (penalties no plan can avoid, priced by a pure pre-pass
over each participant's own options: ``floor.unavoidable_costs``; the same constant for every plan)
and the *avoidable* part (objective - unavoidable) of greedy's and CP-SAT's plans, both from the same
independent checker; two ratios to greedy: "ratio" on the full objective and "avoid.ratio" on the
avoidable part, each beside the *best possible* ratio (the proven lower bound over greedy's figure: no
plan, from any solver, can score below it), and "rem.gap" (the share of greedy's distance to the
proven bound that remains); the comfort part of the objective (continuity,
preferences, balance) for greedy and CP-SAT;
whether optimality was proven and when; a re-plan after the busiest clinician calls out for the week
(time, checker verdict, participants moved that the call-out did not affect: must be 0); explanation
time; peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cadence.scheduling.solver import call_out, check, explain_shortfalls, generate, greedy, solve  # noqa: E402
from cadence.scheduling.solver.floor import problem_floor  # noqa: E402
from cadence.scheduling.solver.types import SolveResult  # noqa: E402

SEED = 2025


def busiest_clinician(result: SolveResult) -> str:
    load = Counter(b.clinician for b in result.solution.bookings)
    load.update(f.staff for f in result.solution.facilitations)
    return next(s for s, _n in load.most_common() if "-C" in s)


def _comfort(breakdown: dict[str, int]) -> int:
    """Objective points from comfort goals only (continuity, preferences, balance), not minimums."""
    return sum(v for k, v in breakdown.items() if not k.startswith(("shortfall", "unmet")))


def run_one(n: int, budget: float, replan_budget: float, workers: int) -> dict[str, object]:
    problem = generate(n, seed=SEED)
    started = time.perf_counter()
    result = solve(problem, time_limit=budget, workers=workers, explain=False)
    wall = time.perf_counter() - started
    report = check(problem, result.solution)
    stats = result.stats
    greedy_report = check(problem, greedy(problem))
    assert greedy_report.unavoidable == report.unavoidable  # one constant, from the problem alone
    excess = stats.greedy_objective - result.best_bound
    out: dict[str, object] = {
        "n": n,
        "components": stats.components,
        "greedy_objective": stats.greedy_objective,
        "greedy_seconds": round(stats.greedy_seconds, 2),
        "first_solution_seconds": None
        if stats.first_solution_seconds is None
        else round(stats.first_solution_seconds, 2),
        "objective": result.objective,
        "bound": result.best_bound,
        "ratio": round(result.objective / stats.greedy_objective, 3) if stats.greedy_objective else None,
        "ratio_above_bound": round((result.objective - result.best_bound) / excess, 3) if excess > 0 else 0.0,
        "floor": problem_floor(problem),
        "unavoidable": report.unavoidable,
        "avoidable_greedy": greedy_report.avoidable,
        "avoidable": report.avoidable,
        "avoidable_ratio": round(report.avoidable / greedy_report.avoidable, 3) if greedy_report.avoidable else None,
        # No plan can do better than the proven bound: the least ratio to greedy any plan could reach.
        "best_possible_ratio": round(result.best_bound / stats.greedy_objective, 3) if stats.greedy_objective else None,
        "best_possible_avoidable_ratio": round((result.best_bound - report.unavoidable) / greedy_report.avoidable, 3)
        if greedy_report.avoidable
        else None,
        "comfort_greedy": _comfort(greedy_report.breakdown),
        "comfort": _comfort(report.breakdown),
        "status": result.status,
        "optimal_components": f"{stats.components_optimal}/{stats.components_solved}",
        "shared_cap_repairs": len(stats.shared_cap_repairs),
        "solve_seconds": round(wall, 2),
        "checker_ok": report.ok,
        "shortfalls": len(report.shortfalls),
    }
    t = time.perf_counter()
    explained = explain_shortfalls(problem, result.solution, report.shortfalls)
    out["explain_seconds"] = round(time.perf_counter() - t, 2)
    out["explained"] = sum(1 for s in explained if s.reasons)

    sick = busiest_clinician(result)
    changed = call_out(problem, sick)
    t = time.perf_counter()
    again = solve(changed, previous=result.solution, time_limit=replan_budget, workers=workers, explain=False)
    out["replan_seconds"] = round(time.perf_counter() - t, 2)
    # The greedy re-plan keeping everyone unaffected is already a checked, feasible plan.
    out["replan_greedy_seconds"] = round(again.stats.greedy_seconds, 2)
    out["replan_first_cp_seconds"] = (
        None if again.stats.first_solution_seconds is None else round(again.stats.first_solution_seconds, 2)
    )
    out["replan_status"] = again.status
    out["replan_ok"] = check(changed, again.solution).ok
    touched = {b.participant for b in result.solution.bookings if b.clinician == sick}
    led = {f.session for f in result.solution.facilitations if f.staff == sick}
    touched |= {a.participant for a in result.solution.assignments if a.session in led}
    moved = set(again.diff.moved_participants) if again.diff else set()
    out["replan_clinician"] = sick
    out["replan_affected"] = len(touched)
    out["replan_moved"] = len(moved)
    out["replan_unaffected_moved"] = len(moved - touched)
    out["replan_fallbacks"] = len(again.stats.fallbacks)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def prove(n: int, budget: float, workers: int) -> dict[str, object]:
    """Solve the same week with a long budget: the optimum (or the tightest bound) any plan can reach."""
    problem = generate(n, seed=SEED)
    started = time.perf_counter()
    result = solve(problem, time_limit=budget, workers=workers, explain=False)
    greedy_report = check(problem, greedy(problem))
    report = check(problem, result.solution)
    return {
        "n": n,
        "seconds": round(time.perf_counter() - started, 1),
        "status": result.status,
        "optimal_components": f"{result.stats.components_optimal}/{result.stats.components_solved}",
        "objective": result.objective,
        "bound": result.best_bound,
        "ratio": round(result.objective / greedy_report.objective, 3),
        "avoidable_ratio": round(report.avoidable / greedy_report.avoidable, 3),
        "bound_avoidable_ratio": round((result.best_bound - report.unavoidable) / greedy_report.avoidable, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only N=60 and 300, short budgets")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--prove",
        type=float,
        metavar="SECONDS",
        help="instead: solve N=300 and 1000 with this budget (e.g. 600) and print the optimum's ratios to greedy",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--budget", type=float, default=30.0, help=argparse.SUPPRESS)
    parser.add_argument("--replan-budget", type=float, default=10.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_one(args.child, args.budget, args.replan_budget, args.workers)))
        return 0
    if args.prove is not None:
        for n in (300, 1000):
            print(json.dumps(prove(n, args.prove, args.workers)), flush=True)
        return 0
    plan = [(60, 10.0, 5.0), (300, 10.0, 5.0)] if args.quick else [(n, 30.0, 10.0) for n in (60, 300, 1000, 3000)]
    rows = []
    for n, budget, replan in plan:
        print(f"N={n}: budget {budget:g} s, re-plan budget {replan:g} s ...", flush=True)
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                str(n),
                "--budget",
                str(budget),
                "--replan-budget",
                str(replan),
                "--workers",
                str(args.workers),
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        if done.returncode != 0:
            print(done.stderr, file=sys.stderr)
            return 1
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print("  " + json.dumps(row), flush=True)
    print()
    columns = [
        ("N", "n"), ("greedy obj", "greedy_objective"), ("greedy s", "greedy_seconds"),
        ("1st sol s", "first_solution_seconds"), ("obj @budget", "objective"), ("bound", "bound"),
        ("unavoidable", "unavoidable"), ("avoid. greedy", "avoidable_greedy"), ("avoid. cp", "avoidable"),
        ("ratio", "ratio"), ("best possible", "best_possible_ratio"), ("avoid.ratio", "avoidable_ratio"),
        ("best possible avoid.", "best_possible_avoidable_ratio"), ("rem.gap", "ratio_above_bound"),
        ("comfort greedy", "comfort_greedy"), ("comfort cp", "comfort"), ("status", "status"),
        ("optimal comps", "optimal_components"), ("solve s", "solve_seconds"),
        ("replan s", "replan_seconds"), ("replan 1st cp s", "replan_first_cp_seconds"),
        ("replan status", "replan_status"),
        ("replan ok", "replan_ok"), ("unaff.moved", "replan_unaffected_moved"),
        ("peak MB", "peak_mb"),
    ]  # fmt: skip
    print(" | ".join(title for title, _key in columns))
    for r in rows:
        print(" | ".join(str(r[key]) for _title, key in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
