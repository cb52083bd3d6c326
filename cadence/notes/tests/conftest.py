"""Notes test world on top of the personas: sessions with attendance marks, members with chosen names,
and a supervised clinician. NOW is Monday 23 Nov 2026, 10:00 in New York; the default session ran on
Friday 20 Nov, 09:00-10:30 (so its 24-hour signing deadline has passed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine

from cadence.accounts.models import Role, User
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.participants.models import Episode
from cadence.programs.models import Program, Room
from cadence.scheduling.models import Booking, ServiceType, Session
from cadence.testing.factories import EpisodeFactory, ParticipantFactory, RoomFactory, UserFactory
from cadence.testing.personas import NOW, World

FRIDAY = dt.date(2026, 11, 20)


@dataclass
class NotesWorld:
    world: World
    room_a: Room
    room_b: Room
    supervisee: User

    def session(
        self,
        service: str = "process-group",
        day: dt.date = FRIDAY,
        hour: int = 9,
        minutes: int = 90,
        program: Program | None = None,
        facilitator: User | None = None,
    ) -> Session:
        program = program or self.world.iop_a
        starts = dt.datetime.combine(day, dt.time(hour), tzinfo=program.site.zone)
        return Session.objects.create(
            program=program,
            track=None,
            service_type=ServiceType.objects.get(code=service),
            occurs_on=day,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=minutes),
            room=self.room_a if program.site_id == self.world.site_a.pk else self.room_b,
            facilitator=facilitator,
            capacity=15,
            created_at=NOW - dt.timedelta(days=14),
            created_by=self.world.director,
        )

    def member(self, first: str = "", last: str = "", preferred: str = "", program: Program | None = None) -> Episode:
        names = {k: v for k, v in (("legal_first_name", first), ("legal_last_name", last)) if v}
        participant = ParticipantFactory(organization=self.world.site_a.organization, preferred_name=preferred, **names)
        program = program or self.world.iop_a
        track = self.world.morning_a if program == self.world.iop_a else None
        episode: Episode = EpisodeFactory(
            participant=participant, program=program, track=track, primary_clinician=self.world.clinician_a
        )
        return episode

    def attend(self, session: Session, episode: Episode, status: str = AttendanceStatus.PRESENT) -> Attendance:
        booking = Booking.objects.create(
            session=session,
            episode=episode,
            participant=episode.participant,
            created_at=NOW - dt.timedelta(days=7),
            created_by=self.world.director,
        )
        present = status == AttendanceStatus.PRESENT
        return Attendance.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            booking=booking,
            occurs_on=session.occurs_on,
            status=status,
            session_minutes=session.minutes,
            minutes=session.minutes if present else 0,
            created_at=session.ends_at,
            created_by=self.world.director,
            updated_at=session.ends_at,
            updated_by=self.world.director,
        )

    def group(self, *episodes: Episode, **kwargs: object) -> Session:
        session = self.session(**kwargs)  # type: ignore[arg-type]
        for episode in episodes:
            self.attend(session, episode)
        return session


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def nw(world: World) -> NotesWorld:
    supervisee = UserFactory(
        username="intern",
        first_name="Iris",
        last_name="Intern",
        role=Role.CLINICIAN,
        organization=world.site_a.organization,
        needs_supervision=True,
        supervisor=world.clinician_a,
    )
    supervisee.sites.set([world.site_a])
    supervisee.programs.set([world.iop_a])
    return NotesWorld(
        world=world,
        room_a=RoomFactory(site=world.site_a, name="Cedar"),
        room_b=RoomFactory(site=world.site_b, name="Birch"),
        supervisee=supervisee,
    )
