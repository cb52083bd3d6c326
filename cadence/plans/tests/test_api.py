"""/api/v1/plans: the same scope checks, actions and refusals as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.plans.models import Goal, Objective, TreatmentPlan
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    return getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")


def test_read_a_participants_plan_with_current_draft_and_history(world: World, api_for: ApiFor) -> None:
    plan = build_plan(world)
    response = api_for(world.clinician_a).get(f"/api/v1/plans/participant/{plan.participant_id}")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == plan.pk and data["status"] == "active" and data["draft"] is None
    assert data["current"]["number"] == 1 and data["current"]["snapshot"]["weekly_minutes"] == 270
    assert data["next_review"] == {"due_on": "2026-12-23", "reason": "scheduled", "overdue": False}
    assert [r["number"] for r in data["revisions"]] == [1]
    entry = AuditEntry.objects.filter(actor=world.clinician_a).latest("pk")
    assert entry.action == AuditAction.VIEW and entry.participant_id == plan.participant_id


def test_scope_and_roles(world: World, api_for: ApiFor) -> None:
    plan = build_plan(world)
    assert api_for(world.clinician_b).get(f"/api/v1/plans/{plan.pk}").status_code == 404
    assert api_for(world.billing).get(f"/api/v1/plans/{plan.pk}").status_code == 403
    assert api_for(world.frontdesk).get(f"/api/v1/plans/{plan.pk}").status_code == 403
    auditor = api_for(world.auditor)
    assert auditor.get(f"/api/v1/plans/{plan.pk}").status_code == 200
    response = send(auditor, "post", f"/api/v1/plans/{plan.pk}/problems", {"text": "Housing"})
    assert response.status_code == 403


def test_create_edit_and_sign_through_the_api(world: World, api_for: ApiFor) -> None:
    episode = world.episode()
    client = api_for(world.clinician_a)
    response = send(client, "post", "/api/v1/plans", {"episode_id": episode.pk})
    assert response.status_code == 201
    plan_id = response.json()["id"]
    data = send(client, "post", f"/api/v1/plans/{plan_id}/problems", {"text": "Drinking", "asam_dimension": "5"}).json()
    problem_id = data["draft"]["plan"]["problems"][0]["id"]
    data = send(client, "post", f"/api/v1/plans/problems/{problem_id}/goals", {"text": "Stay sober"}).json()
    goal_id = data["draft"]["plan"]["problems"][0]["goals"][0]["id"]
    assert data["draft"]["issues"][0]["reason"] == "Goal 1 has no measurable objective with a target date."
    refused = send(client, "post", f"/api/v1/plans/{plan_id}/sign")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": [{"field": "plan", "reason": "Goal 1 has no measurable objective with a target date."}]
    }
    vague = send(
        client, "post", f"/api/v1/plans/goals/{goal_id}/objectives", {"text": "Feel better", "target_on": "2026-12-20"}
    )
    assert vague.status_code == 400 and vague.json()["detail"][0]["field"] == "text"
    send(
        client,
        "post",
        f"/api/v1/plans/goals/{goal_id}/objectives",
        {"text": "Attend 3 groups a week", "target_on": "2026-12-20"},
    )
    data = send(
        client,
        "post",
        f"/api/v1/plans/goals/{goal_id}/interventions",
        {"method": "mi", "frequency": "weekly", "responsible_id": world.clinician_a.pk},
    ).json()
    assert data["draft"]["issues"] == []
    data = send(
        client, "post", f"/api/v1/plans/{plan_id}/services", {"service_type": "individual", "sessions_per_week": 1}
    ).json()
    assert data["draft"]["plan"]["weekly_minutes"] == 60
    signed = send(client, "post", f"/api/v1/plans/{plan_id}/sign", {"review_note": "Agreed"})
    assert signed.status_code == 200 and signed.json()["current"]["number"] == 1
    objective = Objective.objects.get(goal_id=goal_id)
    data = send(
        client,
        "patch",
        f"/api/v1/plans/objectives/{objective.pk}",
        {"text": "Attend 3 groups a week", "target_on": "2027-01-05"},
    ).json()
    assert data["draft"]["pending_changes"] == [
        "Goal 1: objective 'Attend 3 groups a week' target date 20 Dec 2026 → 5 Jan 2027"
    ]
    assert data["current"]["number"] == 1  # the signed revision stays current
    data = send(client, "post", f"/api/v1/plans/{plan_id}/participant-signature", {"revision": 1}).json()
    assert data["revisions"][-1]["participant_signature"] == "paper"


def test_rows_of_another_site_are_404(world: World, api_for: ApiFor) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    client = api_for(world.clinician_b)
    assert send(client, "delete", f"/api/v1/plans/goals/{goal.pk}").status_code == 404
    assert (
        send(
            client, "post", f"/api/v1/plans/goals/{goal.pk}/objectives", {"text": "x 3", "target_on": "2027-01-01"}
        ).status_code
        == 404
    )
    assert Goal.objects.get(pk=goal.pk).removed_at is None


def test_episode_plan_and_missing_plan(world: World, api_for: ApiFor) -> None:
    plan = build_plan(world)
    client = api_for(world.clinician_a)
    assert client.get(f"/api/v1/plans/episode/{plan.episode_id}").json()["id"] == plan.pk
    other = world.episode()
    response = client.get(f"/api/v1/plans/participant/{other.participant_id}")
    assert response.status_code == 404 and "No treatment plan" in response.json()["detail"][0]["reason"]
    assert not TreatmentPlan.objects.filter(episode=other).exists()
