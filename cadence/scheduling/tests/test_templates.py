"""Templates, slots, closures and session generation against the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadence.audit.models import AuditAction, AuditEntry
from cadence.scheduling import actions
from cadence.scheduling.models import Closure, ServiceType, Session, SessionStatus
from cadence.scheduling.rules import SchedulingError
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched, ny
from cadence.testing.personas import NOW

pytestmark = pytest.mark.django_db
T = dt.time


def add_slot(sched: Sched, **overrides: object) -> object:
    values: dict[str, object] = {
        "template": sched.template,
        "weekday": 4,
        "starts_at": T(9),
        "ends_at": T(10, 30),
        "service_type": sched.service("cbt-skills"),
        "room": sched.group_room,
        "by": sched.world.director,
        "at": NOW,
    }
    values.update(overrides)
    return actions.add_template_slot(**values)  # type: ignore[arg-type]


def test_slots_are_created_with_the_service_default_size_and_audited(sched: Sched) -> None:
    slot = add_slot(sched)
    assert slot.max_size == 12  # type: ignore[attr-defined]
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="scheduling.templateslot").count() == 7


def test_overlapping_slot_in_the_same_track_is_refused(sched: Sched) -> None:
    with pytest.raises(SchedulingError, match="must not overlap") as exc:
        add_slot(sched, weekday=0, starts_at=T(10), ends_at=T(11), room=sched.second_room)
    assert exc.value.field == "starts_at"


def test_back_to_back_slot_is_accepted_and_one_minute_overlap_is_not(sched: Sched) -> None:
    add_slot(sched, weekday=4, starts_at=T(9), ends_at=T(10, 30))
    add_slot(sched, weekday=4, starts_at=T(10, 30), ends_at=T(12), service_type=sched.service("dbt-skills"))
    with pytest.raises(SchedulingError):
        add_slot(sched, weekday=2, starts_at=T(9), ends_at=T(10, 31))
        add_slot(sched, weekday=2, starts_at=T(10, 30), ends_at=T(12), room=sched.second_room)


def test_parallel_group_in_another_room_is_accepted(sched: Sched) -> None:
    slot = add_slot(sched, weekday=0, starts_at=T(9), ends_at=T(10, 30), room=sched.second_room)
    assert slot.room == sched.second_room  # type: ignore[attr-defined]


def test_a_session_longer_than_the_track_is_refused(sched: Sched) -> None:
    with pytest.raises(SchedulingError, match="longer than the track"):
        add_slot(sched, starts_at=T(8), ends_at=T(12, 30))


def test_slot_outside_the_track_days_is_refused(sched: Sched) -> None:
    with pytest.raises(SchedulingError) as exc:
        add_slot(sched, weekday=5)
    assert exc.value.field == "weekday"


def test_room_too_small_for_the_group_is_refused(sched: Sched) -> None:
    # Group Room B seats 13: a group of 12 plus the facilitator fits, 13 does not.
    add_slot(sched, room=sched.second_room, max_size=12)
    with pytest.raises(SchedulingError, match="too small") as exc:
        add_slot(sched, weekday=2, room=sched.second_room, max_size=13)
    assert exc.value.field == "room"


def test_group_size_limit_comes_from_the_setting(sched: Sched, settings: object) -> None:
    big = sched.group_room
    big.capacity = 20
    big.save()
    add_slot(sched, max_size=15)
    with pytest.raises(SchedulingError, match="at most 15"):
        add_slot(sched, weekday=2, max_size=16)
    settings.CADENCE_GROUP_MAX_SIZE_LIMIT = 12  # type: ignore[attr-defined]
    with pytest.raises(SchedulingError, match="at most 12"):
        add_slot(sched, weekday=2, max_size=13)


def test_one_to_one_services_are_not_template_slots(sched: Sched) -> None:
    with pytest.raises(SchedulingError) as exc:
        add_slot(sched, service_type=sched.service("individual"))
    assert exc.value.field == "service_type"


def test_facilitator_needs_the_service_credential(sched: Sched) -> None:
    with pytest.raises(SchedulingError, match="does not hold"):
        add_slot(sched, facilitator=sched.prescriber)  # MD, CBT skills needs a licensed counselor
    slot = add_slot(sched, facilitator=sched.world.clinician_a)
    assert slot.facilitator == sched.world.clinician_a  # type: ignore[attr-defined]


def test_room_used_by_another_track_at_the_same_time_is_refused(sched: Sched) -> None:
    template = actions.create_template(
        program=sched.world.php_a,
        track=sched.world.php_day_a,
        name="PHP week",
        starts_on=dt.date(2026, 12, 1),
        by=sched.world.director,
        at=NOW,
    )
    with pytest.raises(SchedulingError, match="already used") as exc:
        actions.add_template_slot(
            template=template,
            weekday=0,
            starts_at=T(10),
            ends_at=T(11),
            service_type=sched.service("mindfulness"),
            room=sched.group_room,
            by=sched.world.director,
            at=NOW,
        )
    assert exc.value.field == "room"


def test_overlapping_templates_for_one_track_are_refused(sched: Sched) -> None:
    with pytest.raises(SchedulingError, match="Overlaps the template"):
        actions.create_template(
            program=sched.world.iop_a,
            track=sched.world.morning_a,
            name="Winter",
            starts_on=dt.date(2027, 1, 4),
            by=sched.world.director,
            at=NOW,
        )


def test_template_track_must_belong_to_the_program(sched: Sched) -> None:
    with pytest.raises(SchedulingError) as exc:
        actions.create_template(
            program=sched.world.iop_a,
            track=sched.world.morning_b,
            name="X",
            starts_on=dt.date(2027, 1, 4),
            by=sched.world.director,
            at=NOW,
        )
    assert exc.value.field == "track"


def test_generation_creates_each_slot_occurrence_in_local_time(sched: Sched) -> None:
    sessions = sched.generate()
    assert len(sessions) == 6
    first = min(sessions, key=lambda s: s.starts_at)
    assert first.starts_at == ny(NEXT_MONDAY, 9)
    assert first.starts_at.utcoffset() == dt.timedelta(0)
    assert first.ends_at == ny(NEXT_MONDAY, 10, 30)
    assert first.occurs_on == NEXT_MONDAY
    assert first.capacity == 12
    assert first.track == sched.world.morning_a


def test_generation_is_idempotent(sched: Sched) -> None:
    sched.generate()
    report = actions.generate_sessions(
        program=sched.world.iop_a,
        starts_on=NEXT_MONDAY,
        ends_on=NEXT_MONDAY + dt.timedelta(days=7),
        by=sched.world.director,
        at=NOW,
    )
    assert report.created == 0 and report.existing == 6
    assert Session.objects.count() == 6


def test_generation_skips_closures_of_the_site_and_of_the_program(sched: Sched) -> None:
    actions.add_closure(site=sched.world.site_a, day=NEXT_MONDAY, reason="Snow day", by=sched.world.director, at=NOW)
    actions.add_closure(
        program=sched.world.iop_a,
        day=NEXT_MONDAY + dt.timedelta(days=3),
        reason="Staff training",
        by=sched.world.director,
        at=NOW,
    )
    report = actions.generate_sessions(
        program=sched.world.iop_a,
        starts_on=NEXT_MONDAY,
        ends_on=NEXT_MONDAY + dt.timedelta(days=7),
        by=sched.world.director,
        at=NOW,
    )
    assert report.created == 2  # Tuesday only
    assert report.closed_days == [NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=3)]
    assert set(Session.objects.values_list("occurs_on", flat=True)) == {NEXT_MONDAY + dt.timedelta(days=1)}


def test_a_closure_cancels_that_days_future_sessions(sched: Sched) -> None:
    sched.generate()
    _closure, cancelled = actions.add_closure(
        site=sched.world.site_a, day=NEXT_MONDAY, reason="Water leak", by=sched.world.director, at=NOW
    )
    assert cancelled == 2
    assert Session.objects.filter(status=SessionStatus.CANCELLED, cancel_reason="Closed: Water leak").count() == 2
    with pytest.raises(SchedulingError, match="already closed"):
        actions.add_closure(site=sched.world.site_a, day=NEXT_MONDAY, reason="Again", by=sched.world.director, at=NOW)


def test_generation_skips_occurrences_already_started(sched: Sched) -> None:
    report = actions.generate_sessions(
        program=sched.world.iop_a,
        starts_on=dt.date(2026, 11, 23),
        ends_on=dt.date(2026, 11, 25),
        by=sched.world.director,
        at=NOW,
    )
    # Monday 09:00 has started at 10:00; Monday 10:30 has not; Tuesday both.
    assert report.past == 1 and report.created == 3


def test_closure_needs_exactly_one_of_site_or_program_in_the_database(sched: Sched) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Closure.objects.create(date=NEXT_MONDAY, reason="x", created_at=NOW, created_by=sched.world.director)


def test_service_catalog_is_seeded_from_the_domain_reference() -> None:
    codes = set(ServiceType.objects.values_list("code", flat=True))
    assert {
        "process-group",
        "relapse-prevention",
        "cbt-skills",
        "dbt-skills",
        "mindfulness",
        "communication-group",
        "individual",
        "family-therapy",
        "family-education",
        "psychoeducation",
        "vocational",
        "medication-management",
        "drug-screen",
        "twelve-step",
        "co-occurring",
        "crisis-intervention",
        "aftercare",
    } <= codes
    meds = ServiceType.objects.get(code="medication-management")
    assert set(meds.required_credentials.values_list("code", flat=True)) == {"MD", "NP"}
    assert ServiceType.objects.get(code="process-group").max_size == 12
    assert not ServiceType.objects.get(code="aftercare").counts_toward_hours
