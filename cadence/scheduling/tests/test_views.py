"""Week views and session editing through URLs: status, database state, audit rows, scope and roles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.scheduling import actions
from cadence.scheduling.models import Booking, BookingStatus, Session
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched, ny
from cadence.testing.personas import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
HTMX = {"HX-Request": "true"}
WEEK = f"?week={NEXT_MONDAY:%Y-%m-%d}"


def monday_process(sched: Sched) -> Session:
    sched.generate()
    return Session.objects.get(generated_from=sched.process, occurs_on=NEXT_MONDAY)


def denied(user: User) -> int:
    return AuditEntry.objects.filter(action=AuditAction.DENIED, actor=user).count()


def test_program_week_shows_sessions_in_the_site_time_zone(sched: Sched, client_for: ClientFor) -> None:
    monday_process(sched)
    response = client_for(sched.world.clinician_a).get(
        reverse("scheduling:program_week", args=[sched.world.iop_a.pk]) + WEEK
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert ">09:00</time>–10:30" in html  # New York wall-clock time, stored as 14:00 UTC
    assert "Process group" in html and "0/12" in html
    assert "Group Room A" in html
    assert f"week={(NEXT_MONDAY - dt.timedelta(days=7)):%Y-%m-%d}" in html  # previous week link
    assert "Build plan" not in html  # clinicians do not build plans


def test_directors_see_the_build_button(sched: Sched, client_for: ClientFor) -> None:
    response = client_for(sched.world.director).get(reverse("scheduling:program_week", args=[sched.world.iop_a.pk]))
    assert "Build next week" in response.content.decode()


def test_week_view_query_count_does_not_grow_with_sessions(
    sched: Sched, client_for: ClientFor, django_assert_max_num_queries: Callable[..., object]
) -> None:
    client = client_for(sched.world.director)
    url = reverse("scheduling:program_week", args=[sched.world.iop_a.pk]) + WEEK
    sched.generate()
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        client.get(url)
    sched.generate(NEXT_MONDAY + dt.timedelta(days=7))
    for slot in (sched.process, sched.relapse):
        actions.add_template_slot(
            template=sched.template,
            weekday=4,
            starts_at=slot.starts_at,
            ends_at=slot.ends_at,
            service_type=slot.service_type,
            room=sched.second_room,
            by=sched.world.director,
            at=NOW,
        )
    sched.generate()
    assert (
        Session.objects.filter(occurs_on__gte=NEXT_MONDAY, occurs_on__lt=NEXT_MONDAY + dt.timedelta(days=7)).count()
        == 8
    )
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(url)
    assert response.status_code == 200


def test_clinician_of_another_site_gets_404_and_the_attempt_is_audited(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    outsider = sched.world.clinician_b
    client = client_for(outsider)
    assert client.get(reverse("scheduling:program_week", args=[sched.world.iop_a.pk])).status_code == 404
    assert client.get(reverse("scheduling:session", args=[session.pk])).status_code == 404
    assert client.get(reverse("scheduling:room_week", args=[sched.group_room.pk])).status_code == 404
    episode = sched.episode()
    response = client.post(reverse("scheduling:book", args=[session.pk]), {"episode": episode.pk})
    assert response.status_code == 404
    assert not Booking.objects.exists()
    assert denied(outsider) == 4


def test_other_organization_admin_gets_404(sched: Sched, client_for: ClientFor) -> None:
    response = client_for(sched.world.outsider).get(reverse("scheduling:program_week", args=[sched.world.iop_a.pk]))
    assert response.status_code == 404


def test_session_panel_lists_the_roster_and_audits_the_read(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    episode = sched.episode()
    actions.book_participant(session=session, episode=episode, by=sched.world.frontdesk, at=NOW)
    response = client_for(sched.world.clinician_a).get(reverse("scheduling:session", args=[session.pk]), headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert episode.participant.display_name in html
    assert "<html" not in html  # a partial for htmx
    assert f'id="session-card-{session.pk}"' in html and 'hx-swap-oob="true"' in html
    assert AuditEntry.objects.filter(action=AuditAction.LIST, object_id=str(session.pk)).exists()


def test_front_desk_books_from_the_session_card(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    episode = sched.episode()
    response = client_for(sched.world.frontdesk).post(
        reverse("scheduling:book", args=[session.pk]), {"episode": episode.pk}, headers=HTMX
    )
    assert response.status_code == 200
    assert "Booked" in response.content.decode()
    booking = Booking.objects.get(session=session)
    assert booking.episode == episode and booking.created_by == sched.world.frontdesk
    assert AuditEntry.objects.filter(object_type="scheduling.booking", participant_id=episode.participant_id).exists()


def test_conflict_is_shown_instantly_and_nothing_is_booked(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    actions.change_session(session=session, capacity=1, by=sched.world.director, at=NOW)
    actions.book_participant(session=session, episode=sched.episode(), by=sched.world.frontdesk, at=NOW)
    other = sched.episode()
    response = client_for(sched.world.frontdesk).post(
        reverse("scheduling:book", args=[session.pk]), {"episode": other.pk}, headers=HTMX
    )
    assert response.status_code == 200  # htmx swaps the panel with the message
    html = response.content.decode()
    assert "This session is full (1 of 1 places booked)." in html
    assert 'role="alert"' in html
    assert Booking.objects.filter(session=session).count() == 1


def test_plain_post_without_htmx_redirects_or_answers_400(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    client = client_for(sched.world.frontdesk)
    episode = sched.episode()
    ok = client.post(reverse("scheduling:book", args=[session.pk]), {"episode": episode.pk})
    assert ok.status_code == 302 and ok["Location"] == reverse("scheduling:session", args=[session.pk])
    again = client.post(reverse("scheduling:book", args=[session.pk]), {"episode": episode.pk})
    assert again.status_code == 400  # already booked: not offered any more


def test_removing_a_participant(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    booking = actions.book_participant(session=session, episode=sched.episode(), by=sched.world.frontdesk, at=NOW)
    response = client_for(sched.world.clinician_a).post(
        reverse("scheduling:unbook", args=[session.pk, booking.pk]), headers=HTMX
    )
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and booking.cancelled_by == sched.world.clinician_a


def test_changing_facilitator_and_room_from_the_card(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    client = client_for(sched.world.frontdesk)
    url = reverse("scheduling:change_session", args=[session.pk])
    refused = client.post(url, {"facilitator": sched.prescriber.pk, "room": sched.group_room.pk}, headers=HTMX)
    assert "does not hold a credential" in refused.content.decode()
    ok = client.post(url, {"facilitator": sched.counselor.pk, "room": sched.second_room.pk}, headers=HTMX)
    assert ok.status_code == 200
    session.refresh_from_db()
    assert session.facilitator == sched.counselor and session.room == sched.second_room


def test_auditor_reads_but_cannot_book(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    client = client_for(sched.world.auditor)
    assert client.get(reverse("scheduling:session", args=[session.pk])).status_code == 200
    response = client.post(reverse("scheduling:book", args=[session.pk]), {"episode": sched.episode().pk})
    assert response.status_code == 403
    assert not Booking.objects.exists()


def test_only_directors_move_sessions(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    data = {"date": "2026-12-02", "starts_at": "09:00", "ends_at": "10:30", "capacity": 10}
    url = reverse("scheduling:move_session", args=[session.pk])
    assert client_for(sched.world.frontdesk).post(url, data).status_code == 403
    assert client_for(sched.world.director).post(url, data).status_code == 302
    session.refresh_from_db()
    assert session.starts_at == ny(dt.date(2026, 12, 2), 9) and session.capacity == 10


def test_room_and_clinician_and_participant_weeks(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    episode = sched.episode()
    actions.book_participant(session=session, episode=episode, by=sched.world.frontdesk, at=NOW)
    actions.change_session(session=session, facilitator=sched.counselor, by=sched.world.director, at=NOW)
    client = client_for(sched.world.director)
    for url in (
        reverse("scheduling:room_week", args=[sched.group_room.pk]),
        reverse("scheduling:staff_week", args=[sched.counselor.pk]),
        reverse("scheduling:participant_week", args=[episode.participant_id]),
    ):
        response = client.get(url + WEEK)
        assert response.status_code == 200, url
        assert f'id="session-card-{session.pk}"' in response.content.decode(), url
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, participant_id=episode.participant_id, summary="Viewed weekly schedule"
    ).exists()


def test_my_week_redirects_to_the_signed_in_clinician(sched: Sched, client_for: ClientFor) -> None:
    response = client_for(sched.counselor).get(reverse("scheduling:my_week"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "scheduling:staff_week", args=[sched.counselor.pk]
    )


def test_setting_availability_from_the_participant_week(sched: Sched, client_for: ClientFor) -> None:
    episode = sched.episode()
    url = reverse("scheduling:availability", args=[episode.participant_id])
    data = {"earliest_0": "09:00", "latest_0": "12:00", "earliest_2": "13:00", "latest_2": "15:00"}
    response = client_for(sched.world.frontdesk).post(url, data)
    assert response.status_code == 302
    assert sorted(episode.availability.values_list("weekday", flat=True)) == [0, 2]
    assert client_for(sched.world.auditor).post(url, data).status_code == 403


def test_pages_have_no_inline_scripts_or_styles(sched: Sched, client_for: ClientFor) -> None:
    session = monday_process(sched)
    client = client_for(sched.world.director)
    for url in (
        reverse("scheduling:index"),
        reverse("scheduling:program_week", args=[sched.world.iop_a.pk]) + WEEK,
        reverse("scheduling:session", args=[session.pk]),
        reverse("scheduling:templates", args=[sched.world.iop_a.pk]),
        reverse("scheduling:closures", args=[sched.world.iop_a.pk]),
        reverse("scheduling:one_off", args=[sched.world.iop_a.pk]),
        reverse("scheduling:time_off", args=[sched.counselor.pk]),
    ):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert "<script>" not in html and "<style" not in html, url


def test_index_lists_only_programs_in_scope(sched: Sched, client_for: ClientFor) -> None:
    html = client_for(sched.world.clinician_a).get(reverse("scheduling:index")).content.decode()
    assert reverse("scheduling:program_week", args=[sched.world.iop_a.pk]) in html
    assert reverse("scheduling:program_week", args=[sched.world.iop_b.pk]) not in html
    assert reverse("scheduling:room_week", args=[sched.group_room.pk]) in html
    assert reverse("scheduling:room_week", args=[sched.room_b.pk]) not in html
    assert reverse("scheduling:staff_week", args=[sched.counselor.pk]) in html


def test_schedule_api_is_in_the_openapi_schema(sched: Sched, client_for: ClientFor) -> None:
    schema = client_for(sched.world.director).get("/api/v1/openapi.json").json()
    assert "/api/v1/schedule/plans" in schema["paths"]
    assert "/api/v1/schedule/bookings" in schema["paths"]


def test_setting_preferences_from_the_participant_week(sched: Sched, client_for: ClientFor) -> None:
    episode = sched.episode()
    page = client_for(sched.world.frontdesk).get(reverse("scheduling:participant_week", args=[episode.participant_id]))
    assert "Days to avoid" in page.content.decode()
    url = reverse("scheduling:preferences", args=[episode.participant_id])
    response = client_for(sched.world.frontdesk).post(
        url, {"avoid_days": ["2", "4"], "preferred_clinician": sched.counselor.pk}
    )
    assert response.status_code == 302
    preference = episode.preference  # type: ignore[attr-defined]
    assert preference.avoid_days_mask == 0b10100 and preference.preferred_clinician == sched.counselor
