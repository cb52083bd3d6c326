"""/api/v1/consents: list and record consents, revoke, list and record disclosures; 4xx with field names,
404 out of scope; and the FHIR R4 Consent's shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.consents import actions
from cadence.consents.models import Consent, Disclosure
from cadence.consents.wording import TPO_RECIPIENTS
from cadence.testing.personas import NOW, World

from .helpers import TODAY, consent, person

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]
BASE = "/api/v1/consents"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_record_a_tpo_consent_with_the_default_wording_and_list_it(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    client = api_for(world.frontdesk)
    created = _post(client, f"{BASE}/participants/{participant.pk}", {"kind": "tpo", "signed_on_paper": "2026-11-23"})
    assert created.status_code == 201
    body = created.json()
    assert body["recipients"] == TPO_RECIPIENTS and body["status"] == "in_effect" and body["signature"] == "paper"
    listed = client.get(f"{BASE}/participants/{participant.pk}")
    assert listed.status_code == 200 and [c["id"] for c in listed.json()] == [body["id"]]
    entry = AuditEntry.objects.filter(actor=world.frontdesk).order_by("-id").first()
    assert entry is not None and entry.summary == "Read the Part 2 consents (API)"


def test_a_draft_lists_its_missing_elements(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    created = _post(
        api_for(world.clinician_a),
        f"{BASE}/participants/{participant.pk}",
        {"kind": "specific", "expires_on": "2027-01-31", "information": "Attendance dates"},
    )
    assert created.status_code == 201
    missing = created.json()["missing_elements"]
    assert missing[0].startswith("the recipients") and missing[1] == "the purpose of the disclosure"


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "forever"}, 400, "kind"),
        ({"kind": "specific"}, 400, "expires_on"),
        ({"kind": "tpo", "signed_on_paper": "2026-12-25"}, 400, "signed_on"),
        ({"kind": "tpo", "expires_on": "not a date"}, 422, "expires_on"),
        ({}, 422, "kind"),
        ({"kind": "tpo", "disclosing_party": "x" * 201}, 422, "disclosing_party"),  # longer than the column
        ({"kind": "tpo", "expiry_event": "x" * 301}, 422, "expiry_event"),
    ],
)
def test_bad_consents_are_4xx_naming_the_field(
    world: World, api_for: ApiFor, body: dict[str, Any], status: int, field: str
) -> None:
    participant = person(world).participant
    response = _post(api_for(world.clinician_a), f"{BASE}/participants/{participant.pk}", body)
    assert response.status_code == status
    assert response.json()["detail"][0]["field"] == field
    assert not Consent.objects.exists()


def test_revoke_through_the_api(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    row = consent(world, participant, signed_on=TODAY - dt.timedelta(days=3))
    client = api_for(world.clinician_a)
    missing = _post(client, f"{BASE}/{row.pk}/revoke", {"revoked_on": "2026-11-23"})
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "received"
    done = _post(client, f"{BASE}/{row.pk}/revoke", {"revoked_on": "2026-11-23", "received": "Letter by mail"})
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    again = _post(client, f"{BASE}/{row.pk}/revoke", {"revoked_on": "2026-11-23", "received": "Letter by mail"})
    assert again.status_code == 400 and again.json()["detail"][0]["field"] == "status"
    assert (
        _post(
            api_for(world.billing), f"{BASE}/{row.pk}/revoke", {"revoked_on": "2026-11-23", "received": "x"}
        ).status_code
        == 403
    )


def test_record_and_list_disclosures(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    client = api_for(world.billing)
    body = {
        "consent_id": row.pk,
        "recipient": "Lakeside Family Health Plan",
        "information": "Claim",
        "purpose": "Payment",
        "disclosed_on": "2026-11-23",
        "method": "secure_electronic",
        "named_in_consent": True,
    }
    created = _post(client, f"{BASE}/participants/{participant.pk}/disclosures", body)
    assert created.status_code == 201 and created.json()["consent_id"] == row.pk
    refused = _post(
        client, f"{BASE}/participants/{participant.pk}/disclosures", {**body, "includes_counseling_notes": True}
    )
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "includes_counseling_notes"
    unconfirmed = _post(
        client, f"{BASE}/participants/{participant.pk}/disclosures", {**body, "named_in_consent": False}
    )
    assert unconfirmed.status_code == 400 and unconfirmed.json()["detail"][0]["field"] == "named_in_consent"
    too_long = _post(client, f"{BASE}/participants/{participant.pk}/disclosures", {**body, "recipient": "x" * 301})
    assert too_long.status_code == 422 and too_long.json()["detail"][0]["field"] == "recipient"
    no_consent = _post(client, f"{BASE}/participants/{participant.pk}/disclosures", {**body, "consent_id": None})
    assert no_consent.status_code == 400 and no_consent.json()["detail"][0]["field"] == "consent_id"
    listed = client.get(f"{BASE}/participants/{participant.pk}/disclosures")
    assert [d["recipient"] for d in listed.json()] == ["Lakeside Family Health Plan"]
    assert Disclosure.objects.count() == 1
    frontdesk = _post(api_for(world.frontdesk), f"{BASE}/participants/{participant.pk}/disclosures", body)
    assert frontdesk.status_code == 403


def test_out_of_scope_is_404(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    row = consent(world, participant)
    client = api_for(world.clinician_b)
    assert client.get(f"{BASE}/participants/{participant.pk}").status_code == 404
    assert client.get(f"{BASE}/participants/{participant.pk}/disclosures").status_code == 404
    assert client.get(f"{BASE}/{row.pk}/fhir").status_code == 404
    assert _post(client, f"{BASE}/{row.pk}/revoke", {"revoked_on": "2026-11-23", "received": "x"}).status_code == 404
    assert _post(client, f"{BASE}/participants/{participant.pk}", {"kind": "tpo"}).status_code == 404
    assert Consent.objects.count() == 1


def test_fhir_consent_shape(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    row = consent(world, participant, "specific", signed_on=TODAY - dt.timedelta(days=1))
    response = api_for(world.clinician_a).get(f"{BASE}/{row.pk}/fhir")
    assert response.status_code == 200
    resource = response.json()
    assert resource["resourceType"] == "Consent" and resource["id"] == f"consent-{row.pk}"
    assert resource["status"] == "active"
    assert resource["patient"] == {"reference": f"Patient/{participant.pk}"}
    assert resource["dateTime"] == "2026-11-22"
    assert resource["scope"]["coding"][0]["code"] == "patient-privacy"
    assert {"42CFRPart2"} <= {c["code"] for cat in resource["category"] for c in cat["coding"]}
    labels = {(s["system"].rsplit("/", 1)[-1], s["code"]) for s in resource["meta"]["security"]}
    assert labels == {("v3-Confidentiality", "R"), ("v3-ActCode", "42CFRPart2"), ("v3-ActCode", "NORDSCLCD")}
    provision = resource["provision"]
    assert provision["type"] == "permit"
    assert provision["period"] == {"start": "2026-11-22", "end": "2027-05-31"}
    assert provision["actor"][0]["reference"]["display"] == "Riverbend Primary Care"


def test_fhir_period_never_ends_before_it_starts(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    row = consent(world, participant, "specific", signed_on=TODAY)
    actions.revoke_consent(consent=row, revoked_on=TODAY, received="Letter", by=world.clinician_a, at=NOW, today=TODAY)
    period = api_for(world.clinician_a).get(f"{BASE}/{row.pk}/fhir").json()["provision"]["period"]
    assert period == {"start": TODAY.isoformat()}  # revoked the day it was signed: in effect on no day


def test_fhir_status_follows_the_consent(world: World, api_for: ApiFor) -> None:
    participant = person(world).participant
    client = api_for(world.clinician_a)
    draft = consent(world, participant, signed_on=None)
    expired = consent(
        world, participant, "specific", signed_on=TODAY - dt.timedelta(days=9), expires_on=TODAY - dt.timedelta(days=1)
    )
    assert client.get(f"{BASE}/{draft.pk}/fhir").json()["status"] == "draft"
    assert "period" not in client.get(f"{BASE}/{draft.pk}/fhir").json()["provision"]
    assert client.get(f"{BASE}/{expired.pk}/fhir").json()["status"] == "inactive"
