"""Staff UI: the "FHIR export" link on the chart, the explanation page and its download (an attachment,
audited EXPORT); 403 for front desk and billing, 404 out of scope."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.interop.cards import fhir_export_link_panel
from cadence.testing.personas import NOW, World

from .helpers import build_chart

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_chart_shows_the_link_to_clinicians_only(world: World, client_for: ClientFor) -> None:
    chart = build_chart(world)
    page = f"/interop/participant/{chart.participant.pk}/"
    clinician_chart = client_for(world.clinician_a).get(f"/participants/{chart.participant.pk}/")
    assert clinician_chart.status_code == 200 and page in clinician_chart.content.decode()
    assert "FHIR export" in clinician_chart.content.decode()
    frontdesk_chart = client_for(world.frontdesk).get(f"/participants/{chart.participant.pk}/")
    assert frontdesk_chart.status_code == 200 and page not in frontdesk_chart.content.decode()
    assert fhir_export_link_panel(world.billing, chart.participant, NOW) is None


def test_page_explains_the_file_and_the_disclosure(world: World, client_for: ClientFor) -> None:
    chart = build_chart(world)
    pk = chart.participant.pk
    response = client_for(world.clinician_a).get(f"/interop/participant/{pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "NORDSCLCD" in html and "is a disclosure" in html
    assert f'href="/consents/{pk}/"' in html and f'href="/interop/participant/{pk}/download/"' in html
    view = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=world.clinician_a).order_by("-id").first()
    assert view is not None and view.summary == "Opened the FHIR export page" and view.participant_id == pk
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_download_is_the_bundle_as_an_attachment_and_audited(world: World, client_for: ClientFor) -> None:
    chart = build_chart(world)
    response = client_for(world.clinician_a).get(f"/interop/participant/{chart.participant.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and chart.participant.record_number in disposition
    body = json.loads(response.content)
    assert body["resourceType"] == "Bundle" and len(body["entry"]) == 17
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert entry.changes["channel"] == "download" and entry.participant_id == chart.participant.pk


@pytest.mark.parametrize("role", ["frontdesk", "billing"])
@pytest.mark.parametrize("suffix", ["", "download/"])
def test_front_desk_and_billing_get_403(world: World, client_for: ClientFor, role: str, suffix: str) -> None:
    chart = build_chart(world)
    response = client_for(getattr(world, role)).get(f"/interop/participant/{chart.participant.pk}/{suffix}")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action__in=[AuditAction.EXPORT, AuditAction.VIEW]).exists()


@pytest.mark.parametrize("suffix", ["", "download/"])
def test_out_of_scope_is_404_and_audited(world: World, client_for: ClientFor, suffix: str) -> None:
    chart = build_chart(world)
    response = client_for(world.clinician_b).get(f"/interop/participant/{chart.participant.pk}/{suffix}")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, participant_id=chart.participant.pk).count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_download_refuses_post(world: World, client_for: ClientFor) -> None:
    chart = build_chart(world)
    assert (
        client_for(world.clinician_a).post(f"/interop/participant/{chart.participant.pk}/download/").status_code == 405
    )


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    chart = build_chart(world)
    response = Client().get(f"/interop/participant/{chart.participant.pk}/download/")
    assert response.status_code == 302 and "login" in response["Location"]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()
