"""Plans: build a week with the solver (in the background), publish it, discard it, re-plan it.

* ``start_build`` (views, API) = ``request_build`` (a queued plan; generates the week's sessions from
  the templates) + a background task that calls ``run_build``. The management command calls
  ``request_build`` and ``run_build`` itself.
* ``run_build`` reads the week (``adapter.build_problem``), solves within the plan's time budget,
  stores the proposal (assignments, facilitators, one-to-one appointments) and a summary; a re-plan
  also stores who moves (``plan.diff``).
* ``publish_plan`` applies a draft to sessions that have not started; it never touches a session
  whose start is in the past. ``discard_plan`` drops a draft.

Every function raises ``SchedulingError(field, reason)`` for a broken rule.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode
from cadence.programs.models import Program, Track

from . import conf
from .actions import generate_sessions
from .adapter import BuiltProblem, Scope, Span, build_problem, number, pid, rid, sid, uid
from .models import (
    BUILDING_STATUSES,
    Booking,
    BookingSource,
    BookingStatus,
    PlanAppointment,
    PlanAssignment,
    PlanFacilitation,
    PlanStatus,
    SchedulePlan,
    ServiceType,
    Session,
    SessionStatus,
)
from .rules import SchedulingError, check_week_start, overlaps
from .solver import Booking as SolverBooking
from .solver import CheckReport, Facilitation, GroupAssignment, PlanDiff, Solution, SolveResult, check, solve
from .weeks import Week

logger = logging.getLogger(__name__)


def _scope(plan: SchedulePlan, at: dt.datetime) -> Scope:
    return Scope.of(plan.program, plan.track, plan.week_start, at)


def published_plan(program: Program, track: Track | None, week_start: dt.date) -> SchedulePlan | None:
    """The published plan covering this scope: the track's own, else the program-wide one."""
    rows = SchedulePlan.objects.filter(program=program, week_start=week_start, status=PlanStatus.PUBLISHED)
    if track is not None:
        rows = rows.filter(Q(track=track) | Q(track__isnull=True))
    return rows.order_by("-published_at").first()


# --- Requesting and running a build --------------------------------------------------------------


@transaction.atomic
def request_build(
    *,
    program: Program,
    week_start: dt.date,
    by: User,
    at: dt.datetime,
    track: Track | None = None,
    time_limit: int | None = None,
    replan: bool = False,
) -> SchedulePlan:
    """Queue a build of one program week (all tracks, or ``track``). Generates the week's sessions
    from the templates first (idempotent). A re-plan needs a published plan for the week and keeps
    everyone the change does not affect where they are. Refuses a week that is over, a week not
    starting on Monday, and a second build of the same week while one is running."""
    check_week_start(week_start)
    if track is not None and track.program_id != program.pk:
        raise SchedulingError("track", f"This track does not belong to {program.name}.")
    limit = time_limit if time_limit is not None else conf.build_time_limit_seconds()
    if not 1 <= limit <= conf.max_build_time_limit_seconds():
        raise SchedulingError("time_limit", f"Give the solver 1 to {conf.max_build_time_limit_seconds()} seconds.")
    week = Week(week_start, program.site.zone)
    if week.ends_at <= at:
        raise SchedulingError("week", "That week is over; plans are for weeks still to come.")
    replaces = None
    if replan:
        replaces = published_plan(program, track, week_start)
        if replaces is None:
            raise SchedulingError("week", "Nothing is published for this week yet: build and publish it first.")
    generate_sessions(program=program, starts_on=week.start, ends_on=week.end, track=track, by=by, at=at)
    try:
        with transaction.atomic():
            plan = SchedulePlan.objects.create(
                program=program,
                track=track,
                week_start=week_start,
                is_replan=replan,
                replaces=replaces,
                time_limit=limit,
                created_at=at,
                created_by=by,
            )
    except IntegrityError as exc:
        raise SchedulingError("week", "A plan for this week is already being built; wait for it to finish.") from exc
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=plan,
        summary=f"{'Re-plan' if replan else 'Build'} requested for {program.name}, week of {week_start:%Y-%m-%d}",
        changes={"track": track.pk if track else None, "time_limit": limit},
        at=at,
    )
    return plan


def start_build(
    *,
    program: Program,
    week_start: dt.date,
    by: User,
    at: dt.datetime,
    track: Track | None = None,
    time_limit: int | None = None,
    replan: bool = False,
) -> SchedulePlan:
    """``request_build`` and hand the build to the background worker (never run on a page view)."""
    from .tasks import build_plan_task

    with transaction.atomic():
        plan = request_build(
            program=program, week_start=week_start, by=by, at=at, track=track, time_limit=time_limit, replan=replan
        )
        result = build_plan_task.enqueue(plan.pk)
        SchedulePlan.objects.filter(pk=plan.pk).update(task_id=str(result.id)[:64])
    plan.refresh_from_db()
    return plan


def run_build(*, plan_id: int, at: dt.datetime) -> SchedulePlan:
    """Build a queued plan (the background task's body). A plan that is not queued is left as it is;
    any failure marks the plan failed with the error, for the page to show."""
    with transaction.atomic():
        plan = (
            SchedulePlan.objects.select_for_update(of=("self",))
            .select_related("program__site", "track")
            .get(pk=plan_id)
        )
        if plan.status != PlanStatus.QUEUED:
            return plan
        plan.status, plan.started_at = PlanStatus.RUNNING, at
        plan.save(update_fields=["status", "started_at"])
    started = time.perf_counter()
    try:
        built = build_problem(_scope(plan, at), replan=plan.is_replan)
        result = solve(
            built.problem,
            previous=built.previous,
            time_limit=float(plan.time_limit),
            workers=conf.solver_workers(),
        )
        with transaction.atomic():
            _store(plan, built, result, at=at)
            plan.status = PlanStatus.DRAFT
            plan.finished_at = at + dt.timedelta(seconds=time.perf_counter() - started)
            plan.save()
            record(
                action=AuditAction.UPDATE,
                actor=plan.created_by,
                obj=plan,
                summary=f"Plan built: {plan.summary.get('met', 0)} of {plan.summary.get('total', 0)} "
                f"participants meet their hours ({result.status.lower()})",
                changes={"objective": result.objective, "bound": result.best_bound},
                at=plan.finished_at,
            )
    except Exception as exc:  # the page must say the build failed, whatever went wrong
        logger.exception("Schedule build %s failed", plan_id)
        SchedulePlan.objects.filter(pk=plan_id).update(
            status=PlanStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=at + dt.timedelta(seconds=time.perf_counter() - started),
        )
    plan.refresh_from_db()
    return plan


def _place_rooms(built: BuiltProblem, solution: Solution) -> tuple[list[SolverBooking], list[SolverBooking]]:
    """Move one-to-one sessions out of rooms used at that time by sessions the solver does not see
    (another program at the site); drop those for which no room is free."""
    busy: dict[str, list[Span]] = defaultdict(list)
    for room, spans in built.fixed_rooms.items():
        busy[room].extend(spans)
    running = {a.session for a in solution.assignments}
    for g in built.problem.group_sessions:
        if g.id in running:
            busy[g.room].append((g.day, g.start, g.end))
    needs = {n.id: n for n in built.problem.needs}
    rooms = sorted(built.problem.rooms, key=lambda r: (r.capacity, r.id))
    placed: list[SolverBooking] = []
    dropped: list[SolverBooking] = []

    def free(room: str, b: SolverBooking) -> bool:
        return not any(d == b.day and overlaps(b.start, b.end, s, e) for d, s, e in busy[room])

    for b in sorted(solution.bookings):
        if not any(d == b.day and overlaps(b.start, b.end, s, e) for d, s, e in built.fixed_rooms.get(b.room, [])):
            busy[b.room].append((b.day, b.start, b.end))
            placed.append(b)
            continue
        seats = needs[b.need].attendees + 1
        other = next((r.id for r in rooms if r.capacity >= seats and free(r.id, b)), None)
        if other is None:
            dropped.append(b)
            continue
        busy[other].append((b.day, b.start, b.end))
        placed.append(replace(b, room=other))
    return placed, dropped


def _store(plan: SchedulePlan, built: BuiltProblem, result: SolveResult, *, at: dt.datetime) -> None:
    week = Week(plan.week_start, plan.program.site.zone)
    placed, dropped = _place_rooms(built, result.solution)
    solution = Solution(result.solution.assignments, result.solution.facilitations, tuple(placed)).normalized()
    PlanAssignment.objects.bulk_create(
        PlanAssignment(plan=plan, session_id=number(a.session), episode_id=number(a.participant))
        for a in solution.assignments
    )
    PlanFacilitation.objects.bulk_create(
        PlanFacilitation(plan=plan, session_id=number(f.session), staff_id=number(f.staff))
        for f in solution.facilitations
    )
    PlanAppointment.objects.bulk_create(
        PlanAppointment(
            plan=plan,
            episode_id=number(b.participant),
            service_type=built.services[b.need.split(":", 1)[1]],
            clinician_id=number(b.clinician),
            room_id=number(b.room),
            occurs_on=week.start + dt.timedelta(days=b.day),
            starts_at=week.at(b.day, b.start),
            ends_at=week.at(b.day, b.end),
        )
        for b in solution.bookings
    )
    report = check(built.problem, solution, previous=built.previous, stability_weight=1000 if built.previous else 0)
    plan.solver_status = result.status
    plan.objective = result.objective
    plan.bound = result.best_bound
    plan.summary = summarize(built, result, report, solution, dropped)
    if result.diff is not None:
        plan.diff = _diff_json(built, result.diff, result, week)


def summarize(
    built: BuiltProblem, result: SolveResult, report: CheckReport, solution: Solution, dropped: list[SolverBooking]
) -> dict[str, Any]:
    """The result page's figures: hours per participant, groups and their sizes, continuity with last
    week, what could not be met and why (the solver's plain-language reasons)."""
    problem = built.problem
    shortfalls = {s.participant: s for s in result.shortfalls}
    needs = {n.id: n for n in problem.needs}
    services = built.services
    no_room: dict[str, list[str]] = defaultdict(list)
    for b in dropped:
        no_room[b.participant].append(services[needs[b.need].service_type].name)
    series_of = {g.id: g.series_key for g in problem.group_sessions}
    planned_series: dict[str, set[str]] = defaultdict(set)
    members: dict[str, int] = defaultdict(int)
    for a in solution.assignments:
        planned_series[a.participant].add(series_of[a.session])
        members[a.session] += 1
    people: list[dict[str, Any]] = []
    kept = last_total = 0
    for p in problem.participants:
        fact = built.facts[p.id]
        short = shortfalls.get(p.id)
        reasons = [_named(r, services) for r in short.reasons] if short else []
        unmet = [services[needs[n].service_type].name for n in short.unmet_needs] if short else []
        for name in no_room.get(p.id, []):
            reasons.append(f"no free room for {name} at the planned time")
            unmet.append(name)
        minutes = report.minutes.get(p.id, 0) + fact.fixed_minutes
        days = report.days.get(p.id, 0) + len(fact.fixed_days)
        kept += len(fact.last_week_series & planned_series.get(p.id, set()))
        last_total += len(fact.last_week_series)
        people.append(
            {
                "episode": fact.episode_id,
                "minutes": minutes,
                "required_minutes": fact.required_minutes,
                "days": days,
                "required_days": fact.required_days,
                "met": not reasons and not unmet and minutes >= fact.required_minutes and days >= fact.required_days,
                "reasons": reasons,
                "unmet": unmet,
            }
        )
    sizes = sorted(members.values())
    weight = problem.weights.group_size_spread or 1
    why: dict[str, list[str]] = defaultdict(list)
    for cost in result.unavoidable_costs:
        if cost.reason not in why[cost.participant]:
            why[cost.participant].append(cost.reason)
    return {
        "status": result.status,
        "objective": result.objective,
        # The constant part of the objective that no plan can avoid, apart from what planning can improve.
        "unavoidable": result.unavoidable,
        "avoidable": result.avoidable_objective,
        "unavoidable_reasons": [
            {"episode": built.facts[pid].episode_id, "reasons": [_named(r, services) for r in reasons]}
            for pid, reasons in why.items()
            if pid in built.facts
        ],
        "bound": result.best_bound,
        "gap": round(result.gap, 4),
        "seconds": round(result.stats.solve_seconds, 2),
        "greedy_objective": result.stats.greedy_objective,
        "checker": {"ok": report.ok, "violations": [v.message for v in report.violations[:20]]},
        "total": len(people),
        "met": sum(1 for p in people if p["met"]),
        "participants": people,
        "groups": {
            "offered": len(problem.group_sessions),
            "running": len(sizes),
            "smallest": sizes[0] if sizes else 0,
            "largest": sizes[-1] if sizes else 0,
            "mean": round(sum(sizes) / len(sizes), 1) if sizes else 0,
            "parallel_spread": report.breakdown.get("group_size_spread", 0) // weight,
        },
        "continuity": {
            "kept": kept,
            "last_week": last_total,
            "share": round(100 * kept / last_total) if last_total else None,
        },
        "appointments": len(solution.bookings),
        "session_ids": sorted(number(g.id) for g in problem.group_sessions),
        "replaceable_ids": built.replaceable,
        "fallbacks": result.stats.shared_cap_repairs + result.stats.fallbacks,
        "affected": [number(p) for p in result.stats.affected_participants],
    }


def _named(reason: str, services: dict[str, ServiceType]) -> str:
    """The solver's reason with service codes replaced by their names ("for individual" -> "for Individual
    counseling")."""
    for code, service in services.items():
        reason = reason.replace(f"for {code}", f"for {service.name.lower()}")
    return reason


def _diff_json(built: BuiltProblem, diff: PlanDiff, result: SolveResult, week: Week) -> dict[str, Any]:
    def booking(b: SolverBooking) -> dict[str, Any]:
        return {
            "service": built.services[b.need.split(":", 1)[1]].pk,
            "clinician": number(b.clinician),
            "room": number(b.room),
            "starts_at": week.at(b.day, b.start).isoformat(),
            "ends_at": week.at(b.day, b.end).isoformat(),
        }

    return {
        "moves": [
            {
                "episode": number(c.participant),
                "left": [number(s) for s in c.left_sessions],
                "joined": [number(s) for s in c.joined_sessions],
                "cancelled": [booking(b) for b in c.cancelled_bookings],
                "new": [booking(b) for b in c.new_bookings],
            }
            for c in diff.changes
        ],
        "facilitators": [
            {"session": number(s), "before": number(a) if a else None, "after": number(b) if b else None}
            for s, a, b in diff.facilitator_changes
        ],
        "locked": result.stats.locked_participants,
    }


def solution_from_plan(plan: SchedulePlan, week: Week) -> Solution:
    """A stored plan as the solver's ``Solution`` (to check it against the problem)."""
    assignments = [GroupAssignment(pid(a.episode_id), sid(a.session_id)) for a in plan.assignments.all()]
    facilitations = [Facilitation(sid(f.session_id), uid(f.staff_id)) for f in plan.facilitations.all()]
    bookings = []
    for b in plan.appointments.select_related("service_type"):
        start, end = b.starts_at.astimezone(week.zone), b.ends_at.astimezone(week.zone)
        bookings.append(
            SolverBooking(
                pid(b.episode_id),
                f"e{b.episode_id}:{b.service_type.code}",
                uid(b.clinician_id),
                (start.date() - week.start).days,
                start.hour * 60 + start.minute,
                end.hour * 60 + end.minute,
                rid(b.room_id),
            )
        )
    return Solution(tuple(assignments), tuple(facilitations), tuple(bookings)).normalized()


# --- Publishing ----------------------------------------------------------------------------------


@dataclass
class PublishReport:
    booked: int = 0
    unbooked: int = 0
    opened: int = 0
    closed: int = 0
    appointments_made: int = 0
    appointments_cancelled: int = 0
    skipped_past: int = 0
    skipped_cancelled: int = 0
    changed_participants: dict[int, list[str]] = field(default_factory=dict)


def _lock_draft(plan: SchedulePlan) -> SchedulePlan:
    plan = SchedulePlan.objects.select_for_update(of=("self",)).select_related("program__site", "track").get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise SchedulingError("plan", f"Only a draft can be published or discarded; this plan is {plan.status}.")
    return plan


@transaction.atomic
def publish_plan(*, plan: SchedulePlan, by: User, at: dt.datetime) -> PublishReport:
    """Apply a draft: bookings, facilitators and one-to-one sessions of the sessions it planned that
    have not started yet. Sessions whose start is past are never touched. Refuses when the week is
    over, when a planned group no longer has room, or when applying would double-book anyone."""
    plan = _lock_draft(plan)
    week = Week(plan.week_start, plan.program.site.zone)
    if week.ends_at <= at:
        raise SchedulingError("plan", "That week is over.")
    report = PublishReport()
    wanted = set(plan.assignments.values_list("episode_id", flat=True))
    wanted |= set(plan.appointments.values_list("episode_id", flat=True))
    episodes = {e.pk: e for e in Episode.objects.filter(pk__in=wanted).select_related("participant")}
    touched = _apply_groups(plan, at, episodes, by, report)
    touched |= _apply_appointments(plan, at, episodes, by, report)
    _check_no_double_booking(touched, week)
    superseded = SchedulePlan.objects.filter(program=plan.program, week_start=plan.week_start, status="published")
    if plan.track_id is not None:
        superseded = superseded.filter(Q(track=plan.track) | Q(track__isnull=True))
    superseded.update(status=PlanStatus.SUPERSEDED)
    plan.status, plan.published_at, plan.published_by = PlanStatus.PUBLISHED, at, by
    plan.save(update_fields=["status", "published_at", "published_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=plan,
        summary=f"Published the plan for {plan.program.name}, week of {plan.week_start:%Y-%m-%d}: "
        f"{report.booked} booked, {report.unbooked} unbooked, {report.appointments_made} appointment(s) made",
        changes={k: v for k, v in vars(report).items() if k != "changed_participants"},
        at=at,
    )
    for participant_id, lines in sorted(report.changed_participants.items()):
        record(
            action=AuditAction.UPDATE,
            actor=by,
            object_type="scheduling.scheduleplan",
            object_id=plan.pk,
            participant_id=participant_id,
            summary=f"Schedule published: {'; '.join(lines)}"[:300],
            at=at,
        )
    return report


def _note(report: PublishReport, participant_id: int, line: str) -> None:
    report.changed_participants.setdefault(participant_id, []).append(line)


def _apply_groups(
    plan: SchedulePlan, at: dt.datetime, episodes: dict[int, Episode], by: User, report: PublishReport
) -> set[int]:
    wanted: dict[int, set[int]] = defaultdict(set)
    for session_id, episode_id in plan.assignments.values_list("session_id", "episode_id"):
        wanted[session_id].add(episode_id)
    leads = dict(plan.facilitations.values_list("session_id", "staff_id"))
    ids = plan.summary.get("session_ids", [])
    sessions = list(
        Session.objects.select_for_update(of=("self",))
        .filter(pk__in=ids)
        .select_related("service_type")
        .order_by("starts_at", "pk")
    )
    live: dict[int, list[Booking]] = defaultdict(list)
    for b in Booking.objects.filter(session_id__in=ids, status=BookingStatus.BOOKED):
        live[b.session_id].append(b)
    touched: set[int] = set()
    for s in sessions:
        if s.starts_at <= at:
            report.skipped_past += 1
            continue
        if s.status == SessionStatus.CANCELLED and not s.cancelled_by_plan:
            report.skipped_cancelled += 1  # cancelled by staff or a closure since the build: leave it
            continue
        want = wanted.get(s.pk, set())
        if len(want) > s.capacity:
            raise SchedulingError("plan", f"{s} now takes {s.capacity}; the plan puts {len(want)} in it. Build again.")
        have = {b.episode_id: b for b in live.get(s.pk, [])}
        when = f"{s.service_type.name} {s.starts_at.astimezone(plan.program.site.zone):%a %H:%M}"
        for episode_id, b in have.items():
            if episode_id not in want:
                b.status, b.cancelled_at, b.cancelled_by = BookingStatus.CANCELLED, at, by
                b.save(update_fields=["status", "cancelled_at", "cancelled_by"])
                report.unbooked += 1
                _note(report, b.participant_id, f"left {when}")
        new = [
            Booking(
                session=s,
                episode_id=e,
                participant_id=episodes[e].participant_id,
                source=BookingSource.SOLVER,
                created_at=at,
                created_by=by,
            )
            for e in sorted(want - set(have))
        ]
        Booking.objects.bulk_create(new)
        report.booked += len(new)
        for b in new:
            _note(report, b.participant_id, f"joined {when}")
        if want:
            if s.status == SessionStatus.CANCELLED:
                report.opened += 1
            s.status, s.cancelled_by_plan, s.cancel_reason = SessionStatus.SCHEDULED, False, ""
            s.facilitator_id = leads.get(s.pk, s.facilitator_id)
        elif s.status == SessionStatus.SCHEDULED:
            s.status, s.cancelled_by_plan = SessionStatus.CANCELLED, True
            s.cancel_reason = "Not needed this week (no one planned in it)."
            report.closed += 1
        s.save(update_fields=["status", "cancelled_by_plan", "cancel_reason", "facilitator"])
        touched.add(s.pk)
    return touched


def _apply_appointments(
    plan: SchedulePlan, at: dt.datetime, episodes: dict[int, Episode], by: User, report: PublishReport
) -> set[int]:
    current = list(
        Session.objects.select_for_update(of=("self",))
        .filter(pk__in=plan.summary.get("replaceable_ids", []), status=SessionStatus.SCHEDULED, starts_at__gt=at)
        .select_related("service_type")
        .prefetch_related("bookings")
    )
    existing: dict[tuple[Any, ...], Session] = {}
    for s in current:
        booking = next((b for b in s.bookings.all() if b.status == BookingStatus.BOOKED), None)
        key = (booking.episode_id if booking else None, s.service_type_id, s.facilitator_id, s.room_id, s.starts_at)
        existing[key] = s
    touched: set[int] = set()
    zone = plan.program.site.zone
    for appt in plan.appointments.select_related("service_type"):
        if appt.starts_at <= at:
            report.skipped_past += 1
            continue
        key = (appt.episode_id, appt.service_type_id, appt.clinician_id, appt.room_id, appt.starts_at)
        if existing.pop(key, None) is not None:
            continue
        episode = episodes[appt.episode_id]
        session = Session.objects.create(
            program=plan.program,
            track_id=episode.track_id,
            service_type=appt.service_type,
            occurs_on=appt.occurs_on,
            starts_at=appt.starts_at,
            ends_at=appt.ends_at,
            room_id=appt.room_id,
            facilitator_id=appt.clinician_id,
            capacity=1,
            plan=plan,
            created_at=at,
            created_by=by,
        )
        Booking.objects.create(
            session=session,
            episode=episode,
            participant_id=episode.participant_id,
            source=BookingSource.SOLVER,
            created_at=at,
            created_by=by,
        )
        report.appointments_made += 1
        _note(report, episode.participant_id, f"{appt.service_type.name} {appt.starts_at.astimezone(zone):%a %H:%M}")
        touched.add(session.pk)
    for s in existing.values():
        s.status, s.cancel_reason = SessionStatus.CANCELLED, "Moved by the published plan."
        s.save(update_fields=["status", "cancel_reason"])
        for b in s.bookings.all():
            if b.status == BookingStatus.BOOKED:
                b.status, b.cancelled_at, b.cancelled_by = BookingStatus.CANCELLED, at, by
                b.save(update_fields=["status", "cancelled_at", "cancelled_by"])
                _note(report, b.participant_id, f"{s.service_type.name} {s.starts_at.astimezone(zone):%a %H:%M} moved")
        report.appointments_cancelled += 1
    return touched


def _check_no_double_booking(touched: set[int], week: Week) -> None:
    """After applying: no participant, facilitator or room in two overlapping live sessions (the
    week may have changed since the plan was built)."""
    if not touched:
        return
    changed = Session.objects.filter(pk__in=touched)
    staff = changed.exclude(facilitator__isnull=True).values("facilitator_id")
    people = Booking.objects.filter(session__in=changed, status=BookingStatus.BOOKED).values("participant_id")
    sites = changed.values("program__site_id")
    nearby = Q(program__site_id__in=sites) | Q(facilitator_id__in=staff) | Q(bookings__participant_id__in=people)
    sessions = {
        s.pk: s
        for s in Session.objects.filter(
            nearby, status=SessionStatus.SCHEDULED, starts_at__lt=week.ends_at, ends_at__gt=week.starts_at
        )
        .select_related("service_type", "room", "program__site", "facilitator")
        .distinct()
    }
    owners: dict[tuple[str, int], list[Session]] = defaultdict(list)
    for s in sessions.values():
        owners[("room", s.room_id)].append(s)
        if s.facilitator_id is not None:
            owners[("facilitator", s.facilitator_id)].append(s)
    for session_id, participant_id in Booking.objects.filter(
        session_id__in=list(sessions), status=BookingStatus.BOOKED
    ).values_list("session_id", "participant_id"):
        owners[("participant", participant_id)].append(sessions[session_id])
    for (kind, _owner), items in owners.items():
        items.sort(key=lambda s: s.starts_at)
        for a, b in zip(items, items[1:], strict=False):
            if b.starts_at < a.ends_at and (a.pk in touched or b.pk in touched):
                from .conflicts import describe

                raise SchedulingError(
                    "plan",
                    f"Publishing would double-book a {kind}: {describe(a)} and {describe(b)}. "
                    "The week changed since the plan was built; build it again.",
                )


@transaction.atomic
def discard_plan(*, plan: SchedulePlan, by: User, at: dt.datetime) -> SchedulePlan:
    """Drop a draft (or a failed build); nothing in the schedule changes."""
    plan = SchedulePlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.FAILED):
        raise SchedulingError("plan", f"Only a draft can be discarded; this plan is {plan.get_status_display()}.")
    before = plan.status
    plan.status = PlanStatus.DISCARDED
    plan.save(update_fields=["status"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=plan,
        summary=f"Discarded plan {plan.pk} for the week of {plan.week_start:%Y-%m-%d}",
        changes={"status": [before, "discarded"]},
        at=at,
    )
    return plan


def building(plan: SchedulePlan) -> bool:
    return plan.status in BUILDING_STATUSES


def plan_quality(summary: dict[str, Any]) -> str:
    """The solver's proof in plain words, measured on what planning can change (not the unavoidable part).

    "Best possible" when proven optimal; otherwise an upper bound, rounded up, on how much of the
    plan's avoidable penalty a better plan could still save ("within 2 % of the best possible").
    """
    if summary.get("status") == "OPTIMAL":
        return "Best possible"
    objective, bound = summary.get("objective"), summary.get("bound")
    if objective is None or bound is None:
        return "Not proven"
    avoidable = summary.get("avoidable", objective - (summary.get("unavoidable") or 0))
    if avoidable <= 0 or bound >= objective:
        return "Best possible"
    share = min(1.0, (objective - bound) / avoidable)
    return f"Within {math.ceil(share * 100)}% of the best possible"
