"""Fixtures of the safety tests. Django is imported lazily so the pure tests run without a database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from cadence.participants.models import Episode
    from cadence.testing.personas import World


@pytest.fixture
def frozen() -> Iterator[Any]:
    """The clock stopped at NOW (Monday 23 November 2026, 15:00 UTC); ``frozen.move_to`` travels."""
    import time_machine

    from cadence.testing.personas import NOW

    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def episode_a(world: World) -> Episode:
    """An admitted participant of site A's IOP; primary clinician clinician_a (who has an e-mail address)."""
    from cadence.testing.factories import ParticipantFactory

    world.clinician_a.email = "clinician@example.org"
    world.clinician_a.save(update_fields=["email"])
    participant = ParticipantFactory(
        legal_first_name="Jordan", legal_last_name="Rivera", organization=world.site_a.organization
    )
    return world.episode(participant=participant)


@pytest.fixture
def episode_b(world: World) -> Episode:
    """A participant of site B's IOP (clinician_b's)."""
    from cadence.testing.factories import ParticipantFactory

    participant = ParticipantFactory(legal_last_name="Lakeside", organization=world.site_a.organization)
    return world.episode(
        participant=participant, program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b
    )


@pytest.fixture
def portal_user(episode_a: Episode) -> Any:
    from cadence.accounts.models import Role
    from cadence.testing.factories import UserFactory

    participant = episode_a.participant
    user = UserFactory(username="p-rivera", role=Role.PARTICIPANT, organization=participant.organization)
    participant.portal_user = user
    participant.save(update_fields=["portal_user"])
    return user
