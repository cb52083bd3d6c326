"""Why a participant's minimum is not met, in plain words.

For each shortfall (too few days, too few minutes, a one-to-one session not booked) a small CP-SAT
model is built for that participant alone, with everyone else's plan fixed. Each rule that could
stand in the way ("participant availability", "groups full", "clinician credentials", ...) is
switched on by an assumption literal. CP-SAT returns a set of assumptions that together make the
target impossible; removing them one at a time while it stays impossible leaves a *minimal* set of
conflicting rules, which is turned into a sentence. No dump of every constraint.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from .index import Index, overlaps
from .types import (
    DAY_NAMES,
    OneToOneNeed,
    Participant,
    Problem,
    Shortfall,
    Solution,
)

AVAILABILITY = "availability"
FULL = "full"
NO_FACILITATOR = "no_facilitator"
CANCELLED = "cancelled"
ROOM_TAKEN = "room_taken"
CREDENTIAL = "credential"
STAFF_OFF = "staff_off"
STAFF_BUSY = "staff_busy"
STAFF_HOURS = "staff_hours"
NO_ROOM = "no_room"
UNDECIDED: list[str] = ["undecided"]  # sentinel: CP-SAT could not tell within its time limit
GROUP_RULES = (FULL, NO_FACILITATOR, CANCELLED, ROOM_TAKEN)
ONE_TO_ONE_RULES = (CREDENTIAL, STAFF_OFF, STAFF_BUSY, STAFF_HOURS, NO_ROOM)


@dataclass(slots=True)
class _Option:
    """Something the participant could attend: a group, or a one-to-one slot with a clinician."""

    day: int
    start: int
    end: int
    counts: bool
    need: str | None
    blocked_by: frozenset[str]


class _Others:
    """Everyone else's plan: who is where, and which staff time and rooms are taken."""

    def __init__(self, index: Index, solution: Solution, pid: str) -> None:
        self.members: Counter[str] = Counter()
        for a in solution.assignments:
            if a.participant != pid:
                self.members[a.session] += 1
        self.staff_busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        self.room_busy: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
        self.staff_used: Counter[str] = Counter()
        for f in solution.facilitations:
            g = index.sessions.get(f.session)
            if g is not None and self.members[g.id]:
                self.staff_busy[(f.staff, g.day)].append((g.start, g.end))
                self.staff_used[f.staff] += g.minutes
        for g in index.problem.group_sessions:
            if self.members[g.id]:
                self.room_busy[(g.room, g.day)].append((g.start, g.end))
        for b in solution.bookings:
            if b.participant != pid:
                self.staff_busy[(b.clinician, b.day)].append((b.start, b.end))
                self.room_busy[(b.room, b.day)].append((b.start, b.end))
                self.staff_used[b.clinician] += b.end - b.start

    def staff_free(self, staff: str, day: int, start: int, end: int) -> bool:
        return not any(overlaps(start, end, s, e) for s, e in self.staff_busy.get((staff, day), ()))

    def room_free(self, room: str, day: int, start: int, end: int) -> bool:
        return not any(overlaps(start, end, s, e) for s, e in self.room_busy.get((room, day), ()))


def _options(index: Index, others: _Others, p: Participant) -> list[_Option]:
    found: list[_Option] = []
    for g in index.track_sessions.get(p.track_key, []):
        blocked: set[str] = set()
        if not index.can_attend(p, g):
            blocked.add(AVAILABILITY)
        if others.members[g.id]:
            if others.members[g.id] >= index.capacity(g):
                blocked.add(FULL)
        else:
            leads = [
                s
                for s in index.facilitators_for(g)
                if others.staff_free(s.id, g.day, g.start, g.end)
                and others.staff_used[s.id] + g.minutes <= s.max_weekly_minutes
            ]
            if not leads:
                blocked.add(NO_FACILITATOR)
            if g.min_size > 1:
                blocked.add(CANCELLED)
            if not others.room_free(g.room, g.day, g.start, g.end):
                blocked.add(ROOM_TAKEN)
        found.append(_Option(g.day, g.start, g.end, g.counts_toward_hours, None, frozenset(blocked)))
    step = index.problem.slot_minutes
    for need in index.needs_of.get(p.id, []):
        rooms = index.rooms_for(need)
        for staff in index.staff_in(p.program):
            for day, window in sorted(staff.availability.items()):
                first = -(-window.start // step) * step
                for start in range(first, window.end - need.session_minutes + 1, step):
                    end = start + need.session_minutes
                    blocked = set()
                    p_window = p.availability.get(day)
                    if p_window is None or not p_window.covers(start, end):
                        blocked.add(AVAILABILITY)
                    if not staff.credentials & need.credentials:
                        blocked.add(CREDENTIAL)
                    if not index.staff_free(staff, day, start, end):
                        blocked.add(STAFF_OFF)
                    if not others.staff_free(staff.id, day, start, end):
                        blocked.add(STAFF_BUSY)
                    if others.staff_used[staff.id] + need.session_minutes > staff.max_weekly_minutes:
                        blocked.add(STAFF_HOURS)
                    if not any(others.room_free(r.id, day, start, end) for r in rooms):
                        blocked.add(NO_ROOM)
                    found.append(_Option(day, start, end, need.counts_toward_hours, need.id, frozenset(blocked)))
    # Options that differ only by clinician but are blocked by the same rules are interchangeable.
    unique: dict[tuple[int, int, int, bool, str | None, frozenset[str]], _Option] = {}
    for o in found:
        unique.setdefault((o.day, o.start, o.end, o.counts, o.need, o.blocked_by), o)
    return list(unique.values())


def _minimal_conflict(
    p: Participant, needs: list[OneToOneNeed], options: list[_Option], target: str
) -> list[str] | None:
    """The smallest set of rules (by deletion) that makes ``target`` impossible; None if it is possible."""
    rules = sorted({r for o in options for r in o.blocked_by})
    model = cp_model.CpModel()
    switch = {r: model.new_bool_var(r) for r in rules}
    use = [model.new_bool_var("") for _ in options]
    for o, v in zip(options, use, strict=True):
        for r in sorted(o.blocked_by):
            model.add_bool_or([switch[r].Not(), v.Not()])
    by_day: dict[int, list[int]] = defaultdict(list)
    for i, o in enumerate(options):
        by_day[o.day].append(i)
    for items in by_day.values():
        for t in sorted({options[i].start for i in items}):
            alive = [use[i] for i in items if options[i].start <= t < options[i].end]
            if len(alive) > 1:
                model.add_at_most_one(alive)
    for need in needs:
        chosen = [use[i] for i, o in enumerate(options) if o.need == need.id]
        if target == need.id:
            model.add(sum(chosen) == need.sessions_per_week)
        else:
            model.add(sum(chosen) <= need.sessions_per_week)
    if p.max_weekly_minutes is not None:
        model.add(sum(v * (o.end - o.start) for o, v in zip(options, use, strict=True)) <= p.max_weekly_minutes)
    if target == "minutes":
        model.add(
            sum(v * (o.end - o.start) for o, v in zip(options, use, strict=True) if o.counts) >= p.min_weekly_minutes
        )
    elif target == "days":
        days = []
        for _day, items in sorted(by_day.items()):
            a = model.new_bool_var("")
            model.add(a <= sum(use[i] for i in items if options[i].counts))
            days.append(a)
        model.add(sum(days) >= p.min_days)

    def impossible(active: list[str]) -> list[str] | None:
        """Rules (among ``active``) that suffice for infeasibility; None if feasible or undecided."""
        model.clear_assumptions()
        model.add_assumptions([switch[r] for r in active])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 2.0
        solver.parameters.cp_model_probing_level = 0  # tiny models: probing costs more than it saves
        solver.parameters.symmetry_level = 0
        status = solver.solve(model)
        if status != cp_model.INFEASIBLE:
            undecided.append(status != cp_model.OPTIMAL and status != cp_model.FEASIBLE)
            return None
        core = set(solver.sufficient_assumptions_for_infeasibility())
        return [r for r in active if switch[r].index in core]

    undecided: list[bool] = []
    core = impossible(rules)
    if core is None:
        return UNDECIDED if undecided and undecided[0] else None
    for r in list(core):
        if r not in core:
            continue
        smaller = impossible([c for c in core if c != r])
        if smaller is not None:
            core = smaller
    return core


def _windows(p: Participant) -> str:
    return ", ".join(f"{DAY_NAMES[d]} {w}" for d, w in sorted(p.availability.items())) or "no time at all"


def _sentence(
    p: Participant, target: str, core: list[str], options: list[_Option], need: OneToOneNeed | None
) -> list[str]:
    track = f"{p.track} track"
    rules = set(core)
    if not rules:
        if need is not None:
            return [f"no staff member in program {p.program} could ever provide {need.service_type}"]
        if target == "days":
            days = sorted({o.day for o in options if o.counts})
            return [f"the {track} runs sessions on only {len(days)} days a week (needs {p.min_days})"]
        return [f"the {track} offers too few hours a week for {p.min_weekly_minutes / 60:g} h"]
    reasons: list[str] = []
    group_rules = rules & set(GROUP_RULES)
    one_rules = rules & set(ONE_TO_ONE_RULES)
    if rules == {AVAILABILITY}:
        group_days = sorted(
            {o.day for o in options if o.need is None and o.counts and AVAILABILITY not in o.blocked_by}
        )
        if target in ("days", "minutes") and not group_days:
            return [
                f"not available for any group session of the {track}: their hours ({_windows(p)}) "
                "do not cover a whole group"
            ]
        if target == "days":
            listed = ", ".join(DAY_NAMES[d] for d in group_days)
            return [
                f"not available on enough days in the {track}: group sessions fit their hours on "
                f"{len(group_days)} day(s) ({listed}), needs {p.min_days}"
            ]
        if target == "minutes":
            return [
                f"not available long enough in the {track}: the sessions that fit their hours "
                f"({_windows(p)}) fall short of {p.min_weekly_minutes / 60:g} h"
            ]
        return [f"not available when any clinician could see them ({_windows(p)})"]
    if group_rules:
        words = {
            FULL: "full",
            NO_FACILITATOR: "without a free facilitator holding the required credentials",
            CANCELLED: "cancelled for lack of participants",
            ROOM_TAKEN: "in rooms that are taken",
        }
        subject = "group sessions they can attend" + ("" if AVAILABILITY in rules else f" in the {track}")
        reasons.append(f"{subject} are " + _join([words[r] for r in GROUP_RULES if r in group_rules]))
    if one_rules or (need is not None and not group_rules):
        creds = " or ".join(sorted(need.credentials)) if need is not None else ""
        subject = f"no clinician with {creds}" if CREDENTIAL in rules and creds else "no clinician"
        verbs = [
            w
            for r, w in (
                (STAFF_OFF, "is working"),
                (STAFF_BUSY, "has free time"),
                (STAFF_HOURS, "has weekly hours left"),
            )
            if r in rules
        ]
        verb = _join(verbs) if verbs else ("works in program " + p.program if AVAILABILITY not in rules else "works")
        when = f" when they are available ({_windows(p)})" if AVAILABILITY in rules else ""
        room = " with a free room" if NO_ROOM in rules else ""
        what = f" for {need.service_type} sessions" if need is not None else " for a one-to-one session"
        reasons.append(f"{subject} {verb}{when}{room}{what}")
    return reasons


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def explain_shortfalls(
    problem: Problem, solution: Solution, shortfalls: Iterable[Shortfall], *, index: Index | None = None
) -> list[Shortfall]:
    """Return ``shortfalls`` with ``reasons`` filled in (the checker's shortfalls are a good input).

    A shortfall that the participant could fill on their own with everyone else's plan unchanged
    gets "could be met" as its reason: the solver stopped early (try a longer time limit).
    """
    idx = index or Index(problem)
    explained: list[Shortfall] = []
    for short in shortfalls:
        p = idx.participants.get(short.participant)
        if p is None:
            explained.append(short)
            continue
        others = _Others(idx, solution, p.id)
        options = _options(idx, others, p)
        needs = idx.needs_of.get(p.id, [])
        reasons: list[str] = []
        targets: list[tuple[str, OneToOneNeed | None]] = []
        if short.days_short:
            targets.append(("days", None))
        if short.minutes_short:
            targets.append(("minutes", None))
        targets += [(n, idx.needs[n]) for n in short.unmet_needs if n in idx.needs]
        for target, need in targets:
            core = _minimal_conflict(p, needs, options, target)
            if core is UNDECIDED:
                sentence = ["no reason found within the time allowed for explanations"]
            elif core is None:
                sentence = [
                    "could be met by re-planning this participant alone; the solver stopped before "
                    "finding it (try a longer time limit)"
                ]
            else:
                sentence = _sentence(p, target, core, options, need)
            reasons += [s for s in sentence if s not in reasons]
        explained.append(replace(short, reasons=tuple(reasons)))
    return explained
