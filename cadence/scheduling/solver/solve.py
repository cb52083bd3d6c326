"""Entry point: plan a week (greedy start, CP-SAT improvement per component) or re-plan it.

Re-planning (``previous`` given) works like this:

1. every item of the previous plan is checked against the new problem; a participant with an item
   that no longer fits (clinician off, room gone, availability changed, ...) or with no plan at all
   is *affected*;
2. everyone else is *locked*: their groups and bookings are kept exactly (a group whose facilitator
   is off gets another facilitator, which does not move its participants);
3. only components with an affected participant or a facilitator to replace are re-solved, with
   every change from the previous plan costing ``stability_weight`` points;
4. should the locks make a component impossible (say no one else can lead a group), that component
   is solved again without locks, still paying for every change, and ``stats.fallbacks`` says so.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable

from .checker import check
from .components import Component, restrict, split
from .cpsat import Stability, solve_component
from .explain import explain_shortfalls
from .floor import problem_floor, unavoidable_costs
from .greedy import greedy
from .index import Index
from .types import (
    Booking,
    GroupAssignment,
    ParticipantChange,
    PlanDiff,
    Problem,
    Solution,
    SolveResult,
    SolveStats,
)

DEFAULT_STABILITY_WEIGHT = 1000
# CP-SAT finds most of a component's improvement in its first seconds and spends the rest proving it:
# on the N=1000 benchmark week, 2 s for each of its 14 components gains 77 % of what 10 s each gains
# (where most are proven optimal). So every component gets a first share of 70 % of the budget and
# the rest goes, in a second pass, to the components furthest from their bound; a component needs
# about MIN_USEFUL_SECONDS (for 75 participants) to get past presolve and its first improvements
# (4 December 2026, 2 cores).
MIN_USEFUL_SECONDS = 1.5
MIN_SHARE_SECONDS = 0.2
SECOND_PASS_SHARE = 0.3
SECOND_PASS_PARTS = 3
SECOND_PASS_LIMIT = 20


def solve(
    problem: Problem,
    *,
    previous: Solution | None = None,
    stability_weight: int = DEFAULT_STABILITY_WEIGHT,
    time_limit: float = 30.0,
    workers: int = 2,
    explain: bool = True,
    seed: int = 0,
    log: bool = False,
) -> SolveResult:
    """Plan the week within about ``time_limit`` seconds (greedy, then CP-SAT on each component).

    With ``previous`` this is a re-plan: unaffected participants keep their plan (see module
    docstring) and ``result.diff`` lists who moved where. Raises ProblemError for malformed input.
    """
    started = time.perf_counter()
    index = Index(problem)
    stats = SolveStats()
    everyone = frozenset(index.participants)
    weight = stability_weight if previous is not None else 0

    affected: set[str] = set(everyone)
    if previous is None:
        plan = greedy(problem, index=index)
    else:
        plan, affected = _greedy_replan(problem, index, previous)
        stats.affected_participants = sorted(affected)
        stats.locked_participants = len(everyone - affected)
    stats.greedy_seconds = time.perf_counter() - started
    stats.greedy_objective = check(
        problem, plan, previous=previous, stability_weight=weight, split_unavoidable=False
    ).objective

    parts = split(problem, index)
    stats.components = len(parts)
    stats.merged_tracks = [[f"{p}/{t}" for p, t in c.tracks] for c in parts if len(c.tracks) > 1]
    stats.shared_staff = _shared_staff(parts)
    merged: dict[str, Solution] = {c.key: _project(plan, c) for c in parts}
    start_plans = dict(merged)
    needing = [c for c in parts if previous is None or _needs_work(c, affected, plan, previous)]
    # Floors and starting scores are both taken on the component alone, so they compare like with like.
    # Only components that may be re-solved need a floor (a re-plan leaves the others as they were).
    floors = {c.key: problem_floor(c.problem) for c in needing}
    start_scores = {
        c.key: check(
            c.problem,
            merged[c.key],
            previous=_project(previous, c) if previous else None,
            stability_weight=weight,
            split_unavoidable=False,
        ).objective
        for c in parts
    }
    potential = {k: start_scores[k] - floors[k] for k in floors}
    todo = _triage(needing, potential, time_limit - (time.perf_counter() - started), stats)
    # Chosen by promise, solved smallest promise first: each part gets at least its share of the time
    # left, and what an easy part does not use (it is proven optimal early) flows to the harder ones.
    todo.sort(key=lambda c: (potential[c.key], c.key))

    bounds: dict[str, int] = {}
    objectives: dict[str, int] = {}
    first_seen: set[str] = set()
    first_total = 0.0
    optimal: set[str] = set()

    def run(comp: Component, share: float, hint: Solution | None = None, relaxed: bool = True) -> bool:
        """Solve ``comp`` from ``hint`` (default: its current plan); False if CP-SAT found nothing.

        ``relaxed`` parts carry the whole cap of shared staff, so their bound is valid for the week;
        a restricted re-solve (``relaxed=False``) keeps the relaxed bound and proves nothing.
        """
        nonlocal first_total
        stability = None
        if previous is not None:
            locked = frozenset(p.id for p in comp.problem.participants) - affected
            stability = Stability(_project(previous, comp), locked, weight)
        outcome = solve_component(
            comp.problem,
            hint=hint or merged[comp.key],
            time_limit=share,
            workers=workers,
            stability=stability,
            everyone=everyone,
            seed=seed,
            log=log,
        )
        if outcome.status == "INFEASIBLE" and stability is not None:
            stats.fallbacks.append(f"{comp.key}: locked plan no longer fits; re-solved without locks")
            stability = Stability(stability.previous, frozenset(), weight)
            outcome = solve_component(
                comp.problem,
                hint=hint or merged[comp.key],
                time_limit=share,
                workers=workers,
                stability=stability,
                everyone=everyone,
                seed=seed,
                log=log,
            )
        if outcome.status == "OPTIMAL" and relaxed:
            optimal.add(comp.key)
        elif not relaxed:
            optimal.discard(comp.key)
        if outcome.objective is not None:
            merged[comp.key] = outcome.solution
            objectives[comp.key] = outcome.objective
            if comp.key not in first_seen:
                first_seen.add(comp.key)
                first_total += outcome.first_solution_seconds or 0.0
        elif comp.key not in objectives:
            stats.fallbacks.append(f"{comp.key}: CP-SAT found no solution in {share:.1f}s; kept the greedy plan")
        if outcome.bound is not None and relaxed:
            bounds[comp.key] = max(bounds.get(comp.key, 0), outcome.bound, floors[comp.key])
        return outcome.objective is not None

    # First pass: every chosen part gets its share of the budget less a reserve; what an easy part does
    # not use (it is proven optimal early) flows to the parts after it.
    reserve = SECOND_PASS_SHARE * max(0.0, time_limit - (time.perf_counter() - started)) if len(todo) > 1 else 0.0
    weight_left = sum(_size(c) for c in todo)
    for comp in todo:
        remaining = max(0.0, time_limit - (time.perf_counter() - started) - reserve)
        share = max(MIN_SHARE_SECONDS, remaining * _size(comp) / max(1, weight_left))
        weight_left -= _size(comp)
        run(comp, share)
    # Second pass: the time left goes to the parts still furthest from their proven bound, each
    # starting from its first-pass plan (CP-SAT's gains come early, its proofs late).
    while True:
        remaining = time_limit - (time.perf_counter() - started)
        open_gaps = sorted(
            (objectives[c.key] - bounds.get(c.key, floors[c.key]), c.key, c)
            for c in todo
            if c.key in objectives and c.key not in optimal
        )
        open_gaps = [g for g in open_gaps if g[0] > 0]
        if not open_gaps or remaining < max(1.0, useful_seconds(open_gaps[-1][2]) / 2):
            break
        _gap, _key, comp = open_gaps[-1]
        stats.second_pass += 1
        run(comp, remaining / min(len(open_gaps), SECOND_PASS_PARTS))
        if stats.second_pass >= SECOND_PASS_LIMIT:
            break

    def time_left() -> float:
        return time_limit - (time.perf_counter() - started)

    _fit_shared_caps(problem, parts, merged, start_plans, run, stats, time_left)
    stats.components_solved = len(todo)
    stats.components_optimal = len(optimal)

    solution = Solution(
        tuple(a for s in merged.values() for a in s.assignments),
        tuple(f for s in merged.values() for f in s.facilitations),
        tuple(b for s in merged.values() for b in s.bookings),
    ).normalized()
    report = check(problem, solution, previous=previous, stability_weight=weight, split_unavoidable=False)
    if not report.ok:
        stats.fallbacks.append(
            "CP-SAT plan failed the checker; returned the greedy plan: " + report.violations[0].message
        )
        solution = plan
        report = check(problem, solution, previous=previous, stability_weight=weight, split_unavoidable=False)
    stats.solve_seconds = time.perf_counter() - started
    stats.first_solution_seconds = stats.greedy_seconds + first_total if todo else None

    needs_work = {c.key for c in needing}
    bound = 0
    for comp in parts:
        if comp.key in bounds:
            bound += bounds[comp.key]
        elif comp.key in needs_work:
            bound += floors[comp.key]  # CP-SAT had no (time for a) bound here; the floor is still valid
        else:
            bound += start_scores[comp.key]  # re-plan: left exactly as it was, by the locking policy
    costs = tuple(unavoidable_costs(problem, index))
    unavoidable = sum(c.points for c in costs)
    bound = min(max(bound, unavoidable), report.objective)
    stats.model_objective = sum(objectives.get(c.key, start_scores[c.key]) for c in parts)
    status = "OPTIMAL" if report.objective == bound else "FEASIBLE"
    shortfalls = tuple(explain_shortfalls(problem, solution, report.shortfalls) if explain else report.shortfalls)
    diff = plan_diff(problem, previous, solution) if previous is not None else None
    return SolveResult(solution, status, report.objective, bound, shortfalls, diff, stats, unavoidable, costs)


def _fit_shared_caps(
    problem: Problem,
    parts: list[Component],
    merged: dict[str, Solution],
    start_plans: dict[str, Solution],
    run: Callable[[Component, float, Solution | None, bool], bool],
    stats: SolveStats,
    time_left: Callable[[], float],
) -> None:
    """Make the parts, each solved with the whole cap of shared staff, fit those caps together.

    While a shared cap is exceeded, the changed part using that person most is re-solved with what
    the other parts leave of every shared cap (starting from its first plan when that fits), or, when
    that finds nothing, given its first plan back. Every step leaves one more part fitting the others,
    and first plans fit together (they come from one greedy plan), so this ends within
    ``len(parts)`` steps per person.
    """
    by_key = {c.key: c for c in parts}
    caps = {s.id: s.max_weekly_minutes for s in problem.staff}
    for _ in range(2 * len(parts) + 1):
        over = over_shared_caps(problem, parts, merged)
        if not over:
            return
        staff_id, keys = next(iter(over.items()))
        changed = [k for k in keys if merged[k] != start_plans[k]]
        if not changed:
            return  # cannot happen (first plans fit); the final check returns the greedy plan if it did
        key = max(changed, key=lambda k: (_minutes_by_staff(by_key[k], merged[k])[staff_id], k))
        comp = by_key[key]
        others: Counter[str] = Counter()
        for other in parts:
            if other.key != key:
                others.update(_minutes_by_staff(other, merged[other.key]))
        left = {t: caps[t] - others[t] for t in comp.shared}
        start_use = _minutes_by_staff(comp, start_plans[key])
        fits = all(start_use[t] <= left[t] for t in comp.shared)
        solved = False
        if all(v >= 0 for v in left.values()):
            share = max(MIN_SHARE_SECONDS, min(max(0.0, time_left()), useful_seconds(comp)))
            hint = start_plans[key] if fits else None
            solved = run(restrict(comp, left), share, hint, False)
            solved = solved and all(_minutes_by_staff(comp, merged[key])[t] <= left[t] for t in comp.shared)
        if not solved:
            merged[key] = start_plans[key]
        how = f"re-planned within the {left[staff_id]} minutes the others leave" if solved else "kept its first plan"
        stats.shared_cap_repairs.append(f"{staff_id} was over their weekly cap across parts: {key} {how}")


def useful_seconds(comp: Component) -> float:
    """Time below which CP-SAT rarely gets past presolve on this component (measured on generated weeks)."""
    return min(MIN_USEFUL_SECONDS, max(MIN_SHARE_SECONDS, 0.025 * _size(comp)))


def _triage(todo: list[Component], potential: dict[str, int], budget: float, stats: SolveStats) -> list[Component]:
    """Components to give to CP-SAT, most promising first.

    A component whose starting plan already scores its floor is optimal as it is. When the budget
    cannot give every remaining component its ``useful_seconds``, the components with the largest
    distance between starting plan and floor are solved first and the rest keep the greedy plan.
    """
    ranked = sorted(todo, key=lambda c: (-potential[c.key], c.key))
    stats.components_at_floor = sum(1 for c in ranked if potential[c.key] <= 0)
    ranked = [c for c in ranked if potential[c.key] > 0]
    chosen: list[Component] = []
    needed = 0.0
    for comp in ranked:
        needed += useful_seconds(comp)
        if chosen and needed > budget:
            break
        chosen.append(comp)
    if len(chosen) < len(ranked):
        stats.fallbacks.append(
            f"{len(ranked) - len(chosen)} of {len(ranked)} components kept their greedy plan: "
            f"{max(0.0, budget):.0f} s is too little to improve them all"
        )
    return chosen


def _size(comp: Component) -> int:
    return len(comp.problem.participants) + len(comp.problem.group_sessions) + len(comp.problem.needs)


def _shared_staff(parts: list[Component]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = defaultdict(list)
    for comp in parts:
        for staff_id in sorted(comp.shared):
            seen[staff_id].append(comp.key)
    return dict(sorted(seen.items()))


def _minutes_by_staff(comp: Component, plan: Solution) -> Counter[str]:
    """Minutes each shared staff member works in ``comp``'s part of ``plan``."""
    sessions = {g.id: g for g in comp.problem.group_sessions}
    used: Counter[str] = Counter()
    for f in plan.facilitations:
        if f.staff in comp.shared and f.session in sessions:
            used[f.staff] += sessions[f.session].minutes
    for b in plan.bookings:
        if b.clinician in comp.shared:
            used[b.clinician] += b.end - b.start
    return used


def over_shared_caps(problem: Problem, parts: list[Component], merged: dict[str, Solution]) -> dict[str, list[str]]:
    """Shared staff whose whole-week cap the merged parts exceed, with the parts that use them."""
    caps = {s.id: s.max_weekly_minutes for s in problem.staff}
    total: Counter[str] = Counter()
    users: dict[str, list[str]] = defaultdict(list)
    for comp in parts:
        for staff_id, minutes in _minutes_by_staff(comp, merged[comp.key]).items():
            total[staff_id] += minutes
            if minutes:
                users[staff_id].append(comp.key)
    return {s: users[s] for s, minutes in sorted(total.items()) if minutes > caps[s]}


def _project(plan: Solution, comp: Component) -> Solution:
    people = {p.id for p in comp.problem.participants}
    sessions = {g.id for g in comp.problem.group_sessions}
    return Solution(
        tuple(a for a in plan.assignments if a.participant in people),
        tuple(f for f in plan.facilitations if f.session in sessions),
        tuple(b for b in plan.bookings if b.participant in people),
    )


def _needs_work(comp: Component, affected: set[str], plan: Solution, previous: Solution) -> bool:
    if any(p.id in affected for p in comp.problem.participants):
        return True
    sessions = {g.id for g in comp.problem.group_sessions}
    before = {(f.session, f.staff) for f in previous.facilitations if f.session in sessions}
    after = {(f.session, f.staff) for f in plan.facilitations if f.session in sessions}
    return before != after


def _greedy_replan(problem: Problem, index: Index, previous: Solution) -> tuple[Solution, set[str]]:
    """Keep what still fits of ``previous``; return a greedy plan and the affected participants."""
    base, affected = still_valid(problem, index, previous)
    for _ in range(5):
        plan = greedy(problem, base=base, free=affected, index=index)
        led = {f.session for f in plan.facilitations}
        stranded: set[str] = set()
        for a in plan.assignments:
            if a.session not in led:
                stranded.add(a.participant)
        if not stranded:
            return plan, affected
        affected |= stranded
        base = Solution(
            tuple(a for a in base.assignments if a.participant not in stranded),
            base.facilitations,
            tuple(b for b in base.bookings if b.participant not in stranded),
        )
    return plan, affected


def still_valid(problem: Problem, index: Index, previous: Solution) -> tuple[Solution, set[str]]:
    """Split ``previous`` into the items that still fit ``problem`` and the participants affected.

    A participant is affected if any of their items no longer fits, or if they have no items at all.
    """
    affected: set[str] = set()
    members: dict[str, list[str]] = defaultdict(list)
    for a in previous.assignments:
        p, g = index.participants.get(a.participant), index.sessions.get(a.session)
        if p is None:
            continue
        if g is None or not index.can_attend(p, g) or not index.facilitators_for(g):
            affected.add(p.id)
            continue
        members[g.id].append(p.id)
    assignments: list[GroupAssignment] = []
    for gid, pids in members.items():
        g = index.sessions[gid]
        if len(pids) > index.capacity(g) or len(pids) < g.min_size:
            affected.update(pids)
            continue
        assignments += [GroupAssignment(pid, gid) for pid in pids]
    used: dict[str, int] = defaultdict(int)
    bookings: list[Booking] = []
    for b in previous.bookings:
        if b.participant not in index.participants:
            continue
        if _booking_fits(index, b):
            bookings.append(b)
            used[b.clinician] += b.end - b.start
        else:
            affected.add(b.participant)
    for f in previous.facilitations:
        g = index.sessions.get(f.session)
        if g is not None and any(s.id == f.staff for s in index.facilitators_for(g)) and members.get(g.id):
            used[f.staff] += g.minutes
    over = {s for s, minutes in used.items() if minutes > index.staff[s].max_weekly_minutes}
    for b in bookings:
        if b.clinician in over:
            affected.add(b.participant)
    bookings = [b for b in bookings if b.clinician not in over]
    facilitations = tuple(
        f
        for f in previous.facilitations
        if f.session in index.sessions
        and f.staff in index.staff
        and f.staff not in over
        and any(s.id == f.staff for s in index.facilitators_for(index.sessions[f.session]))
    )
    planned = {a.participant for a in previous.assignments} | {b.participant for b in previous.bookings}
    for p in problem.participants:
        if p.id not in planned and (p.min_weekly_minutes or index.needs_of.get(p.id)):
            affected.add(p.id)
    assignments = [a for a in assignments if a.participant not in affected]
    bookings = [b for b in bookings if b.participant not in affected]
    return Solution(tuple(assignments), facilitations, tuple(bookings)), affected


def _booking_fits(index: Index, b: Booking) -> bool:
    need = index.needs.get(b.need)
    staff = index.staff.get(b.clinician)
    room = index.rooms.get(b.room)
    p = index.participants[b.participant]
    if need is None or staff is None or room is None or need.participant != p.id:
        return False
    window = p.availability.get(b.day)
    return (
        b.end - b.start == need.session_minutes
        and window is not None
        and window.covers(b.start, b.end)
        and staff.serves(p.program)
        and bool(staff.credentials & need.credentials)
        and index.staff_free(staff, b.day, b.start, b.end)
        and room.serves(p.program)
        and room.capacity >= need.attendees + 1
    )


def plan_diff(problem: Problem, before: Solution, after: Solution) -> PlanDiff:
    """Who left or joined which group, which bookings were cancelled or made, which facilitators changed."""
    people = sorted({p.id for p in problem.participants})
    old_a: dict[str, set[str]] = defaultdict(set)
    new_a: dict[str, set[str]] = defaultdict(set)
    for a in before.assignments:
        old_a[a.participant].add(a.session)
    for a in after.assignments:
        new_a[a.participant].add(a.session)
    old_b: dict[str, set[Booking]] = defaultdict(set)
    new_b: dict[str, set[Booking]] = defaultdict(set)
    for b in before.bookings:
        old_b[b.participant].add(b)
    for b in after.bookings:
        new_b[b.participant].add(b)
    changes: list[ParticipantChange] = []
    for pid in people:
        left, joined = old_a[pid] - new_a[pid], new_a[pid] - old_a[pid]
        cancelled, made = old_b[pid] - new_b[pid], new_b[pid] - old_b[pid]
        if left or joined or cancelled or made:
            changes.append(
                ParticipantChange(
                    pid, tuple(sorted(left)), tuple(sorted(joined)), tuple(sorted(cancelled)), tuple(sorted(made))
                )
            )
    old_f = {f.session: f.staff for f in before.facilitations}
    new_f = {f.session: f.staff for f in after.facilitations}
    fac = tuple(
        (g, old_f.get(g), new_f.get(g)) for g in sorted(set(old_f) | set(new_f)) if old_f.get(g) != new_f.get(g)
    )
    return PlanDiff(tuple(changes), fac)
