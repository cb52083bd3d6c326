"""Attendance test world on top of the personas: rooms, and helpers that build sessions and bookings
directly with the scheduling models.

Dates: NOW is Monday 23 Nov 2026, 10:00 in New York (site A). A 09:00 session today has started; an 11:00
one has not. Last week (16-22 Nov) is over.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from cadence.participants.models import Episode
from cadence.programs.models import Program, Room, Track
from cadence.scheduling.models import Booking, ServiceType, Session
from cadence.testing.factories import RoomFactory
from cadence.testing.personas import NOW, World

MONDAY = dt.date(2026, 11, 23)
LAST_MONDAY = dt.date(2026, 11, 16)
NY = zoneinfo.ZoneInfo("America/New_York")


def ny(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NY)


@dataclass
class Att:
    world: World
    room_a: Room
    room_b: Room

    def session(
        self,
        day: dt.date = MONDAY,
        hour: int = 9,
        minute: int = 0,
        minutes: int = 180,
        service: str = "process-group",
        program: Program | None = None,
        track: Track | None = None,
        status: str = "scheduled",
    ) -> Session:
        program = program or self.world.iop_a
        starts = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=program.site.zone)
        if track is None:
            track = self.world.morning_a if program == self.world.iop_a else None
        return Session.objects.create(
            program=program,
            track=track,
            service_type=ServiceType.objects.get(code=service),
            occurs_on=day,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes),
            room=self.room_a if program.site_id == self.world.site_a.pk else self.room_b,
            capacity=12,
            status=status,
            created_at=NOW - dt.timedelta(days=14),
            created_by=self.world.director,
        )

    def book(self, session: Session, episode: Episode) -> Booking:
        return Booking.objects.create(
            session=session,
            episode=episode,
            participant=episode.participant,
            created_at=NOW - dt.timedelta(days=7),
            created_by=self.world.director,
        )

    def booked(self, episode: Episode, **kwargs: object) -> Session:
        session = self.session(**kwargs)  # type: ignore[arg-type]
        self.book(session, episode)
        return session

    def episode(self, **kwargs: object) -> Episode:
        return self.world.episode(**kwargs)


@pytest.fixture
def att(world: World) -> Att:
    return Att(
        world=world,
        room_a=RoomFactory(site=world.site_a, name="Group Room A", capacity=14),
        room_b=RoomFactory(site=world.site_b, name="Lakeview Room", capacity=14),
    )


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def immediate_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
