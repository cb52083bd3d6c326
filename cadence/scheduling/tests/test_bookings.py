"""Booking and session changes: every conflict rule at its edge, audit rows, database constraints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode, EpisodeStatus
from cadence.scheduling import actions
from cadence.scheduling.models import Booking, BookingStatus, Session, SessionStatus
from cadence.scheduling.rules import SchedulingError
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched, ny
from cadence.testing.personas import NOW

pytestmark = pytest.mark.django_db
T = dt.time


def monday_process(sched: Sched) -> Session:
    sched.generate()
    return Session.objects.get(generated_from=sched.process, occurs_on=NEXT_MONDAY)


def monday_relapse(sched: Sched) -> Session:
    return Session.objects.get(generated_from=sched.relapse, occurs_on=NEXT_MONDAY)


def book(sched: Sched, session: Session, episode: Episode) -> Booking:
    return actions.book_participant(session=session, episode=episode, by=sched.world.frontdesk, at=NOW)


def one_off(sched: Sched, start: dt.datetime, end: dt.datetime, **kwargs: object) -> Session:
    values: dict[str, object] = {
        "program": sched.world.iop_a,
        "service_type": sched.service("individual"),
        "starts_at": start,
        "ends_at": end,
        "room": sched.office,
        "by": sched.world.director,
        "at": NOW,
        "capacity": 1,
    }
    values.update(kwargs)
    return actions.add_one_off_session(**values)  # type: ignore[arg-type]


def test_booking_is_created_and_audited_with_the_participant(sched: Sched) -> None:
    session = monday_process(sched)
    episode = sched.episode()
    booking = book(sched, session, episode)
    assert booking.status == BookingStatus.BOOKED and booking.participant == episode.participant
    entry = AuditEntry.objects.get(object_type="scheduling.booking", object_id=str(booking.pk))
    assert entry.action == AuditAction.CREATE
    assert entry.participant_id == episode.participant_id
    assert entry.actor == sched.world.frontdesk


def test_last_place_can_be_booked_and_one_over_is_refused(sched: Sched) -> None:
    session = monday_process(sched)
    actions.change_session(session=session, capacity=3, by=sched.world.director, at=NOW)
    for _ in range(3):
        book(sched, session, sched.episode())
    with pytest.raises(SchedulingError, match="full") as exc:
        book(sched, session, sched.episode())
    assert exc.value.field == "session"
    assert Booking.objects.filter(session=session, status=BookingStatus.BOOKED).count() == 3


def test_a_cancelled_booking_frees_its_place(sched: Sched) -> None:
    session = monday_process(sched)
    actions.change_session(session=session, capacity=1, by=sched.world.director, at=NOW)
    first = book(sched, session, sched.episode())
    actions.unbook_participant(booking=first, by=sched.world.frontdesk, at=NOW)
    book(sched, session, sched.episode())
    assert AuditEntry.objects.filter(object_type="scheduling.booking", action=AuditAction.UPDATE).count() == 1


def test_double_booking_the_same_session_is_refused_and_the_database_agrees(sched: Sched) -> None:
    session = monday_process(sched)
    episode = sched.episode()
    book(sched, session, episode)
    with pytest.raises(SchedulingError, match="already booked"):
        book(sched, session, episode)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            session=session,
            episode=episode,
            participant=episode.participant,
            created_at=NOW,
            created_by=sched.world.frontdesk,
        )


def test_back_to_back_sessions_do_not_clash_for_a_participant(sched: Sched) -> None:
    process = monday_process(sched)
    episode = sched.episode()
    book(sched, process, episode)
    book(sched, monday_relapse(sched), episode)  # 09:00-10:30 then 10:30-12:00


def test_one_minute_overlap_is_a_participant_double_booking(sched: Sched) -> None:
    process = monday_process(sched)
    episode = sched.episode()
    book(sched, process, episode)
    overlapping = one_off(sched, ny(NEXT_MONDAY, 10, 29), ny(NEXT_MONDAY, 11, 29))
    with pytest.raises(SchedulingError, match="already booked in Process group") as exc:
        book(sched, overlapping, episode)
    assert exc.value.field == "participant"


def test_booking_outside_recorded_availability_is_refused_at_the_edge(sched: Sched) -> None:
    process = monday_process(sched)
    episode = sched.episode()
    actions.set_participant_availability(
        episode=episode, windows={0: (T(9), T(10, 29))}, by=sched.world.frontdesk, at=NOW
    )
    with pytest.raises(SchedulingError, match="09:00 to 10:29") as exc:
        book(sched, process, episode)
    assert exc.value.field == "availability"
    actions.set_participant_availability(
        episode=episode, windows={0: (T(9), T(10, 30))}, by=sched.world.frontdesk, at=NOW
    )
    book(sched, process, episode)


def test_booking_on_a_day_without_availability_is_refused(sched: Sched) -> None:
    process = monday_process(sched)
    episode = sched.episode()
    actions.set_participant_availability(episode=episode, windows={1: (T(9), T(12))}, by=sched.world.frontdesk, at=NOW)
    with pytest.raises(SchedulingError, match="not available on Mondays"):
        book(sched, process, episode)


def test_participant_of_another_track_or_program_is_refused(sched: Sched) -> None:
    process = monday_process(sched)
    evening = sched.episode(track=sched.world.evening_a)
    with pytest.raises(SchedulingError, match="another track"):
        book(sched, process, evening)
    other = sched.episode(program=sched.world.php_a, track=sched.world.php_day_a)
    with pytest.raises(SchedulingError) as exc:
        book(sched, process, other)
    assert exc.value.field == "episode"


def test_referral_cannot_be_booked(sched: Sched) -> None:
    process = monday_process(sched)
    referral = sched.episode(status=EpisodeStatus.REFERRED, admitted_on=None, level_of_care=None, track=None)
    with pytest.raises(SchedulingError, match="admitted"):
        book(sched, process, referral)


def test_started_session_cannot_be_booked_or_unbooked(sched: Sched) -> None:
    process = monday_process(sched)
    episode = sched.episode()
    booking = book(sched, process, episode)
    later = ny(NEXT_MONDAY, 9, 0)
    with pytest.raises(SchedulingError, match="already started"):
        actions.book_participant(session=process, episode=sched.episode(), by=sched.world.frontdesk, at=later)
    with pytest.raises(SchedulingError, match="already started"):
        actions.unbook_participant(booking=booking, by=sched.world.frontdesk, at=later)


def test_facilitator_without_credential_blocks_booking(sched: Sched) -> None:
    process = monday_process(sched)
    Session.objects.filter(pk=process.pk).update(facilitator=sched.prescriber)  # set behind the rules' back
    with pytest.raises(SchedulingError, match="does not hold") as exc:
        book(sched, process, sched.episode())
    assert exc.value.field == "facilitator"


def test_room_too_small_for_one_more_blocks_booking(sched: Sched) -> None:
    session = one_off(
        sched,
        ny(NEXT_MONDAY, 13),
        ny(NEXT_MONDAY, 14),
        service_type=sched.service("mindfulness"),
        track=None,
        room=sched.family_room,
        capacity=4,
    )
    sched.family_room.capacity = 2
    sched.family_room.save()
    people = [sched.episode() for _ in range(2)]
    book(sched, session, people[0])
    with pytest.raises(SchedulingError, match="too small") as exc:
        book(sched, session, people[1])
    assert exc.value.field == "room"


def test_changing_facilitator_checks_credential_time_off_and_other_sessions(sched: Sched) -> None:
    process = monday_process(sched)
    director = sched.world.director
    with pytest.raises(SchedulingError, match="does not hold"):
        actions.change_session(session=process, facilitator=sched.prescriber, by=director, at=NOW)
    actions.change_session(session=process, facilitator=sched.world.clinician_a, by=director, at=NOW)
    relapse = monday_relapse(sched)
    actions.change_session(session=relapse, facilitator=sched.world.clinician_a, by=director, at=NOW)  # back-to-back
    extra = one_off(sched, ny(NEXT_MONDAY, 10, 29), ny(NEXT_MONDAY, 11), room=sched.office)
    with pytest.raises(SchedulingError, match="already leads") as exc:
        actions.change_session(session=extra, facilitator=sched.world.clinician_a, by=director, at=NOW)
    assert exc.value.field == "facilitator"
    actions.record_time_off(
        staff=sched.counselor,
        starts_at=ny(NEXT_MONDAY, 0),
        ends_at=ny(NEXT_MONDAY, 10, 30),
        reason="Sick",
        by=director,
        at=NOW,
    )
    with pytest.raises(SchedulingError, match="off then"):
        actions.change_session(session=extra, facilitator=sched.counselor, by=director, at=NOW)


def test_changing_facilitator_respects_working_hours(sched: Sched) -> None:
    process = monday_process(sched)
    actions.set_staff_availability(
        staff=sched.counselor, windows={0: (T(9, 30), T(17))}, by=sched.world.director, at=NOW
    )
    with pytest.raises(SchedulingError, match="09:30 to 17:00"):
        actions.change_session(session=process, facilitator=sched.counselor, by=sched.world.director, at=NOW)


def test_changing_room_checks_size_and_other_sessions(sched: Sched) -> None:
    process = monday_process(sched)
    with pytest.raises(SchedulingError, match="too small"):
        actions.change_session(session=process, room=sched.office, by=sched.world.director, at=NOW)
    one_off(sched, ny(NEXT_MONDAY, 10), ny(NEXT_MONDAY, 11), room=sched.second_room)
    with pytest.raises(SchedulingError, match="already used by Individual counseling"):
        actions.change_session(session=process, room=sched.second_room, by=sched.world.director, at=NOW)


def test_capacity_below_current_bookings_is_refused(sched: Sched) -> None:
    process = monday_process(sched)
    for _ in range(3):
        book(sched, process, sched.episode())
    with pytest.raises(SchedulingError, match="below the 3") as exc:
        actions.change_session(session=process, capacity=2, by=sched.world.director, at=NOW)
    assert exc.value.field == "capacity"


def test_moving_a_session_checks_its_participants(sched: Sched) -> None:
    sched.generate()
    wednesday = NEXT_MONDAY + dt.timedelta(days=2)
    episode = sched.episode()
    session = one_off(sched, ny(wednesday, 9), ny(wednesday, 10), track=sched.world.morning_a)
    book(sched, session, episode)
    process = Session.objects.get(generated_from=sched.process, occurs_on=NEXT_MONDAY)
    book(sched, process, episode)
    with pytest.raises(SchedulingError, match="already booked"):
        actions.change_session(
            session=session,
            starts_at=ny(NEXT_MONDAY, 10),
            ends_at=ny(NEXT_MONDAY, 11),
            by=sched.world.director,
            at=NOW,
        )
    with pytest.raises(SchedulingError, match="longer than the track"):
        actions.change_session(
            session=session,
            starts_at=ny(wednesday, 8),
            ends_at=ny(wednesday, 12, 30),
            by=sched.world.director,
            at=NOW,
        )
    moved = actions.change_session(
        session=session, starts_at=ny(wednesday, 11), ends_at=ny(wednesday, 12), by=sched.world.director, at=NOW
    )
    assert moved.starts_at == ny(wednesday, 11)
    entry = AuditEntry.objects.filter(object_type="scheduling.session", object_id=str(session.pk)).first()
    assert entry is not None and "starts_at" in entry.changes


def test_one_off_session_refuses_closed_days_and_the_past(sched: Sched) -> None:
    actions.add_closure(site=sched.world.site_a, day=NEXT_MONDAY, reason="Holiday", by=sched.world.director, at=NOW)
    with pytest.raises(SchedulingError, match="closed"):
        one_off(sched, ny(NEXT_MONDAY, 13), ny(NEXT_MONDAY, 14))
    with pytest.raises(SchedulingError, match="past"):
        one_off(sched, ny(dt.date(2026, 11, 23), 8), ny(dt.date(2026, 11, 23), 9))


def test_cancelling_a_session_keeps_its_bookings_on_record(sched: Sched) -> None:
    process = monday_process(sched)
    book(sched, process, sched.episode())
    actions.cancel_session(session=process, reason="Facilitator ill", by=sched.world.director, at=NOW)
    process.refresh_from_db()
    assert process.status == SessionStatus.CANCELLED
    assert Booking.objects.filter(session=process, status=BookingStatus.BOOKED).count() == 1
    with pytest.raises(SchedulingError, match="cancelled"):
        book(sched, process, sched.episode())


def test_time_off_lists_the_sessions_that_need_another_facilitator(sched: Sched) -> None:
    process = monday_process(sched)
    actions.change_session(session=process, facilitator=sched.counselor, by=sched.world.director, at=NOW)
    _off, affected = actions.record_time_off(
        staff=sched.counselor,
        starts_at=ny(NEXT_MONDAY, 0),
        ends_at=ny(NEXT_MONDAY, 23),
        reason="Called out",
        by=sched.world.director,
        at=NOW,
    )
    assert affected == [process]
