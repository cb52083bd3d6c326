"""A scheduling world on top of the personas: rooms, credentialed staff and a morning template.

Dates: NOW is Monday 23 Nov 2026, 10:00 in New York (site A). "Next week" starts Monday 30 Nov.
The morning track of the Adult IOP at site A runs Monday to Friday 09:00-12:00; its template has a
process group (09:00-10:30) and a relapse prevention group (10:30-12:00) on Mon, Tue and Thu, so a
participant in every group gets the 9 hours on 3 days that level 2.1 asks for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import time_machine

from cadence.accounts.models import Credential, Role, User
from cadence.participants.models import Episode
from cadence.programs.models import Room
from cadence.scheduling import actions
from cadence.scheduling.models import ServiceType, Session, TemplateSlot, WeeklyTemplate
from cadence.testing.factories import RoomFactory, UserFactory
from cadence.testing.personas import NOW, World

NEXT_MONDAY = dt.date(2026, 11, 30)
THIS_MONDAY = dt.date(2026, 11, 23)


@dataclass
class Sched:
    world: World
    group_room: Room
    second_room: Room
    office: Room
    family_room: Room
    room_b: Room
    counselor: User  # LADC, second clinician of the Adult IOP at site A
    prescriber: User  # MD
    template: WeeklyTemplate
    process: TemplateSlot
    relapse: TemplateSlot

    def service(self, code: str) -> ServiceType:
        return ServiceType.objects.get(code=code)

    def episode(self, **kwargs: object) -> Episode:
        return self.world.episode(**kwargs)

    def generate(self, week_start: dt.date = NEXT_MONDAY) -> list[Session]:
        actions.generate_sessions(
            program=self.world.iop_a,
            starts_on=week_start,
            ends_on=week_start + dt.timedelta(days=7),
            by=self.world.director,
            at=NOW,
        )
        return list(Session.objects.filter(occurs_on__gte=week_start, occurs_on__lt=week_start + dt.timedelta(days=7)))


def credential(code: str) -> Credential:
    return Credential.objects.get(code=code)


def build_sched(world: World) -> Sched:
    site = world.site_a
    group_room = RoomFactory(site=site, name="Group Room A", capacity=14)
    second_room = RoomFactory(site=site, name="Group Room B", capacity=13)
    office = RoomFactory(site=site, name="Office 1", capacity=2)
    family_room = RoomFactory(site=site, name="Family Room", capacity=5)
    room_b = RoomFactory(site=world.site_b, name="Lakeview Group Room", capacity=14)
    world.clinician_a.credentials.set([credential("LCSW")])
    world.clinician_b.credentials.set([credential("LPC")])
    counselor: User = UserFactory(
        username="counselor", role=Role.CLINICIAN, organization=world.iop_a.site.organization, first_name="Theo"
    )
    counselor.credentials.set([credential("LADC")])
    counselor.sites.set([site])
    counselor.programs.set([world.iop_a])
    prescriber: User = UserFactory(
        username="prescriber", role=Role.CLINICIAN, organization=world.iop_a.site.organization, first_name="Helen"
    )
    prescriber.credentials.set([credential("MD")])
    prescriber.programs.set([world.iop_a])
    template = actions.create_template(
        program=world.iop_a,
        track=world.morning_a,
        name="Morning week",
        starts_on=dt.date(2026, 11, 1),
        by=world.director,
        at=NOW,
    )
    slots: dict[str, TemplateSlot] = {}
    for weekday in (0, 1, 3):
        for code, start, end in (("process-group", 9 * 60, 10 * 60 + 30), ("relapse-prevention", 630, 720)):
            slots[f"{code}-{weekday}"] = actions.add_template_slot(
                template=template,
                weekday=weekday,
                starts_at=dt.time(start // 60, start % 60),
                ends_at=dt.time(end // 60, end % 60),
                service_type=ServiceType.objects.get(code=code),
                room=group_room,
                by=world.director,
                at=NOW,
            )
    return Sched(
        world=world,
        group_room=group_room,
        second_room=second_room,
        office=office,
        family_room=family_room,
        room_b=room_b,
        counselor=counselor,
        prescriber=prescriber,
        template=template,
        process=slots["process-group-0"],
        relapse=slots["relapse-prevention-0"],
    )


@pytest.fixture
def sched(world: World) -> Sched:
    return build_sched(world)


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def immediate_tasks(settings: object) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]


At = Callable[[int, int, int], dt.datetime]


def ny(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware instant from a New York wall-clock time (site A)."""
    import zoneinfo

    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo("America/New_York"))
