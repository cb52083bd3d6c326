"""/api/v1/safety-plans: read, start, edit, sign; scope, roles and audit."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.safetyplans.models import SafetyPlanVersion
from cadence.testing.personas import World

from .factories_content import full_content
from .helpers import person, signed

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]
BASE = "/api/v1/safety-plans"


def test_read_the_plan_with_versions_and_changes(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    version = signed(world, participant)
    response = api_for(world.clinician_a).get(f"{BASE}/participants/{participant.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["current"]["id"] == version.pk and body["draft"] is None
    assert body["current"]["fits_one_page"] is True
    assert (
        "Step 2 (internal coping strategies): added “Walk the dog around the block”" in body["versions"][0]["changes"]
    )
    entry = AuditEntry.objects.filter(actor=world.clinician_a).order_by("-id").first()
    assert entry is not None and entry.summary == "Read the safety plan (API)"


def test_write_a_plan_through_the_api(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    client = api_for(world.clinician_a)
    started = client.post(
        f"{BASE}/participants/{participant.pk}/drafts", {"from_current": True}, content_type="application/json"
    )
    assert started.status_code == 201
    vid = started.json()["id"]
    edited = client.put(f"{BASE}/versions/{vid}/content", full_content().to_dict(), content_type="application/json")
    assert edited.status_code == 200
    refused = client.post(f"{BASE}/versions/{vid}/sign", {}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"][0]["field"] == "written_with_participant"
    done = client.post(
        f"{BASE}/versions/{vid}/sign",
        {"written_with_participant": True, "participant_signed_on_paper": True},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "signed"
    again = client.put(f"{BASE}/versions/{vid}/content", full_content().to_dict(), content_type="application/json")
    assert again.status_code == 400 and again.json()["detail"][0]["field"] == "status"


def test_a_bad_phone_is_a_400_naming_the_step(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    client = api_for(world.clinician_a)
    vid = client.post(f"{BASE}/participants/{participant.pk}/drafts", {}, content_type="application/json").json()["id"]
    content = full_content().to_dict()
    content["people"] = [{"name": "Sam", "phone": "phone sam"}]
    response = client.put(f"{BASE}/versions/{vid}/content", content, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == "people"


def test_scope_and_roles(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    version = signed(world, participant)
    assert api_for(world.clinician_b).get(f"{BASE}/participants/{participant.pk}").status_code == 404
    assert api_for(world.clinician_b).get(f"{BASE}/versions/{version.pk}").status_code == 404
    assert api_for(world.frontdesk).get(f"{BASE}/participants/{participant.pk}").status_code == 403
    assert api_for(world.auditor).get(f"{BASE}/versions/{version.pk}").status_code == 200
    refused = api_for(world.auditor).post(
        f"{BASE}/participants/{participant.pk}/drafts", {}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert SafetyPlanVersion.objects.count() == 1
