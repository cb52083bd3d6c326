"""Reads shared by the plan pages, the API, the dashboard card and the chart panels; all scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Min, OuterRef, Q, QuerySet, Subquery

from cadence.accounts.models import Role, User
from cadence.accounts.scope import get_in_scope, visible_programs
from cadence.participants.models import EpisodeStatus, LevelOfCareChange, Participant
from cadence.participants.queries import current_episode, today_in

from .models import Goal, PlanRevision, PlanStatus, RevisionStatus, TreatmentPlan
from .rules import DEFAULT_SOON_DAYS, ReviewDue, is_overdue, review_due
from .snapshot import build_snapshot


def soon_days() -> int:
    return int(getattr(settings, "CADENCE_PLAN_REVIEW_SOON_DAYS", DEFAULT_SOON_DAYS))


def plans_for(user: User) -> QuerySet[TreatmentPlan]:
    """Plans of episodes in programs the user may see."""
    return TreatmentPlan.objects.filter(episode__program__in=visible_programs(user))


def get_plan_for(user: User, pk: int) -> TreatmentPlan:
    """The plan if in scope, else an audited 404. (The caller audits the read through the participant.)"""
    qs = TreatmentPlan.objects.select_related(
        "episode__program__site", "episode__level_of_care", "episode__primary_clinician", "participant"
    )
    return get_in_scope(user, qs, pk, program_path="episode__program")


def plan_for_participant(participant: Participant) -> TreatmentPlan | None:
    """The plan of the participant's current episode (active, else newest open, else newest)."""
    episode = current_episode(participant)
    if episode is None:
        return None
    return (
        TreatmentPlan.objects.select_related(
            "episode__program__site", "episode__level_of_care", "episode__primary_clinician", "participant"
        )
        .filter(episode=episode)
        .first()
    )


def _first_change_after(last_signed: Any) -> Subquery:
    return Subquery(
        LevelOfCareChange.objects.filter(episode=OuterRef("episode_id"), starts_on__gt=OuterRef(last_signed))
        .values("episode")
        .annotate(first=Min("starts_on"))
        .values("first")[:1]
    )


def _signed_cycle(plan: TreatmentPlan) -> int:
    """The review cycle the current revision was signed with (a changed cycle counts once signed)."""
    if plan.last_signed_on is not None and plan.review_due_on is not None:
        return max(1, (plan.review_due_on - plan.last_signed_on).days)
    return plan.review_days


def review_for(plan: TreatmentPlan) -> ReviewDue | None:
    """When the plan's next review is due (scheduled, or earlier after a level-of-care change)."""
    changes: list[dt.date] = []
    if plan.last_signed_on is not None:
        changes = list(
            LevelOfCareChange.objects.filter(episode_id=plan.episode_id, starts_on__gt=plan.last_signed_on)
            .order_by("starts_on")
            .values_list("starts_on", flat=True)[:1]
        )
    return review_due(last_signed_on=plan.last_signed_on, review_days=_signed_cycle(plan), level_changes_on=changes)


@dataclass(frozen=True)
class DueReview:
    plan: TreatmentPlan
    due: ReviewDue
    overdue: bool


def reviews_due_for(
    user: User, today: dt.date | None = None, *, within_days: int | None = None, now: dt.datetime | None = None
) -> list[DueReview]:
    """Signed plans of admitted participants whose review is overdue or due within ``within_days``:
    a clinician's own participants (primary clinician), everyone in scope for directors and admins.

    Give ``now`` to count days in each plan's site time zone (what the dashboard does: overdue turns at
    local midnight, not UTC midnight), or a fixed ``today`` for every plan."""
    days = soon_days() if within_days is None else within_days
    if now is not None:
        # A superset in SQL (a site's day is at most one day off the UTC day); exact per plan below.
        horizon = now.astimezone(dt.UTC).date() + dt.timedelta(days=days + 1)
    elif today is not None:
        horizon = today + dt.timedelta(days=days)
    else:
        raise ValueError("Give today or now.")
    rows = (
        plans_for(user)
        .filter(status=PlanStatus.ACTIVE, episode__status=EpisodeStatus.ACTIVE, last_signed_on__isnull=False)
        .annotate(first_change=_first_change_after("last_signed_on"))
        .filter(Q(review_due_on__lte=horizon) | Q(first_change__lte=horizon))
        .select_related("participant", "episode__program__site", "episode__primary_clinician")
    )
    if user.role not in (Role.DIRECTOR, Role.ADMIN):
        rows = rows.filter(episode__primary_clinician=user)
    found = []
    for plan in rows:
        first = getattr(plan, "first_change", None)
        due = review_due(
            last_signed_on=plan.last_signed_on,
            review_days=_signed_cycle(plan),
            level_changes_on=[first] if first else [],
        )
        if due is None:
            continue
        local_today = today_in(plan.episode, now) if now is not None else today or dt.date.min
        if due.due_on > local_today + dt.timedelta(days=days):
            continue
        found.append(DueReview(plan=plan, due=due, overdue=is_overdue(due, local_today)))
    return sorted(found, key=lambda row: (row.due.due_on, row.plan.participant.legal_last_name, row.plan.pk))


@dataclass
class PlanPage:
    """Everything the plan page shows: the current signed revision, the draft, the history."""

    plan: TreatmentPlan
    current: PlanRevision | None
    draft: PlanRevision | None
    revisions: list[PlanRevision]
    live: dict[str, Any]
    pending_changes: list[str]
    review: ReviewDue | None


def _revisions(plan: TreatmentPlan) -> QuerySet[PlanRevision]:
    return plan.revisions.select_related("created_by", "clinician_signed_by", "participant_attested_by").order_by(
        "-number"
    )


def signed_revisions(plan: TreatmentPlan) -> list[PlanRevision]:
    """The plan's signed revisions (current and superseded), newest first; never the draft."""
    return list(_revisions(plan).exclude(status=RevisionStatus.DRAFT))


def plan_page(plan: TreatmentPlan) -> PlanPage:
    from .rules import diff_snapshots

    revisions = list(_revisions(plan))
    current = next((r for r in revisions if r.status == RevisionStatus.CURRENT), None)
    draft = next((r for r in revisions if r.status == RevisionStatus.DRAFT), None)
    live = build_snapshot(plan)
    pending = diff_snapshots(current.snapshot if current else None, live) if draft is not None else []
    return PlanPage(
        plan=plan,
        current=current,
        draft=draft,
        revisions=revisions,
        live=live,
        pending_changes=pending,
        review=review_for(plan),
    )


def active_goals(episode_id: int) -> QuerySet[Goal]:
    """The goals of an episode's plan as it stands now (not removed), in plan order: what a progress note
    links to. Includes goals of an unsigned draft; callers check scope through the episode first."""
    return (
        Goal.objects.filter(plan__episode_id=episode_id, removed_at__isnull=True)
        .select_related("problem")
        .order_by("number")
    )


def awaiting_participant(plan: TreatmentPlan | None) -> PlanRevision | None:
    """The current revision when the clinician signed it and the participant has not yet (open plans only):
    what the portal offers to sign. Superseded revisions are never offered."""
    if plan is None or plan.status == PlanStatus.CLOSED:
        return None
    return (
        plan.revisions.filter(
            status=RevisionStatus.CURRENT, clinician_signed_at__isnull=False, participant_signed_at__isnull=True
        )
        .select_related("clinician_signed_by")
        .first()
    )
