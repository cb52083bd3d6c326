"""A participant's own login never reaches staff pages or the staff API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import Role, User
from cadence.testing.factories import UserFactory
from cadence.testing.personas import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def participant_login(world: World) -> User:
    episode = world.episode()
    user: User = UserFactory(username="portal-user", role=Role.PARTICIPANT, organization=world.site_a.organization)
    episode.participant.portal_user = user
    episode.participant.save(update_fields=["portal_user"])
    return user


@pytest.mark.parametrize("url", ["/", "/participants/", "/audit/", "/accounts/tokens/", "/admin/"])
def test_staff_pages_send_a_participant_to_their_portal(
    participant_login: User, client_for: Callable[[User], Client], url: str
) -> None:
    response = client_for(participant_login).get(url)
    assert response.status_code == 302
    assert response["Location"] == "/me/"


def test_the_staff_api_refuses_a_participant_session_and_token(
    world: World, participant_login: User, client_for: Callable[[User], Client], api_for: Callable[[User], Client]
) -> None:
    assert client_for(participant_login).get("/api/v1/participants").status_code == 403
    assert api_for(participant_login).get("/api/v1/participants").status_code == 403


def test_participant_role_has_no_staff_capability() -> None:
    from cadence.accounts.permissions import ROLE_CAPABILITIES, Capability, has_capability

    assert Role.PARTICIPANT not in ROLE_CAPABILITIES
    assert not any(has_capability(Role.PARTICIPANT, cap) for cap in Capability)
