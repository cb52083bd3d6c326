"""Helpers shared by the measures and portal tests (no tests here)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cadence.accounts.models import Role, User
from cadence.measures import actions
from cadence.measures.instruments import Answer
from cadence.measures.models import CheckIn, MeasureResult, Source
from cadence.measures.rules import CheckInValues
from cadence.participants.models import Episode, Participant
from cadence.testing.factories import ParticipantFactory, UserFactory
from cadence.testing.personas import NOW, World

TODAY = dt.date(2026, 11, 23)  # NOW in New York (site A) and Chicago (site B)


def person(world: World, last: str = "Rivera", **episode: Any) -> Episode:
    """An admitted participant of site A's IOP (admitted 5 Oct 2026) whose primary clinician is clinician_a."""
    participant = ParticipantFactory(
        legal_first_name=episode.pop("first", "Jordan"),
        legal_last_name=last,
        organization=world.site_a.organization,
        language=episode.pop("language", "en"),
        sex_at_birth=episode.pop("sex", "unknown"),
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


def phq9(total: int = 0, item9: int = 0) -> list[Answer]:
    """PHQ-9 answers adding up to ``total`` with item 9 = ``item9`` (items 1-8 filled in order)."""
    rest = total - item9
    if not 0 <= rest <= 24:
        raise ValueError("items 1-8 add up to 0-24")
    answers: list[Answer] = []
    for _ in range(8):
        value = min(3, rest)
        answers.append(value)
        rest -= value
    return [*answers, item9]


def gad7(total: int = 0) -> list[Answer]:
    answers: list[Answer] = []
    for _ in range(7):
        value = min(3, total)
        answers.append(value)
        total -= value
    return answers


CSSRS_NONE: list[Answer] = [False, False, None, None, None, False, None]


def record(
    participant: Participant,
    by: User,
    instrument: str = "phq9",
    answers: list[Answer] | None = None,
    day: dt.date = TODAY,
    at: dt.datetime = NOW,
    **kwargs: Any,
) -> MeasureResult:
    return actions.record_measure(
        participant=participant,
        instrument=instrument,
        answers=answers if answers is not None else phq9(5),
        administered_on=day,
        by=by,
        at=at,
        **kwargs,
    )


def check_in(
    participant: Participant,
    by: User,
    day: dt.date = TODAY,
    *,
    mood: int = 6,
    craving: int = 2,
    sleep: str = "7.0",
    used: bool = False,
    source: str = Source.STAFF,
) -> CheckIn:
    return actions.record_check_in(
        participant=participant,
        values=CheckInValues(mood=mood, craving=craving, sleep_hours=Decimal(sleep), used=used),
        local_date=day,
        by=by,
        at=NOW,
        source=source,
    )
