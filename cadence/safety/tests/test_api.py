"""/api/v1/safety: the same rules and scope as the pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.participants.models import Episode
from cadence.safety.models import CrisisEvent, RiskFlag
from cadence.testing.personas import World

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]
JSON = "application/json"


def test_flags_raise_list_and_clear_with_a_reason(world: World, episode_a: Episode, api_for: ApiFor) -> None:
    pk = episode_a.participant.pk
    api = api_for(world.clinician_a)
    made = api.post(
        f"/api/v1/safety/participants/{pk}/flags", {"kind": "relapse", "severity": "moderate"}, content_type=JSON
    )
    assert made.status_code == 201
    flag_id = made.json()["id"]
    assert [f["kind"] for f in api.get(f"/api/v1/safety/participants/{pk}/flags").json()] == ["relapse"]
    refused = api.post(f"/api/v1/safety/flags/{flag_id}/clear", {"reason": ""}, content_type=JSON)
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "reason"
    assert (
        api.post(f"/api/v1/safety/flags/{flag_id}/clear", {"reason": "Sober 30 days"}, content_type=JSON).status_code
        == 200
    )
    assert RiskFlag.objects.get().cleared_reason == "Sober 30 days"
    assert api.get(f"/api/v1/safety/participants/{pk}/flags").json() == []


def test_events_workflow_through_the_api(world: World, episode_a: Episode, api_for: ApiFor) -> None:
    api = api_for(world.clinician_a)
    made = api.post(
        f"/api/v1/safety/participants/{episode_a.participant.pk}/events",
        {"summary": "Called in crisis"},
        content_type=JSON,
    )
    assert made.status_code == 201 and made.json()["status"] == "raised"
    pk = made.json()["id"]
    assert [e["id"] for e in api.get("/api/v1/safety/events").json()] == [pk]
    assert api.post(f"/api/v1/safety/events/{pk}/resolve", {}, content_type=JSON).status_code == 400
    assert api.post(f"/api/v1/safety/events/{pk}/acknowledge", {}, content_type=JSON).json()["status"] == "acknowledged"
    assessed = api.post(
        f"/api/v1/safety/events/{pk}/assess", {"assessment": "cssrs", "disposition": "988"}, content_type=JSON
    )
    assert assessed.json()["disposition"] == "988"
    assert api.post(f"/api/v1/safety/events/{pk}/resolve", {}, content_type=JSON).json()["status"] == "resolved"
    assert api.post(f"/api/v1/safety/events/{pk}/reopen", {"reason": "Relapse"}, content_type=JSON).json()[
        "status"
    ] == ("acknowledged")


def test_api_scope_and_roles(world: World, episode_a: Episode, api_for: ApiFor) -> None:
    event = CrisisEvent.objects.create(
        participant=episode_a.participant,
        episode=episode_a,
        severity="high",
        source="staff",
        summary="x",
        raised_at="2026-11-23T15:00Z",
    )
    assert api_for(world.clinician_b).get(f"/api/v1/safety/events/{event.pk}").status_code == 404
    assert (
        api_for(world.frontdesk)
        .post(f"/api/v1/safety/events/{event.pk}/acknowledge", {}, content_type=JSON)
        .status_code
        == 403
    )
    assert api_for(world.clinician_a).get("/api/v1/safety/report").status_code == 403
    report = api_for(world.director).get("/api/v1/safety/report").json()
    assert report["ack_minutes"] == 15 and report["open_events"] == 1


def test_on_call_shifts_through_the_api(world: World, api_for: ApiFor) -> None:
    api = api_for(world.director)
    body = {
        "site_id": world.site_a.pk,
        "staff": "clinician",
        "starts_at": "2026-11-23T13:00Z",
        "ends_at": "2026-11-24T13:00Z",
    }
    assert api.post("/api/v1/safety/on-call", body, content_type=JSON).status_code == 201
    assert api.post("/api/v1/safety/on-call", {**body, "staff": "director"}, content_type=JSON).status_code == 400
    listed = api.get(f"/api/v1/safety/on-call?site_id={world.site_a.pk}&start=2026-11-23T00:00Z&end=2026-11-30T00:00Z")
    assert [s["staff"] for s in listed.json()] == ["clinician"]
    assert api_for(world.clinician_a).post("/api/v1/safety/on-call", body, content_type=JSON).status_code == 403
