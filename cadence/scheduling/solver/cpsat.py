"""The CP-SAT model for one component, warm-started from a hint plan.

Variables
    x[p, g]   participant p attends group g (only groups of p's track that fit p's availability)
    open[g]   group g runs;  f[g, s]  staff s leads it
    per one-to-one session instance: presence u, clinician c[s], day d[day], room r[room] (booleans)
    and a start time on the slot grid; optional intervals tie it to the diaries of the participant,
    the clinician and the room (NoOverlap), so nobody and nothing is double-booked.
Minimum minutes and days are soft with very high weights (shortfall variables), so the model is
always feasible and the shortfalls can be reported. The objective mirrors ``checker.check`` term by
term; tests assert that both give the same number.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .floor import hours_cut
from .index import Index, overlap_cliques
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

Var = cp_model.IntVar


@dataclass(slots=True)
class ComponentOutcome:
    """What one CP-SAT run produced. ``objective``/``bound`` are None when CP-SAT found nothing."""

    solution: Solution
    status: str
    objective: int | None
    bound: int | None
    first_solution_seconds: float | None
    build_seconds: float
    solve_seconds: float
    variables: int = 0


@dataclass(slots=True)
class _Instance:
    need: OneToOneNeed
    present: Var
    start: Var
    clinicians: dict[str, Var]
    days: dict[int, Var]
    rooms: dict[str, Var]
    hinted: Booking | None


@dataclass(slots=True)
class Stability:
    """Re-planning settings: the previous plan, who must not move, and the price of a change."""

    previous: Solution
    locked: frozenset[str] = frozenset()
    weight: int = 0


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self, started: float) -> None:
        super().__init__()
        self.started = started
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.perf_counter() - self.started


class ModelBuilder:
    """Builds the model for ``problem`` with every variable hinted from ``hint``."""

    def __init__(
        self,
        problem: Problem,
        hint: Solution,
        stability: Stability | None = None,
        everyone: frozenset[str] | None = None,
        cuts: bool = True,
    ) -> None:
        self.problem = problem
        self.cuts = cuts
        self.everyone = everyone
        self.index = Index(problem)
        self.w = problem.weights
        self.model = cp_model.CpModel()
        self.obj_vars: list[Var] = []
        self.obj_coefs: list[int] = []
        self.constant = 0
        self.hint_vars: list[Var] = []
        self.hint_values: list[int] = []
        self.stability = stability
        self.members: dict[str, set[str]] = defaultdict(set)
        for a in hint.assignments:
            self.members[a.session].add(a.participant)
        self.hint_lead = {f.session: f.staff for f in hint.facilitations}
        self.hint_bookings: dict[str, list[Booking]] = defaultdict(list)
        for b in sorted(hint.bookings, key=lambda b: (b.day, b.start)):
            self.hint_bookings[b.need].append(b)
        self.x: dict[tuple[str, str], Var] = {}
        self.open: dict[str, Var] = {}
        self.lead: dict[tuple[str, str], Var] = {}
        self.candidates: dict[str, list[GroupSession]] = {}
        self.by_session: dict[str, list[Var]] = defaultdict(list)
        self.instances: dict[str, list[_Instance]] = defaultdict(list)
        self.room_groups: dict[str, list[str]] = {}
        self.staff_groups: dict[str, list[str]] = {}

    # -- helpers --------------------------------------------------------------------------------

    def _bool(self, hint: bool) -> Var:
        v = self.model.new_bool_var("")
        self.hint_vars.append(v)
        self.hint_values.append(int(hint))
        return v

    def _int(self, lo: int, hi: int, hint: int) -> Var:
        v = self.model.new_int_var(lo, hi, "")
        self.hint_vars.append(v)
        self.hint_values.append(min(hi, max(lo, hint)))
        return v

    def _cost(self, var: Var, coef: int) -> None:
        if coef:
            self.obj_vars.append(var)
            self.obj_coefs.append(coef)

    # -- model ----------------------------------------------------------------------------------

    def build(self) -> None:
        self._groups()
        for p in self.problem.participants:
            self._participant_groups(p)
        self._group_sizes_and_leads()
        for need in self.problem.needs:
            self._one_to_one(need)
        self._diaries()
        for p in self.problem.participants:
            self._hours(p)
            self._preferences(p)
        self._peers()
        self._balance()
        if self.stability is not None:
            self._stability(self.stability)
        self.model.minimize(cp_model.LinearExpr.weighted_sum(self.obj_vars, self.obj_coefs) + self.constant)
        for var, value in zip(self.hint_vars, self.hint_values, strict=True):
            self.model.add_hint(var, value)

    def _groups(self) -> None:
        idx = self.index
        for g in self.problem.group_sessions:
            leads = idx.facilitators_for(g)
            if idx.capacity(g) == 0 or not leads or g.min_size > idx.capacity(g):
                continue
            running = self._bool(bool(self.members.get(g.id)))
            self.open[g.id] = running
            ls = [self._bool(self.hint_lead.get(g.id) == s.id and bool(self.members.get(g.id))) for s in leads]
            for s, v in zip(leads, ls, strict=True):
                self.lead[(g.id, s.id)] = v
            self.model.add(sum(ls) == running)
        by_room: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        sessions = idx.sessions
        for gid in self.open:
            g = sessions[gid]
            by_room[g.room].append((_abs(g.day, g.start), _abs(g.day, g.end), len(by_room[g.room])))
        self.room_groups = {room: [gid for gid in self.open if sessions[gid].room == room] for room in by_room}
        for room, spans in by_room.items():
            gids = self.room_groups[room]
            for clique in overlap_cliques(spans):
                self.model.add_at_most_one(self.open[gids[i]] for i in clique)

    def _participant_groups(self, p: Participant) -> None:
        cands = [g for g in self.index.sessions_for(p) if g.id in self.open]
        self.candidates[p.id] = cands
        for g in cands:
            v = self.x[(p.id, g.id)] = self._bool(p.id in self.members.get(g.id, ()))
            self.by_session[g.id].append(v)
        spans = [(_abs(g.day, g.start), _abs(g.day, g.end), i) for i, g in enumerate(cands)]
        for clique in overlap_cliques(spans):
            self.model.add_at_most_one(self.x[(p.id, cands[i].id)] for i in clique)

    def _group_sizes_and_leads(self) -> None:
        """Size limits of running groups, and one group at a time for each facilitator."""
        idx = self.index
        per_staff: dict[str, list[str]] = defaultdict(list)
        for gid, s in self.lead:
            per_staff[s].append(gid)
        for gid, running in self.open.items():
            g = idx.sessions[gid]
            members = self.by_session.get(gid, [])
            if not members:
                self.model.add(running == 0)
                continue
            size = sum(members)
            cap = idx.capacity(g)
            self.model.add(size <= cap * running)
            self.model.add(size >= g.min_size * running)
            for v in members:
                self.model.add_implication(v, running)
        self.staff_groups = per_staff
        for s, gids in per_staff.items():
            spans = [
                (_abs(idx.sessions[g].day, idx.sessions[g].start), _abs(idx.sessions[g].day, idx.sessions[g].end), i)
                for i, g in enumerate(gids)
            ]
            for clique in overlap_cliques(spans):
                self.model.add_at_most_one(self.lead[(gids[i], s)] for i in clique)

    def _one_to_one(self, need: OneToOneNeed) -> None:
        idx = self.index
        p = idx.participants[need.participant]
        options = idx.clinician_starts(need)
        rooms = idx.rooms_for(need)
        d = need.session_minutes
        if not options or not rooms:
            self.constant += self.w.unmet_one_to_one * need.sessions_per_week
            return
        union = sorted(set().union(*options.values()))
        union_set = set(union)
        hints = self.hint_bookings.get(need.id, [])
        previous: _Instance | None = None
        for i in range(need.sessions_per_week):
            hb = hints[i] if i < len(hints) else None
            present = self._bool(hb is not None)
            start_hint = _abs(hb.day, hb.start) if hb is not None else union[0]
            start = self.model.new_int_var_from_domain(cp_model.Domain.from_values(union), "")
            self.hint_vars.append(start)
            self.hint_values.append(start_hint if start_hint in union_set else union[0])
            clinicians = {s: self._bool(hb is not None and hb.clinician == s) for s in options}
            self.model.add(sum(clinicians.values()) == present)
            for s, starts in options.items():
                if len(starts) != len(union):
                    self.model.add_linear_expression_in_domain(
                        start, cp_model.Domain.from_values(starts)
                    ).only_enforce_if(clinicians[s])
            days: dict[int, Var] = {}
            for day in sorted({t // MINUTES_PER_DAY for t in union}):
                days[day] = self._bool(hb is not None and hb.day == day)
                self.model.add_linear_constraint(
                    start, day * MINUTES_PER_DAY, day * MINUTES_PER_DAY + MINUTES_PER_DAY - 1
                ).only_enforce_if(days[day])
            self.model.add(sum(days.values()) == present)
            room_vars = {r.id: self._bool(hb is not None and hb.room == r.id) for r in rooms}
            self.model.add(sum(room_vars.values()) == present)
            inst = _Instance(need, present, start, clinicians, days, room_vars, hb)
            if previous is not None:
                self.model.add_implication(present, previous.present)
                self.model.add(start >= previous.start + d).only_enforce_if(present)
            previous = inst
            self.instances[p.id].append(inst)
            self.constant += self.w.unmet_one_to_one
            self._cost(present, -self.w.unmet_one_to_one)
            self._clinician_terms(p, need, inst)

    def _clinician_terms(self, p: Participant, need: OneToOneNeed, inst: _Instance) -> None:
        w = self.w
        if need.service_type == "individual" and p.primary_clinician:
            self._not_chosen(inst, {p.primary_clinician}, w.not_primary_clinician)
        if p.preferred_clinician:
            self._not_chosen(inst, {p.preferred_clinician}, w.not_preferred_clinician)
        if p.last_week_clinicians:
            self._not_chosen(inst, set(p.last_week_clinicians), w.clinician_change)

    def _not_chosen(self, inst: _Instance, wanted: set[str], weight: int) -> None:
        """Cost ``weight`` when the session happens with a clinician outside ``wanted``."""
        self._cost(inst.present, weight)
        for s in sorted(wanted):
            if s in inst.clinicians:
                self._cost(inst.clinicians[s], -weight)

    def _diaries(self) -> None:
        """NoOverlap for every participant, clinician and room that has one-to-one sessions."""
        idx = self.index
        staff_items: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        room_items: dict[str, list[cp_model.IntervalVar]] = defaultdict(list)
        for pid, insts in self.instances.items():
            items = [
                self.model.new_optional_fixed_size_interval_var(
                    _abs(g.day, g.start), g.minutes, self.x[(pid, g.id)], ""
                )
                for g in self.candidates[pid]
            ]
            for inst in insts:
                d = inst.need.session_minutes
                items.append(self.model.new_optional_fixed_size_interval_var(inst.start, d, inst.present, ""))
                for s, v in inst.clinicians.items():
                    staff_items[s].append(self.model.new_optional_fixed_size_interval_var(inst.start, d, v, ""))
                for r, v in inst.rooms.items():
                    room_items[r].append(self.model.new_optional_fixed_size_interval_var(inst.start, d, v, ""))
            if len(items) > 1:
                self.model.add_no_overlap(items)
        for s, items in staff_items.items():
            for gid in self.staff_groups.get(s, []):
                g = idx.sessions[gid]
                items.append(
                    self.model.new_optional_fixed_size_interval_var(
                        _abs(g.day, g.start), g.minutes, self.lead[(gid, s)], ""
                    )
                )
            self.model.add_no_overlap(items)
        for r, items in room_items.items():
            for gid in self.room_groups.get(r, []):
                g = idx.sessions[gid]
                items.append(
                    self.model.new_optional_fixed_size_interval_var(_abs(g.day, g.start), g.minutes, self.open[gid], "")
                )
            self.model.add_no_overlap(items)
        for staff in self.problem.staff:
            terms: list[tuple[Var, int]] = [
                (self.lead[(gid, staff.id)], idx.sessions[gid].minutes) for gid in self.staff_groups.get(staff.id, [])
            ]
            for insts in self.instances.values():
                for inst in insts:
                    if staff.id in inst.clinicians:
                        terms.append((inst.clinicians[staff.id], inst.need.session_minutes))
            if terms and sum(c for _v, c in terms) > staff.max_weekly_minutes:
                self.model.add(
                    cp_model.LinearExpr.weighted_sum([v for v, _c in terms], [c for _v, c in terms])
                    <= staff.max_weekly_minutes
                )

    def _hours(self, p: Participant) -> None:
        w = self.w
        counted: list[tuple[Var, int]] = []
        every: list[tuple[Var, int]] = []
        on_day: dict[int, list[Var]] = defaultdict(list)
        busy_day: dict[int, list[Var]] = defaultdict(list)
        hint_minutes = 0
        hint_days: set[int] = set()
        hint_busy: set[int] = set()
        for g in self.candidates[p.id]:
            v = self.x[(p.id, g.id)]
            attends = p.id in self.members.get(g.id, ())
            every.append((v, g.minutes))
            busy_day[g.day].append(v)
            if attends:
                hint_busy.add(g.day)
            if g.counts_toward_hours:
                counted.append((v, g.minutes))
                on_day[g.day].append(v)
                if attends:
                    hint_minutes += g.minutes
                    hint_days.add(g.day)
        for inst in self.instances.get(p.id, []):
            every.append((inst.present, inst.need.session_minutes))
            counts = inst.need.counts_toward_hours
            for day, v in inst.days.items():
                busy_day[day].append(v)
                if counts:
                    on_day[day].append(v)
            if counts:
                counted.append((inst.present, inst.need.session_minutes))
            if inst.hinted is not None:
                hint_busy.add(inst.hinted.day)
                if counts:
                    hint_minutes += inst.need.session_minutes
                    hint_days.add(inst.hinted.day)
        total = cp_model.LinearExpr.weighted_sum([v for v, _ in counted], [c for _, c in counted])
        top = sum(c for _, c in counted)
        short = self._int(0, p.min_weekly_minutes, p.min_weekly_minutes - hint_minutes)
        excess = self._int(0, max(0, top - p.min_weekly_minutes), hint_minutes - p.min_weekly_minutes)
        self.model.add(total - p.min_weekly_minutes == excess - short)
        self._cost(short, w.shortfall_minute)
        self._cost(excess, w.excess_minute)
        cut = hours_cut(self.index, p) if self.cuts else 0
        if cut:
            unbooked = [1 - inst.present for inst in self.instances.get(p.id, []) if inst.need.counts_toward_hours]
            self.model.add(w.excess_minute * excess + w.shortfall_minute * short + cut * sum(unbooked) >= cut)
        if p.max_weekly_minutes is not None and sum(c for _, c in every) > p.max_weekly_minutes:
            self.model.add(
                cp_model.LinearExpr.weighted_sum([v for v, _ in every], [c for _, c in every]) <= p.max_weekly_minutes
            )
        attended: list[Var] = []
        for day, vs in sorted(on_day.items()):
            a = self._bool(day in hint_days)
            self.model.add(a <= sum(vs))
            attended.append(a)
        if p.min_days:
            short_days = self._int(0, p.min_days, p.min_days - len(hint_days))
            self.model.add(short_days >= p.min_days - sum(attended))
            self._cost(short_days, w.shortfall_day)
        for day in sorted(p.avoid_days):
            vs = busy_day.get(day, [])
            if vs:
                there = self._bool(day in hint_busy)
                for v in vs:
                    self.model.add_implication(v, there)
                self._cost(there, w.avoid_day)

    def _preferences(self, p: Participant) -> None:
        weight = self.w.missed_last_week_session
        for series in sorted(p.last_week_sessions):
            vs = [self.x[(p.id, g.id)] for g in self.candidates[p.id] if g.series_key == series]
            self.constant += weight
            if vs:
                kept = self._bool(
                    any(p.id in self.members.get(g.id, ()) for g in self.candidates[p.id] if g.series_key == series)
                )
                self.model.add(kept <= sum(vs))
                self._cost(kept, -weight)

    def _peers(self) -> None:
        weight = self.w.lost_peer
        together: dict[tuple[str, str], Var | None] = {}
        idx = self.index
        for p in self.problem.participants:
            for q in sorted(p.last_week_peers):
                if q == p.id:
                    continue
                if q not in idx.participants:
                    if self.everyone is not None and q in self.everyone:
                        self.constant += weight  # a peer now in another track cannot share a group
                    continue
                self.constant += weight
                pair = (min(p.id, q), max(p.id, q))
                if pair not in together:
                    together[pair] = self._together(p.id, q)
                tog_var = together[pair]
                if tog_var is not None:
                    self._cost(tog_var, -weight)

    def _together(self, a: str, b: str) -> Var | None:
        """A literal that can be true only if ``a`` and ``b`` share a group (None if they never can).

        One literal per time slot rather than per group: in a slot each person attends at most one
        of the parallel groups, so "together in slot s" is exactly ``y_s <= 1 - x[a,g] + x[b,g]`` for
        every group g of the slot (and the same with a and b swapped) plus ``y_s <= sum_g x[a,g]``.
        """
        mine = {g.id for g in self.candidates[a]}
        common = [g for g in self.candidates[b] if g.id in mine]
        if not common:
            return None
        slots: dict[tuple[int, int, int], list[GroupSession]] = defaultdict(list)
        for g in self.candidates[a] + [g for g in self.candidates[b] if g.id not in mine]:
            slots[(g.day, g.start, g.end)].append(g)
        shared = {(g.day, g.start, g.end) for g in common}
        ys: list[Var] = []
        for key in sorted(shared):
            groups = slots[key]
            hinted = any(a in self.members.get(g.id, ()) and b in self.members.get(g.id, ()) for g in groups)
            y = self._bool(hinted)
            xa = [self.x.get((a, g.id)) for g in groups]
            xb = [self.x.get((b, g.id)) for g in groups]
            for va, vb in zip(xa, xb, strict=True):
                if va is not None:
                    self.model.add(y + va - (vb if vb is not None else 0) <= 1)
                if vb is not None:
                    self.model.add(y + vb - (va if va is not None else 0) <= 1)
            self.model.add(y <= sum(v for v in xa if v is not None))
            ys.append(y)
        tog = self._bool(any(a in self.members.get(g.id, ()) and b in self.members.get(g.id, ()) for g in common))
        self.model.add(tog <= sum(ys))
        return tog

    def _balance(self) -> None:
        idx = self.index
        for group in idx.parallel_sets(list(self.problem.group_sessions)):
            usable = [g for g in group if g.id in self.open]
            if len(usable) < 2:
                continue
            cap = max(idx.capacity(g) for g in usable)
            sizes_hint = [len(self.members.get(g.id, ())) for g in usable]
            running = [s for s in sizes_hint if s]
            hi = self._int(0, cap, max(running) if running else 0)
            lo = self._int(0, cap, min(running) if running else 0)
            spread = self._int(0, cap, (max(running) - min(running)) if running else 0)
            for g in usable:
                size = sum(self.by_session.get(g.id, []))
                self.model.add(hi >= size)
                self.model.add(lo <= size + cap * (1 - self.open[g.id]))
            self.model.add(spread >= hi - lo)
            self._cost(spread, self.w.group_size_spread)

    def _stability(self, st: Stability) -> None:
        w = st.weight
        prev_members: dict[str, set[str]] = defaultdict(set)
        for a in st.previous.assignments:
            prev_members[a.participant].add(a.session)
        prev_lead = {f.session: f.staff for f in st.previous.facilitations}
        prev_bookings: dict[str, list[Booking]] = defaultdict(list)
        for b in sorted(st.previous.bookings, key=lambda b: (b.day, b.start)):
            prev_bookings[b.need].append(b)
        sessions = self.index.sessions
        for p in self.problem.participants:
            before = {g for g in prev_members.get(p.id, set()) if g in sessions}
            cands = {g.id for g in self.candidates[p.id]}
            locked = p.id in st.locked
            self.constant += w * len(before - cands)
            for gid in sorted(cands):
                v = self.x[(p.id, gid)]
                if locked:
                    self.model.add(v == int(gid in before))
                elif gid in before:
                    self.constant += w
                    self._cost(v, -w)
                else:
                    self._cost(v, w)
            for need in self.index.needs_of.get(p.id, []):
                self._booking_stability(need, prev_bookings.get(need.id, []), locked, w)
        for need_id, gone in prev_bookings.items():
            if need_id not in self.index.needs and gone[0].participant in self.index.participants:
                self.constant += w * len(gone)
        for g in self.problem.group_sessions:
            old = prev_lead.get(g.id)
            if g.id not in self.open:
                if old is not None:
                    self.constant += w
                continue
            if old is None:
                self._cost(self.open[g.id], w)
            elif (g.id, old) in self.lead:
                self.constant += w
                self._cost(self.lead[(g.id, old)], -w)
            else:
                self.constant += w

    def _booking_stability(self, need: OneToOneNeed, before: list[Booking], locked: bool, w: int) -> None:
        insts = [i for i in self.instances.get(need.participant, []) if i.need.id == need.id]
        self.constant += w * len(before)
        for j, inst in enumerate(insts):
            b = before[j] if j < len(before) else None
            possible = b is not None and b.clinician in inst.clinicians and b.room in inst.rooms and b.day in inst.days
            if locked:
                self.model.add(inst.present == int(possible))
                if possible and b is not None:
                    self.model.add(inst.clinicians[b.clinician] == 1)
                    self.model.add(inst.rooms[b.room] == 1)
                    self.model.add(inst.start == _abs(b.day, b.start))
                    self.constant -= w
                continue
            self._cost(inst.present, w)
            if possible and b is not None:
                hb = inst.hinted
                same = hb is not None and (hb.clinician, hb.day, hb.start, hb.room) == (
                    b.clinician,
                    b.day,
                    b.start,
                    b.room,
                )
                keep = self._bool(same)
                self.model.add_implication(keep, inst.clinicians[b.clinician])
                self.model.add_implication(keep, inst.rooms[b.room])
                self.model.add(inst.start == _abs(b.day, b.start)).only_enforce_if(keep)
                self._cost(keep, -2 * w)

    # -- reading the answer ---------------------------------------------------------------------

    def read(self, solver: cp_model.CpSolver) -> Solution:
        assignments = [GroupAssignment(pid, gid) for (pid, gid), v in self.x.items() if solver.boolean_value(v)]
        leads = [Facilitation(gid, s) for (gid, s), v in self.lead.items() if solver.boolean_value(v)]
        bookings: list[Booking] = []
        for pid, insts in self.instances.items():
            for inst in insts:
                if not solver.boolean_value(inst.present):
                    continue
                start = solver.value(inst.start)
                day, minute = divmod(start, MINUTES_PER_DAY)
                clinician = next(s for s, v in inst.clinicians.items() if solver.boolean_value(v))
                room = next(r for r, v in inst.rooms.items() if solver.boolean_value(v))
                bookings.append(
                    Booking(pid, inst.need.id, clinician, day, minute, minute + inst.need.session_minutes, room)
                )
        return Solution(tuple(assignments), tuple(leads), tuple(bookings)).normalized()


def _abs(day: int, minute: int) -> int:
    return day * MINUTES_PER_DAY + minute


def solve_component(
    problem: Problem,
    *,
    hint: Solution,
    time_limit: float,
    workers: int = 2,
    stability: Stability | None = None,
    everyone: frozenset[str] | None = None,
    seed: int = 0,
    log: bool = False,
    cuts: bool = True,
) -> ComponentOutcome:
    """Improve ``hint`` for one component within ``time_limit`` seconds.

    ``everyone`` lists all participants of the whole week (peers in other components count as lost).
    ``cuts=False`` leaves out the redundant hours cuts (``floor.hours_cut``; for tests).
    Returns the hint unchanged (status ``"HINT"``) if CP-SAT finds no solution in time. Raises
    nothing for a hard problem: shortfalls are part of the objective, so the model is feasible
    unless ``stability.locked`` pins participants to a plan that no longer fits (``"INFEASIBLE"``).
    """
    started = time.perf_counter()
    builder = ModelBuilder(problem, hint, stability, everyone, cuts)
    builder.build()
    built = time.perf_counter()
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.max_time_in_seconds = max(0.05, time_limit - (built - started))
    params.num_workers = max(1, workers)
    if workers >= 2:
        params.extra_subsolvers.append("max_lp")
    # Keeping every feasible solution through presolve keeps a partial or imperfect hint usable, but
    # it also stops presolve from removing what the locks of a re-plan fix; a re-plan's hint is
    # complete and feasible (CP-SAT takes it as its first solution before presolve), so there the
    # full presolve is used: it halved re-plan times at N=300 (3.3-5.7 s -> 1.9-3.3 s, 2 cores).
    params.keep_all_feasible_solutions_in_presolve = stability is None
    if stability is not None and stability.weight > 0:
        # A re-plan stops once no plan can be better by one change's worth (the bound proves it): the
        # rest of the proof is time a director waits for nothing they would see.
        params.absolute_gap_limit = float(stability.weight)
    params.random_seed = seed
    params.log_search_progress = log
    # Probing in presolve took ~70 % of presolve time on generated weeks for no better plans;
    # with many components sharing one budget that time is better spent searching.
    params.cp_model_probing_level = 0
    callback = _FirstSolution(built)
    status = solver.solve(builder.model, callback)
    done = time.perf_counter()
    variables = len(builder.model.proto.variables)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return ComponentOutcome(
            solution=builder.read(solver),
            status=solver.status_name(status),
            objective=round(solver.objective_value),
            bound=round(solver.best_objective_bound),
            first_solution_seconds=None if callback.first is None else callback.first + (built - started),
            build_seconds=built - started,
            solve_seconds=done - built,
            variables=variables,
        )
    bound = solver.best_objective_bound
    return ComponentOutcome(
        solution=hint,
        status="INFEASIBLE" if status == cp_model.INFEASIBLE else "HINT",
        objective=None,
        bound=round(bound) if status != cp_model.INFEASIBLE and abs(bound) < 2**62 else None,
        first_solution_seconds=None,
        build_seconds=built - started,
        solve_seconds=done - built,
        variables=variables,
    )
