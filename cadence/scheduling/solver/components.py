"""Split a week into independent parts that CP-SAT can solve one after another.

Participants only attend their own track, so every (program, track) is a natural part. Staff and
rooms can tie parts together:

* If a staff member or room *could* be used by two parts at overlapping times (e.g. a site's family
  therapist seeing morning participants of two programs), the parts are merged and solved jointly:
  only a joint model can keep that person from being double-booked.
* If a staff member serves several parts at disjoint times (e.g. a program's MD who sees the morning
  track on Monday and the evening track on Tuesday), the parts stay separate and the only link left
  is the weekly-minutes cap. Each part is first solved with that person's *whole* cap (a relaxation
  of the week: the sum of the parts' bounds is then a valid bound for the whole week, and a plan
  whose parts fit together is proven optimal when it meets that bound). ``Component.shared`` lists
  the people whose cap the parts could together exceed; ``solve`` checks the merged plan and, if a
  shared cap is exceeded, re-solves the parts involved with what the others leave (``restrict``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from .index import Index
from .types import Problem, Staff

TrackKey = tuple[str, str]


@dataclass(slots=True)
class Component:
    """One independently solvable part of the week; ``shared`` names staff whose weekly cap it shares."""

    key: str
    tracks: list[TrackKey]
    problem: Problem
    shared: frozenset[str] = frozenset()


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


def split(problem: Problem, index: Index) -> list[Component]:
    """Split ``problem`` into components (see module docstring)."""
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
    shared = _shared_staff(problem, parts, demand)
    return [_component(problem, tracks, shared) for tracks in parts]


def _shared_staff(
    problem: Problem, parts: list[list[TrackKey]], demand: dict[tuple[str, TrackKey], int]
) -> dict[str, set[int]]:
    """Staff who could be used by several parts and whose cap those parts could together exceed."""
    part_of = {k: i for i, tracks in enumerate(parts) for k in tracks}
    wanted: dict[str, Counter[int]] = defaultdict(Counter)
    for (staff_id, track), minutes in demand.items():
        wanted[staff_id][part_of[track]] += minutes
    return {
        s.id: set(wanted[s.id])
        for s in problem.staff
        if len(wanted.get(s.id, ())) > 1 and sum(wanted[s.id].values()) > s.max_weekly_minutes
    }


def restrict(comp: Component, caps: dict[str, int]) -> Component:
    """``comp`` with the weekly caps of some staff lowered to ``caps`` (what the other parts leave)."""
    staff = tuple(
        Staff(s.id, s.credentials, s.availability, caps[s.id], s.time_off, s.programs) if s.id in caps else s
        for s in comp.problem.staff
    )
    problem = Problem(
        comp.problem.week_start,
        comp.problem.participants,
        comp.problem.group_sessions,
        comp.problem.needs,
        staff,
        comp.problem.rooms,
        comp.problem.weights,
        comp.problem.slot_minutes,
    )
    return Component(comp.key, comp.tracks, problem, comp.shared)


def _component(problem: Problem, tracks: list[TrackKey], shared: dict[str, set[int]]) -> Component:
    track_set = set(tracks)
    programs = {program for program, _track in tracks}
    people = tuple(p for p in problem.participants if p.track_key in track_set)
    ids = {p.id for p in people}
    sub = Problem(
        week_start=problem.week_start,
        participants=people,
        group_sessions=tuple(g for g in problem.group_sessions if g.track_key in track_set),
        needs=tuple(n for n in problem.needs if n.participant in ids),
        staff=tuple(s for s in problem.staff if not s.programs or s.programs & programs),
        rooms=tuple(r for r in problem.rooms if not r.programs or r.programs & programs),
        weights=problem.weights,
        slot_minutes=problem.slot_minutes,
    )
    key = "+".join(f"{program}/{track}" for program, track in tracks)
    mine = frozenset(s.id for s in sub.staff if s.id in shared)
    return Component(key=key, tracks=tracks, problem=sub, shared=mine)
