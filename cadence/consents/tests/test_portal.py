"""The participant's consents at /me/consents/: only their own, signing a consent sent to them (in English
and in Spanish), how to revoke in writing, and who has received their records; every read audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.consents import actions
from cadence.consents.models import Consent
from cadence.testing.personas import NOW, World

from .helpers import TODAY, consent, disclosure, person, portal_login

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _sent(world: World, participant: Any, kind: str = "specific") -> Consent:
    row = consent(world, participant, kind, signed_on=None)
    return actions.send_to_portal(consent=row, by=world.clinician_a, at=NOW)


def test_participant_sees_their_consents_and_who_received_their_records(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    tpo = consent(world, participant)
    disclosure(world, participant, tpo)
    consent(world, participant, "specific", signed_on=None)  # a draft not sent: not shown
    response = client_for(login).get("/me/consents/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Treatment, payment and health care operations" in html and "In effect" in html
    assert "Who has received my records" in html and "Lakeside Family Health Plan" in html
    assert "How to revoke a consent" in html and "in writing" in html
    assert "Riverbend Primary Care" not in html
    entry = AuditEntry.objects.filter(actor=login).order_by("-id").first()
    assert entry is not None and (entry.action, entry.participant_id) == ("view", participant.pk)


def test_participant_sees_only_their_own(world: World, client_for: ClientFor) -> None:
    mine = person(world).participant
    other = person(world, "Other").participant
    login = portal_login(mine)
    theirs = consent(world, other)
    disclosure(world, other, theirs, recipient="Someone Else's Insurer")
    portal_login(other)
    waiting = _sent(world, other)
    client = client_for(login)
    html = client.get("/me/consents/").content.decode()
    assert "Someone Else's Insurer" not in html and "You have no consents on file." in html
    assert client.get(f"/me/consents/{waiting.pk}/sign/").status_code == 404
    assert client.post(f"/me/consents/{waiting.pk}/sign/", {"confirm": "on"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.signed_on is None


def test_staff_cannot_open_the_portal_page(world: World, client_for: ClientFor) -> None:
    assert client_for(world.clinician_a).get("/me/consents/").status_code == 403


def test_participant_reads_every_element_and_signs(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    waiting = _sent(world, participant)
    client = client_for(login)
    home = client.get("/me/").content.decode()
    assert 'href="/me/consents/"' in home
    listing = client.get("/me/consents/").content.decode()
    assert "A consent is waiting for your signature" in listing and f"/me/consents/{waiting.pk}/sign/" in listing
    page = client.get(f"/me/consents/{waiting.pk}/sign/").content.decode()
    for element in (
        participant.legal_name,
        "Riverbend Recovery Collective",
        waiting.information,
        "Riverbend Primary Care",
        "Coordination of care",
        "2027-05-31",
        "signed written statement",
    ):
        assert element in page, element
    assert page.index("signed written statement") < page.index("Sign this consent</button>")
    assert client.post(f"/me/consents/{waiting.pk}/sign/", {}).status_code == 200  # the box must be ticked
    waiting.refresh_from_db()
    assert waiting.signed_on is None
    response = client.post(f"/me/consents/{waiting.pk}/sign/", {"confirm": "on"})
    assert response.status_code == 302 and response["Location"] == "/me/consents/"
    waiting.refresh_from_db()
    assert (waiting.signed_on, waiting.signature) == (TODAY, "portal")
    entry = AuditEntry.objects.filter(actor=login).order_by("-id").first()
    assert entry is not None and entry.summary == "Consent signed by the participant on the portal on 2026-11-23"


def test_signing_in_spanish(world: World, client_for: ClientFor) -> None:
    participant = person(world, language="es").participant
    login = portal_login(participant)
    waiting = _sent(world, participant, "tpo")
    client = client_for(login)
    listing = client.get("/me/consents/").content.decode()
    assert "Una autorización espera su firma" in listing and "Cómo revocar una autorización" in listing
    page = client.get(f"/me/consents/{waiting.pk}/sign/").content.decode()
    assert "Firmar esta autorización" in page and "Tratamiento, pago y operaciones de atención médica" in page
    response = client.post(f"/me/consents/{waiting.pk}/sign/", {"confirm": "on"}, follow=True)
    html = response.content.decode()
    assert "Gracias. Su autorización quedó firmada." in html and "Vigente" in html
    waiting.refresh_from_db()
    assert waiting.signature == "portal"


def test_a_signed_consent_cannot_be_signed_again(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    login = portal_login(participant)
    waiting = _sent(world, participant)
    client = client_for(login)
    client.post(f"/me/consents/{waiting.pk}/sign/", {"confirm": "on"})
    again = client.get(f"/me/consents/{waiting.pk}/sign/")
    assert again.status_code == 302 and again["Location"] == "/me/consents/"
