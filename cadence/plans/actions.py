"""Every state change of a treatment plan. Keyword-only, atomic, audited; a broken rule raises
``PlanError(field, reason)`` and leaves the database unchanged.

Edits go to the plan's draft revision (one is opened on the first edit after a signature); the
clinician's signature freezes the draft (snapshot + what changed) and makes it the current revision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeAlias

from django.conf import settings
from django.db import transaction
from django.db.models import Max

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability
from cadence.accounts.scope import visible_programs
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import OPEN_STATUSES, Diagnosis, Episode
from cadence.participants.queries import today_in
from cadence.scheduling.models import ServiceType

from .models import (
    AsamDimension,
    Goal,
    Intervention,
    Method,
    Objective,
    ObjectiveStatus,
    ParticipantSignature,
    PlanRevision,
    PlanStatus,
    PrescribedService,
    Problem,
    RevisionKind,
    RevisionStatus,
    TreatmentPlan,
)
from .rules import DEFAULT_REVIEW_DAYS, PlanError, diff_snapshots, objective_refusal, signing_refusal
from .snapshot import build_snapshot

PlanRow: TypeAlias = Problem | Goal | Objective | Intervention | PrescribedService


def default_review_days() -> int:
    return int(getattr(settings, "CADENCE_PLAN_REVIEW_DAYS", DEFAULT_REVIEW_DAYS))


def _require_writer(by: User, episode: Episode) -> None:
    """The author must hold WRITE_CLINICAL_RECORD and have the episode's program in scope."""
    if not has_capability(by.role, Capability.WRITE_CLINICAL_RECORD):
        raise PlanError("by", "Only clinical staff may change a treatment plan.")
    if not visible_programs(by).filter(pk=episode.program_id).exists():
        raise PlanError("by", "The participant's program is not in your scope.")


def _audit(
    *,
    by: User,
    obj: Any,
    plan: TreatmentPlan,
    summary: str,
    at: dt.datetime,
    action: str = AuditAction.UPDATE,
    changes: dict[str, Any] | None = None,
) -> None:
    record(
        action=action,
        actor=by,
        obj=obj,
        participant_id=plan.participant_id,
        summary=summary[:300],
        changes={"plan": plan.pk, **(changes or {})},
        at=at,
    )


def _next_number(rows: Any) -> int:
    return int(rows.aggregate(top=Max("number"))["top"] or 0) + 1


# --- Plan and draft --------------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, episode: Episode, by: User, at: dt.datetime, review_days: int | None = None) -> TreatmentPlan:
    """Open the treatment plan of an episode with an empty initial draft.

    Refuses a closed episode, a second plan for the episode, and a review cycle under 1 day.
    """
    _require_writer(by, episode)
    if episode.status not in OPEN_STATUSES:
        raise PlanError("episode", "The episode is closed; a plan is written for an open episode.")
    if TreatmentPlan.objects.filter(episode=episode).exists():
        raise PlanError("episode", "This episode already has a treatment plan.")
    days = review_days if review_days is not None else default_review_days()
    if days < 1 or days > 365:
        raise PlanError("review_days", "Review every 1 to 365 days.")
    plan = TreatmentPlan.objects.create(
        episode=episode, participant_id=episode.participant_id, review_days=days, created_at=at, created_by=by
    )
    PlanRevision.objects.create(plan=plan, number=1, kind=RevisionKind.INITIAL, created_at=at, created_by=by)
    _audit(by=by, obj=plan, plan=plan, summary="Created treatment plan", at=at, action=AuditAction.CREATE)
    return plan


def draft_of(plan: TreatmentPlan) -> PlanRevision | None:
    return plan.revisions.filter(status=RevisionStatus.DRAFT).first()


def current_of(plan: TreatmentPlan) -> PlanRevision | None:
    return plan.revisions.filter(status=RevisionStatus.CURRENT).first()


def _check_open(plan: TreatmentPlan) -> None:
    if plan.status == PlanStatus.CLOSED or plan.episode.status not in OPEN_STATUSES:
        raise PlanError("plan", "The plan is closed (the episode ended); it can no longer change.")


def _open_draft(plan: TreatmentPlan, *, by: User, at: dt.datetime, kind: str = RevisionKind.UPDATE) -> PlanRevision:
    """The plan's draft revision, opened now if the last one was signed. Locks the plan row."""
    locked = TreatmentPlan.objects.select_for_update().select_related("episode").get(pk=plan.pk)
    _check_open(locked)
    _require_writer(by, locked.episode)
    draft = draft_of(locked)
    if draft is not None:
        return draft
    number = _next_number(locked.revisions.all())
    return PlanRevision.objects.create(plan=locked, number=number, kind=kind, created_at=at, created_by=by)


@transaction.atomic
def set_review_days(*, plan: TreatmentPlan, days: int, by: User, at: dt.datetime) -> TreatmentPlan:
    if days < 1 or days > 365:
        raise PlanError("review_days", "Review every 1 to 365 days.")
    _open_draft(plan, by=by, at=at)
    before = plan.review_days
    plan.review_days = days
    plan.save(update_fields=["review_days"])
    _audit(by=by, obj=plan, plan=plan, summary=f"Review cycle {before} → {days} days", at=at)
    return plan


@transaction.atomic
def close_plan(*, plan: TreatmentPlan, by: User, at: dt.datetime) -> TreatmentPlan:
    """Close the plan when its episode ends (the signed revisions stay; no more reviews are due).

    Runs with the discharge (``plans.receivers.close_plan_on_discharge``); refuses a plan already closed.
    The current signed revision stays the plan's record; an unsigned draft is left as it is, never
    signed (a closed plan no longer changes), and the audit entry names it."""
    locked = TreatmentPlan.objects.select_for_update().select_related("episode").get(pk=plan.pk)
    if locked.status == PlanStatus.CLOSED:
        raise PlanError("plan", "The plan is already closed.")
    _require_writer(by, locked.episode)
    before = locked.status
    locked.status = PlanStatus.CLOSED
    locked.save(update_fields=["status"])
    plan.refresh_from_db()
    current, draft = current_of(locked), draft_of(locked)
    summary = "Closed treatment plan"
    if draft is not None:
        summary += f" (draft revision {draft.number} left unsigned)"
    _audit(
        by=by,
        obj=locked,
        plan=locked,
        summary=summary,
        at=at,
        changes={
            "status": [before, PlanStatus.CLOSED],
            "current_revision": current.number if current is not None else None,
            "unsigned_draft": draft.number if draft is not None else None,
        },
    )
    return locked


# --- Problems ----------------------------------------------------------------------------------


def _check_problem(plan: TreatmentPlan, text: str, diagnosis: Diagnosis | None, asam_dimension: str) -> None:
    if not text.strip():
        raise PlanError("text", "Describe the problem.")
    if diagnosis is not None and diagnosis.participant_id != plan.participant_id:
        raise PlanError("diagnosis", "The diagnosis is not this participant's.")
    if asam_dimension and asam_dimension not in AsamDimension.values:
        raise PlanError("asam_dimension", "ASAM dimension must be 1 to 6.")


@transaction.atomic
def add_problem(
    *,
    plan: TreatmentPlan,
    text: str,
    by: User,
    at: dt.datetime,
    diagnosis: Diagnosis | None = None,
    asam_dimension: str = "",
) -> Problem:
    _check_problem(plan, text, diagnosis, asam_dimension)
    _open_draft(plan, by=by, at=at)
    problem = Problem.objects.create(
        plan=plan,
        number=_next_number(plan.problems.all()),
        text=text.strip(),
        diagnosis=diagnosis,
        asam_dimension=asam_dimension,
        created_at=at,
    )
    _audit(by=by, obj=problem, plan=plan, summary=f"Added problem {problem.number}", at=at, action=AuditAction.CREATE)
    return problem


@transaction.atomic
def edit_problem(
    *,
    problem: Problem,
    text: str,
    by: User,
    at: dt.datetime,
    diagnosis: Diagnosis | None = None,
    asam_dimension: str = "",
) -> Problem:
    _live(problem)
    _check_problem(problem.plan, text, diagnosis, asam_dimension)
    _open_draft(problem.plan, by=by, at=at)
    problem.text, problem.diagnosis, problem.asam_dimension = text.strip(), diagnosis, asam_dimension
    problem.save(update_fields=["text", "diagnosis", "asam_dimension"])
    _audit(by=by, obj=problem, plan=problem.plan, summary=f"Edited problem {problem.number}", at=at)
    return problem


@transaction.atomic
def remove_problem(*, problem: Problem, by: User, at: dt.datetime) -> Problem:
    """Remove a problem and its goals (kept for history and for notes that link to them)."""

    def remove_goals() -> None:
        goals = Goal.objects.filter(problem=problem, removed_at__isnull=True)
        Objective.objects.filter(goal__in=goals, removed_at__isnull=True).update(removed_at=at)
        Intervention.objects.filter(goal__in=goals, removed_at__isnull=True).update(removed_at=at)
        goals.update(removed_at=at)

    _soft_remove(
        problem, plan=problem.plan, summary=f"Removed problem {problem.number}", by=by, at=at, cascade=remove_goals
    )
    return problem


def _live(row: PlanRow) -> None:
    if row.removed_at is not None:
        raise PlanError("id", f"{str(row._meta.verbose_name).capitalize()} was removed from the plan.")


def _soft_remove(
    row: PlanRow,
    *,
    plan: TreatmentPlan,
    summary: str,
    by: User,
    at: dt.datetime,
    cascade: Callable[[], object] | None = None,
) -> None:
    """What every ``remove_*`` action does: refuse a row already removed, open the draft (which refuses a
    closed plan or an author without access), mark the row removed at ``at``, let ``cascade`` update the
    rows that hang off it, and audit with ``summary``. The caller holds the transaction."""
    _live(row)
    _open_draft(plan, by=by, at=at)
    row.removed_at = at
    row.save(update_fields=["removed_at"])
    if cascade is not None:
        cascade()
    _audit(by=by, obj=row, plan=plan, summary=summary, at=at)


# --- Goals ---------------------------------------------------------------------------------------


@transaction.atomic
def add_goal(*, problem: Problem, text: str, by: User, at: dt.datetime) -> Goal:
    """A goal in the participant's own words under a problem."""
    _live(problem)
    if not text.strip():
        raise PlanError("text", "Write the goal in the participant's own words.")
    plan = problem.plan
    _open_draft(plan, by=by, at=at)
    goal = Goal.objects.create(
        plan=plan, problem=problem, number=_next_number(plan.goals.all()), text=text.strip(), created_at=at
    )
    _audit(by=by, obj=goal, plan=plan, summary=f"Added goal {goal.number}", at=at, action=AuditAction.CREATE)
    return goal


@transaction.atomic
def edit_goal(*, goal: Goal, text: str, by: User, at: dt.datetime, problem: Problem | None = None) -> Goal:
    _live(goal)
    if not text.strip():
        raise PlanError("text", "Write the goal in the participant's own words.")
    if problem is not None and (problem.plan_id != goal.plan_id or problem.removed_at is not None):
        raise PlanError("problem", "Choose a problem of this plan.")
    _open_draft(goal.plan, by=by, at=at)
    goal.text = text.strip()
    if problem is not None:
        goal.problem = problem
    goal.save(update_fields=["text", "problem"])
    _audit(by=by, obj=goal, plan=goal.plan, summary=f"Edited goal {goal.number}", at=at)
    return goal


@transaction.atomic
def remove_goal(*, goal: Goal, by: User, at: dt.datetime) -> Goal:

    def remove_children() -> None:
        goal.objectives.filter(removed_at__isnull=True).update(removed_at=at)
        goal.interventions.filter(removed_at__isnull=True).update(removed_at=at)

    _soft_remove(goal, plan=goal.plan, summary=f"Removed goal {goal.number}", by=by, at=at, cascade=remove_children)
    return goal


# --- Objectives --------------------------------------------------------------------------------


def _check_objective(text: str, target_on: dt.date | None) -> None:
    refusal = objective_refusal(text, target_on)
    if refusal is not None:
        raise PlanError(refusal.field, refusal.reason)


@transaction.atomic
def add_objective(*, goal: Goal, text: str, target_on: dt.date | None, by: User, at: dt.datetime) -> Objective:
    """A measurable objective with a target date; refused when not measurable or without a date."""
    _live(goal)
    _check_objective(text, target_on)
    assert target_on is not None  # checked above  # noqa: S101
    _open_draft(goal.plan, by=by, at=at)
    objective = Objective.objects.create(
        goal=goal,
        number=_next_number(goal.objectives.all()),
        text=text.strip(),
        target_on=target_on,
        status=ObjectiveStatus.NOT_STARTED,
        created_at=at,
    )
    _audit(
        by=by,
        obj=objective,
        plan=goal.plan,
        summary=f"Added objective {goal.number}.{objective.number}",
        at=at,
        action=AuditAction.CREATE,
    )
    return objective


@transaction.atomic
def edit_objective(
    *, objective: Objective, text: str, target_on: dt.date | None, by: User, at: dt.datetime
) -> Objective:
    _live(objective)
    _check_objective(text, target_on)
    assert target_on is not None  # noqa: S101
    plan = objective.goal.plan
    _open_draft(plan, by=by, at=at)
    objective.text, objective.target_on = text.strip(), target_on
    objective.save(update_fields=["text", "target_on"])
    _audit(
        by=by, obj=objective, plan=plan, summary=f"Edited objective {objective.goal.number}.{objective.number}", at=at
    )
    return objective


@transaction.atomic
def set_objective_status(*, objective: Objective, status: str, by: User, at: dt.datetime) -> Objective:
    """Record progress on an objective (met, in progress...); it is part of the next signed revision."""
    _live(objective)
    if status not in ObjectiveStatus.values:
        raise PlanError("status", "Unknown objective status.")
    plan = objective.goal.plan
    _open_draft(plan, by=by, at=at)
    before = objective.status
    objective.status = status
    objective.status_changed_on = today_in(plan.episode, at)
    objective.save(update_fields=["status", "status_changed_on"])
    _audit(
        by=by,
        obj=objective,
        plan=plan,
        summary=f"Objective {objective.goal.number}.{objective.number}: {before} → {status}",
        at=at,
        changes={"status": [before, status]},
    )
    return objective


@transaction.atomic
def remove_objective(*, objective: Objective, by: User, at: dt.datetime) -> Objective:

    def detach_interventions() -> None:  # they stay with the goal
        objective.interventions.filter(removed_at__isnull=True).update(objective=None)

    _soft_remove(
        objective,
        plan=objective.goal.plan,
        summary=f"Removed objective {objective.goal.number}.{objective.number}",
        by=by,
        at=at,
        cascade=detach_interventions,
    )
    return objective


# --- Interventions -------------------------------------------------------------------------------


def _check_intervention(
    goal: Goal, objective: Objective | None, method: str, frequency: str, responsible: User
) -> None:
    if method not in Method.values:
        raise PlanError("method", "Choose a method from the list.")
    if not frequency.strip():
        raise PlanError("frequency", "Say how often (e.g. '3 groups a week').")
    if objective is not None and (objective.goal_id != goal.pk or objective.removed_at is not None):
        raise PlanError("objective", "Choose an objective of this goal.")
    if not has_capability(responsible.role, Capability.WRITE_CLINICAL_RECORD) or not responsible.is_active:
        raise PlanError("responsible", "The responsible person must be active clinical staff.")
    if responsible.organization_id != goal.plan.participant.organization_id:
        raise PlanError("responsible", "The responsible person must work in this organization.")


@transaction.atomic
def add_intervention(
    *,
    goal: Goal,
    method: str,
    frequency: str,
    responsible: User,
    by: User,
    at: dt.datetime,
    objective: Objective | None = None,
    description: str = "",
) -> Intervention:
    _live(goal)
    _check_intervention(goal, objective, method, frequency, responsible)
    _open_draft(goal.plan, by=by, at=at)
    row = Intervention.objects.create(
        goal=goal,
        objective=objective,
        method=method,
        frequency=frequency.strip(),
        responsible=responsible,
        description=description.strip(),
        created_at=at,
    )
    summary = f"Added intervention ({row.get_method_display()}) to goal {goal.number}"
    _audit(by=by, obj=row, plan=goal.plan, summary=summary, at=at, action=AuditAction.CREATE)
    return row


@transaction.atomic
def edit_intervention(
    *,
    intervention: Intervention,
    method: str,
    frequency: str,
    responsible: User,
    by: User,
    at: dt.datetime,
    objective: Objective | None = None,
    description: str = "",
) -> Intervention:
    _live(intervention)
    goal = intervention.goal
    _check_intervention(goal, objective, method, frequency, responsible)
    _open_draft(goal.plan, by=by, at=at)
    intervention.method, intervention.frequency = method, frequency.strip()
    intervention.responsible, intervention.objective = responsible, objective
    intervention.description = description.strip()
    intervention.save(update_fields=["method", "frequency", "responsible", "objective", "description"])
    _audit(by=by, obj=intervention, plan=goal.plan, summary=f"Edited intervention of goal {goal.number}", at=at)
    return intervention


@transaction.atomic
def remove_intervention(*, intervention: Intervention, by: User, at: dt.datetime) -> Intervention:
    goal = intervention.goal
    _soft_remove(intervention, plan=goal.plan, summary=f"Removed intervention of goal {goal.number}", by=by, at=at)
    return intervention


# --- Prescribed services ---------------------------------------------------------------------------


def _check_service(sessions_per_week: int, minutes_per_session: int) -> None:
    if not 1 <= sessions_per_week <= 21:
        raise PlanError("sessions_per_week", "Sessions a week must be 1 to 21.")
    if not 5 <= minutes_per_session <= 720:
        raise PlanError("minutes_per_session", "Minutes a session must be 5 to 720.")


@transaction.atomic
def add_service(
    *,
    plan: TreatmentPlan,
    service_type: ServiceType,
    sessions_per_week: int,
    by: User,
    at: dt.datetime,
    minutes_per_session: int | None = None,
) -> PrescribedService:
    minutes = minutes_per_session if minutes_per_session is not None else service_type.default_minutes
    _check_service(sessions_per_week, minutes)
    _open_draft(plan, by=by, at=at)
    if plan.services.filter(service_type=service_type, removed_at__isnull=True).exists():
        raise PlanError("service_type", f"{service_type.name} is already prescribed; change its sessions instead.")
    row = PrescribedService.objects.create(
        plan=plan,
        service_type=service_type,
        sessions_per_week=sessions_per_week,
        minutes_per_session=minutes,
        created_at=at,
    )
    summary = f"Prescribed {service_type.name} {sessions_per_week} a week"
    _audit(by=by, obj=row, plan=plan, summary=summary, at=at, action=AuditAction.CREATE)
    return row


@transaction.atomic
def edit_service(
    *, service: PrescribedService, sessions_per_week: int, minutes_per_session: int, by: User, at: dt.datetime
) -> PrescribedService:
    _live(service)
    _check_service(sessions_per_week, minutes_per_session)
    _open_draft(service.plan, by=by, at=at)
    service.sessions_per_week, service.minutes_per_session = sessions_per_week, minutes_per_session
    service.save(update_fields=["sessions_per_week", "minutes_per_session"])
    _audit(by=by, obj=service, plan=service.plan, summary=f"Changed {service.service_type.name}", at=at)
    return service


@transaction.atomic
def remove_service(*, service: PrescribedService, by: User, at: dt.datetime) -> PrescribedService:
    _soft_remove(service, plan=service.plan, summary=f"Removed {service.service_type.name}", by=by, at=at)
    return service


# --- Reviews and signatures ------------------------------------------------------------------------


@transaction.atomic
def start_review(
    *, plan: TreatmentPlan, by: User, at: dt.datetime, kind: str = RevisionKind.REVIEW, note: str = ""
) -> PlanRevision:
    """Open (or mark) the draft as a review of the plan; signing it records the review."""
    if kind not in (RevisionKind.REVIEW, RevisionKind.LEVEL_CHANGE):
        raise PlanError("kind", "A review is a scheduled review or a review after a level-of-care change.")
    draft = _open_draft(plan, by=by, at=at, kind=kind)
    if draft.kind != RevisionKind.INITIAL:
        draft.kind = kind
    if note.strip():
        draft.review_note = note.strip()
    draft.save(update_fields=["kind", "review_note"])
    _audit(by=by, obj=draft, plan=plan, summary=f"Started review (revision {draft.number})", at=at)
    return draft


@transaction.atomic
def sign_as_clinician(
    *, plan: TreatmentPlan, by: User, at: dt.datetime, review_note: str | None = None
) -> PlanRevision:
    """Sign the draft: freeze its snapshot and what changed, make it current, schedule the next review.

    Refuses: a signer without WRITE_CLINICAL_RECORD or out of scope, no draft, a plan that is not valid
    (each goal needs a measurable objective with a target date), an update that changes nothing.
    """
    locked = TreatmentPlan.objects.select_for_update().select_related("episode__program__site").get(pk=plan.pk)
    _check_open(locked)
    _require_writer(by, locked.episode)
    draft = draft_of(locked)
    if draft is None:
        raise PlanError("plan", "There is no draft to sign; edit the plan or start a review first.")
    snapshot = build_snapshot(locked)
    refusal = signing_refusal(snapshot)
    if refusal is not None:
        raise refusal
    current = current_of(locked)
    changes = diff_snapshots(current.snapshot if current is not None else None, snapshot)
    if current is not None and not changes and draft.kind == RevisionKind.UPDATE:
        raise PlanError("plan", "Nothing changed since the current revision; start a review to record one.")
    if current is not None:
        current.status = RevisionStatus.SUPERSEDED
        current.save(update_fields=["status"])
    if review_note is not None and review_note.strip():
        draft.review_note = review_note.strip()
    draft.snapshot, draft.changes = snapshot, changes
    draft.status = RevisionStatus.CURRENT
    draft.clinician_signed_by, draft.clinician_signed_at = by, at
    draft.save()
    today = today_in(locked.episode, at)
    locked.status = PlanStatus.ACTIVE
    locked.last_signed_on = today
    locked.review_due_on = today + dt.timedelta(days=locked.review_days)
    locked.save(update_fields=["status", "last_signed_on", "review_due_on"])
    plan.refresh_from_db()
    _audit(
        by=by,
        obj=draft,
        plan=locked,
        summary=f"Signed treatment plan revision {draft.number} ({len(changes)} change(s))",
        at=at,
        changes={"revision": draft.number, "next_review": locked.review_due_on.isoformat()},
    )
    return draft


@transaction.atomic
def record_participant_signature(*, revision: PlanRevision, method: str, by: User, at: dt.datetime) -> PlanRevision:
    """Record that the participant signed a clinician-signed revision: on paper (``by`` is the staff member
    who saw it, with WRITE_CLINICAL_RECORD) or on the portal (``by`` is the participant's own login)."""
    locked = (
        PlanRevision.objects.select_for_update()
        .select_related("plan__episode", "plan__participant")
        .get(pk=revision.pk)
    )
    if locked.clinician_signed_at is None:
        raise PlanError("revision", "The clinician signs first; the participant signs the signed plan.")
    if locked.participant_signed_at is not None:
        raise PlanError("revision", "The participant has already signed this revision.")
    if method == ParticipantSignature.PAPER:
        _require_writer(by, locked.plan.episode)
        locked.participant_attested_by = by
    elif method == ParticipantSignature.PORTAL:
        if by.pk is None or by.pk != locked.plan.participant.portal_user_id:
            raise PlanError("by", "Only the participant's own portal login can sign on the portal.")
    else:
        raise PlanError("method", "Signed on paper (attested by staff) or on the portal.")
    locked.participant_signature, locked.participant_signed_at = method, at
    locked.save(update_fields=["participant_signature", "participant_signed_at", "participant_attested_by"])
    revision.refresh_from_db()
    _audit(
        by=by,
        obj=locked,
        plan=locked.plan,
        summary=f"Participant signed revision {locked.number} ({locked.get_participant_signature_display()})",
        at=at,
    )
    return locked
