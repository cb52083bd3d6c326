"""A small hand-built world of episodes and results for the outcomes tests (synthetic data only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cadence.accounts.models import Role, User
from cadence.measures.models import MeasureResult
from cadence.participants.models import Episode, EpisodeStatus
from cadence.programs.models import Program, Track
from cadence.testing.factories import ParticipantFactory, UserFactory
from cadence.testing.personas import NOW, World

D = dt.date


def result(episode: Episode, instrument: str, total: int | None, day: dt.date, *, linked: bool = True) -> MeasureResult:
    """A stored result (``total`` None: an incomplete one, as an import might hold)."""
    return MeasureResult.objects.create(
        participant=episode.participant,
        episode=episode if linked else None,
        instrument=instrument,
        instrument_version="1",
        answers=[],
        total=total,
        administered_on=day,
        administered_at=NOW,
        source="staff",
        entered_by=episode.primary_clinician,
    )


def discharged(
    world: World,
    *,
    admitted: dt.date,
    discharged_on: dt.date,
    reason: int,
    last_name: str,
    program: Program | None = None,
    track: Track | None = None,
) -> Episode:
    participant = ParticipantFactory(legal_last_name=last_name, organization=world.site_a.organization)
    return world.episode(
        participant=participant,
        program=program or world.iop_a,
        track=track or (world.morning_b if program == world.iop_b else world.morning_a),
        primary_clinician=world.clinician_b if program == world.iop_b else world.clinician_a,
        status=EpisodeStatus.DISCHARGED,
        referred_on=admitted,
        admitted_on=admitted,
        discharged_on=discharged_on,
        discharge_reason=reason,
    )


def active(world: World, *, admitted: dt.date, last_name: str) -> Episode:
    participant = ParticipantFactory(legal_last_name=last_name, organization=world.site_a.organization)
    return world.episode(participant=participant, referred_on=admitted, admitted_on=admitted)


@dataclass
class Small:
    completed_improved: Episode
    dropped_no_change: Episode
    completed_worse: Episode
    too_early: Episode
    still_active: Episode
    other_site: Episode


def small_world(world: World) -> Small:
    """Site A's IOP over the default period (26 Aug to 23 Nov 2026):

    - Quill: admitted 1 Sep, completed 30 Oct (60 days). PHQ-9 18 (7 days before admission) -> 8:
      reliable improvement and reliable recovery; GAD-7 12 -> 7: reliable improvement, recovered.
    - Rook: admitted 10 Sep, dropped out 10 Nov (62 days). PHQ-9 12 -> 10: no reliable change, still a
      case; one GAD-7 only (not enough data).
    - Sable: admitted 1 Oct, completed 20 Nov (51 days). An incomplete PHQ-9 on 1 Oct, 8 on 2 Oct, 15 on
      15 Nov: reliable deterioration (not a case at start). A PHQ-9 of 2 answered 20 days before admission
      is outside the baseline window.
    - Tarn: discharged 1 Aug, before the period. Umber: still active. Vale: site B's IOP.
    """
    quill = discharged(world, admitted=D(2026, 9, 1), discharged_on=D(2026, 10, 30), reason=1, last_name="Quill")
    result(quill, "phq9", 18, D(2026, 8, 25), linked=False)
    result(quill, "phq9", 13, D(2026, 9, 20))
    result(quill, "phq9", 8, D(2026, 10, 28))
    result(quill, "gad7", 12, D(2026, 9, 1))
    result(quill, "gad7", 7, D(2026, 10, 28))
    rook = discharged(world, admitted=D(2026, 9, 10), discharged_on=D(2026, 11, 10), reason=2, last_name="Rook")
    result(rook, "phq9", 12, D(2026, 9, 10))
    result(rook, "phq9", 10, D(2026, 11, 3))
    result(rook, "gad7", 9, D(2026, 9, 10))
    sable = discharged(world, admitted=D(2026, 10, 1), discharged_on=D(2026, 11, 20), reason=1, last_name="Sable")
    result(sable, "phq9", 2, D(2026, 9, 11), linked=False)
    result(sable, "phq9", None, D(2026, 10, 1))
    result(sable, "phq9", 8, D(2026, 10, 2))
    result(sable, "phq9", 15, D(2026, 11, 15))
    tarn = discharged(world, admitted=D(2026, 6, 1), discharged_on=D(2026, 8, 1), reason=1, last_name="Tarn")
    result(tarn, "phq9", 20, D(2026, 6, 1))
    result(tarn, "phq9", 4, D(2026, 7, 30))
    umber = active(world, admitted=D(2026, 10, 15), last_name="Umber")
    result(umber, "phq9", 22, D(2026, 10, 15))
    result(umber, "phq9", 14, D(2026, 11, 16))
    vale = discharged(
        world, admitted=D(2026, 9, 1), discharged_on=D(2026, 11, 1), reason=3, last_name="Vale", program=world.iop_b
    )
    result(vale, "phq9", 20, D(2026, 9, 1))
    result(vale, "phq9", 5, D(2026, 10, 30))
    return Small(quill, rook, sable, tarn, umber, vale)


def director_b(world: World) -> User:
    """A program director of site B only."""
    user: User = UserFactory(username="director-b", role=Role.DIRECTOR, organization=world.site_a.organization)
    user.sites.set([world.site_b])
    return user


def many(world: World, count: int, *, start: int = 0) -> list[Episode]:
    """``count`` discharged episodes with a PHQ-9 and GAD-7 pair each (for the query-count guard)."""
    made = []
    for index in range(start, start + count):
        episode = discharged(
            world,
            admitted=D(2026, 9, 1),
            discharged_on=D(2026, 10, 1) + dt.timedelta(days=index % 20),
            reason=1 + index % 7,
            last_name=f"Many{index}",
        )
        result(episode, "phq9", 12 + index % 10, D(2026, 9, 1))
        result(episode, "phq9", 6 + index % 10, D(2026, 9, 28))
        result(episode, "gad7", 10, D(2026, 9, 1))
        result(episode, "gad7", 5 + index % 8, D(2026, 9, 28))
        made.append(episode)
    return made
