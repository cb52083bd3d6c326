"""Independent checker: does a plan keep every hard rule, and what does it score?

Written apart from the optimisation model (it shares only the data classes, and the pure pre-pass
that prices what no plan can avoid) so that tests can use it to validate what the greedy planner and
CP-SAT produce. Messages are plain words for staff.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .floor import unavoidable_costs
from .types import (
    DAY_NAMES,
    Booking,
    GroupSession,
    Problem,
    Shortfall,
    Solution,
    UnavoidableCost,
    format_time,
)


@dataclass(frozen=True, slots=True)
class Violation:
    """A broken hard rule. ``code`` is stable for programs; ``message`` is for people."""

    code: str
    message: str


@dataclass(slots=True)
class CheckReport:
    """Result of ``check``: broken rules, the objective re-scored, and everyone's hours."""

    violations: list[Violation] = field(default_factory=list)
    objective: int = 0
    breakdown: dict[str, int] = field(default_factory=dict)
    minutes: dict[str, int] = field(default_factory=dict)
    days: dict[str, int] = field(default_factory=dict)
    shortfalls: list[Shortfall] = field(default_factory=list)
    unavoidable: int = 0
    unavoidable_costs: list[UnavoidableCost] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    @property
    def avoidable(self) -> int:
        """The part of ``objective`` a better plan could still remove (``objective - unavoidable``)."""
        return self.objective - self.unavoidable


def _when(day: int, start: int, end: int) -> str:
    return f"{DAY_NAMES[day]} {format_time(start)}-{format_time(end)}"


def _working(
    problem_staff_availability: dict[int, tuple[int, int]],
    off: list[tuple[int, int, int]],
    day: int,
    start: int,
    end: int,
) -> bool:
    window = problem_staff_availability.get(day)
    if window is None or not (window[0] <= start and end <= window[1]):
        return False
    return not any(d == day and s < end and start < e for d, s, e in off)


def check(
    problem: Problem,
    solution: Solution,
    *,
    previous: Solution | None = None,
    stability_weight: int = 0,
    split_unavoidable: bool = True,
) -> CheckReport:
    """Check ``solution`` against every hard rule of ``problem`` and score it.

    With ``previous``, each change from that plan costs ``stability_weight`` points (one per group
    joined or left, per one-to-one booking added or dropped, per facilitator changed). Never raises
    for a bad plan: unknown ids and broken rules come back as violations.

    ``report.objective`` is the full penalty; with ``split_unavoidable`` (the default) the report also
    holds ``unavoidable``, the constant part no plan can avoid (``floor.unavoidable_costs``: a pre-pass
    over the problem alone, with reasons), and ``avoidable`` = objective - unavoidable.
    """
    report = CheckReport()
    bad = report.violations.append
    people = {p.id: p for p in problem.participants}
    groups = {g.id: g for g in problem.group_sessions}
    needs = {n.id: n for n in problem.needs}
    staff = {s.id: s for s in problem.staff}
    rooms = {r.id: r for r in problem.rooms}
    availability = {s.id: {d: (w.start, w.end) for d, w in s.availability.items()} for s in problem.staff}
    time_off = {s.id: [(o.day, o.start, o.end) for o in s.time_off] for s in problem.staff}

    # Busy diaries: (day, start, end, label) per participant, staff member and room.
    people_busy: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    staff_busy: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    room_busy: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    staff_minutes: Counter[str] = Counter()
    members: dict[str, list[str]] = defaultdict(list)

    for a in solution.assignments:
        p, g = people.get(a.participant), groups.get(a.session)
        if p is None or g is None:
            bad(Violation("unknown_id", f"assignment of {a.participant} to {a.session} names something unknown"))
            continue
        if a.participant in members[g.id]:
            bad(Violation("duplicate", f"{p.id} is assigned twice to {g.id}"))
            continue
        members[g.id].append(p.id)
        if (p.program, p.track) != (g.program, g.track):
            bad(Violation("wrong_track", f"{p.id} ({p.program}/{p.track}) is in {g.id} of {g.program}/{g.track}"))
        window = p.availability.get(g.day)
        if window is None or not (window.start <= g.start and g.end <= window.end):
            bad(
                Violation(
                    "participant_unavailable", f"{p.id} is not available for {g.id} on {_when(g.day, g.start, g.end)}"
                )
            )
        people_busy[p.id].append((g.day, g.start, g.end, f"group {g.id}"))

    facilitators: dict[str, list[str]] = defaultdict(list)
    for f in solution.facilitations:
        g, s = groups.get(f.session), staff.get(f.staff)
        if g is None or s is None:
            bad(Violation("unknown_id", f"facilitation of {f.session} by {f.staff} names something unknown"))
            continue
        facilitators[g.id].append(s.id)

    for g in problem.group_sessions:
        count = len(members.get(g.id, []))
        leads = facilitators.get(g.id, [])
        room = rooms.get(g.room)
        if count == 0:
            if leads:
                bad(
                    Violation(
                        "cancelled_session_staffed", f"{g.id} has nobody assigned but {leads[0]} is booked to lead it"
                    )
                )
            continue
        if count > g.max_size:
            bad(Violation("over_capacity", f"{g.id} has {count} participants; its maximum is {g.max_size}"))
        if room is None:
            bad(Violation("unknown_id", f"{g.id} is in unknown room {g.room}"))
        else:
            if count + 1 > room.capacity:
                bad(
                    Violation(
                        "room_too_small",
                        f"room {room.id} seats {room.capacity} but {g.id} has {count} participants and staff",
                    )
                )
            room_busy[room.id].append((g.day, g.start, g.end, f"group {g.id}"))
        if count < g.min_size:
            bad(Violation("under_min_size", f"{g.id} runs with {count} participants; its minimum is {g.min_size}"))
        if len(leads) != 1:
            what = "no facilitator" if not leads else f"{len(leads)} facilitators"
            bad(Violation("facilitator_count", f"{g.id} runs with {what}; it needs exactly one"))
        for lead in leads:
            s = staff[lead]
            if g.required_credentials and not (s.credentials & g.required_credentials):
                need = " or ".join(sorted(g.required_credentials))
                bad(Violation("credential", f"{lead} leads {g.id} without {need}"))
            if s.programs and g.program not in s.programs:
                bad(Violation("wrong_program", f"{lead} does not work in program {g.program} ({g.id})"))
            if not _working(availability[lead], time_off[lead], g.day, g.start, g.end):
                bad(Violation("staff_unavailable", f"{lead} is not working {_when(g.day, g.start, g.end)} ({g.id})"))
            staff_busy[lead].append((g.day, g.start, g.end, f"group {g.id}"))
            staff_minutes[lead] += g.end - g.start

    booked: Counter[str] = Counter()
    valid_bookings: list[Booking] = []
    for b in solution.bookings:
        p, n, s, r = people.get(b.participant), needs.get(b.need), staff.get(b.clinician), rooms.get(b.room)
        if p is None or n is None or s is None or r is None:
            bad(Violation("unknown_id", f"booking {b.need} for {b.participant} names something unknown"))
            continue
        when = _when(b.day, b.start, b.end)
        if n.participant != p.id:
            bad(Violation("wrong_need", f"need {n.id} belongs to {n.participant}, not {p.id}"))
        if b.end - b.start != n.session_minutes or not (0 <= b.day < 7 and 0 <= b.start < b.end <= 1440):
            bad(Violation("bad_time", f"{n.id} for {p.id} on {when} is not a {n.session_minutes}-minute session"))
            continue
        booked[n.id] += 1
        valid_bookings.append(b)
        if not (s.credentials & n.credentials):
            bad(Violation("credential", f"{s.id} holds none of {', '.join(sorted(n.credentials))} for {n.id} ({p.id})"))
        if s.programs and p.program not in s.programs:
            bad(Violation("wrong_program", f"{s.id} does not work in program {p.program} ({n.id})"))
        if r.programs and p.program not in r.programs:
            bad(Violation("wrong_program", f"room {r.id} is not used by program {p.program} ({n.id})"))
        if r.capacity < n.attendees + 1:
            bad(Violation("room_too_small", f"room {r.id} seats {r.capacity}; {n.id} needs {n.attendees + 1}"))
        window = p.availability.get(b.day)
        if window is None or not (window.start <= b.start and b.end <= window.end):
            bad(Violation("participant_unavailable", f"{p.id} is not available for {n.id} on {when}"))
        if not _working(availability[s.id], time_off[s.id], b.day, b.start, b.end):
            bad(Violation("staff_unavailable", f"{s.id} is not working {when} ({n.id})"))
        people_busy[p.id].append((b.day, b.start, b.end, f"{n.service_type} session"))
        staff_busy[s.id].append((b.day, b.start, b.end, f"{n.service_type} session with {p.id}"))
        room_busy[r.id].append((b.day, b.start, b.end, f"{n.service_type} session of {p.id}"))
        staff_minutes[s.id] += b.end - b.start

    for need_id, count in sorted(booked.items()):
        if count > needs[need_id].sessions_per_week:
            bad(
                Violation(
                    "too_many_bookings",
                    f"{need_id} has {count} sessions; {needs[need_id].sessions_per_week} are needed",
                )
            )

    for kind, diaries in (("participant", people_busy), ("staff member", staff_busy), ("room", room_busy)):
        for who, items in sorted(diaries.items()):
            items.sort()
            for (d1, _s1, e1, l1), (d2, s2, _e2, l2) in zip(items, items[1:], strict=False):
                if d1 == d2 and s2 < e1:
                    bad(Violation("double_booked", f"{kind} {who} is double-booked on {DAY_NAMES[d1]}: {l1} and {l2}"))

    for sid, used in sorted(staff_minutes.items()):
        if used > staff[sid].max_weekly_minutes:
            bad(
                Violation(
                    "staff_over_hours",
                    f"{sid} is booked {used} minutes; the weekly maximum is {staff[sid].max_weekly_minutes}",
                )
            )

    _score(problem, solution, report, members, valid_bookings, booked, people_busy)
    for p in problem.participants:
        if p.max_weekly_minutes is not None and report.minutes[p.id] > p.max_weekly_minutes:
            bad(
                Violation(
                    "participant_over_hours",
                    f"{p.id} is booked {report.minutes[p.id]} minutes; the maximum is {p.max_weekly_minutes}",
                )
            )
    if previous is not None and stability_weight:
        changes = count_changes(problem, previous, solution)
        report.breakdown["stability"] = changes * stability_weight
        report.objective += changes * stability_weight
    if split_unavoidable:
        # The constant part no plan can avoid comes from a pre-pass over the problem alone, never
        # from the plan under check, so greedy and CP-SAT plans are split the same way.
        report.unavoidable_costs = unavoidable_costs(problem)
        report.unavoidable = sum(c.points for c in report.unavoidable_costs)
    return report


def _score(
    problem: Problem,
    solution: Solution,
    report: CheckReport,
    members: dict[str, list[str]],
    bookings: list[Booking],
    booked: Counter[str],
    people_busy: dict[str, list[tuple[int, int, int, str]]],
) -> None:
    w = problem.weights
    people = {p.id: p for p in problem.participants}
    groups = {g.id: g for g in problem.group_sessions}
    needs = {n.id: n for n in problem.needs}
    terms: Counter[str] = Counter()
    sessions_of: dict[str, set[str]] = defaultdict(set)
    counted_days: dict[str, set[int]] = defaultdict(set)
    minutes: Counter[str] = Counter()
    for gid, pids in members.items():
        g = groups[gid]
        for pid in pids:
            sessions_of[pid].add(gid)
            if g.counts_toward_hours:
                minutes[pid] += g.minutes
                counted_days[pid].add(g.day)
    for b in bookings:
        n = needs[b.need]
        if n.counts_toward_hours:
            minutes[b.participant] += b.end - b.start
            counted_days[b.participant].add(b.day)
        p = people[b.participant]
        if n.service_type == "individual" and p.primary_clinician and b.clinician != p.primary_clinician:
            terms["not_primary_clinician"] += w.not_primary_clinician
        if p.preferred_clinician and b.clinician != p.preferred_clinician:
            terms["not_preferred_clinician"] += w.not_preferred_clinician
        if p.last_week_clinicians and b.clinician not in p.last_week_clinicians:
            terms["clinician_change"] += w.clinician_change
    for n in problem.needs:
        missing = max(0, n.sessions_per_week - booked.get(n.id, 0))
        terms["unmet_one_to_one"] += missing * w.unmet_one_to_one

    for p in problem.participants:
        got, days = minutes.get(p.id, 0), len(counted_days.get(p.id, ()))
        report.minutes[p.id], report.days[p.id] = got, days
        short_minutes = max(0, p.min_weekly_minutes - got)
        short_days = max(0, p.min_days - days)
        terms["shortfall_minutes"] += short_minutes * w.shortfall_minute
        terms["shortfall_days"] += short_days * w.shortfall_day
        terms["excess_minutes"] += max(0, got - p.min_weekly_minutes) * w.excess_minute
        unmet = tuple(
            n.id for n in problem.needs if n.participant == p.id and booked.get(n.id, 0) < n.sessions_per_week
        )
        if short_minutes or short_days or unmet:
            report.shortfalls.append(Shortfall(p.id, short_minutes, short_days, unmet))
        attended_series = {groups[g].series_key for g in sessions_of.get(p.id, ())}
        terms["missed_last_week_session"] += len(p.last_week_sessions - attended_series) * w.missed_last_week_session
        for q in sorted(p.last_week_peers):
            if q != p.id and q in people and not (sessions_of.get(p.id, set()) & sessions_of.get(q, set())):
                terms["lost_peer"] += w.lost_peer
        busy_days = {d for d, _s, _e, _l in people_busy.get(p.id, [])}
        terms["avoid_day"] += len(busy_days & p.avoid_days) * w.avoid_day

    terms["group_size_spread"] = _spread(problem.group_sessions, members) * w.group_size_spread
    report.breakdown = {k: v for k, v in sorted(terms.items())}
    report.objective = sum(terms.values())


def _spread(sessions: tuple[GroupSession, ...], members: dict[str, list[str]]) -> int:
    """Sum over same-time parallel groups of (largest - smallest) among the groups that run."""
    sets: dict[tuple[str, str, int, int, int], list[int]] = defaultdict(list)
    counts: Counter[tuple[str, str, int, int, int]] = Counter()
    for g in sessions:
        key = (g.program, g.track, g.day, g.start, g.end)
        counts[key] += 1
        size = len(members.get(g.id, []))
        if size:
            sets[key].append(size)
    return sum(max(s) - min(s) for key, s in sets.items() if counts[key] > 1 and s)


def count_changes(problem: Problem, before: Solution, after: Solution) -> int:
    """Number of changes between two plans, counted the way the solver's stability term counts them.

    Only participants and sessions present in ``problem`` count.
    """
    people = {p.id for p in problem.participants}
    sessions = {g.id for g in problem.group_sessions}
    old_a = {
        (a.participant, a.session) for a in before.assignments if a.participant in people and a.session in sessions
    }
    new_a = {(a.participant, a.session) for a in after.assignments if a.participant in people and a.session in sessions}
    old_b = {_booking_key(b) for b in before.bookings if b.participant in people}
    new_b = {_booking_key(b) for b in after.bookings if b.participant in people}
    old_f = {f.session: f.staff for f in before.facilitations if f.session in sessions}
    new_f = {f.session: f.staff for f in after.facilitations if f.session in sessions}
    fac = sum(1 for g in sessions if old_f.get(g) != new_f.get(g))
    return len(old_a ^ new_a) + len(old_b ^ new_b) + fac


def _booking_key(b: Booking) -> tuple[str, str, str, int, int, str]:
    return (b.participant, b.need, b.clinician, b.day, b.start, b.room)
