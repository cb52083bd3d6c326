"""/api/v1/programs, /api/v1/tracks, /api/v1/levels-of-care: read-only, within the user's scope."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cadence.accounts.request import staff_user
from cadence.accounts.scope import visible_programs

from .models import LevelOfCare, Program, Track

router = Router(tags=["programs"])


class LevelOut(Schema):
    code: str
    name: str
    edition: str
    min_hours_week_adult: float
    min_days_week_adult: int
    min_hours_week_adolescent: float
    min_days_week_adolescent: int
    max_hours_week: float | None
    active: bool


class TrackOut(Schema):
    id: int
    program_id: int
    name: str
    kind: str
    weekdays: list[int] = Field(..., description="0 = Monday ... 6 = Sunday")
    starts_at: dt.time
    ends_at: dt.time


class ProgramOut(Schema):
    id: int
    name: str
    code: str
    site_id: int
    site: str = Field(..., alias="site.name")
    time_zone: str = Field(..., alias="site.time_zone")
    level_of_care: str = Field(..., alias="level_of_care.code")
    population: str
    tracks: list[TrackOut]


@router.get("/levels-of-care", response=list[LevelOut], summary="Level-of-care catalog")
def list_levels(request: HttpRequest) -> list[LevelOfCare]:
    return list(LevelOfCare.objects.all())


@router.get("/programs", response=list[ProgramOut], summary="Programs in your scope, with their tracks")
def list_programs(request: HttpRequest) -> list[Program]:
    return list(
        visible_programs(staff_user(request)).select_related("site", "level_of_care").prefetch_related("tracks")
    )


@router.get("/programs/{program_id}", response=ProgramOut)
def read_program(request: HttpRequest, program_id: int) -> Program:
    from django.shortcuts import get_object_or_404

    qs = visible_programs(staff_user(request)).select_related("site", "level_of_care").prefetch_related("tracks")
    return get_object_or_404(qs, pk=program_id)


@router.get("/tracks", response=list[TrackOut], summary="Tracks of the programs in your scope")
def list_tracks(request: HttpRequest, program_id: int | None = None) -> list[Track]:
    rows = Track.objects.filter(program__in=visible_programs(staff_user(request)))
    if program_id is not None:
        rows = rows.filter(program_id=program_id)
    return list(rows)
