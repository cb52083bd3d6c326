"""The participant's own safety plan at /me/safety-plan/: only their own, 988 and contacts as tel: links,
the "Sign my safety plan" step, Spanish, and audited reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.template.loader import render_to_string
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.participants.models import EmergencyContact
from cadence.portal.wording import short_date
from cadence.safetyplans import actions
from cadence.safetyplans.pdf import pdf_context
from cadence.safetyplans.rules import Item
from cadence.testing.personas import NOW, World

from .factories_content import full_content
from .helpers import draft, person, portal_login, signed

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def test_participant_sees_their_plan_with_tel_links(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    EmergencyContact.objects.create(
        participant=participant, name="Rosa Rivera", relationship="mother", phone="(555) 010-0150"
    )
    signed(world, participant)
    response = client_for(login).get("/me/safety-plan/")
    assert response.status_code == 200
    html = response.content.decode()
    for link in (
        'href="tel:988"',
        'href="sms:988"',
        'href="tel:911"',
        'href="tel:5550100101"',
        'href="tel:+15550100177"',
    ):
        assert link in html
    assert 'href="tel:5550100150"' in html and "Rosa Rivera" in html
    assert "Walk the dog around the block" in html and "My daughter Lily" in html
    entry = AuditEntry.objects.filter(actor=login).order_by("-id").first()
    assert entry is not None
    assert (entry.action, entry.participant_id) == ("view", participant.pk)


def test_participant_sees_only_their_own_plan(world: World, client_for: ClientFor) -> None:
    mine = person(world).participant
    other = person(world, "Other").participant
    login = portal_login(mine)
    signed(world, other, full_content(reasons=(Item(text="Someone else's reason"),)))
    html = client_for(login).get("/me/safety-plan/").content.decode()
    assert "Someone else's reason" not in html
    assert "do not have a signed safety plan yet" in html
    assert 'href="tel:988"' in html  # help is always one tap away


def test_staff_cannot_open_the_portal_page(world: World, client_for: ClientFor) -> None:
    assert client_for(world.clinician_a).get("/me/safety-plan/").status_code == 403


def test_signing_step_appears_and_the_participant_signs(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    version = draft(world, participant)
    actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    client = client_for(login)
    assert "Sign my safety plan" in client.get("/me/safety-plan/").content.decode()
    page = client.get("/me/safety-plan/sign/")
    assert page.status_code == 200 and "Walk the dog around the block" in page.content.decode()
    assert client.post("/me/safety-plan/sign/", {}).status_code == 200  # the box must be ticked
    version.refresh_from_db()
    assert version.status == "draft"
    response = client.post("/me/safety-plan/sign/", {"confirm": "on"})
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.status, version.participant_signature) == ("signed", "portal")


def test_sign_page_without_a_waiting_version_goes_back(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    draft(world, participant)  # not signed by the clinician yet: nothing to sign
    response = client_for(login).get("/me/safety-plan/sign/")
    assert response.status_code == 302 and response["Location"] == "/me/safety-plan/"


def test_plan_in_spanish_for_a_spanish_speaker(world: World, client_for: ClientFor) -> None:
    participant = person(world, language="es").participant
    login = portal_login(participant)
    signed(world, participant)
    html = client_for(login).get("/me/safety-plan/").content.decode()
    assert "Mi plan de seguridad" in html and "Llamar al 988" in html and "Paso 1" in html


def test_reading_the_version_to_sign_is_audited(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    version = draft(world, participant)
    actions.sign_as_clinician(version=version, by=world.clinician_a, at=NOW, written_with_participant=True)
    client_for(login).get("/me/safety-plan/sign/")
    entry = AuditEntry.objects.filter(actor=login).order_by("-id").first()
    assert entry is not None
    assert (entry.action, entry.object_id, entry.participant_id) == ("view", str(version.pk), participant.pk)


def test_the_signed_on_day_is_the_sites_day_as_on_the_pdf(world: World, client_for: ClientFor) -> None:
    """Signed at 03:00 UTC on 24 Nov, which is still 23 Nov (22:00) in New York, the site's zone."""
    participant = person(world).participant
    late_evening = dt.datetime(2026, 11, 24, 3, 0, tzinfo=dt.UTC)
    version = signed(world, participant, at=late_evening)
    assert pdf_context(participant, version)["participant_signed_on"] == dt.date(2026, 11, 23)
    html = client_for(portal_login(participant)).get("/me/safety-plan/").content.decode()
    assert f"Signed {short_date(dt.date(2026, 11, 23), 'en')} · version {version.number}" in html
    assert short_date(dt.date(2026, 11, 24), "en") not in html
    outside_a_request = render_to_string("safetyplans/_portal_plan.html", {"plan": version, "lang": "en"})
    assert f"Signed {short_date(dt.date(2026, 11, 23), 'en')}" in outside_a_request
