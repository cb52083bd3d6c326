"""Reads shared by views and the API. Every participant read goes through the scope of the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from cadence.accounts.models import User
from cadence.accounts.scope import out_of_scope as _deny
from cadence.accounts.scope import visible_programs
from cadence.audit.actions import record
from cadence.audit.models import AuditAction

from .models import OPEN_STATUSES, Episode, EpisodeStatus, Participant


def participants_for(user: User) -> QuerySet[Participant]:
    """Participants with at least one episode (any status) in a program the user may see."""
    if user.organization_id is None:
        return Participant.objects.none()
    in_scope = Episode.objects.filter(participant=OuterRef("pk"), program__in=visible_programs(user))
    return Participant.objects.filter(organization_id=user.organization_id).filter(Exists(in_scope))


def episodes_for(user: User) -> QuerySet[Episode]:
    return Episode.objects.filter(program__in=visible_programs(user))


def get_participant_for(user: User, pk: int, *, audit_view: bool = True, purpose: str = "") -> Participant:
    """The participant if in the user's scope (the read is audited), else 404 (the attempt is audited)."""
    participant = participants_for(user).select_related("payer").filter(pk=pk).first()
    if participant is None:
        exists = Participant.objects.filter(pk=pk).exists()
        raise _deny(user, "participants.participant", pk, pk if exists else None)
    if audit_view:
        audit_view_of(user, participant, purpose or "Viewed participant record")
    return participant


def audit_view_of(user: User, participant: Participant, summary: str) -> None:
    """Record that ``user`` read ``participant``'s record (``summary`` says what)."""
    record(action=AuditAction.VIEW, actor=user, obj=participant, participant_id=participant.pk, summary=summary)


def get_episode_for(user: User, pk: int) -> Episode:
    episode = (
        episodes_for(user)
        .select_related("participant", "program__site", "track", "level_of_care")
        .filter(pk=pk)
        .first()
    )
    if episode is None:
        other = Episode.objects.filter(pk=pk).values_list("participant_id", flat=True).first()
        raise _deny(user, "participants.episode", pk, other)
    return episode


@dataclass(frozen=True)
class CaseloadFilter:
    q: str = ""
    program_id: int | None = None
    track_id: int | None = None
    status: str = "open"  # "open", "all", or an EpisodeStatus value
    mine: bool = False


def caseload(user: User, flt: CaseloadFilter) -> QuerySet[Episode]:
    """Episodes in scope, one row each, with everything a caseload row shows joined in (constant queries)."""
    rows = episodes_for(user).select_related(
        "participant", "program__site", "track", "level_of_care", "primary_clinician"
    )
    if flt.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif flt.status in EpisodeStatus.values:
        rows = rows.filter(status=flt.status)
    if flt.program_id:
        rows = rows.filter(program_id=flt.program_id)
    if flt.track_id:
        rows = rows.filter(track_id=flt.track_id)
    if flt.mine:
        rows = rows.filter(primary_clinician=user)
    if flt.q.strip():
        for term in flt.q.lower().split()[:4]:
            rows = rows.filter(participant__search_text__contains=term)
    return rows.order_by("participant__legal_last_name", "participant__legal_first_name", "-referred_on", "pk")


def audit_list(user: User, *, what: str, count: int, query: str = "") -> None:
    """One audit entry for a list or search of participants (who looked, what filter, how many)."""
    record(
        action=AuditAction.LIST,
        actor=user,
        object_type="participants.participant",
        summary=f"{what}: {count} result(s)"[:300],
        changes={"query": query} if query else {},
    )


def current_episode(participant: Participant) -> Episode | None:
    """The active episode, else the newest open referral, else the newest episode."""
    episodes = list(
        participant.episodes.select_related("program__site", "track", "level_of_care", "primary_clinician").order_by(
            "-referred_on", "-pk"
        )
    )
    for wanted in (EpisodeStatus.ACTIVE, EpisodeStatus.WAITLISTED, EpisodeStatus.REFERRED):
        for episode in episodes:
            if episode.status == wanted:
                return episode
    return episodes[0] if episodes else None


def today_in(episode: Episode | None, now: dt.datetime) -> dt.date:
    if episode is None:
        return now.date()
    return now.astimezone(episode.program.site.zone).date()


def participant_today(participant: Participant, at: dt.datetime) -> dt.date:
    """Today's date at the site of the participant's current episode (UTC date when there is none)."""
    return today_in(current_episode(participant), at)
