"""Gather one participant's record for the FHIR export, in a fixed number of queries whatever the number of
episodes, sessions, results, flags or consents.

Callers fetch the participant through ``get_participant_for`` first; what belongs to a program (episodes,
attended sessions, measure results recorded against an episode, treatment plans) is limited here to the
programs ``user`` may see, as every page does (a plan of another program is a 404 on its own page).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from cadence.accounts.models import User
from cadence.accounts.scope import visible_programs
from cadence.attendance.models import Attendance, AttendanceStatus
from cadence.consents.queries import consents_of
from cadence.measures.models import MeasureResult
from cadence.participants.models import Participant
from cadence.participants.queries import participant_today
from cadence.plans.models import PlanRevision, RevisionStatus
from cadence.programs.models import Organization
from cadence.safety.models import RiskFlag

from .fhir import EncounterData, EpisodeData, FlagData, MeasureData, PatientData, PlanData, Record


def gather_record(participant: Participant, *, user: User, now: dt.datetime) -> Record:
    """Everything the export maps: demographics, episodes, attended sessions (PRESENT marks), measure
    results, the current signed revision of each treatment plan (its snapshot; drafts never), risk flags
    and signed consents (drafts never leave). ``now`` gives "today" at the participant's site (consent
    status)."""
    visible = visible_programs(user)
    organization = Organization.objects.only("name").get(pk=participant.organization_id).name
    patient = PatientData(
        id=participant.pk,
        record_number=participant.record_number,
        legal_first_name=participant.legal_first_name,
        legal_last_name=participant.legal_last_name,
        preferred_name=participant.preferred_name,
        date_of_birth=participant.date_of_birth,
        sex_at_birth=participant.sex_at_birth,
        phone=participant.phone,
        email=participant.email,
        address=participant.address,
        language=participant.language,
        organization=organization,
    )
    episodes = [
        EpisodeData(
            id=e.pk,
            status=e.status,
            referred_on=e.referred_on,
            admitted_on=e.admitted_on,
            discharged_on=e.discharged_on,
            level_code=e.level_of_care.code if e.level_of_care else "",
            level_name=e.level_of_care.name if e.level_of_care else "",
            organization=organization,
        )
        for e in participant.episodes.filter(program__in=visible)
        .select_related("level_of_care")
        .order_by("referred_on", "pk")
    ]
    attended = (
        Attendance.objects.filter(
            participant=participant, status=AttendanceStatus.PRESENT, episode__program__in=visible
        )
        .select_related("session__service_type")
        .order_by("session__starts_at", "pk")
    )
    encounters = [
        EncounterData(
            id=a.pk,
            episode_id=a.episode_id,
            starts_at=a.session.starts_at,
            ends_at=a.session.ends_at,
            service_code=a.session.service_type.code,
            service_name=a.session.service_type.name,
            minutes=a.minutes,
        )
        for a in attended
    ]
    measures = [
        MeasureData(
            id=m.pk,
            instrument=m.instrument,
            answers=list(m.answers or []),
            total=m.total,
            band_label=m.band_label if m.band else "",
            administered_at=m.administered_at,
            language=m.language,
        )
        for m in MeasureResult.objects.filter(participant=participant)
        .filter(Q(episode__isnull=True) | Q(episode__program__in=visible))
        .order_by("administered_at", "pk")
    ]
    revisions = (
        PlanRevision.objects.filter(
            plan__participant=participant, status=RevisionStatus.CURRENT, plan__episode__program__in=visible
        )
        .select_related("plan__episode__program__site")
        .order_by("plan__created_at", "plan_id")
    )
    plans = [
        PlanData(
            id=r.plan_id,
            revision=r.number,
            plan_status=r.plan.status,
            episode_id=r.plan.episode_id,
            episode_discharge_reason=r.plan.episode.discharge_reason,
            signed_at=r.clinician_signed_at,
            signed_on=r.clinician_signed_at.astimezone(r.plan.episode.program.site.zone).date(),
            snapshot=r.snapshot,
        )
        for r in revisions
        if r.clinician_signed_at is not None
    ]
    flags = [
        FlagData(id=f.pk, kind=f.kind, kind_label=f.get_kind_display(), raised_at=f.raised_at, cleared_at=f.cleared_at)
        for f in RiskFlag.objects.filter(participant=participant).order_by("raised_at", "pk")
    ]
    consents = list(consents_of(participant).filter(signed_on__isnull=False).order_by("created_at", "pk"))
    return Record(
        patient=patient,
        today=participant_today(participant, now),
        episodes=episodes,
        encounters=encounters,
        measures=measures,
        plans=plans,
        flags=flags,
        consents=consents,
    )
