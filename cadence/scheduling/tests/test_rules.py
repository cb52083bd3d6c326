"""Pure scheduling rules at their edges (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.scheduling.rules import (
    SchedulingError,
    SlotTimes,
    TrackHours,
    can_manage_schedule,
    check_available,
    check_capacity_not_below_bookings,
    check_credentials,
    check_group_size,
    check_has_place,
    check_inside_track,
    check_room_fits,
    check_slot_conflicts,
    check_week_start,
    overlaps,
    periods_overlap,
)

T = dt.time
MORNING = TrackHours("Morning", frozenset({0, 1, 3}), T(9), T(12))


def test_back_to_back_spans_do_not_overlap_but_one_minute_does() -> None:
    assert not overlaps(T(9), T(10, 30), T(10, 30), T(12))
    assert overlaps(T(9), T(10, 31), T(10, 30), T(12))


def test_capacity_exactly_full_refuses_the_next_booking_but_one_place_left_accepts() -> None:
    check_has_place(11, 12)
    with pytest.raises(SchedulingError) as exc:
        check_has_place(12, 12)
    assert exc.value.field == "session"
    assert "12 of 12" in exc.value.reason


def test_capacity_cannot_drop_below_current_bookings() -> None:
    check_capacity_not_below_bookings(5, 5)
    with pytest.raises(SchedulingError, match="below the 6 participants"):
        check_capacity_not_below_bookings(5, 6)


def test_room_counts_the_facilitator_seat() -> None:
    check_room_fits("Room A", 13, 12)
    with pytest.raises(SchedulingError, match="seats 12") as exc:
        check_room_fits("Room A", 12, 12)
    assert exc.value.field == "room"


def test_slot_inside_track_hours_at_both_edges() -> None:
    check_inside_track(0, T(9), T(12), MORNING)


def test_slot_longer_than_the_track_is_named_so() -> None:
    with pytest.raises(SchedulingError, match="longer than the track"):
        check_inside_track(0, T(8), T(12, 30), MORNING)


def test_slot_starting_one_minute_before_the_track_is_refused() -> None:
    with pytest.raises(SchedulingError, match="outside") as exc:
        check_inside_track(0, T(8, 59), T(10), MORNING)
    assert exc.value.field == "starts_at"


def test_slot_on_a_day_the_track_does_not_run_is_refused() -> None:
    with pytest.raises(SchedulingError) as exc:
        check_inside_track(2, T(9), T(10), MORNING)
    assert exc.value.field == "weekday"


def slot(start: dt.time, end: dt.time, room: int = 1, lead: int | None = None, day: int = 0) -> SlotTimes:
    return SlotTimes(day, start, end, room, lead, "Process group")


def test_partially_overlapping_slots_are_refused() -> None:
    with pytest.raises(SchedulingError, match="must not overlap"):
        check_slot_conflicts(slot(T(10), T(11), room=2), [slot(T(9), T(10, 30))])


def test_parallel_groups_at_the_same_time_in_other_rooms_are_allowed() -> None:
    check_slot_conflicts(slot(T(9), T(10, 30), room=2, lead=7), [slot(T(9), T(10, 30), lead=8)])
    check_slot_conflicts(slot(T(10, 30), T(12)), [slot(T(9), T(10, 30))])
    check_slot_conflicts(slot(T(9), T(10, 30), day=1), [slot(T(9), T(10, 30))])


def test_parallel_groups_in_the_same_room_or_with_the_same_lead_are_refused() -> None:
    with pytest.raises(SchedulingError) as exc:
        check_slot_conflicts(slot(T(9), T(10, 30)), [slot(T(9), T(10, 30))])
    assert exc.value.field == "room"
    with pytest.raises(SchedulingError) as exc:
        check_slot_conflicts(slot(T(9), T(10, 30), room=2, lead=7), [slot(T(9), T(10, 30), lead=7)])
    assert exc.value.field == "facilitator"


def test_group_size_limit_and_one_to_one() -> None:
    check_group_size(15, min_size=3, limit=15, is_group=True)
    with pytest.raises(SchedulingError, match="at most 15"):
        check_group_size(16, min_size=3, limit=15, is_group=True)
    with pytest.raises(SchedulingError):
        check_group_size(2, min_size=3, limit=15, is_group=True)
    with pytest.raises(SchedulingError):
        check_group_size(2, min_size=1, limit=15, is_group=False)


def test_availability_edges() -> None:
    windows = {0: (T(9), T(12))}
    check_available(windows, 0, T(9), T(12))
    check_available(None, 4, T(1), T(2))
    with pytest.raises(SchedulingError, match="from 09:00 to 12:00"):
        check_available(windows, 0, T(11), T(12, 1))
    with pytest.raises(SchedulingError):
        check_available(windows, 0, T(8, 59), T(10))
    with pytest.raises(SchedulingError, match="not available on Tuesdays"):
        check_available(windows, 1, T(9), T(10))


def test_credentials_any_of_the_required() -> None:
    check_credentials({"LCSW"}, {"LCSW", "LPC"}, service="Process group", who="Sam")
    check_credentials(set(), set(), service="Vocational workshop", who="Sam")
    with pytest.raises(SchedulingError, match="MD or NP"):
        check_credentials({"RN"}, {"MD", "NP"}, service="Medication management", who="Sam")


def test_weeks_start_on_monday_and_periods_have_exclusive_ends() -> None:
    check_week_start(dt.date(2026, 11, 30))
    with pytest.raises(SchedulingError):
        check_week_start(dt.date(2026, 12, 1))
    assert not periods_overlap(dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 2, 1), None)
    assert periods_overlap(dt.date(2026, 1, 1), None, dt.date(2030, 2, 1), None)


def test_only_directors_and_admins_manage_plans() -> None:
    assert can_manage_schedule("director") and can_manage_schedule("admin")
    assert not can_manage_schedule("clinician") and not can_manage_schedule("frontdesk")
