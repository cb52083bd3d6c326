"""Staff invite a participant to the portal: a participant login (unusable password) and a one-time
set-password link shown once; audited; the link works once and signs the participant in."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import Role, User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures.tests.helpers import person, site_b_person
from cadence.participants.models import Participant
from cadence.portal import actions
from cadence.testing.personas import NOW, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]
PASSWORD = "a-long-river-stone-7"


def invite(world: World, client_for: ClientFor, participant: Participant) -> str:
    response = client_for(world.frontdesk).post(f"/measures/participant/{participant.pk}/portal/")
    assert response.status_code == 200
    match = re.search(r"http://testserver(/me/welcome/[^/]+/[^/]+/)", response.content.decode())
    assert match is not None
    return match.group(1)


def test_invitation_creates_a_participant_login_with_no_usable_password(world: World, client_for: ClientFor) -> None:
    participant = person(world, first="Robin").participant

    path = invite(world, client_for, participant)

    participant.refresh_from_db()
    user = participant.portal_user
    assert user is not None
    assert (user.role, user.organization_id, user.first_name) == (
        Role.PARTICIPANT,
        participant.organization_id,
        "Robin",
    )
    assert user.username == participant.record_number.lower()
    assert not user.has_usable_password()
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="accounts.user")
    assert (entry.actor, entry.participant_id) == (world.frontdesk, participant.pk)
    assert path.split("/")[-2] not in str(entry.changes)  # the token is not logged


def test_the_link_sets_the_password_signs_in_and_works_once(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    path = invite(world, client_for, participant)
    client = Client()

    page = client.get(path)
    saved = client.post(path, {"new_password1": PASSWORD, "new_password2": PASSWORD})

    assert page.status_code == 200 and participant.record_number.lower() in page.content.decode()
    assert saved.status_code == 302 and saved["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    user = User.objects.get(pk=Participant.objects.get(pk=participant.pk).portal_user_id)
    assert user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(actor=user, summary="Set the portal password").exists()
    reused = Client().get(path)
    assert reused.status_code == 410 and "already used" in reused.content.decode()
    signed_in = Client().post("/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=True)
    assert signed_in.redirect_chain[-1] == ("/me/", 302)


def test_weak_passwords_are_refused(world: World, client_for: ClientFor) -> None:
    path = invite(world, client_for, person(world).participant)
    response = Client().post(path, {"new_password1": "short", "new_password2": "short"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_a_new_link_for_an_existing_login_keeps_the_login(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    first = actions.invite_participant(participant=participant, by=world.clinician_a, at=NOW)
    second = actions.invite_participant(participant=participant, by=world.clinician_a, at=NOW)
    assert (first.created, second.created) == (True, False)
    assert first.user == second.user
    assert User.objects.filter(role=Role.PARTICIPANT).count() == 1


def test_tampered_links_are_refused(world: World, client_for: ClientFor) -> None:
    path = invite(world, client_for, person(world).participant)
    uid, token = path.split("/")[3:5]
    assert Client().get(f"/me/welcome/{uid}/{token}x/").status_code == 410
    assert Client().get(f"/me/welcome/nonsense/{token}/").status_code == 410
    staff_uid = path.replace(uid, "MQ")  # a staff member's id
    assert Client().get(staff_uid).status_code == 410


def test_invitation_needs_scope_and_an_intake_role(world: World, client_for: ClientFor) -> None:
    theirs = site_b_person(world).participant
    ours = person(world).participant
    assert client_for(world.clinician_a).post(f"/measures/participant/{theirs.pk}/portal/").status_code == 404
    assert client_for(world.billing).post(f"/measures/participant/{ours.pk}/portal/").status_code == 403
    assert client_for(world.auditor).post(f"/measures/participant/{ours.pk}/portal/").status_code == 403
    assert not User.objects.filter(role=Role.PARTICIPANT).exists()
    with pytest.raises(actions.PortalError):
        actions.invite_participant(participant=ours, by=world.outsider, at=NOW)


def test_invite_page_shows_the_portal_status(world: World, client_for: ClientFor) -> None:
    participant = person(world).participant
    html = client_for(world.clinician_a).get(f"/measures/participant/{participant.pk}/portal/").content.decode()
    assert "Invite to the portal" in html
    actions.invite_participant(participant=participant, by=world.clinician_a, at=NOW)
    html = client_for(world.clinician_a).get(f"/measures/participant/{participant.pk}/portal/").content.decode()
    assert "password not set yet" in html and "Issue a new set-password link" in html
