"""Editing and ending templates and their groups, and changing closures: actions, pages and API.

The conftest template has a process group Mon/Tue/Thu 09:00-10:30 and relapse prevention 10:30-12:00
in Group Room A. NOW is Monday 23 Nov 2026 10:00 in New York, so this Monday's 09:00 group has started.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts.models import User
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.audit.models import AuditAction, AuditEntry
from cadence.scheduling import actions, queries
from cadence.scheduling.models import Booking, BookingStatus, Closure, Session, SessionStatus, TemplateSlot
from cadence.scheduling.rules import SchedulingError
from cadence.scheduling.tests.conftest import NEXT_MONDAY, THIS_MONDAY, Sched, ny
from cadence.testing.personas import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
T = dt.time
ClientFor = Callable[[User], Client]
BASE = "/api/v1/schedule"


def slot_values(sched: Sched, slot: TemplateSlot, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "slot": slot,
        "weekday": slot.weekday,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "service_type": slot.service_type,
        "room": slot.room,
        "facilitator": slot.facilitator,
        "max_size": slot.max_size,
        "by": sched.world.director,
        "at": NOW,
    }
    values.update(overrides)
    return values


def held_session(sched: Sched) -> Session:
    """This Monday's process group, generated before it started (it is under way at NOW)."""
    return Session.objects.create(
        program=sched.world.iop_a,
        track=sched.world.morning_a,
        service_type=sched.process.service_type,
        occurs_on=THIS_MONDAY,
        starts_at=ny(THIS_MONDAY, 9),
        ends_at=ny(THIS_MONDAY, 10, 30),
        room=sched.group_room,
        capacity=12,
        generated_from=sched.process,
        created_at=NOW - dt.timedelta(days=7),
        created_by=sched.world.director,
    )


def record_attendance(sched: Sched, session: Session) -> None:
    episode = sched.episode()
    Attendance.objects.create(
        session=session,
        participant=episode.participant,
        episode=episode,
        occurs_on=session.occurs_on,
        status=AttendanceStatus.PRESENT,
        session_minutes=session.minutes,
        minutes=session.minutes,
        added_reason="Walked in",
        created_at=NOW,
        created_by=sched.world.director,
        updated_at=NOW,
        updated_by=sched.world.director,
    )


# --- Actions -------------------------------------------------------------------------------------


def test_editing_a_slot_moves_its_upcoming_sessions_and_keeps_held_ones(sched: Sched) -> None:
    held = held_session(sched)
    upcoming = sched.generate()
    monday = next(s for s in upcoming if s.generated_from_id == sched.process.pk)
    report = actions.change_template_slot(
        **slot_values(sched, sched.process, starts_at=T(9), ends_at=T(10), room=sched.second_room, max_size=10)
    )
    assert report.changed == 1 and report.cancelled == 0
    monday.refresh_from_db()
    assert (monday.starts_at, monday.ends_at, monday.room, monday.capacity) == (
        ny(NEXT_MONDAY, 9),
        ny(NEXT_MONDAY, 10),
        sched.second_room,
        10,
    )
    held.refresh_from_db()
    assert (held.ends_at, held.room) == (ny(THIS_MONDAY, 10, 30), sched.group_room)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="scheduling.templateslot").get()
    assert "1 upcoming session(s) updated" in entry.summary
    assert entry.changes["room"] == [sched.group_room.pk, sched.second_room.pk]


def test_a_session_with_attendance_recorded_is_not_changed(sched: Sched) -> None:
    monday = next(s for s in sched.generate() if s.generated_from_id == sched.process.pk)
    record_attendance(sched, monday)
    report = actions.change_template_slot(**slot_values(sched, sched.process, room=sched.second_room))
    assert (report.changed, report.kept) == (0, 1)
    monday.refresh_from_db()
    assert monday.room == sched.group_room and monday.status == SessionStatus.SCHEDULED


def test_changing_the_weekday_moves_the_session_within_its_week(sched: Sched) -> None:
    sched.generate()
    actions.change_template_slot(**slot_values(sched, sched.process, weekday=2))
    moved = Session.objects.get(generated_from=sched.process, occurs_on__gte=NEXT_MONDAY)
    assert moved.occurs_on == NEXT_MONDAY + dt.timedelta(days=2)
    assert moved.starts_at == ny(NEXT_MONDAY + dt.timedelta(days=2), 9)
    assert TemplateSlot.objects.get(pk=sched.process.pk).weekday == 2


def test_editing_a_slot_does_not_clash_with_itself_but_rechecks_the_overlap_rule(sched: Sched) -> None:
    actions.change_template_slot(**slot_values(sched, sched.process, ends_at=T(10)))
    with pytest.raises(SchedulingError, match="must not overlap") as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, ends_at=T(11)))
    assert exc.value.field == "starts_at"
    with pytest.raises(SchedulingError) as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, starts_at=T(8), ends_at=T(9)))
    assert exc.value.field == "starts_at"  # the morning track starts at 09:00
    assert TemplateSlot.objects.get(pk=sched.process.pk).ends_at == T(10)


def test_a_room_too_small_or_a_size_below_the_bookings_is_refused(sched: Sched) -> None:
    with pytest.raises(SchedulingError) as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, room=sched.office))
    assert exc.value.field == "room"
    monday = next(s for s in sched.generate() if s.generated_from_id == sched.process.pk)
    for _ in range(4):
        actions.book_participant(session=monday, episode=sched.episode(), by=sched.world.director, at=NOW)
    with pytest.raises(SchedulingError, match="already booked") as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, max_size=3))
    assert exc.value.field == "max_size"
    assert TemplateSlot.objects.get(pk=sched.process.pk).max_size == 12


def test_a_booked_participant_who_cannot_make_the_new_time_loses_the_booking(sched: Sched) -> None:
    monday = next(s for s in sched.generate() if s.generated_from_id == sched.process.pk)
    episode = sched.episode()
    booking = actions.book_participant(session=monday, episode=episode, by=sched.world.director, at=NOW)
    actions.set_participant_availability(
        episode=episode, windows={d: (T(9), T(10, 30)) for d in range(5)}, by=sched.world.director, at=NOW
    )
    report = actions.change_template_slot(
        **slot_values(sched, sched.process, weekday=2, starts_at=T(10, 30), ends_at=T(12))
    )
    assert report.unbooked == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def other_session(
    sched: Sched, day: dt.date, start: tuple[int, int], end: tuple[int, int], **fields: object
) -> Session:
    """A session written straight to the table (no checks), to set up clashes the checks would refuse."""
    values: dict[str, object] = {
        "program": sched.world.iop_a,
        "service_type": sched.service("individual"),
        "occurs_on": day,
        "starts_at": ny(day, *start),
        "ends_at": ny(day, *end),
        "room": sched.second_room,
        "capacity": 1,
        "created_at": NOW,
        "created_by": sched.world.director,
    }
    values.update(fields)
    return Session.objects.create(**values)


def test_a_session_moved_into_a_room_taken_that_day_refuses_the_whole_edit(sched: Sched) -> None:
    sched.generate()
    sched.generate(NEXT_MONDAY + dt.timedelta(days=7))
    taken = other_session(sched, NEXT_MONDAY + dt.timedelta(days=7), (9, 30), (10, 0))
    with pytest.raises(SchedulingError) as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, room=sched.second_room))
    assert exc.value.field == "room"
    assert exc.value.reason.startswith("On Mon 07 Dec 2026: Group Room B is already used by Individual counseling")
    assert not Session.objects.filter(generated_from=sched.process, room=sched.second_room).exists()
    assert TemplateSlot.objects.get(pk=sched.process.pk).room == sched.group_room
    taken.delete()
    report = actions.change_template_slot(**slot_values(sched, sched.process, room=sched.second_room))
    assert report.changed == 2


def test_the_room_is_checked_only_when_room_day_or_time_change(sched: Sched) -> None:
    monday = next(s for s in sched.generate() if s.generated_from_id == sched.process.pk)
    other_session(sched, NEXT_MONDAY, (9, 0), (9, 30), room=sched.group_room)  # double-booked behind our back
    report = actions.change_template_slot(**slot_values(sched, sched.process, max_size=10))
    assert report.changed == 1  # same room, same time: nothing about the room changed
    monday.refresh_from_db()
    assert monday.capacity == 10
    with pytest.raises(SchedulingError, match="Group Room A is already used by") as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, max_size=10, ends_at=T(10)))
    assert exc.value.field == "room"


def test_moving_a_group_onto_a_closed_day_cancels_that_occurrence(sched: Sched) -> None:
    sched.generate()
    sched.generate(NEXT_MONDAY + dt.timedelta(days=7))
    wednesday = NEXT_MONDAY + dt.timedelta(days=2)
    actions.add_closure(
        day=wednesday, reason="Staff training", program=sched.world.iop_a, by=sched.world.director, at=NOW
    )
    report = actions.change_template_slot(**slot_values(sched, sched.process, weekday=2))
    assert (report.changed, report.cancelled) == (1, 1)
    first, second = Session.objects.filter(generated_from=sched.process).order_by("occurs_on")
    assert (first.occurs_on, first.status) == (NEXT_MONDAY, SessionStatus.CANCELLED)
    assert first.cancel_reason.endswith("does not run on 02 Dec 2026.")
    assert (second.occurs_on, second.status) == (wednesday + dt.timedelta(days=7), SessionStatus.SCHEDULED)


def test_a_group_cannot_move_onto_a_day_it_already_has_a_session(sched: Sched) -> None:
    sched.generate()
    wednesday = NEXT_MONDAY + dt.timedelta(days=2)
    other_session(
        sched,
        wednesday,
        (9, 0),
        (10, 30),
        service_type=sched.process.service_type,
        generated_from=sched.process,
        status=SessionStatus.CANCELLED,
        cancel_reason="Called off",
    )
    with pytest.raises(SchedulingError, match="already has a session on 02 Dec 2026") as exc:
        actions.change_template_slot(**slot_values(sched, sched.process, weekday=2))
    assert exc.value.field == "weekday"
    assert Session.objects.get(generated_from=sched.process, status=SessionStatus.SCHEDULED).occurs_on == NEXT_MONDAY


def test_editing_a_slot_reads_closures_bookings_and_rooms_once_whatever_the_number_of_weeks(sched: Sched) -> None:
    def queries_to(**change: object) -> int:
        sched.process.refresh_from_db()  # the other fields as the last edit left them
        with CaptureQueriesContext(connection) as run:
            report = actions.change_template_slot(**slot_values(sched, sched.process, **change))
        assert report.changed == Session.objects.filter(generated_from=sched.process).count()
        return len(run.captured_queries)

    def generate_and_book(week_start: dt.date) -> None:
        ours = next(s for s in sched.generate(week_start) if s.generated_from_id == sched.process.pk)
        actions.book_participant(session=ours, episode=sched.episode(), by=sched.world.director, at=NOW)

    generate_and_book(NEXT_MONDAY)
    one_week = queries_to(max_size=10)
    one_week_moved = queries_to(max_size=10, ends_at=T(10))
    for weeks in range(1, 5):
        generate_and_book(NEXT_MONDAY + dt.timedelta(days=7 * weeks))
    five_weeks = queries_to(max_size=9)
    five_weeks_moved = queries_to(max_size=9, ends_at=T(10, 15))

    assert five_weeks == one_week  # before: 6 more queries for each further upcoming session
    # A move still checks, per moved session, its room and each booked participant's time (2 reads).
    assert five_weeks_moved - one_week_moved <= 4 * (1 + 2)


def test_ending_a_template_cancels_upcoming_sessions_from_that_day_only(sched: Sched) -> None:
    held = held_session(sched)
    sched.generate()
    tuesday = NEXT_MONDAY + dt.timedelta(days=1)
    report = actions.end_template(template=sched.template, ends_on=tuesday, by=sched.world.director, at=NOW)
    assert report.cancelled == 4  # Tue and Thu, two groups each
    live = Session.objects.filter(status=SessionStatus.SCHEDULED, occurs_on__gte=NEXT_MONDAY)
    assert {s.occurs_on for s in live} == {NEXT_MONDAY}
    held.refresh_from_db()
    assert held.status == SessionStatus.SCHEDULED
    sched.template.refresh_from_db()
    assert sched.template.ends_on == tuesday
    assert AuditEntry.objects.filter(summary__startswith="Ended weekly template").count() == 1


def test_a_template_cannot_end_before_it_starts_or_overlap_another(sched: Sched) -> None:
    with pytest.raises(SchedulingError) as exc:
        actions.end_template(template=sched.template, ends_on=dt.date(2026, 11, 1), by=sched.world.director, at=NOW)
    assert exc.value.field == "ends_on"
    actions.end_template(template=sched.template, ends_on=dt.date(2027, 1, 4), by=sched.world.director, at=NOW)
    later = actions.create_template(
        program=sched.world.iop_a,
        track=sched.world.morning_a,
        name="Winter week",
        starts_on=dt.date(2027, 1, 4),
        by=sched.world.director,
        at=NOW,
    )
    with pytest.raises(SchedulingError, match="Overlaps") as exc:
        actions.change_template(template=later, starts_on=dt.date(2027, 1, 1), by=sched.world.director, at=NOW)
    assert exc.value.field == "starts_on"
    actions.change_template(template=later, name="  Winter  ", by=sched.world.director, at=NOW)
    later.refresh_from_db()
    assert later.name == "Winter" and later.starts_on == dt.date(2027, 1, 4)


def test_moving_a_closure_reopens_the_old_day_and_closes_the_new_one(sched: Sched) -> None:
    sched.generate()
    closure, cancelled = actions.add_closure(
        day=NEXT_MONDAY, reason="Staff training", program=sched.world.iop_a, by=sched.world.director, at=NOW
    )
    assert cancelled == 2
    tuesday = NEXT_MONDAY + dt.timedelta(days=1)
    reopened, cancelled = actions.change_closure(
        closure=closure, day=tuesday, reason="Staff training", by=sched.world.director, at=NOW
    )
    assert (reopened, cancelled) == (2, 2)
    monday = Session.objects.filter(occurs_on=NEXT_MONDAY)
    assert {s.status for s in monday} == {SessionStatus.SCHEDULED}
    assert {s.status for s in Session.objects.filter(occurs_on=tuesday)} == {SessionStatus.CANCELLED}
    other, _ = actions.add_closure(
        day=NEXT_MONDAY + dt.timedelta(days=3),
        reason="Holiday",
        program=sched.world.iop_a,
        by=sched.world.director,
        at=NOW,
    )
    with pytest.raises(SchedulingError) as exc:
        actions.change_closure(closure=other, day=tuesday, reason="Holiday", by=sched.world.director, at=NOW)
    assert exc.value.field == "date"
    with pytest.raises(SchedulingError) as exc:
        actions.change_closure(closure=other, day=tuesday, reason=" ", by=sched.world.director, at=NOW)
    assert exc.value.field == "reason"


def test_a_closure_is_found_through_its_program_or_site_and_is_a_404_elsewhere(sched: Sched) -> None:
    world = sched.world
    site_wide, _ = actions.add_closure(day=NEXT_MONDAY, reason="Snow", site=world.site_a, by=world.director, at=NOW)
    php_only, _ = actions.add_closure(
        day=NEXT_MONDAY + dt.timedelta(days=1), reason="Training", program=world.php_a, by=world.director, at=NOW
    )
    assert queries.get_closure_for(world.director, site_wide.pk) == site_wide
    assert queries.get_closure_for(world.director, php_only.pk) == php_only
    assert queries.get_closure_for(world.director, site_wide.pk, program=world.iop_a) == site_wide
    with pytest.raises(Http404):  # another program of the same site: not this program's closure
        queries.get_closure_for(world.director, php_only.pk, program=world.iop_a)
    with pytest.raises(Http404):  # a clinician of the other site sees neither
        queries.get_closure_for(world.clinician_b, site_wide.pk)
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, object_type="scheduling.closure")
    assert sorted(denied.values_list("object_id", flat=True)) == sorted([str(php_only.pk), str(site_wide.pk)])


# --- Pages ---------------------------------------------------------------------------------------


def test_director_edits_a_group_on_its_page(sched: Sched, client_for: ClientFor) -> None:
    client = client_for(sched.world.director)
    url = reverse("scheduling:edit_slot", args=[sched.process.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Save group" in page.content
    form = {
        "weekday": "0",
        "starts_at": "09:00",
        "ends_at": "10:00",
        "service_type": str(sched.process.service_type_id),
        "room": str(sched.second_room.pk),
        "max_size": "8",
    }
    response = client.post(url, form)
    assert response.status_code == 302
    slot = TemplateSlot.objects.get(pk=sched.process.pk)
    assert (slot.ends_at, slot.room, slot.max_size) == (T(10), sched.second_room, 8)
    refused = client.post(url, form | {"ends_at": "11:00"})
    assert refused.status_code == 400 and "must not overlap" in refused.content.decode()


def test_front_desk_may_not_edit_and_another_site_gets_404(sched: Sched, client_for: ClientFor) -> None:
    url = reverse("scheduling:edit_slot", args=[sched.process.pk])
    assert client_for(sched.world.frontdesk).get(url).status_code == 403
    assert client_for(sched.world.clinician_b).get(url).status_code == 404
    end = reverse("scheduling:end_template", args=[sched.template.pk])
    assert client_for(sched.world.frontdesk).post(end, {"ends_on": "2026-12-07"}).status_code == 403
    sched.template.refresh_from_db()
    assert sched.template.ends_on is None


def test_ending_and_editing_a_template_from_the_templates_page(sched: Sched, client_for: ClientFor) -> None:
    client = client_for(sched.world.director)
    page = client.get(reverse("scheduling:templates", args=[sched.world.iop_a.pk])).content.decode()
    assert reverse("scheduling:end_template", args=[sched.template.pk]) in page
    assert reverse("scheduling:edit_slot", args=[sched.process.pk]) in page
    response = client.post(reverse("scheduling:end_template", args=[sched.template.pk]), {"ends_on": "2026-12-07"})
    assert response.status_code == 302
    sched.template.refresh_from_db()
    assert sched.template.ends_on == dt.date(2026, 12, 7)
    edit = reverse("scheduling:edit_template", args=[sched.template.pk])
    bad = client.post(edit, {"name": "Morning", "starts_on": "2026-11-01", "ends_on": "2026-10-01"})
    assert bad.status_code == 400 and "must be after the start" in bad.content.decode()
    assert client.post(edit, {"name": "Morning", "starts_on": "2026-11-01", "ends_on": ""}).status_code == 302
    sched.template.refresh_from_db()
    assert (sched.template.name, sched.template.ends_on) == ("Morning", None)


def test_changing_a_closure_on_its_page(sched: Sched, client_for: ClientFor) -> None:
    closure, _ = actions.add_closure(
        day=NEXT_MONDAY, reason="Training", site=sched.world.site_a, by=sched.world.director, at=NOW
    )
    url = reverse("scheduling:edit_closure", args=[sched.world.iop_a.pk, closure.pk])
    response = client_for(sched.world.director).post(url, {"date": "2026-12-01", "reason": "Training day"})
    assert response.status_code == 302
    closure.refresh_from_db()
    assert (closure.date, closure.reason) == (dt.date(2026, 12, 1), "Training day")
    other_program = reverse("scheduling:edit_closure", args=[sched.world.iop_b.pk, closure.pk])
    assert client_for(sched.world.admin).get(other_program).status_code == 404


# --- API -----------------------------------------------------------------------------------------


def test_api_edits_and_ends_templates_and_slots(sched: Sched, api_for: Callable[[User], Client]) -> None:
    client = api_for(sched.world.director)
    patched = client.patch(
        f"{BASE}/templates/{sched.template.pk}", {"name": "Mornings"}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["template"]["name"] == "Mornings"
    ended = client.post(
        f"{BASE}/templates/{sched.template.pk}/end", {"ends_on": "2027-01-04"}, content_type="application/json"
    )
    assert ended.status_code == 200 and ended.json()["template"]["ends_on"] == "2027-01-04"
    body = {
        "weekday": 0,
        "starts_at": "09:00",
        "ends_at": "11:00",
        "service_type": "process-group",
        "room_id": sched.second_room.pk,
    }
    clash = client.put(f"{BASE}/slots/{sched.process.pk}", body, content_type="application/json")
    assert clash.status_code == 400
    assert clash.json()["detail"][0]["field"] == "starts_at"
    ok = client.put(f"{BASE}/slots/{sched.process.pk}", body | {"ends_at": "10:00"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["slot"]["room_id"] == sched.second_room.pk
    denied = api_for(sched.world.frontdesk).put(
        f"{BASE}/slots/{sched.process.pk}", body, content_type="application/json"
    )
    assert denied.status_code == 403


def test_api_creates_and_moves_closures(sched: Sched, api_for: Callable[[User], Client]) -> None:
    sched.generate()
    client = api_for(sched.world.director)
    created = client.post(
        f"{BASE}/closures",
        {"program_id": sched.world.iop_a.pk, "date": "2026-11-30", "reason": "Training"},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["sessions_cancelled"] == 2
    moved = client.patch(
        f"{BASE}/closures/{created.json()['id']}", {"date": "2026-12-01"}, content_type="application/json"
    )
    assert moved.status_code == 200
    assert (moved.json()["sessions_reopened"], moved.json()["sessions_cancelled"]) == (2, 2)
    assert Closure.objects.get().date == dt.date(2026, 12, 1)
    outsider = api_for(sched.world.clinician_b).patch(
        f"{BASE}/closures/{created.json()['id']}", {"reason": "x"}, content_type="application/json"
    )
    assert outsider.status_code == 404
    assert Booking.objects.count() == 0
