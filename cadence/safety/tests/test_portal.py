"""The participant's help page: crisis lines, own contacts, the help button with its confirmation step."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.participants.models import EmergencyContact, Episode
from cadence.safety.models import CrisisEvent
from cadence.testing.personas import World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


def test_the_help_page_shows_crisis_lines_and_the_participants_own_contacts(
    episode_a: Episode, portal_user: User, client_for: ClientFor
) -> None:
    EmergencyContact.objects.create(
        participant=episode_a.participant, name="Ana Rivera", relationship="Sister", phone="(555) 010-0123"
    )
    page = client_for(portal_user).get("/me/help/").content.decode()
    assert 'href="tel:988"' in page and 'href="sms:988"' in page and 'href="tel:911"' in page
    assert 'href="tel:5550100123"' in page and "Ana Rivera" in page
    assert "Tell my care team I need help now" in page
    assert 'class="help-now"' not in page  # the page itself is the help


def test_contact_phones_become_tel_links_as_on_the_safety_plan(
    episode_a: Episode, portal_user: User, client_for: ClientFor
) -> None:
    """The help page and the safety plan turn a phone into a ``tel:`` target the same way: the digits, with
    a leading + kept and any other + dropped; a phone without digits is shown without a link."""
    participant = episode_a.participant
    EmergencyContact.objects.create(participant=participant, name="Ana Rivera", phone="+1 (555) 010-0177")
    EmergencyContact.objects.create(participant=participant, name="Ben Rivera", phone="555 010 0188 +2")
    EmergencyContact.objects.create(participant=participant, name="Cal Rivera", phone="ask the front desk")
    page = client_for(portal_user).get("/me/help/").content.decode()
    assert 'href="tel:+15550100177"' in page
    assert 'href="tel:55501001882"' in page
    assert "ask the front desk" in page and 'href="tel:"' not in page


def test_every_portal_page_has_the_help_button_and_home_links_the_safety_plan(
    portal_user: User, client_for: ClientFor
) -> None:
    home = client_for(portal_user).get("/me/").content.decode()
    assert '<a class="help-now" href="/me/help/">I need help now</a>' in home
    assert 'href="/me/safety-plan/"' in home and "My safety plan" in home
    check_in = client_for(portal_user).get("/me/check-in/").content.decode()
    assert 'href="/me/help/"' in check_in


def test_pressing_the_button_asks_to_confirm_then_raises_a_high_event(
    world: World, episode_a: Episode, portal_user: User, client_for: ClientFor
) -> None:
    client = client_for(portal_user)
    confirm = client.post("/me/help/tell/")
    assert confirm.status_code == 200 and "Yes, tell my care team" in confirm.content.decode()
    assert not CrisisEvent.objects.exists()
    done = client.post("/me/help/tell/", {"confirm": "yes"})
    assert done.status_code == 302 and done["Location"] == "/me/help/sent/"
    event = CrisisEvent.objects.get()
    assert (event.participant, event.severity, event.source, event.raised_by) == (
        episode_a.participant,
        "high",
        "participant",
        portal_user,
    )
    sent = client.get("/me/help/sent/").content.decode()
    assert "Your care team has been told" in sent and "waiting for your care team" in sent and "15 minutes" in sent


def test_the_help_page_speaks_spanish(episode_a: Episode, portal_user: User, client_for: ClientFor) -> None:
    participant = episode_a.participant
    participant.language = "es"
    participant.save(update_fields=["language"])
    page = client_for(portal_user).get("/me/help/").content.decode()
    assert "Avisar a mi equipo que necesito ayuda ahora" in page and "Llamar al 988" in page


def test_the_button_needs_csrf(portal_user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(portal_user)
    assert client.post("/me/help/tell/", {"confirm": "yes"}).status_code == 403
    assert not CrisisEvent.objects.exists()


def test_staff_cannot_use_the_participant_help_page(world: World, client_for: ClientFor) -> None:
    assert client_for(world.clinician_a).get("/me/help/").status_code in (302, 403)
    assert client_for(world.clinician_a).post("/me/help/tell/", {"confirm": "yes"}).status_code in (302, 403)
    assert not CrisisEvent.objects.exists()


def test_the_plan_section_says_there_is_none_yet(portal_user: User, client_for: ClientFor) -> None:
    assert "do not have a signed safety plan yet" in client_for(portal_user).get("/me/help/").content.decode()


def test_the_help_page_shows_the_signed_safety_plan(
    world: World, episode_a: Episode, portal_user: User, client_for: ClientFor
) -> None:
    from cadence.safetyplans.tests import helpers as plans

    plans.signed(world, episode_a.participant)
    page = client_for(portal_user).get("/me/help/").content.decode()
    assert "sp-portal-plan" in page and "do not have a signed safety plan yet" not in page
