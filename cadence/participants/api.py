"""/api/v1/participants: list and search, read, create (with a referral), update, and episodes
(admit, change level of care, discharge)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import visible_programs
from cadence.programs.models import LevelOfCare, Track

from . import actions
from .models import Diagnosis, EmergencyContact, Episode, Participant, Payer
from .queries import CaseloadFilter, audit_list, caseload, get_episode_for, get_participant_for
from .rules import ParticipantError

router = Router(tags=["participants"])


class DiagnosisOut(Schema):
    code: str
    description: str
    rank: str
    noted_on: dt.date
    resolved_on: dt.date | None


class ContactOut(Schema):
    name: str
    relationship: str
    phone: str


class EpisodeOut(Schema):
    id: int
    participant_id: int
    program_id: int
    program: str = Field(..., alias="program.name")
    track_id: int | None
    status: str
    referred_on: dt.date
    admitted_on: dt.date | None
    discharged_on: dt.date | None
    level_of_care: str | None = Field(None, alias="level_of_care.code")
    primary_clinician_id: int | None
    discharge_reason: int | None


class ParticipantSummary(Schema):
    id: int
    record_number: str
    display_name: str
    legal_first_name: str
    legal_last_name: str
    date_of_birth: dt.date


class ParticipantOut(ParticipantSummary):
    preferred_name: str
    pronouns: str
    sex_at_birth: str
    phone: str
    email: str
    address: str
    language: str
    payer_id: int | None
    member_id: str
    emergency_contacts: list[ContactOut]
    diagnoses: list[DiagnosisOut]
    episodes: list[EpisodeOut]


class CaseloadRow(Schema):
    episode: EpisodeOut
    participant: ParticipantSummary


class Page(Schema):
    count: int
    page: int
    page_size: int
    results: list[CaseloadRow]


class ContactIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    phone: str = Field(..., min_length=3, max_length=40)
    relationship: str = ""


class DiagnosisIn(Schema):
    code: str = Field(..., max_length=12)
    description: str = ""
    rank: Literal["primary", "secondary"] = "secondary"


class ParticipantIn(Schema):
    legal_first_name: str = Field(..., min_length=1, max_length=100)
    legal_last_name: str = Field(..., min_length=1, max_length=100)
    date_of_birth: dt.date
    preferred_name: str = Field("", max_length=100)
    pronouns: str = Field("", max_length=40)
    sex_at_birth: Literal["female", "male", "unknown"] = "unknown"
    phone: str = Field("", max_length=40)
    email: str = Field("", max_length=254)
    address: str = ""
    language: Literal["en", "es", "other"] = "en"
    payer_id: int | None = None
    member_id: str = Field("", max_length=64)
    program_id: int = Field(..., description="Program the participant is referred to.")
    referred_on: dt.date | None = None
    referral_source: str = Field("", max_length=200)
    waitlist: bool = False
    emergency_contacts: list[ContactIn] = []
    diagnoses: list[DiagnosisIn] = []


class ParticipantPatch(Schema):
    legal_first_name: str | None = Field(None, min_length=1, max_length=100)
    legal_last_name: str | None = Field(None, min_length=1, max_length=100)
    date_of_birth: dt.date | None = None
    preferred_name: str | None = Field(None, max_length=100)
    pronouns: str | None = Field(None, max_length=40)
    sex_at_birth: Literal["female", "male", "unknown"] | None = None
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address: str | None = None
    language: Literal["en", "es", "other"] | None = None
    payer_id: int | None = None
    member_id: str | None = Field(None, max_length=64)


class AdmitIn(Schema):
    program_id: int
    track_id: int
    admitted_on: dt.date
    level_of_care: str | None = Field(None, description="Level code, e.g. 2.1; defaults to the program's level.")
    primary_clinician_id: int | None = None


class LevelChangeIn(Schema):
    level_of_care: str = Field(..., description="Level code, e.g. 2.5")
    starts_on: dt.date
    reason: str = Field(..., min_length=1)


class DischargeIn(Schema):
    discharged_on: dt.date
    reason: int = Field(..., ge=1, le=7, description="TEDS reason: 1 completed ... 7 other")
    note: str = ""
    step_down_to: str = ""


def _full(user: User, pk: int) -> Participant:
    participant = get_participant_for(user, pk, purpose="API read")
    return Participant.objects.prefetch_related(
        Prefetch("emergency_contacts", queryset=EmergencyContact.objects.all()),
        Prefetch("diagnoses", queryset=Diagnosis.objects.all()),
        Prefetch("episodes", queryset=Episode.objects.select_related("program", "level_of_care")),
    ).get(pk=participant.pk)


def _program(user: User, program_id: int) -> object:
    program = visible_programs(user).select_related("site", "level_of_care").filter(pk=program_id).first()
    if program is None:
        raise ParticipantError("program_id", "Unknown program.")
    return program


def _level(code: str) -> LevelOfCare:
    level = LevelOfCare.objects.filter(code=code).first()
    if level is None:
        raise ParticipantError("level_of_care", f"There is no level of care {code!r}.")
    return level


class CaseloadQuery(Schema):
    q: str = Field("", description="Name or record number")
    program_id: int | None = None
    track_id: int | None = None
    status: Literal["open", "all", "referred", "waitlisted", "active", "discharged", "cancelled"] = "open"
    mine: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=200)


@router.get("", response=Page, summary="List and search participants (caseload)")
def list_participants(request: HttpRequest, filters: Query[CaseloadQuery]) -> dict[str, object]:
    user = staff_user(request)
    require(user, Capability.VIEW_PARTICIPANT)
    flt = CaseloadFilter(
        q=filters.q, program_id=filters.program_id, track_id=filters.track_id, status=filters.status, mine=filters.mine
    )
    rows = caseload(user, flt)
    count = rows.count()
    start = (filters.page - 1) * filters.page_size
    items = list(rows[start : start + filters.page_size])
    audit_list(user, what="API participant list", count=len(items), query=filters.q)
    return {
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "results": [{"episode": e, "participant": e.participant} for e in items],
    }


@router.get("/{participant_id}", response=ParticipantOut, summary="Read one participant")
def read_participant(request: HttpRequest, participant_id: int) -> Participant:
    return _full(staff_user(request), participant_id)


@router.post("", response={201: ParticipantOut}, summary="Register a participant with a referral")
def create_participant(request: HttpRequest, payload: ParticipantIn) -> Status[Participant]:
    user = staff_user(request)
    require(user, Capability.REGISTER_PARTICIPANT)
    program = _program(user, payload.program_id)
    payer = None
    if payload.payer_id is not None:
        payer = Payer.objects.filter(pk=payload.payer_id, organization=user.organization).first()
        if payer is None:
            raise ParticipantError("payer_id", "Unknown payer.")
    now = timezone.now()
    details = actions.ParticipantDetails(
        **payload.dict(include=set(actions.ParticipantDetails.__dataclass_fields__) - {"payer"}), payer=payer
    )
    episode = actions.register_participant(
        details=details,
        program=program,  # type: ignore[arg-type]
        referred_on=payload.referred_on or timezone.localdate(now),
        referral_source=payload.referral_source,
        waitlist=payload.waitlist,
        contacts=[actions.ContactDetails(**c.dict()) for c in payload.emergency_contacts],
        diagnoses=[actions.DiagnosisDetails(**d.dict()) for d in payload.diagnoses],
        by=user,
        at=now,
    )
    return Status(201, _full(user, episode.participant_id))


@router.patch("/{participant_id}", response=ParticipantOut, summary="Update participant details")
def update_participant(request: HttpRequest, participant_id: int, payload: ParticipantPatch) -> Participant:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.EDIT_DEMOGRAPHICS)
    changes = payload.dict(exclude_unset=True)
    if "payer_id" in changes:
        payer_id = changes.pop("payer_id")
        payer = None
        if payer_id is not None:
            payer = Payer.objects.filter(pk=payer_id, organization=user.organization).first()
            if payer is None:
                raise ParticipantError("payer_id", "Unknown payer.")
        changes["payer"] = payer
    for key in ("legal_first_name", "legal_last_name", "date_of_birth", "sex_at_birth", "language"):
        if key in changes and changes[key] is None:
            raise ParticipantError(key, "This field cannot be empty.")
    changes = {k: ("" if v is None and k not in ("payer",) else v) for k, v in changes.items()}
    actions.update_participant(participant=participant, changes=changes, by=user, at=timezone.now())
    return _full(user, participant_id)


@router.get("/{participant_id}/episodes", response=list[EpisodeOut], summary="Episodes of care")
def list_episodes(request: HttpRequest, participant_id: int) -> list[Episode]:
    participant = get_participant_for(staff_user(request), participant_id, purpose="API episodes")
    return list(participant.episodes.select_related("program", "level_of_care"))


@router.post("/{participant_id}/episodes/admit", response={201: EpisodeOut}, summary="Admit into a program and track")
def admit(request: HttpRequest, participant_id: int, payload: AdmitIn) -> Status[Episode]:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.ADMIT)
    program = _program(user, payload.program_id)
    track = Track.objects.filter(pk=payload.track_id).first()
    if track is None:
        raise ParticipantError("track_id", "Unknown track.")
    clinician = None
    if payload.primary_clinician_id is not None:
        clinician = User.objects.filter(pk=payload.primary_clinician_id, organization=user.organization).first()
        if clinician is None:
            raise ParticipantError("primary_clinician_id", "Unknown clinician.")
    episode = actions.admit_participant(
        participant=participant,
        program=program,  # type: ignore[arg-type]
        track=track,
        admitted_on=payload.admitted_on,
        level_of_care=_level(payload.level_of_care) if payload.level_of_care else None,
        primary_clinician=clinician,
        by=user,
        at=timezone.now(),
    )
    return Status(201, episode)


@router.post("/episodes/{episode_id}/level-of-care", response={201: EpisodeOut}, summary="Change level of care")
def change_level(request: HttpRequest, episode_id: int, payload: LevelChangeIn) -> Status[Episode]:
    user = staff_user(request)
    episode = get_episode_for(user, episode_id)
    require(user, Capability.CHANGE_LEVEL_OF_CARE)
    actions.change_level_of_care(
        episode=episode,
        level_of_care=_level(payload.level_of_care),
        starts_on=payload.starts_on,
        reason=payload.reason,
        by=user,
        at=timezone.now(),
    )
    return Status(201, get_object_or_404(Episode.objects.select_related("program", "level_of_care"), pk=episode_id))


@router.post("/episodes/{episode_id}/discharge", response=EpisodeOut, summary="Discharge with a TEDS reason")
def discharge(request: HttpRequest, episode_id: int, payload: DischargeIn) -> Episode:
    user = staff_user(request)
    episode = get_episode_for(user, episode_id)
    require(user, Capability.DISCHARGE)
    actions.discharge_participant(
        episode=episode,
        discharged_on=payload.discharged_on,
        reason=payload.reason,
        note=payload.note,
        step_down_to=payload.step_down_to,
        by=user,
        at=timezone.now(),
    )
    return get_object_or_404(Episode.objects.select_related("program", "level_of_care"), pk=episode_id)
