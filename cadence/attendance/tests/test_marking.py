"""Marking attendance through the action: every rule at its edges, database constraints, audit rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cadence.attendance import actions
from cadence.attendance.models import Attendance
from cadence.attendance.rules import AttendanceError, Mark
from cadence.audit.models import AuditEntry
from cadence.testing.personas import NOW

from .conftest import LAST_MONDAY, Att

pytestmark = pytest.mark.django_db


def refused(field: str) -> pytest.RaisesExc[AttendanceError]:
    return pytest.raises(AttendanceError, check=lambda e: e.field == field)


def test_present_gets_the_session_length_and_an_audit_row(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode)
    row = actions.mark_attendance(
        session=session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
    )
    assert (row.status, row.minutes, row.session_minutes, row.occurs_on) == ("present", 180, 180, session.occurs_on)
    assert row.booking is not None and row.episode_id == episode.pk
    entry = AuditEntry.objects.filter(object_type="attendance.attendance", object_id=str(row.pk)).get()
    assert entry.action == "create" and entry.participant_id == episode.participant_id
    assert entry.actor == att.world.clinician_a
    assert entry.changes["minutes"] == 180


def test_minutes_equal_to_the_length_ok_one_more_refused(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode, minutes=90)
    p, by = episode.participant, att.world.clinician_a
    row = actions.mark_attendance(
        session=session, participant=p, mark=Mark("present", minutes=90, minutes_reason="x"), by=by, at=NOW
    )
    assert row.minutes == 90
    with refused("minutes"):
        actions.mark_attendance(
            session=session, participant=p, mark=Mark("present", minutes=91, minutes_reason="x"), by=by, at=NOW
        )
    assert Attendance.objects.get(pk=row.pk).minutes == 90


def test_the_database_refuses_minutes_above_the_session(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode, minutes=90)
    row = actions.mark_attendance(
        session=session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.filter(pk=row.pk).update(minutes=91)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.filter(pk=row.pk).update(late_minutes=50, left_early_minutes=41)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.filter(pk=row.pk).update(status="unexcused")  # an absence with minutes


def test_one_mark_per_session_and_participant_in_the_database(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode)
    row = actions.mark_attendance(
        session=session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
    )
    duplicate = Attendance.objects.get(pk=row.pk)
    duplicate.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_late_and_left_early_are_taken_off_and_beyond_the_length_refused(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode, minutes=90)
    p, by = episode.participant, att.world.clinician_a
    row = actions.mark_attendance(
        session=session, participant=p, mark=Mark("present", late_minutes=15, left_early_minutes=10), by=by, at=NOW
    )
    assert row.minutes == 65
    with refused("late_minutes"):
        actions.mark_attendance(
            session=session, participant=p, mark=Mark("present", late_minutes=60, left_early_minutes=31), by=by, at=NOW
        )


def test_a_future_session_is_refused_and_one_starting_now_is_not(att: Att) -> None:
    episode = att.episode()
    future = att.booked(episode, hour=10, minute=1)  # NOW is 10:00 in New York
    with refused("session"):
        actions.mark_attendance(
            session=future, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
        )
    assert not Attendance.objects.exists()
    now_session = att.booked(episode, hour=10, minute=0, minutes=60, service="mindfulness")
    actions.mark_attendance(
        session=now_session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
    )


def test_not_on_the_roster_is_refused_without_a_reason_and_added_with_one(att: Att) -> None:
    booked, walk_in = att.episode(), att.episode()
    session = att.booked(booked)
    with refused("add_reason"):
        actions.mark_attendance(
            session=session, participant=walk_in.participant, mark=Mark("present"), by=att.world.frontdesk, at=NOW
        )
    row = actions.mark_attendance(
        session=session,
        participant=walk_in.participant,
        mark=Mark("present"),
        add_reason="Walk-in after a missed Friday",
        by=att.world.frontdesk,
        at=NOW,
    )
    assert row.booking is None and row.added_reason == "Walk-in after a missed Friday"
    assert row.episode_id == walk_in.pk
    # Once marked, the participant is on the roster: a later change needs no reason.
    actions.mark_attendance(
        session=session, participant=walk_in.participant, mark=Mark("excused"), by=att.world.frontdesk, at=NOW
    )


def test_a_participant_of_another_program_cannot_be_added(att: Att) -> None:
    other = att.episode(program=att.world.iop_b, track=att.world.morning_b, primary_clinician=att.world.clinician_b)
    session = att.session()
    with refused("participant"):
        actions.mark_attendance(
            session=session,
            participant=other.participant,
            mark=Mark("present"),
            add_reason="x",
            by=att.world.admin,
            at=NOW,
        )


def test_a_cancelled_session_takes_only_cancelled_by_the_program(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode, status="cancelled")
    with refused("status"):
        actions.mark_attendance(
            session=session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
        )
    row = actions.mark_attendance(
        session=session,
        participant=episode.participant,
        mark=Mark("program_cancelled"),
        by=att.world.clinician_a,
        at=NOW,
    )
    assert row.minutes == 0


def test_two_staff_marking_the_same_participant_last_write_wins_and_both_are_audited(att: Att) -> None:
    episode = att.episode()
    other = att.episode()
    session = att.booked(episode)
    att.book(session, other)
    p = episode.participant
    actions.mark_attendance(session=session, participant=p, mark=Mark("present"), by=att.world.clinician_a, at=NOW)
    actions.mark_attendance(
        session=session, participant=other.participant, mark=Mark("present"), by=att.world.frontdesk, at=NOW
    )
    later = NOW + dt.timedelta(seconds=5)
    actions.mark_attendance(
        session=session, participant=p, mark=Mark("present", late_minutes=20), by=att.world.frontdesk, at=later
    )
    row = Attendance.objects.get(session=session, participant=p)
    assert (row.late_minutes, row.minutes, row.updated_by) == (20, 160, att.world.frontdesk)
    # The other participant's mark is untouched.
    assert Attendance.objects.get(session=session, participant=other.participant).minutes == 180
    entries = AuditEntry.objects.filter(object_type="attendance.attendance", object_id=str(row.pk)).order_by("id")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("create", att.world.clinician_a.pk),
        ("update", att.world.frontdesk.pk),
    ]
    assert entries[1].changes["late_minutes"] == [0, 20]
    assert entries[1].changes["minutes"] == [180, 160]


def test_an_identical_mark_writes_nothing(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode)
    for _ in range(2):
        actions.mark_attendance(
            session=session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
        )
    assert AuditEntry.objects.filter(object_type="attendance.attendance").count() == 1


def test_edited_minutes_keep_their_reason_in_the_row_and_the_audit(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode)
    p, by = episode.participant, att.world.clinician_a
    actions.mark_attendance(session=session, participant=p, mark=Mark("present"), by=by, at=NOW)
    with refused("minutes_reason"):
        actions.mark_attendance(session=session, participant=p, mark=Mark("present", minutes=120), by=by, at=NOW)
    row = actions.mark_attendance(
        session=session, participant=p, mark=Mark("present", minutes=120, minutes_reason="Family call"), by=by, at=NOW
    )
    assert (row.minutes, row.minutes_reason) == (120, "Family call")
    entry = AuditEntry.objects.filter(object_type="attendance.attendance", action="update").get()
    assert entry.changes["minutes"] == [180, 120]


def test_a_signed_note_requires_a_reason_for_changes(att: Att, monkeypatch: pytest.MonkeyPatch) -> None:
    from cadence.attendance import queries

    assert queries.session_note_signed(1, 1) is False  # no note at all
    episode = att.episode()
    session = att.booked(episode)
    p, by = episode.participant, att.world.clinician_a
    actions.mark_attendance(session=session, participant=p, mark=Mark("present"), by=by, at=NOW)
    monkeypatch.setattr("cadence.attendance.actions.marking.session_note_signed", lambda s, p: True)
    with refused("reason"):
        actions.mark_attendance(session=session, participant=p, mark=Mark("unexcused"), by=by, at=NOW)
    row = actions.mark_attendance(
        session=session, participant=p, mark=Mark("unexcused"), reason="Left before the group began", by=by, at=NOW
    )
    assert row.change_reason == "Left before the group began"
    entry = AuditEntry.objects.filter(object_type="attendance.attendance", action="update").get()
    assert entry.changes["reason"] == "Left before the group began"


def test_a_note_signed_in_the_notes_app_locks_the_mark(att: Att) -> None:
    from cadence.notes import actions as notes

    episode = att.episode()
    session = att.booked(episode, service="individual", minutes=60)
    p, by = episode.participant, att.world.clinician_a
    actions.mark_attendance(session=session, participant=p, mark=Mark("present"), by=by, at=NOW)
    note = notes.start_progress_note(session=session, participant=p, by=by, at=NOW)
    # Before the note is signed, a change needs no reason.
    actions.mark_attendance(session=session, participant=p, mark=Mark("present", late_minutes=5), by=by, at=NOW)
    sections = {"data": "Discussed cravings.", "assessment": "Engaged.", "plan": "Next week."}
    notes.save_progress_note(note=note, by=by, at=NOW, sections=sections)
    notes.sign_progress_note(note=note, by=by, at=NOW)
    with refused("reason"):
        actions.mark_attendance(session=session, participant=p, mark=Mark("present"), by=by, at=NOW)
    row = actions.mark_attendance(
        session=session, participant=p, mark=Mark("present"), reason="Arrived on time after all", by=by, at=NOW
    )
    assert (row.late_minutes, row.change_reason) == (0, "Arrived on time after all")


def test_mark_all_present_marks_only_the_unmarked(att: Att) -> None:
    first, second, third = att.episode(), att.episode(), att.episode()
    session = att.booked(first)
    att.book(session, second)
    att.book(session, third)
    actions.mark_attendance(
        session=session, participant=first.participant, mark=Mark("unexcused"), by=att.world.clinician_a, at=NOW
    )
    assert actions.mark_all_present(session=session, by=att.world.clinician_a, at=NOW) == 2
    assert Attendance.objects.get(participant=first.participant).status == "unexcused"
    assert actions.mark_all_present(session=session, by=att.world.clinician_a, at=NOW) == 0


def test_last_weeks_session_can_be_marked_today(att: Att) -> None:
    episode = att.episode()
    session = att.booked(episode, day=LAST_MONDAY)
    row = actions.mark_attendance(
        session=session, participant=episode.participant, mark=Mark("excused"), by=att.world.clinician_a, at=NOW
    )
    assert row.occurs_on == LAST_MONDAY
