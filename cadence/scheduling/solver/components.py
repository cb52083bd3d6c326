"""Split a week into independent parts that CP-SAT can solve one after another.

Participants only attend their own track, so every (program, track) is a natural part. Staff and
rooms can tie parts together:

* If a staff member or room *could* be used by two parts at overlapping times (e.g. a site's family
  therapist seeing morning participants of two programs), the parts are merged and solved jointly:
  only a joint model can keep that person from being double-booked.
* If a staff member serves several parts at disjoint times (e.g. a program's MD who sees the morning
  track on Monday and the evening track on Tuesday), the parts stay separate and the only link left
  is the weekly-minutes cap. That cap is split deterministically: each part gets the minutes the
  greedy plan already uses there, plus a share of the remaining minutes in proportion to how many
  minutes that part could use at most. If the parts together cannot use more than the cap, each
  simply gets what it could use. So the split is never worse for a part than the greedy plan.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .index import Index
from .types import Problem, Solution, Staff

TrackKey = tuple[str, str]


@dataclass(slots=True)
class Component:
    """One independently solvable part: a sub-problem whose staff caps are this part's share."""

    key: str
    tracks: list[TrackKey]
    problem: Problem
    staff_caps: dict[str, int] = field(default_factory=dict)


class _UnionFind:
    def __init__(self, keys: list[TrackKey]) -> None:
        self.parent = {k: k for k in keys}

    def find(self, k: TrackKey) -> TrackKey:
        while self.parent[k] != k:
            self.parent[k] = self.parent[self.parent[k]]
            k = self.parent[k]
        return k

    def union(self, a: TrackKey, b: TrackKey) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _usage(index: Index) -> tuple[dict[str, list[tuple[int, int, int, TrackKey]]], dict[tuple[str, TrackKey], int]]:
    """Spans where each staff member / room might be used by each track, and staff minutes per track."""
    spans: dict[str, list[tuple[int, int, int, TrackKey]]] = defaultdict(list)
    demand: Counter[tuple[str, TrackKey]] = Counter()
    for g in index.problem.group_sessions:
        spans["room:" + g.room].append((g.day, g.start, g.end, g.track_key))
        for s in index.facilitators_for(g):
            spans["staff:" + s.id].append((g.day, g.start, g.end, g.track_key))
            demand[(s.id, g.track_key)] += g.minutes
    for need in index.problem.needs:
        p = index.participants[need.participant]
        options = index.clinician_starts(need)
        for staff_id, starts in options.items():
            demand[(staff_id, p.track_key)] += need.minutes_per_week
            for day in sorted({t // 1440 for t in starts}):
                window = p.availability[day]
                spans["staff:" + staff_id].append((day, window.start, window.end, p.track_key))
        if options:
            for room in index.rooms_for(need):
                for day, window in p.availability.items():
                    spans["room:" + room.id].append((day, window.start, window.end, p.track_key))
    return spans, dict(demand)


def split(problem: Problem, index: Index, plan: Solution) -> list[Component]:
    """Split ``problem`` into components (see module docstring); ``plan`` is the greedy plan."""
    keys = sorted({p.track_key for p in problem.participants} | {g.track_key for g in problem.group_sessions})
    uf = _UnionFind(keys)
    spans, demand = _usage(index)
    for _resource, items in sorted(spans.items()):
        items.sort()
        # Sweep each day keeping the span that reaches furthest: a span starting before that end
        # overlaps the current cluster of overlapping spans, so its track joins that cluster.
        end_by_day: dict[int, tuple[int, TrackKey]] = {}
        for d, s, e, k in items:
            best = end_by_day.get(d)
            if best is not None and s < best[0] and uf.find(best[1]) != uf.find(k):
                uf.union(best[1], k)
            if best is None or e > best[0]:
                end_by_day[d] = (e, k)
    groups: dict[TrackKey, list[TrackKey]] = defaultdict(list)
    for k in keys:
        groups[uf.find(k)].append(k)
    parts = [sorted(v) for _, v in sorted(groups.items())]
    caps = _split_caps(problem, index, plan, parts, demand)
    return [_component(problem, index, tracks, caps[i]) for i, tracks in enumerate(parts)]


def _split_caps(
    problem: Problem, index: Index, plan: Solution, parts: list[list[TrackKey]], demand: dict[tuple[str, TrackKey], int]
) -> list[dict[str, int]]:
    part_of = {k: i for i, tracks in enumerate(parts) for k in tracks}
    wanted: dict[str, Counter[int]] = defaultdict(Counter)
    for (staff_id, track), minutes in demand.items():
        wanted[staff_id][part_of[track]] += minutes
    used: dict[str, Counter[int]] = defaultdict(Counter)
    for f in plan.facilitations:
        g = index.sessions.get(f.session)
        if g is not None:
            used[f.staff][part_of[g.track_key]] += g.minutes
    for b in plan.bookings:
        p = index.participants.get(b.participant)
        if p is not None:
            used[b.clinician][part_of[p.track_key]] += b.end - b.start
    caps: list[dict[str, int]] = [{} for _ in parts]
    for s in problem.staff:
        shares = wanted.get(s.id, Counter())
        if len(shares) <= 1:
            for i in shares:
                caps[i][s.id] = s.max_weekly_minutes
            continue
        total = sum(shares.values())
        if total <= s.max_weekly_minutes:
            for i, minutes in shares.items():
                caps[i][s.id] = minutes
            continue
        base = used.get(s.id, Counter())
        slack = s.max_weekly_minutes - sum(base.values())
        order = sorted(shares)
        given = {i: base[i] + slack * shares[i] // total for i in order}
        given[order[0]] += s.max_weekly_minutes - sum(given.values())
        for i in order:
            caps[i][s.id] = given[i]
    return caps


def _component(problem: Problem, index: Index, tracks: list[TrackKey], caps: dict[str, int]) -> Component:
    track_set = set(tracks)
    programs = {program for program, _track in tracks}
    people = tuple(p for p in problem.participants if p.track_key in track_set)
    ids = {p.id for p in people}
    staff: list[Staff] = []
    for s in problem.staff:
        if s.id in caps:
            cap = caps[s.id]
            staff.append(Staff(s.id, s.credentials, s.availability, cap, s.time_off, s.programs))
        elif not s.programs or s.programs & programs:
            # Serves these programs but can do nothing here (no credential or no overlap): harmless.
            staff.append(Staff(s.id, s.credentials, s.availability, 0, s.time_off, s.programs))
    sub = Problem(
        week_start=problem.week_start,
        participants=people,
        group_sessions=tuple(g for g in problem.group_sessions if g.track_key in track_set),
        needs=tuple(n for n in problem.needs if n.participant in ids),
        staff=tuple(staff),
        rooms=tuple(r for r in problem.rooms if not r.programs or r.programs & programs),
        weights=problem.weights,
        slot_minutes=problem.slot_minutes,
    )
    key = "+".join(f"{program}/{track}" for program, track in tracks)
    return Component(key=key, tracks=tracks, problem=sub, staff_caps=caps)
