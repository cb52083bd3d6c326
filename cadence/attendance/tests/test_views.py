"""Attendance pages through their URLs: status, database state, audit rows, forbidden cases, query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.attendance import actions
from cadence.attendance.models import Attendance, AttendanceCode
from cadence.attendance.rules import Mark
from cadence.audit.models import AuditEntry
from cadence.participants.models import Episode, LevelOfCareChange
from cadence.testing.factories import level
from cadence.testing.personas import NOW

from .conftest import LAST_MONDAY, MONDAY, Att

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
HTMX = {"HX-Request": "true"}


def test_index_lists_todays_sessions(att: Att, client_for: ClientFor) -> None:
    session = att.booked(att.episode())
    response = client_for(att.world.clinician_a).get("/attendance/")
    assert response.status_code == 200
    assert f"/attendance/sessions/{session.pk}/" in response.content.decode()


def test_roster_shows_booked_participants(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    response = client_for(att.world.clinician_a).get(f"/attendance/sessions/{session.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert episode.participant.display_name in body
    assert 'name="status" value="late"' in body
    assert "09:00–12:00" in body  # the site's local time (New York), not UTC
    assert AuditEntry.objects.filter(action="list", object_type="scheduling.session").exists()


def test_roster_links_to_the_session_notes_only_for_clinical_readers(att: Att, client_for: ClientFor) -> None:
    session = att.booked(att.episode())
    link = f'href="/notes/session/{session.pk}/"'
    assert link in client_for(att.world.clinician_a).get(f"/attendance/sessions/{session.pk}/").content.decode()
    assert link not in client_for(att.world.frontdesk).get(f"/attendance/sessions/{session.pk}/").content.decode()


def test_roster_of_another_sites_session_is_404_and_audited(att: Att, client_for: ClientFor) -> None:
    session = att.booked(att.episode())
    response = client_for(att.world.clinician_b).get(f"/attendance/sessions/{session.pk}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(
        action="denied", object_type="scheduling.session", object_id=str(session.pk)
    ).exists()
    response = client_for(att.world.clinician_b).post(
        f"/attendance/sessions/{session.pk}/participants/1/mark/", {"status": "present"}
    )
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_htmx_mark_returns_the_row_and_saves(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    url = f"/attendance/sessions/{session.pk}/participants/{episode.participant_id}/mark/"
    response = client_for(att.world.frontdesk).post(url, {"status": "late", "late_minutes": "15"}, headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith("<li") and "Late 15 min" in body
    row = Attendance.objects.get()
    assert (row.status, row.late_minutes, row.minutes, row.updated_by) == ("present", 15, 165, att.world.frontdesk)


def test_htmx_mark_refusal_is_shown_in_the_row(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    url = f"/attendance/sessions/{session.pk}/participants/{episode.participant_id}/mark/"
    response = client_for(att.world.clinician_a).post(url, {"status": "late"}, headers=HTMX)
    assert response.status_code == 200
    assert "Enter how many minutes late" in response.content.decode()
    response = client_for(att.world.clinician_a).post(
        url, {"status": "present", "minutes": "181", "minutes_reason": "x"}, headers=HTMX
    )
    assert "cannot exceed" in response.content.decode()
    assert not Attendance.objects.exists()


def test_plain_post_redirects_to_the_roster(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    url = f"/attendance/sessions/{session.pk}/participants/{episode.participant_id}/mark/"
    response = client_for(att.world.clinician_a).post(url, {"status": "unexcused"})
    assert response.status_code == 302 and response["Location"] == f"/attendance/sessions/{session.pk}/"
    assert Attendance.objects.get().status == "unexcused"


def test_future_session_mark_is_refused_in_the_row(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    session = att.booked(episode, hour=11)
    url = f"/attendance/sessions/{session.pk}/participants/{episode.participant_id}/mark/"
    response = client_for(att.world.clinician_a).post(url, {"status": "present"}, headers=HTMX)
    assert "before the session starts" in response.content.decode()
    assert not Attendance.objects.exists()


def test_billing_and_auditor_cannot_mark(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    session = att.booked(episode)
    url = f"/attendance/sessions/{session.pk}/participants/{episode.participant_id}/mark/"
    for user in (att.world.billing, att.world.auditor):
        assert client_for(user).post(url, {"status": "present"}).status_code == 403
    assert client_for(att.world.auditor).get(f"/attendance/sessions/{session.pk}/").status_code == 200


def test_add_a_walk_in_with_a_reason(att: Att, client_for: ClientFor) -> None:
    booked, walk_in = att.episode(), att.episode()
    session = att.booked(booked)
    client = client_for(att.world.frontdesk)
    page = client.get(f"/attendance/sessions/{session.pk}/add/")
    assert walk_in.participant.display_name in page.content.decode()
    response = client.post(f"/attendance/sessions/{session.pk}/add/", {"episode": walk_in.pk, "status": "present"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    response = client.post(
        f"/attendance/sessions/{session.pk}/add/",
        {"episode": walk_in.pk, "status": "present", "add_reason": "Make-up session"},
    )
    assert response.status_code == 302
    assert Attendance.objects.get(participant=walk_in.participant).added_reason == "Make-up session"


def test_mark_all_present_view(att: Att, client_for: ClientFor) -> None:
    session = att.booked(att.episode())
    att.book(session, att.episode())
    response = client_for(att.world.clinician_a).post(f"/attendance/sessions/{session.pk}/all-present/")
    assert response.status_code == 302
    assert Attendance.objects.filter(status="present").count() == 2


# --- Participant page and board ---------------------------------------------------------------


def test_participant_page_shows_the_strip_tasks_and_code(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    for offset in (0, 1, 3):
        session = att.booked(episode, day=LAST_MONDAY + dt.timedelta(days=offset))
        actions.mark_attendance(
            session=session, participant=episode.participant, mark=Mark("present"), by=att.world.clinician_a, at=NOW
        )
    response = client_for(att.world.clinician_a).get(f"/attendance/participant/{episode.participant_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="strip-week') == 12
    assert "9.0<span" in body and "On track" in body
    assert AuditEntry.objects.filter(action="view", participant_id=episode.participant_id).exists()


def test_participant_page_of_another_site_is_404(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    response = client_for(att.world.clinician_b).get(f"/attendance/participant/{episode.participant_id}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="denied", participant_id=episode.participant_id).exists()


def test_board_sorts_by_risk(att: Att, client_for: ClientFor) -> None:
    on_track, at_risk = att.episode(), att.episode()
    for offset in (0, 1, 3):
        att.booked(on_track, day=MONDAY + dt.timedelta(days=offset))
    att.booked(at_risk, day=MONDAY + dt.timedelta(days=1))
    response = client_for(att.world.director).get(f"/attendance/board/?program={att.world.iop_a.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(at_risk.participant.display_name) < body.index(on_track.participant.display_name)
    assert "At risk" in body


def test_board_of_another_sites_program_is_404(att: Att, client_for: ClientFor) -> None:
    response = client_for(att.world.clinician_b).get(f"/attendance/board/?program={att.world.iop_a.pk}")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="denied", object_type="programs.program").exists()


def _board_queries(client: Client, program_id: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/attendance/board/?program={program_id}").status_code == 200
    return len(captured.captured_queries)


def _fill(att: Att, count: int) -> None:
    for _ in range(count):
        episode = att.episode()
        for offset in (0, 1, 3):
            session = att.booked(episode, day=LAST_MONDAY + dt.timedelta(days=offset))
            Attendance.objects.create(
                session=session,
                participant=episode.participant,
                episode=episode,
                booking=session.bookings.get(),
                occurs_on=session.occurs_on,
                status="present",
                session_minutes=180,
                minutes=180,
                created_at=NOW,
                created_by=att.world.director,
                updated_at=NOW,
                updated_by=att.world.director,
            )
        att.booked(episode, day=MONDAY + dt.timedelta(days=2))


def test_board_queries_do_not_grow_with_participants(att: Att, client_for: ClientFor) -> None:
    client = client_for(att.world.director)
    _fill(att, 5)
    small = _board_queries(client, att.world.iop_a.pk)
    _fill(att, 45)
    large = _board_queries(client, att.world.iop_a.pk)
    assert small == large, (small, large)
    assert small <= 25


def _ledger_queries(client: Client, participant_id: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/attendance/participant/{participant_id}/").status_code == 200
    return len(captured.captured_queries)


def test_twelve_week_ledger_queries_do_not_grow_with_history(att: Att, client_for: ClientFor) -> None:
    episode = att.episode(referred_on=dt.date(2026, 8, 1), admitted_on=dt.date(2026, 8, 3))
    client = client_for(att.world.clinician_a)
    AttendanceCode.objects.create(
        participant=episode.participant, code="ACDEF", pin_hash="x", set_at=NOW, set_by=att.world.clinician_a
    )

    def weeks_of_data(first: int, last: int) -> None:
        for week in range(first, last):
            monday = LAST_MONDAY - dt.timedelta(weeks=week)
            for offset in (0, 1, 3):
                session = att.booked(episode, day=monday + dt.timedelta(days=offset))
                actions.mark_attendance(
                    session=session,
                    participant=episode.participant,
                    mark=Mark("present"),
                    by=att.world.clinician_a,
                    at=NOW,
                )

    weeks_of_data(0, 2)
    small = _ledger_queries(client, episode.participant_id)
    weeks_of_data(2, 12)
    large = _ledger_queries(client, episode.participant_id)
    assert small == large, (small, large)
    assert small <= 30


def test_level_change_mid_week_prorates_on_the_page(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    LevelOfCareChange.objects.create(
        episode=episode,
        level_of_care=level("2.5"),
        starts_on=LAST_MONDAY + dt.timedelta(days=3),
        reason="Step up",
        changed_by=att.world.clinician_a,
        created_at=NOW,
    )
    from cadence.attendance.ledger_data import episode_ledger

    ledger = episode_ledger(episode, at=NOW, weeks=2)
    last = ledger.weeks[0]
    assert (last.required_minutes, last.required_days, last.levels) == (917, 4, ("2.1", "2.5"))
    assert ledger.weeks[1].required_minutes == 1200


# --- PIN and outreach -------------------------------------------------------------------------


def test_setting_a_pin_stores_only_a_hash(att: Att, client_for: ClientFor) -> None:
    episode = att.episode()
    client = client_for(att.world.frontdesk)
    response = client.post(
        f"/attendance/participant/{episode.participant_id}/pin/", {"pin": "402719", "pin_again": "402719"}
    )
    assert response.status_code == 302
    code = AttendanceCode.objects.get(participant=episode.participant)
    assert "402719" not in code.pin_hash and len(code.code) == 5
    entry = AuditEntry.objects.filter(object_type="attendance.attendancecode").get()
    assert "402719" not in str(entry.changes)
    response = client.post(
        f"/attendance/participant/{episode.participant_id}/pin/", {"pin": "123456", "pin_again": "123456"}
    )
    assert response.status_code == 200 and "harder to guess" in response.content.decode()


# --- Board paging ------------------------------------------------------------------------------


def _names_on(body: str, episodes: list[Episode]) -> set[str]:
    return {e.participant.display_name for e in episodes if e.participant.display_name in body}


def _tile(count: int, label: str) -> str:
    return f'<span class="stat">{count}</span><span class="stat-label">{label}</span>'


@override_settings(CADENCE_ATTENDANCE_BOARD_PAGE_SIZE=2)
def test_board_pages_keep_risk_order_filters_and_counts_of_everyone(att: Att, client_for: ClientFor) -> None:
    at_risk = [att.episode() for _ in range(2)]  # nothing booked this week: short even if all attended
    on_track = [att.episode() for _ in range(3)]
    for episode in on_track:
        for offset in (0, 1, 3):
            att.booked(episode, day=MONDAY + dt.timedelta(days=offset))
    evening = att.episode(track=att.world.evening_a)  # at risk too, on another track
    everyone = [*at_risk, *on_track, evening]
    client = client_for(att.world.director)
    base = f"/attendance/board/?program={att.world.iop_a.pk}"

    pages = [client.get(f"{base}&page={n}").content.decode() for n in (1, 2, 3)]
    assert [len(_names_on(body, everyone)) for body in pages] == [2, 2, 2]
    assert set().union(*(_names_on(body, everyone) for body in pages)) == {e.participant.display_name for e in everyone}
    assert _names_on(pages[0], everyone) <= _names_on(pages[0], [*at_risk, evening])  # most at risk first
    assert _names_on(pages[2], everyone) <= _names_on(pages[2], on_track)
    for body in pages:  # the header counts every row, not the page
        assert _tile(6, "Admitted") in body and _tile(3, "At risk") in body and _tile(3, "On track") in body
    assert "Page 1 of 3" in pages[0] and f'hx-get="?program={att.world.iop_a.pk}&amp;page=2"' in pages[0]

    track = att.world.morning_a.pk
    first = client.get(f"{base}&track={track}").content.decode()
    assert _tile(5, "Admitted") in first and _tile(2, "At risk") in first
    assert f"?program={att.world.iop_a.pk}&amp;track={track}&amp;page=2" in first  # the filter is kept
    second = client.get(f"{base}&track={track}&page=2", headers=HTMX)  # htmx "next page": the results only
    assert second.status_code == 200 and "<html" not in second.content.decode()
    assert _names_on(second.content.decode(), everyone) <= _names_on(second.content.decode(), on_track)
    assert evening.participant.display_name not in first + second.content.decode()
