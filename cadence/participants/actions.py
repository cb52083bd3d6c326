"""Every state change of participants and episodes of care. Keyword-only, atomic, audited.

Each raises ``ParticipantError(field, reason)`` for a broken rule and leaves the database unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.db import IntegrityError, transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.hashing import diff
from cadence.audit.models import AuditAction
from cadence.programs.models import LevelOfCare, Program, Track

from .models import (
    OPEN_STATUSES,
    Diagnosis,
    DiagnosisRank,
    EmergencyContact,
    Episode,
    EpisodeStatus,
    LevelOfCareChange,
    Participant,
    Payer,
    TedsReason,
)
from .rules import (
    ParticipantError,
    Period,
    check_admission,
    check_date_of_birth,
    check_discharge,
    check_level_change,
    check_no_overlap,
    check_not_future,
    normalize_icd10,
)
from .signals import episode_discharged

EDITABLE_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "pronouns",
    "sex_at_birth",
    "phone",
    "email",
    "address",
    "language",
    "payer",
    "member_id",
)


@dataclass
class ParticipantDetails:
    legal_first_name: str
    legal_last_name: str
    date_of_birth: dt.date
    preferred_name: str = ""
    pronouns: str = ""
    sex_at_birth: str = "unknown"
    phone: str = ""
    email: str = ""
    address: str = ""
    language: str = "en"
    payer: Payer | None = None
    member_id: str = ""


@dataclass
class ContactDetails:
    name: str
    phone: str
    relationship: str = ""


@dataclass
class DiagnosisDetails:
    code: str
    description: str = ""
    rank: str = DiagnosisRank.SECONDARY


def _snapshot(participant: Participant) -> dict[str, Any]:
    values = {name: getattr(participant, name) for name in EDITABLE_FIELDS if name != "payer"}
    values["payer"] = participant.payer_id
    return values


def _today(program: Program, at: dt.datetime) -> dt.date:
    """Today's date where the program runs (the site's time zone)."""
    return at.astimezone(program.site.zone).date()


def _participant_today(participant: Participant, at: dt.datetime) -> dt.date:
    """Today's date at the site of the participant's newest episode (UTC date if none yet)."""
    episode = participant.episodes.select_related("program__site").order_by("-referred_on", "-pk").first()
    return _today(episode.program, at) if episode is not None else at.date()


def _check_names(first: str, last: str) -> None:
    if not first.strip():
        raise ParticipantError("legal_first_name", "Legal first name is required.")
    if not last.strip():
        raise ParticipantError("legal_last_name", "Legal last name is required.")


def _check_payer(participant_org_id: int, payer: Payer | None) -> None:
    if payer is not None and payer.organization_id != participant_org_id:
        raise ParticipantError("payer", "Unknown payer.")


def _add_diagnosis_row(participant: Participant, dx: DiagnosisDetails, noted_on: dt.date) -> Diagnosis:
    code = normalize_icd10(dx.code)
    if dx.rank not in DiagnosisRank.values:
        raise ParticipantError("rank", "Rank must be primary or secondary.")
    active = participant.diagnoses.filter(resolved_on__isnull=True)
    if active.filter(code=code).exists():
        raise ParticipantError("code", f"{code} is already an active diagnosis.")
    if dx.rank == DiagnosisRank.PRIMARY and active.filter(rank=DiagnosisRank.PRIMARY).exists():
        raise ParticipantError("rank", "There is already an active primary diagnosis; resolve or demote it first.")
    return Diagnosis.objects.create(
        participant=participant, code=code, description=dx.description.strip(), rank=dx.rank, noted_on=noted_on
    )


@transaction.atomic
def register_participant(
    *,
    details: ParticipantDetails,
    program: Program,
    referred_on: dt.date,
    by: User,
    at: dt.datetime,
    referral_source: str = "",
    waitlist: bool = False,
    contacts: list[ContactDetails] | None = None,
    diagnoses: list[DiagnosisDetails] | None = None,
) -> Episode:
    """Create a participant with a referral (or waitlist) episode in ``program``."""
    today = _today(program, at)
    _check_names(details.legal_first_name, details.legal_last_name)
    check_date_of_birth(details.date_of_birth, today=today)
    check_not_future("referred_on", referred_on, today=today, what="The referral date")
    organization_id = program.site.organization_id
    _check_payer(organization_id, details.payer)
    participant = Participant(organization_id=organization_id, created_at=at, record_number=f"tmp-{at.timestamp()}")
    for name, value in asdict(details).items():
        setattr(participant, name, value)
    participant.payer = details.payer
    participant.refresh_search_text()
    participant.save()
    participant.record_number = f"C{participant.pk:06d}"
    participant.refresh_search_text()
    participant.save(update_fields=["record_number", "search_text"])
    for contact in contacts or []:
        if contact.name.strip() and contact.phone.strip():
            EmergencyContact.objects.create(
                participant=participant, name=contact.name, phone=contact.phone, relationship=contact.relationship
            )
    for dx in diagnoses or []:
        _add_diagnosis_row(participant, dx, referred_on)
    episode = Episode.objects.create(
        participant=participant,
        program=program,
        status=EpisodeStatus.WAITLISTED if waitlist else EpisodeStatus.REFERRED,
        referred_on=referred_on,
        referral_source=referral_source,
        created_at=at,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=participant,
        participant_id=participant.pk,
        summary=f"Registered {participant.record_number} with a referral to {program.name}",
        changes=_snapshot(participant) | {"episode": episode.pk, "status": episode.status},
        at=at,
    )
    return episode


@transaction.atomic
def update_participant(*, participant: Participant, changes: dict[str, Any], by: User, at: dt.datetime) -> Participant:
    """Change demographic fields (names in EDITABLE_FIELDS). Unknown fields are an error."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ParticipantError(sorted(unknown)[0], "This field cannot be changed here.")
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    before = _snapshot(locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_names(locked.legal_first_name, locked.legal_last_name)
    check_date_of_birth(locked.date_of_birth, today=_participant_today(locked, at))
    _check_payer(locked.organization_id, locked.payer)
    locked.refresh_search_text()
    locked.save()
    changed = diff(before, _snapshot(locked))
    if changed:
        record(
            action=AuditAction.UPDATE,
            actor=by,
            obj=locked,
            participant_id=locked.pk,
            summary="Updated participant details",
            changes=changed,
            at=at,
        )
    return locked


@transaction.atomic
def add_emergency_contact(
    *, participant: Participant, contact: ContactDetails, by: User, at: dt.datetime
) -> EmergencyContact:
    if not contact.name.strip():
        raise ParticipantError("name", "Contact name is required.")
    if not contact.phone.strip():
        raise ParticipantError("phone", "Contact phone is required.")
    row = EmergencyContact.objects.create(
        participant=participant,
        name=contact.name.strip(),
        phone=contact.phone.strip(),
        relationship=contact.relationship.strip(),
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=row,
        participant_id=participant.pk,
        summary="Added emergency contact",
        changes=asdict(contact),
        at=at,
    )
    return row


@transaction.atomic
def add_diagnosis(
    *, participant: Participant, diagnosis: DiagnosisDetails, noted_on: dt.date, by: User, at: dt.datetime
) -> Diagnosis:
    check_not_future("noted_on", noted_on, today=_participant_today(participant, at), what="The diagnosis date")
    _lock_participant(participant)
    row = _add_diagnosis_row(participant, diagnosis, noted_on)
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=row,
        participant_id=participant.pk,
        summary=f"Added diagnosis {row.code} ({row.rank})",
        changes={"code": row.code, "rank": row.rank},
        at=at,
    )
    return row


@transaction.atomic
def resolve_diagnosis(*, diagnosis: Diagnosis, resolved_on: dt.date, by: User, at: dt.datetime) -> Diagnosis:
    if diagnosis.resolved_on is not None:
        raise ParticipantError("resolved_on", "This diagnosis is already resolved.")
    check_not_future(
        "resolved_on", resolved_on, today=_participant_today(diagnosis.participant, at), what="The resolution date"
    )
    if resolved_on < diagnosis.noted_on:
        raise ParticipantError("resolved_on", "A diagnosis cannot be resolved before it was noted.")
    diagnosis.resolved_on = resolved_on
    diagnosis.save(update_fields=["resolved_on"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=diagnosis,
        participant_id=diagnosis.participant_id,
        summary=f"Resolved diagnosis {diagnosis.code}",
        changes={"resolved_on": [None, resolved_on]},
        at=at,
    )
    return diagnosis


def _lock_participant(participant: Participant) -> Participant:
    return Participant.objects.select_for_update().get(pk=participant.pk)


def _episode_periods(participant: Participant, program: Program, *, exclude: int | None = None) -> list[Period]:
    rows = Episode.objects.filter(participant=participant, program=program, admitted_on__isnull=False)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    return [Period(e.admitted_on, e.discharged_on) for e in rows if e.admitted_on is not None]


@transaction.atomic
def refer_participant(
    *,
    participant: Participant,
    program: Program,
    referred_on: dt.date,
    by: User,
    at: dt.datetime,
    referral_source: str = "",
    waitlist: bool = False,
) -> Episode:
    """Open a new referral (or waitlist) episode for an existing participant."""
    _lock_participant(participant)
    check_not_future("referred_on", referred_on, today=_today(program, at), what="The referral date")
    if program.site.organization_id != participant.organization_id:
        raise ParticipantError("program", "Unknown program.")
    if Episode.objects.filter(participant=participant, program=program, status__in=OPEN_STATUSES).exists():
        raise ParticipantError("program", "The participant already has an open episode in this program.")
    episode = Episode.objects.create(
        participant=participant,
        program=program,
        referred_on=referred_on,
        referral_source=referral_source,
        status=EpisodeStatus.WAITLISTED if waitlist else EpisodeStatus.REFERRED,
        created_at=at,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=episode,
        participant_id=participant.pk,
        summary=f"Referred to {program.name}",
        changes={"status": episode.status, "referred_on": referred_on},
        at=at,
    )
    return episode


@transaction.atomic
def waitlist_episode(*, episode: Episode, by: User, at: dt.datetime) -> Episode:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != EpisodeStatus.REFERRED:
        raise ParticipantError("status", "Only a referral can be put on the waitlist.")
    episode.status = EpisodeStatus.WAITLISTED
    episode.save(update_fields=["status"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=episode,
        participant_id=episode.participant_id,
        summary="Moved to the waitlist",
        changes={"status": ["referred", "waitlisted"]},
        at=at,
    )
    return episode


@transaction.atomic
def close_referral(*, episode: Episode, note: str, by: User, at: dt.datetime) -> Episode:
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status not in (EpisodeStatus.REFERRED, EpisodeStatus.WAITLISTED):
        raise ParticipantError("status", "Only a referral or waitlist entry can be closed.")
    before = episode.status
    episode.status = EpisodeStatus.CANCELLED
    episode.discharge_note = note
    episode.save(update_fields=["status", "discharge_note"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=episode,
        participant_id=episode.participant_id,
        summary="Closed referral without admission",
        changes={"status": [before, "cancelled"]},
        at=at,
    )
    return episode


@transaction.atomic
def admit_participant(
    *,
    participant: Participant,
    program: Program,
    track: Track,
    admitted_on: dt.date,
    by: User,
    at: dt.datetime,
    level_of_care: LevelOfCare | None = None,
    primary_clinician: User | None = None,
    reason: str = "Admission",
) -> Episode:
    """Admit into ``program`` and ``track``: turns the open referral into an active episode, or opens
    one. Refuses a duplicate admission, an overlap with an earlier episode, a track of another program,
    an inactive level of care and dates out of order."""
    participant = _lock_participant(participant)
    if program.site.organization_id != participant.organization_id:
        raise ParticipantError("program", "Unknown program.")
    if track.program_id != program.pk:
        raise ParticipantError("track", f"This track does not belong to {program.name}.")
    if not track.active:
        raise ParticipantError("track", "This track is not active.")
    level = level_of_care or program.level_of_care
    if not level.active:
        raise ParticipantError("level_of_care", f"Level of care {level.code} is not in use.")
    if primary_clinician is not None and (
        primary_clinician.organization_id != participant.organization_id or not primary_clinician.is_active
    ):
        raise ParticipantError("primary_clinician", "Unknown clinician.")
    episode = (
        Episode.objects.select_for_update()
        .filter(participant=participant, program=program, status__in=OPEN_STATUSES)
        .first()
    )
    if episode is not None and episode.status == EpisodeStatus.ACTIVE:
        raise ParticipantError("program", f"Already admitted to {program.name} since {episode.admitted_on:%Y-%m-%d}.")
    referred_on = episode.referred_on if episode is not None else admitted_on
    check_admission(
        admitted_on=admitted_on, referred_on=referred_on, born=participant.date_of_birth, today=_today(program, at)
    )
    check_no_overlap(
        Period(admitted_on, None),
        _episode_periods(participant, program, exclude=episode.pk if episode else None),
        field="admitted_on",
    )
    if episode is None:
        episode = Episode(participant=participant, program=program, referred_on=admitted_on, created_at=at)
    before_status = episode.status if episode.pk else None
    episode.status = EpisodeStatus.ACTIVE
    episode.track = track
    episode.admitted_on = admitted_on
    episode.level_of_care = level
    episode.primary_clinician = primary_clinician
    try:
        with transaction.atomic():
            episode.save()
    except IntegrityError as exc:  # a concurrent admission won the race
        raise ParticipantError("program", "The participant already has an open episode in this program.") from exc
    LevelOfCareChange.objects.create(
        episode=episode, level_of_care=level, starts_on=admitted_on, reason=reason, changed_by=by, created_at=at
    )
    record(
        action=AuditAction.UPDATE if before_status else AuditAction.CREATE,
        actor=by,
        obj=episode,
        participant_id=participant.pk,
        summary=f"Admitted to {program.name}, {track.name}, at {level.code}",
        changes={
            "status": [before_status, "active"],
            "admitted_on": admitted_on,
            "track": track.pk,
            "level_of_care": level.code,
            "primary_clinician": primary_clinician.pk if primary_clinician else None,
        },
        at=at,
    )
    return episode


@transaction.atomic
def change_level_of_care(
    *, episode: Episode, level_of_care: LevelOfCare, starts_on: dt.date, reason: str, by: User, at: dt.datetime
) -> LevelOfCareChange:
    """Record a step up or down inside an active episode from ``starts_on`` on."""
    episode = Episode.objects.select_for_update(of=("self",)).select_related("level_of_care").get(pk=episode.pk)
    if episode.status != EpisodeStatus.ACTIVE or episode.admitted_on is None:
        raise ParticipantError("episode", "Only an active episode can change level of care.")
    if not level_of_care.active:
        raise ParticipantError("level_of_care", f"Level of care {level_of_care.code} is not in use.")
    last = episode.level_changes.order_by("-starts_on").first()
    last_on = last.starts_on if last else episode.admitted_on
    check_level_change(
        starts_on=starts_on,
        admitted_on=episode.admitted_on,
        last_change_on=last_on,
        today=_today(episode.program, at),
        same_level=episode.level_of_care_id == level_of_care.pk,
        reason=reason,
    )
    change = LevelOfCareChange.objects.create(
        episode=episode,
        level_of_care=level_of_care,
        starts_on=starts_on,
        reason=reason.strip(),
        changed_by=by,
        created_at=at,
    )
    old_code = episode.level_of_care.code if episode.level_of_care else None
    episode.level_of_care = level_of_care
    episode.save(update_fields=["level_of_care"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=episode,
        participant_id=episode.participant_id,
        summary=f"Level of care {old_code} -> {level_of_care.code} from {starts_on:%Y-%m-%d}",
        changes={"level_of_care": [old_code, level_of_care.code], "starts_on": starts_on, "reason": reason},
        at=at,
    )
    return change


@transaction.atomic
def discharge_participant(
    *,
    episode: Episode,
    discharged_on: dt.date,
    reason: TedsReason | int,
    by: User,
    at: dt.datetime,
    note: str = "",
    step_down_to: str = "",
) -> Episode:
    """Close an active episode with a TEDS reason for discharge (1-7)."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    if episode.status != EpisodeStatus.ACTIVE or episode.admitted_on is None:
        raise ParticipantError("episode", "Only an admitted participant can be discharged.")
    if int(reason) not in TedsReason.values:
        raise ParticipantError("reason", "Choose a TEDS reason for discharge (1-7).")
    last = episode.level_changes.order_by("-starts_on").first()
    check_discharge(
        discharged_on=discharged_on,
        admitted_on=episode.admitted_on,
        last_level_change=last.starts_on if last else episode.admitted_on,
        today=_today(episode.program, at),
    )
    episode.status = EpisodeStatus.DISCHARGED
    episode.discharged_on = discharged_on
    episode.discharge_reason = int(reason)
    episode.discharge_note = note
    episode.step_down_to = step_down_to
    episode.save()
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=episode,
        participant_id=episode.participant_id,
        summary=f"Discharged ({TedsReason(int(reason)).label})",
        changes={
            "status": ["active", "discharged"],
            "discharged_on": discharged_on,
            "reason": int(reason),
            "step_down_to": step_down_to,
        },
        at=at,
    )
    episode_discharged.send(sender=Episode, episode=episode, at=at, by=by)
    return episode
