"""/api/v1/schedule: the same rules as the pages, errors as 4xx with field and reason."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.scheduling.models import Booking, BookingStatus, PlanStatus, SchedulePlan, Session, StaffTimeOff
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen", "immediate_tasks")]
ApiFor = Callable[[User], Client]
BASE = "/api/v1/schedule"


def monday_process(sched: Sched) -> Session:
    sched.generate()
    return Session.objects.get(generated_from=sched.process, occurs_on=NEXT_MONDAY)


def test_list_sessions_of_a_week(sched: Sched, api_for: ApiFor) -> None:
    sched.generate()
    response = api_for(sched.world.clinician_a).get(
        f"{BASE}/sessions", {"program_id": sched.world.iop_a.pk, "week": "2026-12-02"}
    )
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 6
    assert rows[0]["service_type"] == "process-group" and rows[0]["booked"] == 0
    assert rows[0]["starts_at"].startswith("2026-11-30T14:00:00")


def test_sessions_of_another_site_are_404(sched: Sched, api_for: ApiFor) -> None:
    response = api_for(sched.world.clinician_b).get(f"{BASE}/sessions", {"program_id": sched.world.iop_a.pk})
    assert response.status_code == 404
    assert response.json() == {"detail": [{"field": "id", "reason": "Not found."}]}


def test_booking_and_cancelling(sched: Sched, api_for: ApiFor) -> None:
    session = monday_process(sched)
    episode = sched.episode()
    client = api_for(sched.world.frontdesk)
    created = client.post(
        f"{BASE}/bookings", {"session_id": session.pk, "episode_id": episode.pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    booking_id = created.json()["id"]
    assert created.json()["participant_id"] == episode.participant_id
    detail = client.get(f"{BASE}/sessions/{session.pk}").json()
    assert [b["episode_id"] for b in detail["bookings"]] == [episode.pk]
    assert client.delete(f"{BASE}/bookings/{booking_id}").status_code == 204
    assert Booking.objects.get(pk=booking_id).status == BookingStatus.CANCELLED


def test_conflict_is_400_with_field_and_reason(sched: Sched, api_for: ApiFor) -> None:
    session = monday_process(sched)
    client = api_for(sched.world.frontdesk)
    episode = sched.episode()
    body = {"session_id": session.pk, "episode_id": episode.pk}
    client.post(f"{BASE}/bookings", body, content_type="application/json")
    again = client.post(f"{BASE}/bookings", body, content_type="application/json")
    assert again.status_code == 400
    assert again.json() == {
        "detail": [
            {"field": "participant", "reason": f"{episode.participant.display_name} is already booked in this session."}
        ]
    }


def test_booking_needs_the_admit_capability(sched: Sched, api_for: ApiFor) -> None:
    session = monday_process(sched)
    response = api_for(sched.world.billing).post(
        f"{BASE}/bookings",
        {"session_id": session.pk, "episode_id": sched.episode().pk},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_templates_and_slots(sched: Sched, api_for: ApiFor) -> None:
    client = api_for(sched.world.director)
    listed = client.get(f"{BASE}/templates", {"program_id": sched.world.iop_a.pk}).json()
    assert listed[0]["name"] == "Morning week" and len(listed[0]["slots"]) == 6
    created = client.post(
        f"{BASE}/templates",
        {
            "program_id": sched.world.iop_a.pk,
            "track_id": sched.world.evening_a.pk,
            "name": "Evenings",
            "starts_on": "2026-11-30",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    template_id = created.json()["id"]
    slot = {
        "weekday": 0,
        "starts_at": "18:00",
        "ends_at": "21:30",
        "service_type": "process-group",
        "room_id": sched.group_room.pk,
    }
    refused = client.post(f"{BASE}/templates/{template_id}/slots", slot, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"][0]["field"] == "ends_at"
    assert "longer than the track" in refused.json()["detail"][0]["reason"]
    slot["ends_at"] = "19:30"
    assert (
        client.post(f"{BASE}/templates/{template_id}/slots", slot, content_type="application/json").status_code == 201
    )
    clinician = api_for(sched.world.clinician_a)
    assert (
        clinician.post(f"{BASE}/templates/{template_id}/slots", slot, content_type="application/json").status_code
        == 403
    )


def test_one_off_session_and_generation(sched: Sched, api_for: ApiFor) -> None:
    client = api_for(sched.world.director)
    generated = client.post(
        f"{BASE}/sessions/generate",
        {"program_id": sched.world.iop_a.pk, "starts_on": "2026-11-30", "ends_on": "2026-12-07"},
        content_type="application/json",
    )
    assert generated.status_code == 200 and generated.json()["created"] == 6
    one_off = client.post(
        f"{BASE}/sessions",
        {
            "program_id": sched.world.iop_a.pk,
            "service_type": "individual",
            "starts_at": "2026-12-02T13:00:00",
            "ends_at": "2026-12-02T14:00:00",
            "room_id": sched.office.pk,
            "facilitator_id": sched.counselor.pk,
        },
        content_type="application/json",
    )
    assert one_off.status_code == 201, one_off.content
    assert one_off.json()["starts_at"].startswith("2026-12-02T18:00:00")  # 13:00 in New York
    clash = client.post(
        f"{BASE}/sessions",
        {
            "program_id": sched.world.iop_a.pk,
            "service_type": "individual",
            "starts_at": "2026-12-02T13:30:00-05:00",
            "ends_at": "2026-12-02T14:30:00-05:00",
            "room_id": sched.family_room.pk,
            "facilitator_id": sched.counselor.pk,
        },
        content_type="application/json",
    )
    assert clash.status_code == 400 and clash.json()["detail"][0]["field"] == "facilitator"


def test_patch_session_room_and_capacity(sched: Sched, api_for: ApiFor) -> None:
    session = monday_process(sched)
    response = api_for(sched.world.frontdesk).patch(
        f"{BASE}/sessions/{session.pk}", {"capacity": 3}, content_type="application/json"
    )
    assert response.status_code == 403  # capacity and times are the director's
    response = api_for(sched.world.director).patch(
        f"{BASE}/sessions/{session.pk}", {"room_id": sched.office.pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "too small" in response.json()["detail"][0]["reason"]


def test_build_poll_publish(sched: Sched, api_for: ApiFor) -> None:
    for _ in range(3):
        sched.episode()
    client = api_for(sched.world.director)
    started = client.post(
        f"{BASE}/plans",
        {"program_id": sched.world.iop_a.pk, "week": "2026-12-01", "time_limit": 5},
        content_type="application/json",
    )
    assert started.status_code == 202, started.content
    plan_id = started.json()["id"]
    assert started.json()["week_start"] == "2026-11-30"
    polled = client.get(f"{BASE}/plans/{plan_id}").json()
    assert polled["status"] == "draft" and polled["summary"]["met"] == 3
    published = client.post(f"{BASE}/plans/{plan_id}/publish")
    assert published.status_code == 200, published.content
    assert published.json()["plan"]["status"] == "published" and published.json()["booked"] == 18
    again = client.post(f"{BASE}/plans/{plan_id}/publish")
    assert again.status_code == 400 and again.json()["detail"][0]["field"] == "plan"


def test_time_off_then_replan_by_api(sched: Sched, api_for: ApiFor) -> None:
    sched.episode(primary_clinician=sched.counselor)
    sched.episode()
    sched.episode()
    director = api_for(sched.world.director)
    first = director.post(
        f"{BASE}/plans",
        {"program_id": sched.world.iop_a.pk, "week": "2026-11-30", "time_limit": 5},
        content_type="application/json",
    ).json()
    director.post(f"{BASE}/plans/{first['id']}/publish")
    off = api_for(sched.counselor).post(
        f"{BASE}/staff/{sched.counselor.pk}/time-off",
        {"starts_at": "2026-11-30T00:00:00", "ends_at": "2026-12-07T00:00:00", "reason": "Sick"},
        content_type="application/json",
    )
    assert off.status_code == 201, off.content
    assert StaffTimeOff.objects.get().starts_at.isoformat() == "2026-11-30T05:00:00+00:00"
    replan = director.post(
        f"{BASE}/plans",
        {"program_id": sched.world.iop_a.pk, "week": "2026-11-30", "replan": True, "time_limit": 5},
        content_type="application/json",
    ).json()
    assert replan["is_replan"] and replan["replaces_id"] == first["id"]
    assert len(replan["diff"]["moves"]) == 1
    assert SchedulePlan.objects.get(pk=first["id"]).status == PlanStatus.PUBLISHED


def test_time_off_for_someone_else_needs_a_director(sched: Sched, api_for: ApiFor) -> None:
    response = api_for(sched.world.clinician_a).post(
        f"{BASE}/staff/{sched.counselor.pk}/time-off",
        {"starts_at": "2026-11-30T00:00:00", "ends_at": "2026-12-01T00:00:00"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_reading_a_roster_by_api_is_audited(sched: Sched, api_for: ApiFor) -> None:
    session = monday_process(sched)
    api_for(sched.world.auditor).get(f"{BASE}/sessions/{session.pk}")
    assert AuditEntry.objects.filter(action=AuditAction.LIST, actor=sched.world.auditor).exists()


def test_availability_and_preferences_feed_the_next_plan(sched: Sched, api_for: ApiFor) -> None:
    from cadence.scheduling.adapter import Scope, build_problem
    from cadence.testing.personas import NOW

    episode = sched.episode()
    client = api_for(sched.world.frontdesk)
    put = client.put(
        f"{BASE}/episodes/{episode.pk}/availability",
        {
            "windows": [
                {"weekday": 0, "earliest": "09:00", "latest": "12:00"},
                {"weekday": 3, "earliest": "10:30", "latest": "12:00"},
            ]
        },
        content_type="application/json",
    )
    assert put.status_code == 200, put.content
    bad = client.put(
        f"{BASE}/episodes/{episode.pk}/availability",
        {"windows": [{"weekday": 1, "earliest": "12:00", "latest": "09:00"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["detail"][0]["field"] == "latest"
    pref = client.put(
        f"{BASE}/episodes/{episode.pk}/preference",
        {"avoid_days": [3], "preferred_clinician_id": sched.counselor.pk},
        content_type="application/json",
    )
    assert pref.status_code == 200, pref.content
    (participant,) = build_problem(Scope.of(sched.world.iop_a, None, NEXT_MONDAY, NOW)).problem.participants
    assert {d: (w.start, w.end) for d, w in participant.availability.items()} == {0: (540, 720), 3: (630, 720)}
    assert participant.avoid_days == frozenset({3})
    assert participant.preferred_clinician == f"u{sched.counselor.pk}"


def test_staff_working_hours_by_api(sched: Sched, api_for: ApiFor) -> None:
    body = {"windows": [{"weekday": 0, "earliest": "08:00", "latest": "16:00"}]}
    own = api_for(sched.counselor).put(
        f"{BASE}/staff/{sched.counselor.pk}/availability", body, content_type="application/json"
    )
    assert own.status_code == 200 and own.json() == [{"weekday": 0, "earliest": "08:00:00", "latest": "16:00:00"}]
    other = api_for(sched.world.clinician_a).put(
        f"{BASE}/staff/{sched.counselor.pk}/availability", body, content_type="application/json"
    )
    assert other.status_code == 403
