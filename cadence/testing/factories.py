"""factory_boy factories for tests and benchmarks (synthetic data only)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from cadence.accounts.models import Role, User
from cadence.participants.models import Episode, EpisodeStatus, LevelOfCareChange, Participant
from cadence.programs.models import LevelOfCare, Organization, Program, Room, Site, Track

TEST_PASSWORD = "correct-horse-battery-staple"  # noqa: S105 (test-only)


class OrganizationFactory(factory.django.DjangoModelFactory[Organization]):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = "Riverbend Recovery Collective"
    slug = "riverbend"


class SiteFactory(factory.django.DjangoModelFactory[Site]):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    address = "100 Example Street, Springfield"
    time_zone = "America/New_York"


def level(code: str) -> LevelOfCare:
    return LevelOfCare.objects.get(code=code)


class ProgramFactory(factory.django.DjangoModelFactory[Program]):
    class Meta:
        model = Program

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Adult IOP {n}")
    code = factory.Sequence(lambda n: f"iop-{n}")
    level_of_care = factory.LazyFunction(lambda: level("2.1"))


class TrackFactory(factory.django.DjangoModelFactory[Track]):
    class Meta:
        model = Track

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Morning {n}")
    kind = "morning"
    weekdays_mask = 0b0001011  # Mon, Tue, Thu
    starts_at = dt.time(9, 0)
    ends_at = dt.time(12, 0)


class RoomFactory(factory.django.DjangoModelFactory[Room]):
    class Meta:
        model = Room

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Room {n}")
    capacity = 12


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    role = Role.CLINICIAN
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_after(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class ParticipantFactory(factory.django.DjangoModelFactory[Participant]):
    class Meta:
        model = Participant
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    record_number = factory.Sequence(lambda n: f"T{n:06d}")
    legal_first_name = factory.Sequence(lambda n: f"Alex{n}")
    legal_last_name = factory.Sequence(lambda n: f"Testperson{n}")
    date_of_birth = dt.date(1990, 5, 17)
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def search(self, create: bool, extracted: object, **kwargs: object) -> None:
        self.refresh_search_text()
        if create:
            Participant.objects.filter(pk=self.pk).update(search_text=self.search_text)


class EpisodeFactory(factory.django.DjangoModelFactory[Episode]):
    """An active episode by default (admitted 30 days before the reference date)."""

    class Meta:
        model = Episode
        skip_postgeneration_save = True

    participant = factory.SubFactory(ParticipantFactory)
    program = factory.SubFactory(ProgramFactory)
    track = factory.LazyAttribute(lambda o: TrackFactory(program=o.program))
    status = EpisodeStatus.ACTIVE
    referred_on = dt.date(2026, 10, 1)
    admitted_on = dt.date(2026, 10, 5)
    level_of_care = factory.LazyAttribute(lambda o: o.program.level_of_care)
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def initial_level(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create and self.admitted_on and self.level_of_care_id:
            LevelOfCareChange.objects.create(
                episode=self,
                level_of_care=self.level_of_care,
                starts_on=self.admitted_on,
                reason="Admission",
                changed_by=self.primary_clinician or UserFactory(organization=self.participant.organization),
                created_at=self.created_at,
            )
