"""The unavoidable part of the objective: penalties that no plan can escape, with the reason in words.

A pure pre-pass over the problem, before and apart from any solving. Everything here is a
*necessary* consequence of one participant's own options: whatever anyone else does, a participant
cannot attend more minutes or days than the groups and one-to-one slots that fit their hours, a
one-to-one need no credentialed clinician can ever meet stays unmet, a last-week group that no
longer fits their hours is missed, a primary clinician who never works when they can come cannot
see them, and so on. The sum is therefore a valid lower bound on the objective of every plan (the
"floor"), and it is a constant: subtracting it changes no decision. The solver's result, the
checker and the benchmark report it apart as "unavoidable" so that figures of merit (e.g. the ratio
to greedy) measure only what a plan can still improve. It is also the bound of components CP-SAT
had no time for, and it ranks components by how much CP-SAT could gain (greedy minus floor).
"""

from __future__ import annotations

from collections import defaultdict

from .index import Index
from .types import DAY_NAMES, GroupSession, Participant, Problem, UnavoidableCost


def _windows(p: Participant) -> str:
    return ", ".join(f"{DAY_NAMES[d]} {w}" for d, w in sorted(p.availability.items())) or "no time at all"


def participant_unavoidable(index: Index, p: Participant) -> list[UnavoidableCost]:
    """The penalties ``p`` costs in any plan, each with its reason (see module docstring)."""
    w = index.problem.weights
    track = f"{p.track} track"
    found: list[UnavoidableCost] = []

    def add(term: str, points: int, reason: str) -> None:
        if points > 0:
            found.append(UnavoidableCost(p.id, term, points, reason))

    runnable, per_day = _runnable_groups(index, p)
    group_minutes = sum(_max_disjoint_minutes(spans) for spans in per_day.values())
    one_to_one_minutes = 0
    one_to_one_sessions = 0
    one_to_one_days: set[int] = set()
    counted_sessions: list[int] = []
    for need in index.needs_of.get(p.id, []):
        options = index.clinician_starts(need)
        creds = " or ".join(sorted(need.credentials))
        if not options or not index.rooms_for(need):
            why = (
                f"no clinician with {creds} works in program {p.program} when they are available ({_windows(p)})"
                if not options
                else f"no room seats a {need.service_type} session ({need.attendees + 1} people)"
            )
            add("unmet_one_to_one", w.unmet_one_to_one * need.sessions_per_week, why)
            continue
        if need.counts_toward_hours:
            counted_sessions += [need.session_minutes] * need.sessions_per_week
            one_to_one_minutes += need.minutes_per_week
            one_to_one_sessions += need.sessions_per_week
            one_to_one_days |= {t // 1440 for starts in options.values() for t in starts}
        # Each session either happens with a clinician outside the wanted set (that penalty) or not at
        # all (unmet, which costs far more), so the penalty is unavoidable for every session.
        n = need.sessions_per_week
        what = (
            f"their {need.service_type} session (not working in the program, no {creds}, or never free when they are)"
        )
        if need.service_type == "individual" and p.primary_clinician and p.primary_clinician not in options:
            add("not_primary_clinician", w.not_primary_clinician * n, f"their primary clinician cannot give {what}")
        if p.preferred_clinician and p.preferred_clinician not in options:
            add(
                "not_preferred_clinician",
                w.not_preferred_clinician * n,
                f"their preferred clinician cannot give {what}",
            )
        if p.last_week_clinicians and not (p.last_week_clinicians & options.keys()):
            add("clinician_change", w.clinician_change * n, f"last week's clinician cannot give {what}")
    most_minutes = group_minutes + one_to_one_minutes
    if p.max_weekly_minutes is not None:
        most_minutes = min(most_minutes, p.max_weekly_minutes)
    group_days = set(per_day)
    most_days = min(len(group_days | one_to_one_days), len(group_days) + one_to_one_sessions)
    add(
        "shortfall_minutes",
        max(0, p.min_weekly_minutes - most_minutes) * w.shortfall_minute,
        f"not available long enough in the {track}: the sessions that fit their hours ({_windows(p)}) "
        f"give at most {most_minutes / 60:g} h of the {p.min_weekly_minutes / 60:g} h needed",
    )
    listed = ", ".join(DAY_NAMES[d] for d in sorted(group_days | one_to_one_days)) or "none"
    add(
        "shortfall_days",
        max(0, p.min_days - most_days) * w.shortfall_day,
        f"not available on enough days in the {track}: sessions fit their hours on {most_days} day(s) "
        f"({listed}), needs {p.min_days}",
    )
    if most_minutes >= p.min_weekly_minutes and w.excess_minute:
        totals = _reachable_totals(per_day, counted_sessions, p.max_weekly_minutes)
        above = [t - p.min_weekly_minutes for t in totals if t >= p.min_weekly_minutes]
        least = _least_hours_cost(p, totals, w.excess_minute, w.shortfall_minute)
        if counted_sessions:  # so does leaving a one-to-one session unbooked (less what booking it may cost)
            least = min(
                least,
                w.unmet_one_to_one - w.not_primary_clinician - w.not_preferred_clinician - w.clinician_change,
            )
        add(
            "excess_minutes",
            least,
            f"the sessions that fit their hours cannot add up to exactly {p.min_weekly_minutes / 60:g} h "
            f"(at least {min(above, default=0)} minutes over)",
        )
    series = {g.series_key for g in runnable}
    missed = sorted(p.last_week_sessions - series)
    add(
        "missed_last_week_session",
        len(missed) * w.missed_last_week_session,
        f"{len(missed)} of last week's groups no longer fit their hours or cannot run",
    )
    mine = {g.id for g in runnable}
    lost = []
    for q in sorted(p.last_week_peers):
        other = index.participants.get(q)
        if q == p.id or other is None:
            continue
        if not mine & {g.id for g in index.sessions_for(other)}:
            lost.append(q)
    add(
        "lost_peer",
        len(lost) * w.lost_peer,
        f"no group fits both their hours and those of {len(lost)} of last week's peers",
    )
    return found


def _runnable_groups(index: Index, p: Participant) -> tuple[list[GroupSession], dict[int, list[tuple[int, int]]]]:
    """The groups ``p`` could attend that can run (a facilitator, room for their minimum), and the
    (start, end) spans of those counting toward hours, by day."""
    runnable = [
        g for g in index.sessions_for(p) if index.facilitators_for(g) and index.capacity(g) >= max(1, g.min_size)
    ]
    per_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for g in runnable:
        if g.counts_toward_hours:
            per_day[g.day].append((g.start, g.end))
    return runnable, per_day


def _least_hours_cost(p: Participant, totals: set[int], excess_weight: int, short_weight: int) -> int:
    """Least excess-or-shortfall cost of ``p`` over ``totals`` (0 if a total hits the minimum exactly)."""
    costs = [
        (t - p.min_weekly_minutes) * excess_weight
        if t >= p.min_weekly_minutes
        else (p.min_weekly_minutes - t) * short_weight
        for t in totals
    ]
    return min(costs, default=0)


def hours_cut(index: Index, p: Participant) -> int:
    """Least cost of ``p``'s excess and shortfall minutes in any plan that books all of ``p``'s
    counted one-to-one sessions (each booked session has at least one option).

    The CP-SAT model states it as a cut, ``w_e * excess + w_s * short + cut * (unbooked counted
    sessions) >= cut``: valid for every plan (one unbooked session pays the whole cut), and much
    tighter than the linear relaxation, which can always reach the minimum exactly with fractions.
    """
    w = index.problem.weights
    _runnable, per_day = _runnable_groups(index, p)
    counted: list[int] = []
    for need in index.needs_of.get(p.id, []):
        if need.counts_toward_hours and index.clinician_starts(need) and index.rooms_for(need):
            counted += [need.session_minutes] * need.sessions_per_week
    totals = _reachable_totals(per_day, counted, p.max_weekly_minutes)
    return _least_hours_cost(p, totals, w.excess_minute, w.shortfall_minute)


def _day_totals(spans: list[tuple[int, int]]) -> set[int]:
    """Minutes of every set of non-overlapping spans of one day (0 included)."""
    spans = sorted(spans)
    totals: set[int] = set()

    def walk(i: int, free_from: int, total: int) -> None:
        if len(totals) > 64:  # enough variety; a superset is not needed for a valid bound below
            return
        totals.add(total)
        for j in range(i, len(spans)):
            start, end = spans[j]
            if start >= free_from:
                walk(j + 1, end, total + end - start)

    walk(0, 0, 0)
    return totals


def _reachable_totals(per_day: dict[int, list[tuple[int, int]]], sessions: list[int], cap: int | None) -> set[int]:
    """Every weekly total of counted minutes the participant's own options allow with all their
    one-to-one sessions booked (a superset of what such a plan can give them). Truncated sets fall
    back to every total up to the cap (still a superset)."""
    totals = {0}
    for spans in per_day.values():
        day = _day_totals(spans)
        if len(day) > 64:
            return set(range(0, (cap or 10080) + 1))
        totals = {a + b for a in totals for b in day}
    booked = sum(sessions)  # every one-to-one session booked (leaving one out is priced by the caller)
    totals = {t + booked for t in totals}
    return {t for t in totals if cap is None or t <= cap}


def participant_floor(index: Index, p: Participant) -> int:
    """Penalty points that ``p`` will cost in any plan (a lower bound)."""
    return sum(c.points for c in participant_unavoidable(index, p))


def _max_disjoint_minutes(spans: list[tuple[int, int]]) -> int:
    """Most minutes coverable by non-overlapping spans (weighted interval scheduling)."""
    spans = sorted(spans, key=lambda s: s[1])
    best: list[int] = [0]
    ends: list[int] = [0]
    for start, end in spans:
        i = len(ends) - 1
        while i > 0 and ends[i] > start:
            i -= 1
        take = best[i] + end - start
        if take > best[-1]:
            best.append(take)
            ends.append(end)
        else:
            best.append(best[-1])
            ends.append(end)
    return best[-1]


def unavoidable_costs(problem: Problem, index: Index | None = None) -> list[UnavoidableCost]:
    """Every participant's unavoidable penalties with reasons, in problem order."""
    idx = index or Index(problem)
    return [c for p in problem.participants for c in participant_unavoidable(idx, p)]


def problem_floor(problem: Problem, index: Index | None = None) -> int:
    """Sum of every participant's floor: no plan for ``problem`` scores below this."""
    return sum(c.points for c in unavoidable_costs(problem, index))
