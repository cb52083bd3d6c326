"""/api/v1/fhir: the $everything Bundle (content type, audit), 403 for roles that may not read the clinical
record, 404 out of scope (audited DENIED), and the CapabilityStatement."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.testing.personas import NOW, World

from .helpers import build_chart

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _url(pk: int) -> str:
    return f"/api/v1/fhir/Patient/{pk}/$everything"


def test_clinician_gets_the_bundle_as_fhir_json(world: World, api_for: ApiFor) -> None:
    chart = build_chart(world)
    response = api_for(world.clinician_a).get(_url(chart.participant.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "Bundle" and body["type"] == "collection"
    assert body["entry"][0]["fullUrl"] == f"http://testserver/api/v1/fhir/Patient/{chart.participant.pk}"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.actor == world.clinician_a and entry.participant_id == chart.participant.pk
    assert entry.changes["channel"] == "api" and entry.changes["resources"]["Encounter"] == 2
    assert entry.object_type == "participants.participant" and entry.object_id == str(chart.participant.pk)


@pytest.mark.parametrize("role", ["frontdesk", "billing"])
def test_roles_without_clinical_read_get_403_and_nothing_is_exported(world: World, api_for: ApiFor, role: str) -> None:
    chart = build_chart(world)
    response = api_for(getattr(world, role)).get(_url(chart.participant.pk))
    assert response.status_code == 403
    assert "read clinical record" in response.json()["detail"][0]["reason"]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_participant_out_of_scope_is_404_and_audited_as_denied(world: World, api_for: ApiFor) -> None:
    chart = build_chart(world)
    response = api_for(world.clinician_b).get(_url(chart.participant.pk))
    assert response.status_code == 404 and response.json()["detail"][0]["field"] == "id"
    denied = AuditEntry.objects.filter(action=AuditAction.DENIED, actor=world.clinician_b).get()
    assert denied.participant_id == chart.participant.pk
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_unknown_participant_is_404(world: World, api_for: ApiFor) -> None:
    assert api_for(world.director).get(_url(999999)).status_code == 404


def test_no_token_is_401(world: World) -> None:
    chart = build_chart(world)
    assert Client().get(_url(chart.participant.pk)).status_code == 401


def test_metadata_is_a_valid_capability_statement(world: World, api_for: ApiFor) -> None:
    response = api_for(world.clinician_a).get("/api/v1/fhir/metadata")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    CapabilityStatement.model_validate(body)
    assert body["fhirVersion"] == "4.0.1"
    (rest,) = body["rest"]
    assert rest["resource"] == [
        {
            "type": "Patient",
            "operation": [
                {"name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything"}
            ],
        }
    ]
