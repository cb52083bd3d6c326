"""Command line: ``python -m cadence.scheduling.solver PROBLEM.json [options]``.

Prints a summary (hours met, shortfalls with reasons, objective, bound) and can write the plan.
Exit status: 0 on success, 2 for unreadable or malformed input files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .jsonio import problem_from_json, solution_from_json, to_json
from .solve import DEFAULT_STABILITY_WEIGHT, solve
from .types import WEEKDAYS, Booking, Problem, ProblemError, SolveResult, format_time


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m cadence.scheduling.solver", description="Plan an IOP week.")
    parser.add_argument("problem", type=Path, help="problem JSON file")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds for the whole solve (default 30)")
    parser.add_argument("--workers", type=int, default=2, help="CP-SAT worker threads (default 2)")
    parser.add_argument("--previous", type=Path, help="previous plan JSON: re-plan, moving as few people as possible")
    parser.add_argument(
        "--stability-weight",
        type=int,
        default=DEFAULT_STABILITY_WEIGHT,
        help=f"points per change from --previous (default {DEFAULT_STABILITY_WEIGHT})",
    )
    parser.add_argument("--out", type=Path, help="write the plan and its report to this JSON file")
    parser.add_argument("--log", action="store_true", help="show CP-SAT's search log")
    return parser


def _booking(b: Booking) -> str:
    return f"{b.need} with {b.clinician} {WEEKDAYS[b.day]} {format_time(b.start)} in {b.room}"


def summary(problem: Problem, result: SolveResult) -> str:
    """The human-readable report printed by the command."""
    stats = result.stats
    short = {s.participant: s for s in result.shortfalls}
    n = len(problem.participants)
    lines = [
        f"Week of {problem.week_start.isoformat()}: {n} participants, {len(problem.group_sessions)} group sessions, "
        f"{len(problem.needs)} one-to-one needs, {stats.components} components",
        f"Status: {result.status}   objective {result.objective}   bound {result.best_bound}   gap {result.gap:.2%}",
        f"Greedy start: objective {stats.greedy_objective} in {stats.greedy_seconds:.2f} s; "
        + (
            f"first CP-SAT solution after {stats.first_solution_seconds:.2f} s; "
            if stats.first_solution_seconds is not None
            else ""
        )
        + f"total {stats.solve_seconds:.2f} s "
        f"({stats.components_optimal} of {stats.components_solved} solved components optimal)",
        f"Unavoidable: {result.unavoidable} of the objective's points no plan can avoid "
        f"({len({c.participant for c in result.unavoidable_costs})} participants); avoidable part "
        f"{result.avoidable_objective}, bound {result.avoidable_bound}; greedy's avoidable part "
        f"{stats.greedy_objective - result.unavoidable}",
        f"Hours met: {n - len(short)} of {n} participants",
    ]
    if stats.merged_tracks:
        lines.append(
            "Solved jointly (shared staff or rooms at the same times): "
            + "; ".join(" + ".join(m) for m in stats.merged_tracks)
        )
    if result.shortfalls:
        lines.append("Shortfalls:")
        for s in result.shortfalls:
            parts = []
            if s.minutes_short:
                parts.append(f"{s.minutes_short / 60:g} h short")
            if s.days_short:
                parts.append(f"{s.days_short} day(s) short")
            if s.unmet_needs:
                parts.append("not booked: " + ", ".join(s.unmet_needs))
            lines.append(f"  {s.participant}: {'; '.join(parts)}")
            for reason in s.reasons:
                lines.append(f"    - {reason}")
    if result.unavoidable_costs:
        lines.append("Unavoidable (whatever the plan):")
        by_person: dict[str, list[str]] = {}
        for cost in result.unavoidable_costs:
            by_person.setdefault(cost.participant, []).append(f"{cost.reason} ({cost.points} points)")
        for pid, reasons in by_person.items():
            lines.append(f"  {pid}: " + "; ".join(reasons))
    if result.diff is not None:
        moved = result.diff.changes
        lines.append(
            f"Re-plan: {len(moved)} participant(s) moved, {len(result.diff.facilitator_changes)} facilitator change(s)"
        )
        for c in moved:
            bits = [
                f"left {', '.join(c.left_sessions)}" if c.left_sessions else "",
                f"joined {', '.join(c.joined_sessions)}" if c.joined_sessions else "",
                "cancelled " + ", ".join(_booking(b) for b in c.cancelled_bookings) if c.cancelled_bookings else "",
                "booked " + ", ".join(_booking(b) for b in c.new_bookings) if c.new_bookings else "",
            ]
            lines.append(f"  {c.participant}: " + "; ".join(b for b in bits if b))
        for session, old, new in result.diff.facilitator_changes:
            lines.append(f"  {session}: facilitator {old or '-'} -> {new or '-'}")
    for note in stats.shared_cap_repairs + stats.fallbacks:
        lines.append(f"Note: {note}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        problem = problem_from_json(args.problem.read_text(encoding="utf-8"))
        previous = solution_from_json(args.previous.read_text(encoding="utf-8")) if args.previous else None
        result = solve(
            problem,
            previous=previous,
            stability_weight=args.stability_weight,
            time_limit=args.time_limit,
            workers=args.workers,
            log=args.log,
        )
    except (OSError, ProblemError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(problem, result))
    if args.out:
        args.out.write_text(to_json(result) + "\n", encoding="utf-8")
        print(f"Plan written to {args.out}")
    return 0
