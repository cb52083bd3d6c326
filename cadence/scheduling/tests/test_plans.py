"""Building (through the immediate task backend), checking, publishing, discarding and re-planning."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode
from cadence.scheduling import actions, plans
from cadence.scheduling.adapter import Scope, build_problem
from cadence.scheduling.models import (
    Booking,
    BookingSource,
    BookingStatus,
    PlanAssignment,
    PlanFacilitation,
    PlanStatus,
    SchedulePlan,
    Session,
    SessionStatus,
)
from cadence.scheduling.rules import SchedulingError
from cadence.scheduling.solver import check
from cadence.scheduling.tests.conftest import NEXT_MONDAY, THIS_MONDAY, Sched, ny
from cadence.scheduling.weeks import Week
from cadence.testing.personas import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks", "frozen")]


def people(sched: Sched, count: int = 5, **kwargs: object) -> list[Episode]:
    return [sched.episode(**kwargs) for _ in range(count)]


def build(sched: Sched, *, week: dt.date = NEXT_MONDAY, at: dt.datetime = NOW, replan: bool = False) -> SchedulePlan:
    return plans.start_build(
        program=sched.world.iop_a, week_start=week, by=sched.world.director, at=at, time_limit=5, replan=replan
    )


def test_build_runs_in_the_background_task_and_produces_a_draft_that_passes_the_checker(sched: Sched) -> None:
    episodes = people(sched)
    plan = build(sched)
    assert plan.status == PlanStatus.DRAFT, plan.error
    assert plan.task_id
    summary = plan.summary
    assert summary["checker"]["ok"], summary["checker"]
    assert summary["met"] == summary["total"] == 5
    row = next(p for p in summary["participants"] if p["episode"] == episodes[0].pk)
    assert row["minutes"] >= 540 and row["required_minutes"] == 540 and row["days"] >= 3
    assert summary["groups"]["running"] == 6 and summary["groups"]["largest"] == 5
    assert summary["appointments"] == 5  # one individual counseling session each
    # Independently: the stored rows, read back, keep every hard rule of the problem.
    built = build_problem(Scope.of(sched.world.iop_a, None, NEXT_MONDAY, NOW))
    report = check(built.problem, plans.solution_from_plan(plan, Week(NEXT_MONDAY, sched.world.site_a.zone)))
    assert report.ok, report.violations
    assert AuditEntry.objects.filter(object_type="scheduling.scheduleplan", object_id=str(plan.pk)).count() == 2
    # Building changes nothing in the schedule itself.
    assert not Booking.objects.exists()


def test_publishing_books_everyone_and_staffs_every_group(sched: Sched) -> None:
    episodes = people(sched)
    plan = build(sched)
    report = plans.publish_plan(plan=plan, by=sched.world.director, at=NOW)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_by == sched.world.director
    assert report.booked == 30 and report.appointments_made == 5
    groups = Session.objects.filter(generated_from__isnull=False, occurs_on__gte=NEXT_MONDAY)
    assert all(s.facilitator is not None for s in groups)
    individual = Session.objects.filter(plan=plan, service_type__code="individual")
    assert individual.count() == 5
    assert {b.episode_id for b in Booking.objects.filter(session__in=individual)} == {e.pk for e in episodes}
    assert Booking.objects.filter(source=BookingSource.SOLVER, status=BookingStatus.BOOKED).count() == 35
    assert AuditEntry.objects.filter(
        participant_id=episodes[0].participant_id, summary__startswith="Schedule published"
    )
    with pytest.raises(SchedulingError, match="Only a draft"):
        plans.publish_plan(plan=plan, by=sched.world.director, at=NOW)


def test_discarding_leaves_the_schedule_alone(sched: Sched) -> None:
    people(sched, 3)
    plan = build(sched)
    plans.discard_plan(plan=plan, by=sched.world.director, at=NOW)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DISCARDED
    assert not Booking.objects.exists()
    with pytest.raises(SchedulingError):
        plans.publish_plan(plan=plan, by=sched.world.director, at=NOW)


def test_second_build_of_the_same_week_while_one_runs_is_refused(sched: Sched) -> None:
    plans.request_build(program=sched.world.iop_a, week_start=NEXT_MONDAY, by=sched.world.director, at=NOW)
    with pytest.raises(SchedulingError, match="already being built"):
        plans.request_build(program=sched.world.iop_a, week_start=NEXT_MONDAY, by=sched.world.director, at=NOW)


def test_build_refuses_a_week_that_is_over_or_not_a_monday(sched: Sched) -> None:
    with pytest.raises(SchedulingError, match="over"):
        build(sched, week=dt.date(2026, 11, 16))
    with pytest.raises(SchedulingError, match="Monday"):
        build(sched, week=dt.date(2026, 12, 1))


def test_participant_who_cannot_reach_the_hours_is_explained(sched: Sched) -> None:
    people(sched, 3)
    short = sched.episode()
    actions.set_participant_availability(
        episode=short, windows={0: (dt.time(9), dt.time(12))}, by=sched.world.frontdesk, at=NOW
    )
    plan = build(sched)
    row = next(p for p in plan.summary["participants"] if p["episode"] == short.pk)
    assert not row["met"]
    assert row["reasons"] and "available" in " ".join(row["reasons"])
    assert plan.summary["met"] == 3
    # What no plan could avoid is reported apart, with reasons, for that participant only.
    summary = plan.summary
    assert summary["unavoidable"] > 0 and summary["unavoidable"] + summary["avoidable"] == summary["objective"]
    unavoidable = {u["episode"]: u["reasons"] for u in summary["unavoidable_reasons"]}
    assert short.pk in unavoidable
    assert any("not available on enough days" in r for r in unavoidable[short.pk])


def test_publishing_never_touches_sessions_that_have_started(sched: Sched) -> None:
    """A plan built on Sunday and published on Monday at 10:00 leaves Monday 09:00 alone."""
    sunday = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
    actions.generate_sessions(
        program=sched.world.iop_a,
        starts_on=THIS_MONDAY,
        ends_on=THIS_MONDAY + dt.timedelta(days=7),
        by=sched.world.director,
        at=sunday,
    )
    first, second = people(sched, 2)
    started = Session.objects.get(generated_from=sched.process, occurs_on=THIS_MONDAY)
    upcoming = Session.objects.get(generated_from=sched.relapse, occurs_on=THIS_MONDAY)
    actions.book_participant(session=started, episode=first, by=sched.world.frontdesk, at=sunday)
    with time_machine.travel(sunday, tick=False):  # the background build reads the clock
        plan = build(sched, week=THIS_MONDAY, at=sunday)
    assert plan.status == PlanStatus.DRAFT
    # Suppose the plan empties both Monday groups: only the one still ahead may change.
    PlanAssignment.objects.filter(plan=plan, session__in=[started, upcoming]).delete()
    before = list(Booking.objects.filter(session=started).values_list("pk", "status", "episode_id"))
    report = plans.publish_plan(plan=plan, by=sched.world.director, at=NOW)
    started.refresh_from_db()
    upcoming.refresh_from_db()
    assert list(Booking.objects.filter(session=started).values_list("pk", "status", "episode_id")) == before
    assert started.status == SessionStatus.SCHEDULED and started.facilitator_id is None
    assert upcoming.status == SessionStatus.CANCELLED and upcoming.cancelled_by_plan
    assert report.skipped_past >= 1
    assert not Session.objects.filter(starts_at__lt=NOW, plan=plan).exists()
    assert second.pk  # both participants were planned elsewhere in the week


def test_build_in_the_middle_of_a_week_counts_attended_hours(sched: Sched) -> None:
    sunday = dt.datetime(2026, 11, 22, 20, 0, tzinfo=dt.UTC)
    actions.generate_sessions(
        program=sched.world.iop_a,
        starts_on=THIS_MONDAY,
        ends_on=THIS_MONDAY + dt.timedelta(days=7),
        by=sched.world.director,
        at=sunday,
    )
    (episode,) = people(sched, 1)
    started = Session.objects.get(generated_from=sched.process, occurs_on=THIS_MONDAY)
    actions.book_participant(session=started, episode=episode, by=sched.world.frontdesk, at=sunday)
    built = build_problem(Scope.of(sched.world.iop_a, None, THIS_MONDAY, NOW))
    (participant,) = built.problem.participants
    assert participant.min_weekly_minutes == 540 - 90
    assert participant.min_days == 2
    assert f"s{started.pk}" not in {g.id for g in built.problem.group_sessions}
    assert participant.availability[0].start == 10 * 60 + 30  # the rest of Monday after the attended group


def test_replan_after_a_call_out_moves_only_the_affected_participants(sched: Sched) -> None:
    theirs = people(sched, 2, primary_clinician=sched.counselor)
    mine = people(sched, 3)
    first = build(sched)
    plans.publish_plan(plan=first, by=sched.world.director, at=NOW)
    with_counselor = set(
        Booking.objects.filter(session__plan=first, session__facilitator=sched.counselor).values_list(
            "episode_id", flat=True
        )
    )
    assert with_counselor == {e.pk for e in theirs}
    actions.record_time_off(
        staff=sched.counselor,
        starts_at=ny(NEXT_MONDAY, 0),
        ends_at=ny(NEXT_MONDAY + dt.timedelta(days=7), 0),
        reason="Called out",
        by=sched.world.director,
        at=NOW,
    )
    replan = build(sched, replan=True)
    assert replan.status == PlanStatus.DRAFT, replan.error
    assert replan.replaces == first
    moved = {m["episode"] for m in replan.diff["moves"]}
    assert moved == {e.pk for e in theirs}
    assert not moved & {e.pk for e in mine}
    assert all(not m["left"] and not m["joined"] for m in replan.diff["moves"])  # groups kept
    assert replan.summary["checker"]["ok"]
    # Nothing changes until the re-plan is confirmed.
    assert Session.objects.filter(facilitator=sched.counselor, status=SessionStatus.SCHEDULED).exists()
    plans.publish_plan(plan=replan, by=sched.world.director, at=NOW)
    first.refresh_from_db()
    assert first.status == PlanStatus.SUPERSEDED
    assert not Session.objects.filter(
        facilitator=sched.counselor, status=SessionStatus.SCHEDULED, starts_at__gte=ny(NEXT_MONDAY, 0)
    ).exists()
    live = Booking.objects.filter(status=BookingStatus.BOOKED, session__status=SessionStatus.SCHEDULED)
    for episode in theirs + mine:
        assert live.filter(episode=episode, session__service_type__code="individual").count() == 1
        assert live.filter(episode=episode, session__service_type__format="group").count() == 6
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, summary__startswith="Published the plan").count() == 2


def test_replan_needs_a_published_plan(sched: Sched) -> None:
    with pytest.raises(SchedulingError, match="Nothing is published"):
        build(sched, replan=True)


def test_a_failed_build_says_why(sched: Sched, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("solver exploded")

    monkeypatch.setattr(plans, "solve", boom)
    plan = build(sched)
    assert plan.status == PlanStatus.FAILED
    assert "solver exploded" in plan.error


def test_publishing_refuses_when_the_week_changed_into_a_double_booking(sched: Sched) -> None:
    people(sched, 3)
    plan = build(sched)
    process = Session.objects.get(generated_from=sched.process, occurs_on=NEXT_MONDAY)
    lead = PlanFacilitation.objects.get(plan=plan, session=process).staff
    actions.add_one_off_session(
        program=sched.world.iop_a,
        service_type=sched.service("individual"),
        starts_at=ny(NEXT_MONDAY, 9),
        ends_at=ny(NEXT_MONDAY, 10),
        room=sched.office,
        facilitator=lead,
        capacity=1,
        by=sched.world.director,
        at=NOW,
    )
    with pytest.raises(SchedulingError, match="double-book a facilitator"):
        plans.publish_plan(plan=plan, by=sched.world.director, at=NOW)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not Booking.objects.exists()


def test_groups_left_empty_are_cancelled_but_offered_to_the_next_plan(sched: Sched) -> None:
    actions.add_template_slot(
        template=sched.template,
        weekday=0,
        starts_at=dt.time(9),
        ends_at=dt.time(10, 30),
        service_type=sched.service("process-group"),
        room=sched.second_room,
        by=sched.world.director,
        at=NOW,
    )
    people(sched, 3)
    plan = build(sched)
    report = plans.publish_plan(plan=plan, by=sched.world.director, at=NOW)
    assert report.closed >= 1
    empty = Session.objects.filter(cancelled_by_plan=True, status=SessionStatus.CANCELLED)
    assert empty.exists()
    built = build_problem(Scope.of(sched.world.iop_a, None, NEXT_MONDAY, NOW))
    assert {f"s{s.pk}" for s in empty} <= {g.id for g in built.problem.group_sessions}
