"""Builders of the FHIR export tests (no tests here): a hand-built participant with one of everything the
export maps, made through the apps' actions where they exist."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.consents.tests.helpers import consent
from cadence.measures.actions import record_measure
from cadence.measures.models import MeasureResult, Source
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.plans import actions as plans
from cadence.plans.models import TreatmentPlan
from cadence.safety.models import FlagKind, FlagSource, RiskFlag, Severity
from cadence.scheduling.models import Booking, ServiceType, Session
from cadence.testing.factories import ParticipantFactory, RoomFactory
from cadence.testing.personas import NOW, World

NY = zoneinfo.ZoneInfo("America/New_York")
DRAFT_GOAL = "Draft goal text that was never signed"


@dataclass
class Chart:
    participant: Participant
    episode: Episode
    old_episode: Episode
    plan: TreatmentPlan
    incomplete: MeasureResult


def session(world: World, day: dt.date, *, hour: int = 9, service: str = "process-group") -> Session:
    room = RoomFactory(site=world.site_a)
    starts = dt.datetime.combine(day, dt.time(hour), tzinfo=NY)
    return Session.objects.create(
        program=world.iop_a,
        track=world.morning_a,
        service_type=ServiceType.objects.get(code=service),
        occurs_on=day,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=180),
        room=room,
        capacity=12,
        created_at=NOW - dt.timedelta(days=30),
        created_by=world.director,
    )


def attend(world: World, episode: Episode, day: dt.date, status: str = AttendanceStatus.PRESENT) -> Attendance:
    row = session(world, day)
    booking = Booking.objects.create(
        session=row,
        episode=episode,
        participant=episode.participant,
        created_at=NOW - dt.timedelta(days=20),
        created_by=world.director,
    )
    present = status == AttendanceStatus.PRESENT
    return Attendance.objects.create(
        session=row,
        participant=episode.participant,
        episode=episode,
        booking=booking,
        occurs_on=day,
        status=status,
        session_minutes=180,
        minutes=170 if present else 0,
        late_minutes=10 if present else 0,
        created_at=NOW,
        created_by=world.clinician_a,
        updated_at=NOW,
        updated_by=world.clinician_a,
    )


def measure(participant: Participant, instrument: str, answers: list[Any], day: dt.date, by: Any) -> MeasureResult:
    at = dt.datetime.combine(day, dt.time(15), tzinfo=dt.UTC)
    return record_measure(
        participant=participant, instrument=instrument, answers=answers, administered_on=day, by=by, at=at
    )


def incomplete_phq9(participant: Participant, episode: Episode, by: Any) -> MeasureResult:
    """A PHQ-9 with item 4 unanswered, stored as an import would (the actions refuse to score it)."""
    return MeasureResult.objects.create(
        participant=participant,
        episode=episode,
        instrument="phq9",
        instrument_version="1.0",
        answers=[2, 2, 1, None, 1, 1, 0, 0, 0],
        total=None,
        administered_on=dt.date(2026, 11, 20),
        administered_at=dt.datetime(2026, 11, 20, 15, tzinfo=dt.UTC),
        source=Source.STAFF,
        entered_by=by,
    )


def signed_plan(world: World, episode: Episode) -> TreatmentPlan:
    """A signed plan (one problem, goal, objective, intervention, service), then an unsigned draft that
    adds a goal: the draft must never leave Cadence."""
    by, at = world.clinician_a, NOW - dt.timedelta(days=10)
    plan = plans.create_plan(episode=episode, by=by, at=at)
    problem = plans.add_problem(plan=plan, text="Drinks most days", asam_dimension="5", by=by, at=at)
    goal = plans.add_goal(problem=problem, text="I want to stay sober for my kids", by=by, at=at)
    objective = plans.add_objective(
        goal=goal, text="Attend 3 groups a week", target_on=dt.date(2026, 12, 15), by=by, at=at
    )
    plans.add_intervention(
        goal=goal, objective=objective, method="cbt", frequency="3 groups a week", responsible=by, by=by, at=at
    )
    plans.add_service(
        plan=plan, service_type=ServiceType.objects.get(code="process-group"), sessions_per_week=3, by=by, at=at
    )
    plans.sign_as_clinician(plan=plan, by=by, at=at)
    later = NOW - dt.timedelta(days=1)
    draft_goal = plans.add_goal(problem=problem, text=DRAFT_GOAL, by=by, at=later)
    plans.add_objective(
        goal=draft_goal,
        text="Draft objective: call a sponsor 2 times a week",
        target_on=dt.date(2026, 12, 20),
        by=by,
        at=later,
    )
    plan.refresh_from_db()
    return plan


def flag(participant: Participant, world: World, *, cleared: bool = False) -> RiskFlag:
    return RiskFlag.objects.create(
        participant=participant,
        kind=FlagKind.RELAPSE if cleared else FlagKind.OVERDOSE_RISK,
        severity=Severity.HIGH,
        source=FlagSource.STAFF,
        note="Internal note that stays in Cadence",
        raised_at=NOW - dt.timedelta(days=5),
        raised_by=world.clinician_a,
        cleared_at=NOW - dt.timedelta(days=1) if cleared else None,
        cleared_by=world.clinician_a if cleared else None,
        cleared_reason="Reviewed with the participant" if cleared else "",
    )


def build_chart(world: World, *, sessions: int = 2, results: int = 1) -> Chart:
    """A participant of site A's IOP with an earlier completed episode and, in the current one: attended
    and missed sessions, complete PHQ-9/GAD-7/PACS results and an incomplete PHQ-9, a signed plan with an
    unsigned draft, an active and a cleared risk flag, and a signed TPO consent."""
    participant = ParticipantFactory(
        organization=world.site_a.organization,
        legal_first_name="Jordan",
        legal_last_name="Rivera",
        preferred_name="Jo",
        sex_at_birth="female",
        phone="555-0100",
        email="jordan@example.org",
        language="es",
    )
    old = world.episode(
        participant=participant,
        status=EpisodeStatus.DISCHARGED,
        referred_on=dt.date(2025, 1, 6),
        admitted_on=dt.date(2025, 1, 13),
        discharged_on=dt.date(2025, 3, 28),
        discharge_reason=1,
    )
    episode = world.episode(participant=participant)
    for n in range(sessions):
        attend(world, episode, dt.date(2026, 11, 2) + dt.timedelta(days=n))
    attend(world, episode, dt.date(2026, 10, 30), status=AttendanceStatus.UNEXCUSED)
    for n in range(results):
        day = dt.date(2026, 10, 6) + dt.timedelta(days=7 * n)
        measure(participant, "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], day, world.clinician_a)
    measure(participant, "gad7", [2, 2, 2, 2, 1, 1, 1], dt.date(2026, 10, 6), world.clinician_a)
    measure(participant, "pacs", [1, 2, 3, 1, 2], dt.date(2026, 10, 6), world.clinician_a)
    incomplete = incomplete_phq9(participant, episode, world.clinician_a)
    plan = signed_plan(world, episode)
    flag(participant, world)
    flag(participant, world, cleared=True)
    consent(world, participant)
    return Chart(participant=participant, episode=episode, old_episode=old, plan=plan, incomplete=incomplete)
