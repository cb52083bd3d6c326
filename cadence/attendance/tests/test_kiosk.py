"""Self check-in: PINs, the check-in window at its edges, lockout, the kiosk pages, staff confirmation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.attendance import actions
from cadence.attendance.models import Attendance, AttendanceCode, KioskCheckIn
from cadence.attendance.rules import AttendanceError
from cadence.audit.models import AuditEntry
from cadence.testing.personas import NOW

from .conftest import MONDAY, Att, ny

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
PIN = "402719"


def refused(text: str) -> pytest.RaisesExc[AttendanceError]:
    return pytest.raises(AttendanceError, check=lambda e: text in e.reason)


@pytest.fixture
def coded(att: Att) -> tuple[Att, AttendanceCode]:
    episode = att.episode()
    code = actions.set_attendance_code(participant=episode.participant, pin=PIN, by=att.world.frontdesk, at=NOW)
    return att, code


def check_in(att: Att, code: AttendanceCode, at: dt.datetime, pin: str = PIN) -> KioskCheckIn:
    return actions.kiosk_check_in(
        site=att.world.site_a, code=code.code, pin=pin, unlocked_by=att.world.frontdesk, at=at
    )


def test_check_in_window_opens_30_minutes_before_inclusive(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    episode = code.participant.episodes.get()
    att.booked(episode, hour=11)
    with refused("Too early: check-in for Process group at 11:00 opens at 10:30"):
        check_in(att, code, ny(MONDAY, 10, 30) - dt.timedelta(seconds=1))
    made = check_in(att, code, ny(MONDAY, 10, 30))
    assert made.status == "pending"


def test_check_in_window_closes_15_minutes_after_the_start_inclusive(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    episode = code.participant.episodes.get()
    att.booked(episode, hour=11)
    with refused("closed at 11:15"):
        check_in(att, code, ny(MONDAY, 11, 15) + dt.timedelta(seconds=1))
    assert check_in(att, code, ny(MONDAY, 11, 15)).status == "pending"


def test_the_window_follows_the_settings(coded: tuple[Att, AttendanceCode], settings: object) -> None:
    settings.CADENCE_KIOSK_OPENS_MINUTES_BEFORE = 10  # type: ignore[attr-defined]
    att, code = coded
    att.booked(code.participant.episodes.get(), hour=11)
    with refused("opens at 10:50"):
        check_in(att, code, ny(MONDAY, 10, 40))


def test_no_booking_today_is_refused_clearly(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    with refused("no session here to check in to"):
        check_in(att, code, ny(MONDAY, 10, 0))


def test_a_second_check_in_for_the_same_session_is_refused(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    att.booked(code.participant.episodes.get(), hour=11)
    check_in(att, code, ny(MONDAY, 10, 45))
    with refused("already checked in"):
        check_in(att, code, ny(MONDAY, 10, 50))


def test_wrong_pins_lock_the_code_and_are_audited(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    att.booked(code.participant.episodes.get(), hour=11)
    at = ny(MONDAY, 10, 45)
    for _ in range(4):
        with refused("do not match"):
            check_in(att, code, at, pin="000001")
    with refused("do not match"):
        check_in(att, code, at, pin="000001")  # the fifth locks
    with refused("Too many wrong PINs"):
        check_in(att, code, at)  # even the right PIN, while locked
    assert AuditEntry.objects.filter(action="denied", participant_id=code.participant_id).count() == 5
    assert check_in(att, code, at + dt.timedelta(minutes=16)).status == "pending"


def test_an_unknown_code_gives_the_same_message(coded: tuple[Att, AttendanceCode]) -> None:
    att, _code = coded
    with refused("That code and PIN do not match"):
        actions.kiosk_check_in(site=att.world.site_a, code="ZZZZZ", pin=PIN, unlocked_by=att.world.frontdesk, at=NOW)


def test_a_booking_at_another_site_is_not_found_here(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    att.booked(code.participant.episodes.get(), hour=11)
    with refused("no session here"):
        actions.kiosk_check_in(
            site=att.world.site_b, code=code.code, pin=PIN, unlocked_by=att.world.clinician_b, at=ny(MONDAY, 10, 45)
        )


def test_confirming_a_check_in_marks_present_late_by_the_check_in_time(coded: tuple[Att, AttendanceCode]) -> None:
    att, code = coded
    session = att.booked(code.participant.episodes.get(), hour=9)
    made = check_in(
        att,
        code,
        ny(
            MONDAY,
            9,
            7,
        )
        + dt.timedelta(seconds=30),
    )
    row = actions.confirm_check_in(check_in=made, by=att.world.frontdesk, at=NOW)
    assert (row.status, row.late_minutes, row.minutes) == ("present", 8, 172)
    assert row.checked_in_at == made.checked_in_at and row.session == session
    made.refresh_from_db()
    assert made.status == "confirmed" and made.resolved_by == att.world.frontdesk
    with pytest.raises(AttendanceError):
        actions.confirm_check_in(check_in=made, by=att.world.frontdesk, at=NOW)


# --- The kiosk pages -----------------------------------------------------------------------------


def test_a_locked_kiosk_asks_staff_to_sign_in(att: Att) -> None:
    response = Client().get(f"/attendance/kiosk/{att.world.site_a.pk}/")
    assert response.status_code == 403
    assert "Staff sign-in" in response.content.decode()
    assert Client().post(f"/attendance/kiosk/{att.world.site_a.pk}/", {"code": "X", "pin": "1"}).status_code == 403


def test_staff_of_another_site_cannot_open_the_kiosk(att: Att, client_for: ClientFor) -> None:
    client = client_for(att.world.clinician_b)
    assert client.get(f"/attendance/kiosk/{att.world.site_a.pk}/").status_code == 404
    assert client.post(f"/attendance/kiosk/{att.world.site_a.pk}/unlock/").status_code == 404
    assert AuditEntry.objects.filter(action="denied", object_type="programs.site").count() == 2


def test_unlocked_kiosk_checks_in_and_staff_confirm_on_the_roster(
    coded: tuple[Att, AttendanceCode], client_for: ClientFor
) -> None:
    att, code = coded
    session = att.booked(code.participant.episodes.get(), hour=10, minute=10)
    site = att.world.site_a.pk
    with time_machine.travel(NOW, tick=False):
        kiosk = client_for(att.world.frontdesk)
        assert "Open the kiosk" in kiosk.get(f"/attendance/kiosk/{site}/").content.decode()
        response = kiosk.post(f"/attendance/kiosk/{site}/unlock/")
        assert response.status_code == 302
        # The staff login is closed on the kiosk: staff pages now need a login again.
        assert kiosk.get("/attendance/").status_code == 302
        response = kiosk.post(f"/attendance/kiosk/{site}/", {"code": code.code.lower(), "pin": PIN}, follow=True)
        body = response.content.decode()
        assert "You are checked in for Process group at 10:10" in body
        assert AuditEntry.objects.filter(
            action="update", object_type="programs.site", actor=att.world.frontdesk
        ).exists()
        made = KioskCheckIn.objects.get()
        roster = client_for(att.world.clinician_a).get(f"/attendance/sessions/{session.pk}/")
        assert "Kiosk check-in" in roster.content.decode()
    with time_machine.travel(ny(MONDAY, 10, 15), tick=False):
        response = client_for(att.world.clinician_a).post(
            f"/attendance/check-ins/{made.pk}/confirm/", headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
    row = Attendance.objects.get()
    assert (row.status, row.late_minutes) == ("present", 0)


def test_a_wrong_pin_on_the_kiosk_page_shows_the_reason(
    coded: tuple[Att, AttendanceCode], client_for: ClientFor
) -> None:
    att, code = coded
    att.booked(code.participant.episodes.get(), hour=10, minute=10)
    site = att.world.site_a.pk
    with time_machine.travel(NOW, tick=False):
        kiosk = client_for(att.world.frontdesk)
        kiosk.post(f"/attendance/kiosk/{site}/unlock/")
        response = kiosk.post(f"/attendance/kiosk/{site}/", {"code": code.code, "pin": "999999"}, follow=True)
        assert "do not match" in response.content.decode()
        assert not KioskCheckIn.objects.exists()
        kiosk.post(f"/attendance/kiosk/{site}/lock/")
        assert kiosk.get(f"/attendance/kiosk/{site}/").status_code == 403


def test_the_kiosk_locks_itself_after_the_unlock_hours(
    coded: tuple[Att, AttendanceCode], client_for: ClientFor
) -> None:
    att, _code = coded
    site = att.world.site_a.pk
    with time_machine.travel(NOW, tick=False):
        kiosk = client_for(att.world.frontdesk)
        kiosk.post(f"/attendance/kiosk/{site}/unlock/")
        assert kiosk.get(f"/attendance/kiosk/{site}/").status_code == 200
    with time_machine.travel(NOW + dt.timedelta(hours=12, seconds=1), tick=False):
        assert kiosk.get(f"/attendance/kiosk/{site}/").status_code == 403
