"""Test personas: two sites of one organization, each with an IOP; staff of every role (synthetic)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cadence.accounts.models import Role, User
from cadence.participants.models import Episode
from cadence.programs.models import Program, Site, Track
from cadence.testing.factories import (
    EpisodeFactory,
    OrganizationFactory,
    ProgramFactory,
    SiteFactory,
    TrackFactory,
    UserFactory,
    level,
)

# A fixed "now": Monday 23 November 2026, 15:00 UTC (10:00 in New York).
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)


@dataclass
class World:
    site_a: Site
    site_b: Site
    iop_a: Program
    php_a: Program
    iop_b: Program
    morning_a: Track
    evening_a: Track
    php_day_a: Track
    morning_b: Track
    admin: User
    director: User
    clinician_a: User
    clinician_b: User
    frontdesk: User
    billing: User
    auditor: User
    outsider: User  # an active user of another organization

    def episode(self, **kwargs: object) -> Episode:
        kwargs.setdefault("program", self.iop_a)
        kwargs.setdefault("track", self.morning_a)
        kwargs.setdefault("primary_clinician", self.clinician_a)
        episode: Episode = EpisodeFactory(**kwargs)
        return episode


def build_world() -> World:
    org = OrganizationFactory()
    site_a = SiteFactory(organization=org, name="Northside", time_zone="America/New_York")
    site_b = SiteFactory(organization=org, name="Lakeview", time_zone="America/Chicago")
    iop_a = ProgramFactory(site=site_a, name="Adult IOP", code="iop")
    php_a = ProgramFactory(site=site_a, name="Adult PHP", code="php", level_of_care=level("2.5"))
    iop_b = ProgramFactory(site=site_b, name="Adult IOP", code="iop")
    morning_a = TrackFactory(program=iop_a, name="Morning", kind="morning", weekdays_mask=0b0011111)
    evening_a = TrackFactory(
        program=iop_a,
        name="Evening",
        kind="evening",
        weekdays_mask=0b0001011,
        starts_at=dt.time(18, 0),
        ends_at=dt.time(21, 0),
    )
    php_day_a = TrackFactory(
        program=php_a, name="Day", weekdays_mask=0b0011111, starts_at=dt.time(9, 0), ends_at=dt.time(14, 0)
    )
    morning_b = TrackFactory(program=iop_b, name="Morning", weekdays_mask=0b0011111)

    def staff(username: str, role: str, *, sites: list[Site] = (), programs: list[Program] = ()) -> User:  # type: ignore[assignment]
        user: User = UserFactory(username=username, role=role, organization=org)
        user.sites.set(sites)
        user.programs.set(programs)
        return user

    other_org = OrganizationFactory(name="Elsewhere Health", slug="elsewhere")
    return World(
        site_a=site_a,
        site_b=site_b,
        iop_a=iop_a,
        php_a=php_a,
        iop_b=iop_b,
        morning_a=morning_a,
        evening_a=evening_a,
        php_day_a=php_day_a,
        morning_b=morning_b,
        admin=staff("admin", Role.ADMIN),
        director=staff("director", Role.DIRECTOR, sites=[site_a]),
        clinician_a=staff("clinician", Role.CLINICIAN, sites=[site_a], programs=[iop_a, php_a]),
        clinician_b=staff("clinician2", Role.CLINICIAN, sites=[site_b], programs=[iop_b]),
        frontdesk=staff("frontdesk", Role.FRONT_DESK, sites=[site_a]),
        billing=staff("billing", Role.BILLING),
        auditor=staff("auditor", Role.AUDITOR),
        outsider=UserFactory(username="outsider", role=Role.ADMIN, organization=other_org),
    )
