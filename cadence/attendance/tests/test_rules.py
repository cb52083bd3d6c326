"""Pure rules at their edges (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from cadence.accounts.permissions import roles_with
from cadence.attendance.rules import (
    AttendanceError,
    Mark,
    check_authorization,
    check_change_allowed,
    check_in_window,
    check_on_roster,
    check_pin,
    check_session_started,
    check_status_for_session,
    derive_minutes,
    late_minutes_from_check_in,
    mark_from_choice,
    resolve_minutes,
    week_start_of,
)

START = dt.datetime(2026, 11, 23, 14, 0, tzinfo=dt.UTC)


def refused(field: str) -> pytest.RaisesExc[AttendanceError]:
    return pytest.raises(AttendanceError, check=lambda e: e.field == field)


# --- Minutes -----------------------------------------------------------------------------------


def test_present_gets_the_whole_session() -> None:
    assert resolve_minutes(Mark("present"), session_minutes=90) == 90


def test_late_and_left_early_are_taken_off() -> None:
    assert resolve_minutes(Mark("present", late_minutes=10, left_early_minutes=15), session_minutes=90) == 65


def test_absences_have_no_minutes() -> None:
    for status in ("excused", "unexcused", "program_cancelled"):
        assert resolve_minutes(Mark(status), session_minutes=90) == 0
        assert derive_minutes(status=status, session_minutes=90, late_minutes=0, left_early_minutes=0) == 0


def test_minutes_equal_to_the_session_length_are_accepted() -> None:
    assert resolve_minutes(Mark("present", minutes=90, minutes_reason="x"), session_minutes=90) == 90


def test_minutes_one_above_the_session_length_are_refused() -> None:
    with refused("minutes"):
        resolve_minutes(Mark("present", minutes=91, minutes_reason="stayed late"), session_minutes=90)


def test_late_plus_left_early_equal_to_the_length_is_zero_minutes() -> None:
    assert resolve_minutes(Mark("present", late_minutes=45, left_early_minutes=45), session_minutes=90) == 0


def test_late_plus_left_early_above_the_length_is_refused() -> None:
    with refused("late_minutes"):
        resolve_minutes(Mark("present", late_minutes=46, left_early_minutes=45), session_minutes=90)


def test_edited_minutes_need_a_reason() -> None:
    with refused("minutes_reason"):
        resolve_minutes(Mark("present", minutes=60), session_minutes=90)
    assert resolve_minutes(Mark("present", minutes=60, minutes_reason="stepped out"), session_minutes=90) == 60


def test_minutes_on_an_absence_are_refused() -> None:
    with refused("minutes"):
        resolve_minutes(Mark("unexcused", minutes=30, minutes_reason="?"), session_minutes=90)


def test_late_on_an_absence_is_refused() -> None:
    with refused("status"):
        resolve_minutes(Mark("excused", late_minutes=5), session_minutes=90)


def test_negative_minutes_are_refused() -> None:
    with refused("late_minutes"):
        resolve_minutes(Mark("present", late_minutes=-1), session_minutes=90)
    with refused("minutes"):
        resolve_minutes(Mark("present", minutes=-1, minutes_reason="x"), session_minutes=90)


def test_roster_buttons_map_to_marks() -> None:
    assert mark_from_choice("late", late_minutes=10) == Mark("present", 10, 0)
    assert mark_from_choice("late", late_minutes=10, left_early_minutes=5) == Mark("present", 10, 5)
    assert mark_from_choice("present", late_minutes=10, left_early_minutes=5) == Mark("present", 0, 0)
    assert mark_from_choice("left_early", left_early_minutes=20) == Mark("present", 0, 20)
    assert mark_from_choice("unexcused", late_minutes=10) == Mark("unexcused", 0, 0)
    with refused("late_minutes"):
        mark_from_choice("late")
    with refused("left_early_minutes"):
        mark_from_choice("left_early")
    with refused("status"):
        mark_from_choice("asleep")


# --- Session, roster, lock ------------------------------------------------------------------------


def test_a_session_starting_now_can_be_marked() -> None:
    check_session_started(starts_at=START, at=START)


def test_a_future_session_cannot_be_marked() -> None:
    with refused("session"):
        check_session_started(starts_at=START, at=START - dt.timedelta(seconds=1))


def test_a_cancelled_session_takes_only_program_cancelled() -> None:
    check_status_for_session(status="program_cancelled", session_cancelled=True)
    with refused("status"):
        check_status_for_session(status="present", session_cancelled=True)
    check_status_for_session(status="present", session_cancelled=False)


def test_not_on_roster_needs_a_reason() -> None:
    check_on_roster(on_roster=True, add_reason="")
    check_on_roster(on_roster=False, add_reason="Walk-in")
    with refused("add_reason"):
        check_on_roster(on_roster=False, add_reason="  ")


def test_change_after_signed_note_needs_a_reason() -> None:
    with refused("reason"):
        check_change_allowed(note_signed=True, is_change=True, reason="")
    check_change_allowed(note_signed=True, is_change=True, reason="Corrected after review")
    check_change_allowed(note_signed=True, is_change=False, reason="")  # the first mark is not a change
    check_change_allowed(note_signed=False, is_change=True, reason="")


# --- Kiosk ---------------------------------------------------------------------------------------


def test_kiosk_window_edges_are_inclusive() -> None:
    window = check_in_window(starts_at=START, opens_before=30, closes_after=15)
    assert window.contains(START - dt.timedelta(minutes=30))
    assert not window.contains(START - dt.timedelta(minutes=30, seconds=1))
    assert window.contains(START + dt.timedelta(minutes=15))
    assert not window.contains(START + dt.timedelta(minutes=15, seconds=1))


def test_late_minutes_from_check_in_round_up_and_cap() -> None:
    assert (
        late_minutes_from_check_in(starts_at=START, checked_in_at=START - dt.timedelta(minutes=5), session_minutes=90)
        == 0
    )
    assert late_minutes_from_check_in(starts_at=START, checked_in_at=START, session_minutes=90) == 0
    assert (
        late_minutes_from_check_in(starts_at=START, checked_in_at=START + dt.timedelta(seconds=61), session_minutes=90)
        == 2
    )
    assert (
        late_minutes_from_check_in(starts_at=START, checked_in_at=START + dt.timedelta(hours=3), session_minutes=90)
        == 90
    )


@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", "", "111111", "123456", "654321"])
def test_weak_or_malformed_pins_are_refused(pin: str) -> None:
    with refused("pin"):
        check_pin(pin)


def test_a_six_digit_pin_is_accepted() -> None:
    check_pin("402719")


# --- Weeks and authorizations --------------------------------------------------------------------


def test_week_start_follows_the_program_setting() -> None:
    monday = dt.date(2026, 11, 23)
    assert week_start_of(monday) == monday
    assert week_start_of(dt.date(2026, 11, 29)) == monday  # Sunday
    assert week_start_of(dt.date(2026, 11, 29), 6) == dt.date(2026, 11, 29)  # weeks from Sunday
    assert week_start_of(monday, 6) == dt.date(2026, 11, 22)


def test_authorization_dates_and_units() -> None:
    day = dt.date(2026, 11, 1)
    check_authorization(
        number="A1", units_authorized=1, starts_on=day, ends_on=day + dt.timedelta(days=1), review_on=day
    )
    with refused("number"):
        check_authorization(
            number=" ", units_authorized=1, starts_on=day, ends_on=day + dt.timedelta(1), review_on=None
        )
    with refused("units_authorized"):
        check_authorization(
            number="A", units_authorized=0, starts_on=day, ends_on=day + dt.timedelta(1), review_on=None
        )
    with refused("ends_on"):
        check_authorization(number="A", units_authorized=1, starts_on=day, ends_on=day, review_on=None)
    with refused("review_on"):
        end = day + dt.timedelta(days=30)
        check_authorization(number="A", units_authorized=1, starts_on=day, ends_on=end, review_on=end)


def test_attendance_permissions_are_the_roles_the_issue_names() -> None:
    from cadence.accounts.models import Role
    from cadence.accounts.permissions import Capability, has_capability

    expected = {
        Capability.TAKE_ATTENDANCE: {Role.ADMIN, Role.DIRECTOR, Role.CLINICIAN, Role.FRONT_DESK},
        Capability.RECORD_OUTREACH: {Role.ADMIN, Role.DIRECTOR, Role.CLINICIAN},
        Capability.MANAGE_AUTHORIZATIONS: {Role.ADMIN, Role.DIRECTOR, Role.BILLING},
        Capability.VIEW_BILLING: {Role.ADMIN, Role.DIRECTOR, Role.BILLING},
        Capability.VIEW_PARTICIPANT: {
            Role.ADMIN,
            Role.DIRECTOR,
            Role.CLINICIAN,
            Role.FRONT_DESK,
            Role.BILLING,
            Role.AUDITOR,
        },
    }
    for capability, roles in expected.items():
        assert roles_with(capability) == roles, capability
    assert has_capability(Role.AUDITOR, Capability.VIEW_PARTICIPANT)
    assert not has_capability(Role.AUDITOR, Capability.TAKE_ATTENDANCE)
    assert not has_capability(Role.PARTICIPANT, Capability.VIEW_PARTICIPANT)
