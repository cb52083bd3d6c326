"""Fast greedy planner: a good-enough plan in well under a second per thousand participants.

It seeds CP-SAT (as a solution hint) and is the fallback when CP-SAT finds nothing better. Each
step takes the move with the lowest marginal cost under the problem's weights, so the greedy plan
and the optimiser pursue the same goals; the greedy simply never revisits a choice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .index import Index, overlaps
from .types import (
    MINUTES_PER_DAY,
    Booking,
    Facilitation,
    GroupAssignment,
    GroupSession,
    OneToOneNeed,
    Participant,
    Problem,
    Solution,
)


class Diary:
    """Busy spans per (owner, day); answers "is this span free?"."""

    def __init__(self) -> None:
        self._busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)

    def free(self, owner: str, day: int, start: int, end: int) -> bool:
        return not any(overlaps(start, end, s, e) for s, e in self._busy.get((owner, day), ()))

    def add(self, owner: str, day: int, start: int, end: int) -> None:
        self._busy[(owner, day)].append((start, end))

    def remove(self, owner: str, day: int, start: int, end: int) -> None:
        self._busy[(owner, day)].remove((start, end))


class PlanState:
    """A plan under construction with the running totals the marginal costs need."""

    def __init__(self, index: Index, staff_caps: dict[str, int] | None = None) -> None:
        self.index = index
        self.weights = index.problem.weights
        self.members: dict[str, set[str]] = defaultdict(set)
        self.facilitator: dict[str, str] = {}
        self.bookings: list[Booking] = []
        self.booked: Counter[str] = Counter()
        self.people = Diary()
        self.staff = Diary()
        self.rooms = Diary()
        self.staff_used: Counter[str] = Counter()
        self.staff_cap = staff_caps or {s.id: s.max_weekly_minutes for s in index.problem.staff}
        self.minutes: Counter[str] = Counter()
        self.all_minutes: Counter[str] = Counter()
        self.counted_days: dict[str, Counter[int]] = defaultdict(Counter)
        self.n_days: Counter[str] = Counter()
        self.busy_days: dict[str, Counter[int]] = defaultdict(Counter)
        self.series: dict[str, Counter[str]] = defaultdict(Counter)
        self.sessions_of: dict[str, set[str]] = defaultdict(set)
        self.listed_by: dict[str, set[str]] = defaultdict(set)
        for person in index.problem.participants:
            for q in person.last_week_peers:
                self.listed_by[q].add(person.id)
        self.parallel: dict[str, list[str]] = {
            g.id: [h.id for h in group]
            for group in index.parallel_sets(list(index.problem.group_sessions))
            for g in group
        }

    # -- group sessions -------------------------------------------------------------------------

    def is_open(self, g: GroupSession) -> bool:
        return bool(self.members.get(g.id))

    def free_facilitator(self, g: GroupSession) -> str | None:
        """The eligible staff member with most weekly minutes left who is free then, if any."""
        best: tuple[int, str] | None = None
        for s in self.index.facilitators_for(g):
            left = self.staff_cap.get(s.id, 0) - self.staff_used[s.id]
            if left >= g.minutes and self.staff.free(s.id, g.day, g.start, g.end):
                key = (-left, s.id)
                if best is None or key < best:
                    best = key
        return None if best is None else best[1]

    def can_join(self, p: Participant, g: GroupSession, *, open_only: bool = False) -> bool:
        if p.id in self.members[g.id] or len(self.members[g.id]) >= self.index.capacity(g):
            return False
        if not self.people.free(p.id, g.day, g.start, g.end):
            return False
        if p.max_weekly_minutes is not None and self.all_minutes[p.id] + g.minutes > p.max_weekly_minutes:
            return False
        if self.is_open(g):
            return True
        if open_only:
            return False
        return self.rooms.free(g.room, g.day, g.start, g.end) and self.free_facilitator(g) is not None

    def join(self, p: Participant, g: GroupSession, facilitator: str | None = None, *, pick: bool = True) -> None:
        """Add ``p`` to ``g``; opening ``g`` books ``facilitator`` (or, if ``pick``, a free one)."""
        if not self.is_open(g):
            lead = facilitator or (self.free_facilitator(g) if pick else None)
            if lead is not None:
                self.set_facilitator(g, lead)
            self.rooms.add(g.room, g.day, g.start, g.end)
        self.members[g.id].add(p.id)
        self._add_person(p.id, g.day, g.start, g.end, g.counts_toward_hours)
        self.series[p.id][g.series_key] += 1
        self.sessions_of[p.id].add(g.id)

    def leave(self, p: Participant, g: GroupSession) -> None:
        self.members[g.id].discard(p.id)
        self._remove_person(p.id, g.day, g.start, g.end, g.counts_toward_hours)
        self.series[p.id][g.series_key] -= 1
        self.sessions_of[p.id].discard(g.id)
        if not self.members[g.id]:
            self.rooms.remove(g.room, g.day, g.start, g.end)
            self.clear_facilitator(g)

    def set_facilitator(self, g: GroupSession, staff_id: str) -> None:
        self.clear_facilitator(g)
        self.facilitator[g.id] = staff_id
        self.staff.add(staff_id, g.day, g.start, g.end)
        self.staff_used[staff_id] += g.minutes

    def clear_facilitator(self, g: GroupSession) -> None:
        old = self.facilitator.pop(g.id, None)
        if old is not None:
            self.staff.remove(old, g.day, g.start, g.end)
            self.staff_used[old] -= g.minutes

    # -- one-to-one sessions --------------------------------------------------------------------

    def book(self, booking: Booking) -> None:
        need = self.index.needs[booking.need]
        self.bookings.append(booking)
        self.booked[need.id] += 1
        self.staff.add(booking.clinician, booking.day, booking.start, booking.end)
        self.rooms.add(booking.room, booking.day, booking.start, booking.end)
        self.staff_used[booking.clinician] += booking.end - booking.start
        self._add_person(booking.participant, booking.day, booking.start, booking.end, need.counts_toward_hours)

    # -- bookkeeping ----------------------------------------------------------------------------

    def _add_person(self, pid: str, day: int, start: int, end: int, counts: bool) -> None:
        self.people.add(pid, day, start, end)
        self.busy_days[pid][day] += 1
        self.all_minutes[pid] += end - start
        if counts:
            self.minutes[pid] += end - start
            self.counted_days[pid][day] += 1
            if self.counted_days[pid][day] == 1:
                self.n_days[pid] += 1

    def _remove_person(self, pid: str, day: int, start: int, end: int, counts: bool) -> None:
        self.people.remove(pid, day, start, end)
        self.busy_days[pid][day] -= 1
        self.all_minutes[pid] -= end - start
        if counts:
            self.minutes[pid] -= end - start
            self.counted_days[pid][day] -= 1
            if self.counted_days[pid][day] == 0:
                self.n_days[pid] -= 1

    def days(self, pid: str) -> int:
        return self.n_days[pid]

    def solution(self) -> Solution:
        return Solution(
            tuple(GroupAssignment(p, g) for g, ps in self.members.items() for p in ps),
            tuple(Facilitation(g, s) for g, s in self.facilitator.items() if self.members.get(g)),
            tuple(self.bookings),
        ).normalized()

    def load(self, solution: Solution) -> None:
        """Seed the state with an existing plan (used for re-planning); unknown ids are skipped."""
        idx = self.index
        leads = {f.session: f.staff for f in solution.facilitations if f.staff in idx.staff}
        for a in sorted(solution.assignments):
            p, g = idx.participants.get(a.participant), idx.sessions.get(a.session)
            if p is not None and g is not None:
                opening = not self.is_open(g)
                self.join(p, g, facilitator=leads.get(g.id) if opening else None, pick=False)
        for b in solution.bookings:
            if b.participant in idx.participants and b.need in idx.needs:
                self.book(b)


def group_cost(state: PlanState, p: Participant, g: GroupSession, target: int) -> int:
    """Change in objective points if ``p`` joins ``g`` (negative is an improvement)."""
    w = state.weights
    cost = 0
    if g.counts_toward_hours:
        remaining = max(0, target - state.minutes[p.id])
        gain = min(g.minutes, remaining)
        cost += (g.minutes - gain) * w.excess_minute - gain * w.shortfall_minute
        if state.counted_days[p.id][g.day] == 0 and state.days(p.id) < p.min_days:
            cost -= w.shortfall_day
    if g.series_key in p.last_week_sessions and state.series[p.id][g.series_key] == 0:
        cost -= w.missed_last_week_session
    if g.day in p.avoid_days and state.busy_days[p.id][g.day] == 0:
        cost += w.avoid_day
    here = state.members[g.id]
    mine = state.sessions_of[p.id]
    for q in p.last_week_peers & here:
        if not (state.sessions_of[q] & mine):
            mutual = 2 if p.id in state.index.participants[q].last_week_peers else 1
            cost -= mutual * w.lost_peer
    cost += w.group_size_spread * _spread_delta(state, g)
    return cost


def _spread(sizes: list[int]) -> int:
    running = [n for n in sizes if n]
    return max(running) - min(running) if running else 0


def _spread_delta(state: PlanState, g: GroupSession) -> int:
    """Change in size spread of ``g``'s parallel groups if one person joins ``g``.

    Opening a group is not charged: a new group starts small and is filled (and balanced) later.
    """
    parallel = state.parallel.get(g.id)
    if not parallel or not state.members[g.id]:
        return 0
    before = [len(state.members[h]) for h in parallel]
    after = [n + (1 if h == g.id else 0) for h, n in zip(parallel, before, strict=True)]
    return _spread(after) - _spread(before)


def _peer_cost(state: PlanState, p: Participant, sessions: set[str]) -> int:
    """Lost-peer points involving ``p`` if ``p`` attended exactly ``sessions``."""
    idx = state.index
    cost = 0
    for q in p.last_week_peers | state.listed_by[p.id]:
        if q == p.id or q not in idx.participants:
            continue
        listings = (q in p.last_week_peers) + (p.id in idx.participants[q].last_week_peers)
        if not (state.sessions_of[q] & sessions):
            cost += listings * state.weights.lost_peer
    return cost


def _improve_groups(state: PlanState, free: set[str]) -> None:
    """Hill-climb: move a participant to a parallel group (same time) when that lowers the objective.

    Only open groups are targets, and a group is never left below its minimum size (except empty).
    """
    idx = state.index
    w = state.weights
    for _round in range(3):
        improved = False
        for pid in sorted(free):
            p = idx.participants[pid]
            for gid in sorted(state.sessions_of[pid]):
                g = idx.sessions[gid]
                parallel = state.parallel.get(gid)
                if not parallel or gid not in state.sessions_of[pid]:
                    continue
                mine = set(state.sessions_of[pid])
                base_peers = _peer_cost(state, p, mine)
                sizes = {h: len(state.members[h]) for h in parallel}
                left = sizes[gid] - 1
                if 0 < left < g.min_size:
                    continue
                for hid in parallel:
                    h = idx.sessions[hid]
                    if hid == gid or not sizes[hid] or sizes[hid] >= idx.capacity(h):
                        continue
                    delta = 0
                    if g.series_key != h.series_key:
                        had = state.series[pid]
                        if g.series_key in p.last_week_sessions and had[g.series_key] == 1:
                            delta += w.missed_last_week_session
                        if h.series_key in p.last_week_sessions and had[h.series_key] == 0:
                            delta -= w.missed_last_week_session
                    moved = {**sizes, gid: left, hid: sizes[hid] + 1}
                    delta += w.group_size_spread * (_spread(list(moved.values())) - _spread(list(sizes.values())))
                    delta += _peer_cost(state, p, (mine - {gid}) | {hid}) - base_peers
                    if delta < 0:
                        state.leave(p, g)
                        state.join(p, h)
                        improved = True
                        break
        if not improved:
            return


def _add_groups(state: PlanState, p: Participant, candidates: list[GroupSession], target: int, open_only: bool) -> None:
    while True:
        best: tuple[int, str] | None = None
        best_g: GroupSession | None = None
        for g in candidates:
            if not state.can_join(p, g, open_only=open_only):
                continue
            key = (group_cost(state, p, g, target), g.id)
            if best is None or key < best:
                best, best_g = key, g
        if best is None or best_g is None or best[0] >= 0:
            return
        state.join(p, best_g)


def _clinician_cost(state: PlanState, p: Participant, need: OneToOneNeed, staff_id: str) -> int:
    w = state.weights
    cost = 0
    if need.service_type == "individual" and p.primary_clinician and staff_id != p.primary_clinician:
        cost += w.not_primary_clinician
    if p.preferred_clinician and staff_id != p.preferred_clinician:
        cost += w.not_preferred_clinician
    if p.last_week_clinicians and staff_id not in p.last_week_clinicians:
        cost += w.clinician_change
    return cost


def _book_need(state: PlanState, need: OneToOneNeed, options: dict[str, list[int]]) -> bool:
    """Book one session of ``need`` at the cheapest feasible (clinician, start, room); False if none."""
    p = state.index.participants[need.participant]
    w = state.weights
    rooms = state.index.rooms_for(need)
    d = need.session_minutes
    if p.max_weekly_minutes is not None and state.all_minutes[p.id] + d > p.max_weekly_minutes:
        return False
    short_of_days = need.counts_toward_hours and state.days(p.id) < p.min_days
    person_free: dict[int, bool] = {}
    ranked: list[tuple[int, int, str]] = []
    for staff_id, starts in options.items():
        if state.staff_used[staff_id] + d > state.staff_cap.get(staff_id, 0):
            continue
        base = _clinician_cost(state, p, need, staff_id)
        for t in starts:
            free = person_free.get(t)
            if free is None:
                day, minute = divmod(t, MINUTES_PER_DAY)
                free = person_free[t] = state.people.free(p.id, day, minute, minute + d)
            if not free:
                continue
            day = t // MINUTES_PER_DAY
            cost = base
            if day in p.avoid_days and state.busy_days[p.id][day] == 0:
                cost += w.avoid_day
            if short_of_days and state.counted_days[p.id][day] == 0:
                cost -= w.shortfall_day
            ranked.append((cost, t, staff_id))
    ranked.sort()
    for _cost, t, staff_id in ranked:
        day, minute = divmod(t, MINUTES_PER_DAY)
        if not state.staff.free(staff_id, day, minute, minute + d):
            continue
        for room in rooms:
            if state.rooms.free(room.id, day, minute, minute + d):
                state.book(Booking(p.id, need.id, staff_id, day, minute, minute + d, room.id))
                return True
    return False


def _repair_min_sizes(state: PlanState, free: set[str]) -> list[Participant]:
    """Close groups below their minimum size; return the participants who lost a group."""
    dropped: list[Participant] = []
    for g in state.index.problem.group_sessions:
        size = len(state.members[g.id])
        if 0 < size < g.min_size and state.members[g.id] <= free:
            for pid in sorted(state.members[g.id]):
                p = state.index.participants[pid]
                state.leave(p, g)
                dropped.append(p)
    return dropped


def _fill_facilitators(state: PlanState, free: set[str]) -> None:
    """Give every running group a facilitator; drop free participants from groups nobody can lead."""
    idx = state.index
    for g in idx.problem.group_sessions:
        if not state.is_open(g):
            continue
        lead = state.facilitator.get(g.id)
        if lead is not None:
            continue
        found = state.free_facilitator(g)
        if found is not None:
            state.set_facilitator(g, found)
        else:
            for pid in sorted(state.members[g.id] & free):
                state.leave(idx.participants[pid], g)


def greedy(
    problem: Problem,
    *,
    base: Solution | None = None,
    free: Iterable[str] | None = None,
    staff_caps: dict[str, int] | None = None,
    index: Index | None = None,
) -> Solution:
    """Build a plan that keeps every hard rule, greedily improving the objective.

    ``base`` seeds the plan (its items are kept); only participants in ``free`` (default: all) get
    new items. ``staff_caps`` overrides staff weekly maximums. Raises ProblemError for malformed input.
    """
    idx = index or Index(problem)
    state = PlanState(idx, staff_caps)
    free_ids = set(idx.participants) if free is None else set(free) & set(idx.participants)
    if base is not None:
        state.load(base)
        _fill_facilitators(state, free_ids)

    candidates = {pid: idx.sessions_for(idx.participants[pid]) for pid in free_ids}
    one_to_one = {
        pid: sum(n.minutes_per_week for n in idx.needs_of.get(pid, []) if n.counts_toward_hours) for pid in free_ids
    }

    def tightness(pid: str) -> tuple[float, str]:
        p = idx.participants[pid]
        wanted = max(1, p.min_days, -(-max(0, p.min_weekly_minutes - one_to_one[pid]) // 180))
        return (len(candidates[pid]) / wanted, pid)

    order = sorted(free_ids, key=tightness)
    for pid in order:
        p = idx.participants[pid]
        _add_groups(state, p, candidates[pid], p.min_weekly_minutes - one_to_one[pid], open_only=False)
    for _ in range(3):
        dropped = _repair_min_sizes(state, free_ids)
        if not dropped:
            break
        for p in dropped:
            _add_groups(state, p, candidates[p.id], p.min_weekly_minutes - one_to_one[p.id], open_only=True)
    _improve_groups(state, free_ids)

    need_order: list[tuple[int, float, str, OneToOneNeed]] = []
    options: dict[str, dict[str, list[int]]] = {}
    for pid in order:
        for need in idx.needs_of.get(pid, []):
            options[need.id] = idx.clinician_starts(need)
            need_order.append((len(options[need.id]), tightness(pid)[0], need.id, need))
    need_order.sort(key=lambda item: item[:3])
    for _n, _t, _id, need in need_order:
        while state.booked[need.id] < need.sessions_per_week:
            if not _book_need(state, need, options[need.id]):
                break
    return state.solution()
