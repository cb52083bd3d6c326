"""A cheap lower bound on the objective, from each participant's own options alone.

Everything here is a *necessary* condition: whatever anyone else does, a participant cannot attend
more minutes or days than their availability lets them, a last-week group that no longer fits their
hours is missed, and so on. Summing these penalties gives a valid lower bound on the objective. It is
used as the bound of components that CP-SAT had no time for, and to decide which components are
most worth CP-SAT's time (greedy objective minus this floor).
"""

from __future__ import annotations

from collections import defaultdict

from .index import Index
from .types import Participant, Problem


def participant_floor(index: Index, p: Participant) -> int:
    """Penalty points that ``p`` will cost in any plan (a lower bound)."""
    w = index.problem.weights
    sessions = index.sessions_for(p)
    runnable = [g for g in sessions if index.facilitators_for(g) and index.capacity(g) >= max(1, g.min_size)]
    per_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for g in runnable:
        if g.counts_toward_hours:
            per_day[g.day].append((g.start, g.end))
    group_minutes = sum(_max_disjoint_minutes(spans) for spans in per_day.values())
    one_to_one_minutes = 0
    one_to_one_sessions = 0
    one_to_one_days: set[int] = set()
    cost = 0
    for need in index.needs_of.get(p.id, []):
        options = index.clinician_starts(need)
        if not options or not index.rooms_for(need):
            cost += w.unmet_one_to_one * need.sessions_per_week
            continue
        if need.counts_toward_hours:
            one_to_one_minutes += need.minutes_per_week
            one_to_one_sessions += need.sessions_per_week
            one_to_one_days |= {t // 1440 for starts in options.values() for t in starts}
    most_minutes = group_minutes + one_to_one_minutes
    if p.max_weekly_minutes is not None:
        most_minutes = min(most_minutes, p.max_weekly_minutes)
    group_days = set(per_day)
    most_days = min(len(group_days | one_to_one_days), len(group_days) + one_to_one_sessions)
    cost += max(0, p.min_weekly_minutes - most_minutes) * w.shortfall_minute
    cost += max(0, p.min_days - most_days) * w.shortfall_day
    series = {g.series_key for g in runnable}
    cost += len(p.last_week_sessions - series) * w.missed_last_week_session
    mine = {g.id for g in runnable}
    for q in p.last_week_peers:
        other = index.participants.get(q)
        if q == p.id or other is None:
            continue
        if not mine & {g.id for g in index.sessions_for(other)}:
            cost += w.lost_peer
    return cost


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


def problem_floor(problem: Problem, index: Index | None = None) -> int:
    """Sum of every participant's floor: no plan for ``problem`` scores below this."""
    idx = index or Index(problem)
    return sum(participant_floor(idx, p) for p in problem.participants)
