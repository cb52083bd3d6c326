"""Helpers of the safety plan tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cadence.accounts.models import Role, User
from cadence.participants.models import Episode, Participant
from cadence.safetyplans import actions
from cadence.safetyplans.models import SafetyPlanVersion
from cadence.safetyplans.rules import PlanContent
from cadence.testing.factories import ParticipantFactory, UserFactory
from cadence.testing.personas import NOW, World

from .factories_content import full_content


def person(world: World, last: str = "Rivera", **episode: Any) -> Episode:
    """An admitted participant of site A's IOP whose primary clinician is clinician_a."""
    participant = ParticipantFactory(
        legal_first_name=episode.pop("first", "Jordan"),
        legal_last_name=last,
        organization=world.site_a.organization,
        language=episode.pop("language", "en"),
    )
    return world.episode(participant=participant, **episode)


def site_b_person(world: World, last: str = "Lakeside") -> Episode:
    participant = ParticipantFactory(legal_last_name=last, organization=world.site_a.organization)
    return world.episode(
        participant=participant, program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b
    )


def portal_login(participant: Participant, username: str | None = None) -> User:
    user: User = UserFactory(
        username=username or f"p-{participant.pk}", role=Role.PARTICIPANT, organization=participant.organization
    )
    participant.portal_user = user
    participant.save(update_fields=["portal_user"])
    return user


def draft(
    world: World, participant: Participant, content: PlanContent | None = None, at: dt.datetime = NOW
) -> SafetyPlanVersion:
    version = actions.start_draft(participant=participant, by=world.clinician_a, at=at, from_current=True)
    return actions.save_content(version=version, content=content or full_content(), by=world.clinician_a, at=at)


def signed(
    world: World, participant: Participant, content: PlanContent | None = None, at: dt.datetime = NOW
) -> SafetyPlanVersion:
    """A version signed by clinician_a with the participant's signature on paper: the current plan."""
    version = draft(world, participant, content, at)
    return actions.sign_as_clinician(
        version=version, by=world.clinician_a, at=at, written_with_participant=True, participant_signed_on_paper=True
    )
