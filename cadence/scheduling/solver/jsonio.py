"""JSON files for problems and plans (format described in docs/scheduling-format.md).

``to_json`` writes a Problem, a Solution or a SolveResult (a plan with its report); ``from_json``
reads a problem or a plan back, telling them apart by the ``format`` field. Malformed input raises
ProblemError with a message naming the bad field.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from .types import (
    WEEKDAYS,
    Booking,
    Facilitation,
    GroupAssignment,
    GroupSession,
    OneToOneNeed,
    Participant,
    PlanDiff,
    Problem,
    ProblemError,
    Room,
    Shortfall,
    Solution,
    SolveResult,
    Staff,
    TimeSlot,
    TimeWindow,
    Weights,
    format_time,
)

PROBLEM_FORMAT = "cadence-schedule-problem/1"
SOLUTION_FORMAT = "cadence-schedule-solution/1"

Json = dict[str, Any]


def _time(value: object, where: str) -> int:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise ProblemError(f"{where}: time must look like 09:30, got {value!r}")
    try:
        hours, minutes = int(value[:2]), int(value[3:])
    except ValueError as exc:
        raise ProblemError(f"{where}: time must look like 09:30, got {value!r}") from exc
    if not (0 <= hours <= 24 and 0 <= minutes < 60) or hours * 60 + minutes > 1440:
        raise ProblemError(f"{where}: no such time {value!r}")
    return hours * 60 + minutes


def _day(value: object, where: str) -> int:
    if value not in WEEKDAYS:
        raise ProblemError(f"{where}: day must be one of {', '.join(WEEKDAYS)}, got {value!r}")
    return WEEKDAYS.index(str(value))


def _get(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data:
        raise ProblemError(f"{where}: missing field {key!r}")
    return data[key]


def _strings(value: object, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProblemError(f"{where}: expected a list of strings")
    return frozenset(value)


def _availability(value: object, where: str) -> dict[int, TimeWindow]:
    if not isinstance(value, dict):
        raise ProblemError(f"{where}: availability must map days to [from, to]")
    result: dict[int, TimeWindow] = {}
    for day, span in value.items():
        if not isinstance(span, list) or len(span) != 2:
            raise ProblemError(f"{where}.{day}: expected [from, to]")
        result[_day(day, where)] = TimeWindow(_time(span[0], where), _time(span[1], where))
    return result


def _window_json(windows: Mapping[int, TimeWindow]) -> Json:
    return {WEEKDAYS[d]: [format_time(w.start), format_time(w.end)] for d, w in sorted(windows.items())}


def problem_to_dict(problem: Problem) -> Json:
    """The problem as JSON-ready data."""
    return {
        "format": PROBLEM_FORMAT,
        "week_start": problem.week_start.isoformat(),
        "slot_minutes": problem.slot_minutes,
        "weights": asdict(problem.weights),
        "participants": [
            {
                "id": p.id,
                "program": p.program,
                "track": p.track,
                "availability": _window_json(p.availability),
                "min_weekly_minutes": p.min_weekly_minutes,
                "min_days": p.min_days,
                "max_weekly_minutes": p.max_weekly_minutes,
                "avoid_days": [WEEKDAYS[d] for d in sorted(p.avoid_days)],
                "preferred_clinician": p.preferred_clinician,
                "primary_clinician": p.primary_clinician,
                "last_week": {
                    "sessions": sorted(p.last_week_sessions),
                    "peers": sorted(p.last_week_peers),
                    "clinicians": sorted(p.last_week_clinicians),
                },
            }
            for p in problem.participants
        ],
        "group_sessions": [
            {
                "id": g.id,
                "program": g.program,
                "track": g.track,
                "service_type": g.service_type,
                "day": WEEKDAYS[g.day],
                "start": format_time(g.start),
                "end": format_time(g.end),
                "room": g.room,
                "min_size": g.min_size,
                "max_size": g.max_size,
                "required_credentials": sorted(g.required_credentials),
                "counts_toward_hours": g.counts_toward_hours,
                "series": g.series,
            }
            for g in problem.group_sessions
        ],
        "needs": [
            {
                "id": n.id,
                "participant": n.participant,
                "service_type": n.service_type,
                "minutes_per_week": n.minutes_per_week,
                "session_minutes": n.session_minutes,
                "credentials": sorted(n.credentials),
                "attendees": n.attendees,
                "counts_toward_hours": n.counts_toward_hours,
            }
            for n in problem.needs
        ],
        "staff": [
            {
                "id": s.id,
                "credentials": sorted(s.credentials),
                "availability": _window_json(s.availability),
                "max_weekly_minutes": s.max_weekly_minutes,
                "time_off": [
                    {"day": WEEKDAYS[o.day], "start": format_time(o.start), "end": format_time(o.end)}
                    for o in s.time_off
                ],
                "programs": sorted(s.programs),
            }
            for s in problem.staff
        ],
        "rooms": [{"id": r.id, "capacity": r.capacity, "programs": sorted(r.programs)} for r in problem.rooms],
    }


def problem_from_dict(data: Mapping[str, Any]) -> Problem:
    """Read a problem; raises ProblemError naming the first bad field."""
    try:
        return _problem_from_dict(data)
    except (AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, ProblemError):
            raise
        raise ProblemError(f"malformed problem: {exc}") from exc


def _problem_from_dict(data: Mapping[str, Any]) -> Problem:
    if data.get("format") != PROBLEM_FORMAT:
        raise ProblemError(f"not a problem file (format should be {PROBLEM_FORMAT!r})")
    raw_week = _get(data, "week_start", "problem")
    try:
        week_start = date.fromisoformat(str(raw_week))
    except ValueError as exc:
        raise ProblemError("problem.week_start: expected a date like 2025-03-03") from exc
    known = {f.name for f in fields(Weights)}
    overrides = data.get("weights") or {}
    unknown = set(overrides) - known
    if unknown:
        raise ProblemError(f"weights: unknown {', '.join(sorted(unknown))}")
    participants = []
    for i, p in enumerate(_get(data, "participants", "problem")):
        where = f"participants[{i}]"
        last = p.get("last_week") or {}
        participants.append(
            Participant(
                id=str(_get(p, "id", where)),
                program=str(_get(p, "program", where)),
                track=str(_get(p, "track", where)),
                availability=_availability(_get(p, "availability", where), where),
                min_weekly_minutes=int(_get(p, "min_weekly_minutes", where)),
                min_days=int(_get(p, "min_days", where)),
                max_weekly_minutes=None if p.get("max_weekly_minutes") is None else int(p["max_weekly_minutes"]),
                avoid_days=frozenset(_day(d, where) for d in p.get("avoid_days", [])),
                preferred_clinician=p.get("preferred_clinician"),
                primary_clinician=p.get("primary_clinician"),
                last_week_sessions=_strings(last.get("sessions", []), where),
                last_week_peers=_strings(last.get("peers", []), where),
                last_week_clinicians=_strings(last.get("clinicians", []), where),
            )
        )
    sessions = []
    for i, g in enumerate(_get(data, "group_sessions", "problem")):
        where = f"group_sessions[{i}]"
        sessions.append(
            GroupSession(
                id=str(_get(g, "id", where)),
                program=str(_get(g, "program", where)),
                track=str(_get(g, "track", where)),
                service_type=str(_get(g, "service_type", where)),
                day=_day(_get(g, "day", where), where),
                start=_time(_get(g, "start", where), where),
                end=_time(_get(g, "end", where), where),
                room=str(_get(g, "room", where)),
                min_size=int(_get(g, "min_size", where)),
                max_size=int(_get(g, "max_size", where)),
                required_credentials=_strings(g.get("required_credentials", []), where),
                counts_toward_hours=bool(g.get("counts_toward_hours", True)),
                series=str(g.get("series", "")),
            )
        )
    needs = []
    for i, n in enumerate(_get(data, "needs", "problem")):
        where = f"needs[{i}]"
        needs.append(
            OneToOneNeed(
                id=str(_get(n, "id", where)),
                participant=str(_get(n, "participant", where)),
                service_type=str(_get(n, "service_type", where)),
                minutes_per_week=int(_get(n, "minutes_per_week", where)),
                session_minutes=int(_get(n, "session_minutes", where)),
                credentials=_strings(_get(n, "credentials", where), where),
                attendees=int(n.get("attendees", 1)),
                counts_toward_hours=bool(n.get("counts_toward_hours", True)),
            )
        )
    staff = []
    for i, s in enumerate(_get(data, "staff", "problem")):
        where = f"staff[{i}]"
        staff.append(
            Staff(
                id=str(_get(s, "id", where)),
                credentials=_strings(_get(s, "credentials", where), where),
                availability=_availability(_get(s, "availability", where), where),
                max_weekly_minutes=int(_get(s, "max_weekly_minutes", where)),
                time_off=tuple(
                    TimeSlot(_day(o.get("day"), where), _time(o.get("start"), where), _time(o.get("end"), where))
                    for o in s.get("time_off", [])
                ),
                programs=_strings(s.get("programs", []), where),
            )
        )
    rooms = [
        Room(
            str(_get(r, "id", f"rooms[{i}]")),
            int(_get(r, "capacity", f"rooms[{i}]")),
            _strings(r.get("programs", []), f"rooms[{i}]"),
        )
        for i, r in enumerate(_get(data, "rooms", "problem"))
    ]
    return Problem(
        week_start=week_start,
        participants=tuple(participants),
        group_sessions=tuple(sessions),
        needs=tuple(needs),
        staff=tuple(staff),
        rooms=tuple(rooms),
        weights=Weights(**{k: int(v) for k, v in overrides.items()}),
        slot_minutes=int(data.get("slot_minutes", 30)),
    )


def _booking_json(b: Booking) -> Json:
    return {
        "participant": b.participant,
        "need": b.need,
        "clinician": b.clinician,
        "day": WEEKDAYS[b.day],
        "start": format_time(b.start),
        "end": format_time(b.end),
        "room": b.room,
    }


def solution_to_dict(solution: Solution) -> Json:
    """The plan as JSON-ready data (sorted, so files diff cleanly)."""
    s = solution.normalized()
    return {
        "format": SOLUTION_FORMAT,
        "assignments": [{"participant": a.participant, "session": a.session} for a in s.assignments],
        "facilitations": [{"session": f.session, "staff": f.staff} for f in s.facilitations],
        "bookings": [_booking_json(b) for b in s.bookings],
    }


def solution_from_dict(data: Mapping[str, Any]) -> Solution:
    """Read a plan (any ``report`` part is ignored); raises ProblemError naming the first bad field."""
    try:
        return _solution_from_dict(data)
    except (AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, ProblemError):
            raise
        raise ProblemError(f"malformed plan: {exc}") from exc


def _solution_from_dict(data: Mapping[str, Any]) -> Solution:
    if data.get("format") != SOLUTION_FORMAT:
        raise ProblemError(f"not a plan file (format should be {SOLUTION_FORMAT!r})")
    assignments = tuple(
        GroupAssignment(str(_get(a, "participant", "assignment")), str(_get(a, "session", "assignment")))
        for a in data.get("assignments", [])
    )
    facilitations = tuple(
        Facilitation(str(_get(f, "session", "facilitation")), str(_get(f, "staff", "facilitation")))
        for f in data.get("facilitations", [])
    )
    bookings = []
    for i, b in enumerate(data.get("bookings", [])):
        where = f"bookings[{i}]"
        bookings.append(
            Booking(
                participant=str(_get(b, "participant", where)),
                need=str(_get(b, "need", where)),
                clinician=str(_get(b, "clinician", where)),
                day=_day(_get(b, "day", where), where),
                start=_time(_get(b, "start", where), where),
                end=_time(_get(b, "end", where), where),
                room=str(_get(b, "room", where)),
            )
        )
    return Solution(assignments, facilitations, tuple(bookings)).normalized()


def _shortfall_json(s: Shortfall) -> Json:
    return {
        "participant": s.participant,
        "minutes_short": s.minutes_short,
        "days_short": s.days_short,
        "unmet_needs": list(s.unmet_needs),
        "reasons": list(s.reasons),
    }


def _diff_json(diff: PlanDiff) -> Json:
    return {
        "moved": [
            {
                "participant": c.participant,
                "left_sessions": list(c.left_sessions),
                "joined_sessions": list(c.joined_sessions),
                "cancelled_bookings": [_booking_json(b) for b in c.cancelled_bookings],
                "new_bookings": [_booking_json(b) for b in c.new_bookings],
            }
            for c in diff.changes
        ],
        "facilitator_changes": [{"session": g, "from": old, "to": new} for g, old, new in diff.facilitator_changes],
    }


def result_to_dict(result: SolveResult) -> Json:
    """A plan plus its report (status, objective, bound, shortfalls with reasons, diff)."""
    data = solution_to_dict(result.solution)
    data["report"] = {
        "status": result.status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": round(result.gap, 6),
        "unavoidable": result.unavoidable,
        "avoidable_objective": result.avoidable_objective,
        "unavoidable_costs": [
            {"participant": c.participant, "term": c.term, "points": c.points, "reason": c.reason}
            for c in result.unavoidable_costs
        ],
        "shortfalls": [_shortfall_json(s) for s in result.shortfalls],
        "diff": None if result.diff is None else _diff_json(result.diff),
        "stats": asdict(result.stats),
    }
    return data


def to_json(obj: Problem | Solution | SolveResult, *, indent: int | None = 2) -> str:
    """Serialise a problem, a plan, or a plan with its report."""
    if isinstance(obj, Problem):
        data = problem_to_dict(obj)
    elif isinstance(obj, Solution):
        data = solution_to_dict(obj)
    else:
        data = result_to_dict(obj)
    return json.dumps(data, indent=indent, ensure_ascii=False)


def from_json(text: str) -> Problem | Solution:
    """Read a problem or a plan. Raises ProblemError for invalid JSON or an unknown format."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ProblemError("expected a JSON object")
    if data.get("format") == PROBLEM_FORMAT:
        return problem_from_dict(data)
    if data.get("format") == SOLUTION_FORMAT:
        return solution_from_dict(data)
    raise ProblemError(f"unknown format {data.get('format')!r}")


def problem_from_json(text: str) -> Problem:
    """Read a problem file's text; raises ProblemError if it is not one."""
    obj = from_json(text)
    if not isinstance(obj, Problem):
        raise ProblemError("expected a problem file, got a plan")
    return obj


def solution_from_json(text: str) -> Solution:
    """Read a plan file's text; raises ProblemError if it is not one."""
    obj = from_json(text)
    if not isinstance(obj, Solution):
        raise ProblemError("expected a plan file, got a problem")
    return obj
