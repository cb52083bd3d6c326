"""Pages show times in the signed-in user's site zone; storage and the API stay in UTC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cadence.accounts.actions import create_api_token
from cadence.accounts.models import Role, User
from cadence.core.timezones import SESSION_KEY, zone_name_for
from cadence.testing.factories import UserFactory
from cadence.testing.personas import World

ClientFor = Callable[[User], Client]
# 17:05 UTC on 15 January: 12:05 in New York (EST), 11:05 in Chicago (CST).
CREATED = dt.datetime(2026, 1, 15, 17, 5, tzinfo=dt.UTC)


def _tokens_page(client: Client) -> str:
    return client.get(reverse("accounts:tokens")).content.decode()


def test_a_user_sees_times_in_their_sites_zone_with_its_abbreviation(world: World, client_for: ClientFor) -> None:
    for user, shown in ((world.clinician_a, "2026-01-15 12:05 EST"), (world.clinician_b, "2026-01-15 11:05 CST")):
        create_api_token(user=user, name="sync", by=user, at=CREATED)
        assert shown in _tokens_page(client_for(user))


def test_the_zone_is_kept_in_the_session_at_sign_in_and_released_after_the_request(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.clinician_b)
    assert client.session[SESSION_KEY] == "America/Chicago"
    client.get(reverse("accounts:tokens"))
    assert timezone.get_current_timezone_name() == "UTC"


def test_a_session_from_before_sign_in_kept_the_zone_gets_it_once(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_b)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    create_api_token(user=world.clinician_b, name="sync", by=world.clinician_b, at=CREATED)
    assert "2026-01-15 11:05 CST" in _tokens_page(client)
    assert client.session[SESSION_KEY] == "America/Chicago"


def test_a_user_without_a_site_uses_the_organizations_first_site_and_else_the_server_zone(world: World) -> None:
    assert zone_name_for(world.billing) == "America/Chicago"  # "Lakeview" sorts before "Northside"
    nowhere = UserFactory(username="nowhere", role=Role.ADMIN, organization=None)
    assert zone_name_for(nowhere) == "UTC"


def test_a_participant_sees_the_zone_of_their_current_episodes_site(world: World) -> None:
    episode = world.episode()  # Northside, New York; the organization's first site by name is Lakeview, Chicago
    user: User = UserFactory(username="portal-user", role=Role.PARTICIPANT, organization=world.site_a.organization)
    episode.participant.portal_user = user
    episode.participant.save(update_fields=["portal_user"])
    assert zone_name_for(user) == "America/New_York"
