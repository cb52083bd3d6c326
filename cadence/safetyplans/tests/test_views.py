"""Staff pages: the plan page, htmx editing, signing, the PDF; scope (404), roles (403), auditor read-only,
and the audit row of every read."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from pypdf import PdfReader

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.safetyplans import actions
from cadence.safetyplans.models import SafetyPlanVersion, VersionStatus
from cadence.testing.personas import NOW, World

from .helpers import draft, person, signed, site_b_person

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _last_audit(user: User) -> AuditEntry:
    entry = AuditEntry.objects.filter(actor=user).order_by("-id").first()
    assert entry is not None
    return entry


def test_clinician_sees_current_plan_draft_and_history(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    signed(world, participant)
    actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    response = client_for(world.clinician_a).get(f"/safety-plans/{participant.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Current plan" in html and "Version 2" in html and "Version 1" in html
    assert "Walk the dog around the block" in html
    assert 'hx-post="/safety-plans/versions/' in html
    entry = _last_audit(world.clinician_a)
    assert (entry.action, entry.participant_id, entry.summary) == ("view", participant.pk, "Read the safety plan")


def test_page_of_a_participant_without_a_plan_offers_to_write_one(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    html = client_for(world.clinician_a).get(f"/safety-plans/{participant.pk}/").content.decode()
    assert "No signed safety plan yet." in html and "Write a safety plan" in html


def test_clinician_of_another_site_gets_404_and_it_is_audited(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = signed(world, participant)
    client = client_for(world.clinician_b)
    assert client.get(f"/safety-plans/{participant.pk}/").status_code == 404
    assert client.get(f"/safety-plans/versions/{version.pk}/pdf/").status_code == 404
    assert client.post(f"/safety-plans/{participant.pk}/start/").status_code == 404
    assert _last_audit(world.clinician_b).action == "denied"


@pytest.mark.parametrize("role", ["frontdesk", "billing"])
def test_front_desk_and_billing_get_403(world: World, client_for: ClientFor, role: str) -> None:
    participant = person(world).participant
    version = signed(world, participant)
    client = client_for(getattr(world, role))
    assert client.get(f"/safety-plans/{participant.pk}/").status_code == 403
    assert client.get(f"/safety-plans/versions/{version.pk}/").status_code == 403
    assert client.get(f"/safety-plans/versions/{version.pk}/pdf/").status_code == 403


def test_auditor_reads_but_cannot_write(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = draft(world, participant)
    client = client_for(world.auditor)
    html = client.get(f"/safety-plans/{participant.pk}/").content.decode()
    assert "Walk the dog around the block" in html
    assert "Sign as clinician" not in html and "Remove" not in html
    assert client.post(f"/safety-plans/versions/{version.pk}/coping/add/", {"new-coping-text": "x"}).status_code == 403
    assert (
        client.post(f"/safety-plans/versions/{version.pk}/sign/", {"written_with_participant": "on"}).status_code == 403
    )
    version.refresh_from_db()
    assert version.clinician_signed_at is None


def test_unknown_version_is_404(world: World, client_for: ClientFor) -> None:
    assert client_for(world.clinician_a).get("/safety-plans/versions/999/").status_code == 404


def test_start_a_draft_from_the_page(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    response = client_for(world.clinician_a).post(f"/safety-plans/{participant.pk}/start/")
    assert response.status_code == 302
    assert SafetyPlanVersion.objects.get(plan__participant=participant).status == VersionStatus.DRAFT


def test_htmx_add_returns_the_step_and_the_checklist(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    response = client_for(world.clinician_a).post(
        f"/safety-plans/versions/{version.pk}/people/add/",
        {"new-people-name": "Maria Lopez", "new-people-text": "sister", "new-people-phone": "555-0101"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="section-people"' in html and "Maria Lopez" in html
    assert 'id="sp-readiness"' in html and 'hx-swap-oob="true"' in html
    version.refresh_from_db()
    assert [i.name for i in version.plan_content.people] == ["Maria Lopez"]


def test_htmx_add_with_a_bad_phone_shows_the_reason(world: World, client_for: ClientFor) -> None:
    version = actions.start_draft(participant=person(world).participant, by=world.clinician_a, at=NOW)
    response = client_for(world.clinician_a).post(
        f"/safety-plans/versions/{version.pk}/people/add/",
        {"new-people-name": "Maria", "new-people-phone": "ring me"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "does not look like a phone number" in response.content.decode()
    version.refresh_from_db()
    assert version.plan_content.people == ()


def test_edit_and_remove_without_htmx_redirect_to_the_page(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = draft(world, participant)
    client = client_for(world.clinician_a)
    response = client.post(f"/safety-plans/versions/{version.pk}/coping/0/edit/", {"item-coping-0-text": "Music"})
    assert response.status_code == 302
    assert client.post(f"/safety-plans/versions/{version.pk}/warning_signs/1/remove/").status_code == 302
    version.refresh_from_db()
    assert version.plan_content.coping[0].text == "Music"
    assert len(version.plan_content.warning_signs) == 1


def test_unknown_section_is_404(world: World, client_for: ClientFor) -> None:
    version = draft(world, person(world).participant)
    response = client_for(world.clinician_a).post(f"/safety-plans/versions/{version.pk}/step7/add/", {})
    assert response.status_code == 404


def test_sign_with_paper_signature_makes_it_current(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = draft(world, participant)
    response = client_for(world.clinician_a).post(
        f"/safety-plans/versions/{version.pk}/sign/",
        {"written_with_participant": "on", "participant_signed_on_paper": "on"},
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.participant_signature) == ("signed", "paper")


def test_signing_an_incomplete_plan_shows_what_is_missing(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    client = client_for(world.clinician_a)
    response = client.post(
        f"/safety-plans/versions/{version.pk}/sign/", {"written_with_participant": "on"}, follow=True
    )
    assert "Fill in before signing: Step 1 (warning signs)" in response.content.decode()
    version.refresh_from_db()
    assert version.clinician_signed_at is None


def test_attest_and_reopen_from_the_page(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = draft(world, participant)
    actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    client = client_for(world.clinician_a)
    assert "awaiting the participant" in client.get(f"/safety-plans/{participant.pk}/").content.decode()
    client.post(f"/safety-plans/versions/{version.pk}/reopen/")
    version.refresh_from_db()
    assert version.clinician_signed_at is None
    actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    client.post(f"/safety-plans/versions/{version.pk}/attest/")
    version.refresh_from_db()
    assert version.status == "signed"


def test_version_page_shows_what_changed(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    signed(world, participant)
    second = actions.start_draft(participant=participant, by=world.clinician_a, at=NOW)
    from cadence.safetyplans.rules import Item

    actions.add_item(version=second, section="coping", item=Item(text="Music"), by=world.clinician_a, at=NOW)
    html = client_for(world.director).get(f"/safety-plans/versions/{second.pk}/").content.decode()
    assert "Step 2 (internal coping strategies): added “Music”" in html
    entry = _last_audit(world.director)
    assert (entry.action, entry.object_id) == ("view", str(second.pk))


def test_pdf_is_one_page_with_every_step_and_audited_as_export(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    version = signed(world, participant)
    response = client_for(world.clinician_a).get(f"/safety-plans/versions/{version.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) == 1
    text = pages[0].extract_text()
    for step in range(1, 7):
        assert f"Step {step}" in text
    entry = _last_audit(world.clinician_a)
    assert (entry.action, entry.participant_id) == ("export", participant.pk)


def test_site_b_participant_is_visible_to_clinician_b(world: World, client_for: ClientFor) -> None:
    participant = site_b_person(world).participant
    assert client_for(world.clinician_b).get(f"/safety-plans/{participant.pk}/").status_code == 200
    assert client_for(world.clinician_a).get(f"/safety-plans/{participant.pk}/").status_code == 404


def test_plan_page_queries_are_bounded(world: World, client_for: ClientFor, django_assert_max_num_queries: Any) -> None:
    participant = person(world).participant
    for _ in range(4):
        signed(world, participant)
    client = client_for(world.clinician_a)
    client.get(f"/safety-plans/{participant.pk}/")
    with django_assert_max_num_queries(20):
        assert client.get(f"/safety-plans/{participant.pk}/").status_code == 200


def test_htmx_edit_of_a_version_signed_meanwhile_reloads_the_page(world: World, client_for: ClientFor) -> None:
    version = signed(world, person(world).participant)
    response = client_for(world.clinician_a).post(
        f"/safety-plans/versions/{version.pk}/coping/add/", {"new-coping-text": "x"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/safety-plans/")
    version.refresh_from_db()
    assert len(version.plan_content.coping) == 1
