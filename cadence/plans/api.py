"""/api/v1/plans: individualized treatment plans: problems, goals, objectives, interventions, signatures, reviews.

The same scope checks and actions as the pages: a plan (or row) outside the user's programs is a 404 and
a DENIED audit entry; reading needs READ_CLINICAL_RECORD and changing WRITE_CLINICAL_RECORD (else 403);
a broken rule is a 400 ``{"detail": [{"field", "reason"}]}``. Every read is audited (VIEW).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import get_in_scope, out_of_scope
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Diagnosis
from cadence.participants.queries import get_episode_for, get_participant_for, today_in
from cadence.scheduling.models import ServiceType

from . import actions
from .models import (
    Goal,
    Intervention,
    Objective,
    ParticipantSignature,
    PlanRevision,
    PrescribedService,
    Problem,
    RevisionKind,
    TreatmentPlan,
)
from .queries import get_plan_for, plan_for_participant, plan_page
from .rules import PlanError, is_overdue, validate_plan

router = Router(tags=["Treatment plans"])
M = TypeVar("M", bound=Model)


class ErrorItem(Schema):
    field: str
    reason: str


class Errors(Schema):
    detail: list[ErrorItem]


class ReviewOut(Schema):
    due_on: dt.date
    reason: str
    overdue: bool


class RevisionOut(Schema):
    number: int
    kind: str
    status: str
    created_at: dt.datetime
    created_by: str
    clinician_signed_by: str | None
    clinician_signed_at: dt.datetime | None
    participant_signed_at: dt.datetime | None
    participant_signature: str
    review_note: str
    changes: list[str]
    snapshot: dict[str, Any] | None = Field(None, description="The plan as signed (current revision only here).")


class DraftOut(Schema):
    number: int
    kind: str
    plan: dict[str, Any]
    pending_changes: list[str]
    issues: list[ErrorItem] = Field(..., description="What still blocks signing; empty when signable.")


class PlanOut(Schema):
    id: int
    episode_id: int
    participant_id: int
    status: str
    review_days: int
    last_signed_on: dt.date | None
    next_review: ReviewOut | None
    current: RevisionOut | None
    draft: DraftOut | None
    revisions: list[RevisionOut]


def _revision(r: PlanRevision, *, with_snapshot: bool = False) -> RevisionOut:
    return RevisionOut(
        number=r.number,
        kind=r.kind,
        status=r.status,
        created_at=r.created_at,
        created_by=r.created_by.display_name,
        clinician_signed_by=r.clinician_signed_by.display_name if r.clinician_signed_by else None,
        clinician_signed_at=r.clinician_signed_at,
        participant_signed_at=r.participant_signed_at,
        participant_signature=r.participant_signature,
        review_note=r.review_note,
        changes=list(r.changes or []),
        snapshot=r.snapshot if with_snapshot else None,
    )


def _plan_out(user: User, plan: TreatmentPlan) -> PlanOut:
    record(
        action=AuditAction.VIEW,
        actor=user,
        obj=plan,
        participant_id=plan.participant_id,
        summary="Read treatment plan (API)",
    )
    page = plan_page(plan)
    review = None
    if page.review is not None:
        today = today_in(plan.episode, timezone.now())
        review = ReviewOut(due_on=page.review.due_on, reason=page.review.reason, overdue=is_overdue(page.review, today))
    draft = None
    if page.draft is not None:
        issues = [ErrorItem(field=i.field, reason=i.reason) for i in validate_plan(page.live)]
        draft = DraftOut(
            number=page.draft.number,
            kind=page.draft.kind,
            plan=page.live,
            pending_changes=page.pending_changes,
            issues=issues,
        )
    return PlanOut(
        id=plan.pk,
        episode_id=plan.episode_id,
        participant_id=plan.participant_id,
        status=plan.status,
        review_days=plan.review_days,
        last_signed_on=plan.last_signed_on,
        next_review=review,
        current=_revision(page.current, with_snapshot=True) if page.current else None,
        draft=draft,
        revisions=[_revision(r) for r in page.revisions],
    )


def _writer(request: HttpRequest) -> User:
    user = staff_user(request)
    require(user, Capability.WRITE_CLINICAL_RECORD)
    return user


def _scoped(user: User, queryset: QuerySet[M], pk: int, path: str) -> M:
    return get_in_scope(user, queryset, pk, program_path=path)


def _writable_plan(request: HttpRequest, pk: int) -> tuple[User, TreatmentPlan]:
    user = staff_user(request)
    plan = get_plan_for(user, pk)
    require(user, Capability.WRITE_CLINICAL_RECORD)
    return user, plan


def _fresh(user: User, plan_id: int) -> PlanOut:
    return _plan_out(user, get_plan_for(user, plan_id))


# --- Reading -------------------------------------------------------------------------------------

RESPONSES: dict[int, Any] = {200: PlanOut, 400: Errors, 403: Errors, 404: Errors}


@router.get("/participant/{participant_id}", response=RESPONSES, summary="The plan of a participant's current episode")
def read_participant_plan(request: HttpRequest, participant_id: int) -> Any:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.READ_CLINICAL_RECORD)
    plan = plan_for_participant(participant)
    if plan is None:
        return Status(
            404, {"detail": [{"field": "participant_id", "reason": "No treatment plan for the current episode."}]}
        )
    return _plan_out(user, plan)


@router.get("/episode/{episode_id}", response=RESPONSES, summary="The plan of an episode")
def read_episode_plan(request: HttpRequest, episode_id: int) -> Any:
    user = staff_user(request)
    episode = get_episode_for(user, episode_id)
    require(user, Capability.READ_CLINICAL_RECORD)
    plan = TreatmentPlan.objects.filter(episode=episode).first()
    if plan is None:
        return Status(404, {"detail": [{"field": "episode_id", "reason": "This episode has no treatment plan."}]})
    return _fresh(user, plan.pk)


@router.get("/{plan_id}", response=RESPONSES, summary="A plan: current signed revision, draft, history")
def read_plan(request: HttpRequest, plan_id: int) -> Any:
    user = staff_user(request)
    plan = get_plan_for(user, plan_id)
    require(user, Capability.READ_CLINICAL_RECORD)
    return _plan_out(user, plan)


# --- Creating and editing --------------------------------------------------------------------------


class PlanIn(Schema):
    episode_id: int
    review_days: int | None = None


@router.post("", response={201: PlanOut, 400: Errors, 403: Errors, 404: Errors}, summary="Start the plan of an episode")
def create_plan(request: HttpRequest, payload: PlanIn) -> Any:
    user = staff_user(request)
    episode = get_episode_for(user, payload.episode_id)
    require(user, Capability.WRITE_CLINICAL_RECORD)
    plan = actions.create_plan(episode=episode, review_days=payload.review_days, by=user, at=timezone.now())
    return Status(201, _fresh(user, plan.pk))


class ProblemIn(Schema):
    text: str
    diagnosis_id: int | None = None
    asam_dimension: str = Field("", description="'1' to '6', or empty.")


def _diagnosis(plan: TreatmentPlan, pk: int | None) -> Diagnosis | None:
    if pk is None:
        return None
    found = Diagnosis.objects.filter(pk=pk, participant_id=plan.participant_id).first()
    if found is None:
        raise PlanError("diagnosis_id", "No such diagnosis for this participant.")
    return found


@router.post("/{plan_id}/problems", response=RESPONSES, summary="Add a problem")
def add_problem(request: HttpRequest, plan_id: int, payload: ProblemIn) -> Any:
    user, plan = _writable_plan(request, plan_id)
    actions.add_problem(
        plan=plan,
        text=payload.text,
        diagnosis=_diagnosis(plan, payload.diagnosis_id),
        asam_dimension=payload.asam_dimension,
        by=user,
        at=timezone.now(),
    )
    return _fresh(user, plan.pk)


@router.patch("/problems/{problem_id}", response=RESPONSES, summary="Edit a problem")
def edit_problem(request: HttpRequest, problem_id: int, payload: ProblemIn) -> Any:
    user = _writer(request)
    problem = _scoped(user, Problem.objects.select_related("plan"), problem_id, "plan__episode__program")
    actions.edit_problem(
        problem=problem,
        text=payload.text,
        diagnosis=_diagnosis(problem.plan, payload.diagnosis_id),
        asam_dimension=payload.asam_dimension,
        by=user,
        at=timezone.now(),
    )
    return _fresh(user, problem.plan_id)


@router.delete("/problems/{problem_id}", response=RESPONSES, summary="Remove a problem and its goals")
def remove_problem(request: HttpRequest, problem_id: int) -> Any:
    user = _writer(request)
    problem = _scoped(user, Problem.objects.select_related("plan"), problem_id, "plan__episode__program")
    actions.remove_problem(problem=problem, by=user, at=timezone.now())
    return _fresh(user, problem.plan_id)


class GoalIn(Schema):
    text: str = Field(..., description="In the participant's own words.")
    problem_id: int | None = Field(None, description="Move the goal to another problem of the plan (edit only).")


@router.post("/problems/{problem_id}/goals", response=RESPONSES, summary="Add a goal to a problem")
def add_goal(request: HttpRequest, problem_id: int, payload: GoalIn) -> Any:
    user = _writer(request)
    problem = _scoped(user, Problem.objects.select_related("plan"), problem_id, "plan__episode__program")
    actions.add_goal(problem=problem, text=payload.text, by=user, at=timezone.now())
    return _fresh(user, problem.plan_id)


def _goal(user: User, pk: int) -> Goal:
    return _scoped(user, Goal.objects.select_related("plan__participant"), pk, "plan__episode__program")


@router.patch("/goals/{goal_id}", response=RESPONSES, summary="Edit a goal")
def edit_goal(request: HttpRequest, goal_id: int, payload: GoalIn) -> Any:
    user = _writer(request)
    goal = _goal(user, goal_id)
    problem = None
    if payload.problem_id is not None:
        problem = Problem.objects.filter(pk=payload.problem_id, plan_id=goal.plan_id).first()
        if problem is None:
            raise PlanError("problem_id", "Choose a problem of this plan.")
    actions.edit_goal(goal=goal, text=payload.text, problem=problem, by=user, at=timezone.now())
    return _fresh(user, goal.plan_id)


@router.delete("/goals/{goal_id}", response=RESPONSES, summary="Remove a goal")
def remove_goal(request: HttpRequest, goal_id: int) -> Any:
    user = _writer(request)
    goal = _goal(user, goal_id)
    actions.remove_goal(goal=goal, by=user, at=timezone.now())
    return _fresh(user, goal.plan_id)


class ObjectiveIn(Schema):
    text: str = Field(..., description="Measurable: a number, or a frequency or time word.")
    target_on: dt.date | None = None


def _objective(user: User, pk: int) -> Objective:
    return _scoped(user, Objective.objects.select_related("goal__plan__episode"), pk, "goal__plan__episode__program")


@router.post("/goals/{goal_id}/objectives", response=RESPONSES, summary="Add a measurable objective to a goal")
def add_objective(request: HttpRequest, goal_id: int, payload: ObjectiveIn) -> Any:
    user = _writer(request)
    goal = _goal(user, goal_id)
    actions.add_objective(goal=goal, text=payload.text, target_on=payload.target_on, by=user, at=timezone.now())
    return _fresh(user, goal.plan_id)


@router.patch("/objectives/{objective_id}", response=RESPONSES, summary="Edit an objective")
def edit_objective(request: HttpRequest, objective_id: int, payload: ObjectiveIn) -> Any:
    user = _writer(request)
    objective = _objective(user, objective_id)
    actions.edit_objective(
        objective=objective, text=payload.text, target_on=payload.target_on, by=user, at=timezone.now()
    )
    return _fresh(user, objective.goal.plan_id)


class StatusIn(Schema):
    status: str = Field(..., description="not_started, in_progress, met, partially_met, not_met, discontinued")


@router.post("/objectives/{objective_id}/status", response=RESPONSES, summary="Record an objective's status")
def set_objective_status(request: HttpRequest, objective_id: int, payload: StatusIn) -> Any:
    user = _writer(request)
    objective = _objective(user, objective_id)
    actions.set_objective_status(objective=objective, status=payload.status, by=user, at=timezone.now())
    return _fresh(user, objective.goal.plan_id)


@router.delete("/objectives/{objective_id}", response=RESPONSES, summary="Remove an objective")
def remove_objective(request: HttpRequest, objective_id: int) -> Any:
    user = _writer(request)
    objective = _objective(user, objective_id)
    actions.remove_objective(objective=objective, by=user, at=timezone.now())
    return _fresh(user, objective.goal.plan_id)


class InterventionIn(Schema):
    method: str = Field(..., description="cbt, dbt, mi, mindfulness, twelve_step, family, vocational, medication")
    frequency: str
    responsible_id: int
    objective_id: int | None = None
    description: str = ""


def _intervention_refs(goal: Goal, payload: InterventionIn) -> dict[str, Any]:
    responsible = User.objects.filter(
        pk=payload.responsible_id, organization_id=goal.plan.participant.organization_id
    ).first()
    if responsible is None:
        raise PlanError("responsible_id", "No such staff member.")
    objective = None
    if payload.objective_id is not None:
        objective = Objective.objects.filter(pk=payload.objective_id, goal=goal).first()
        if objective is None:
            raise PlanError("objective_id", "Choose an objective of this goal.")
    return {
        "method": payload.method,
        "frequency": payload.frequency,
        "responsible": responsible,
        "objective": objective,
        "description": payload.description,
    }


@router.post("/goals/{goal_id}/interventions", response=RESPONSES, summary="Add an intervention to a goal")
def add_intervention(request: HttpRequest, goal_id: int, payload: InterventionIn) -> Any:
    user = _writer(request)
    goal = _goal(user, goal_id)
    actions.add_intervention(goal=goal, by=user, at=timezone.now(), **_intervention_refs(goal, payload))
    return _fresh(user, goal.plan_id)


def _intervention(user: User, pk: int) -> Intervention:
    qs = Intervention.objects.select_related("goal__plan__participant")
    return _scoped(user, qs, pk, "goal__plan__episode__program")


@router.patch("/interventions/{intervention_id}", response=RESPONSES, summary="Edit an intervention")
def edit_intervention(request: HttpRequest, intervention_id: int, payload: InterventionIn) -> Any:
    user = _writer(request)
    row = _intervention(user, intervention_id)
    actions.edit_intervention(intervention=row, by=user, at=timezone.now(), **_intervention_refs(row.goal, payload))
    return _fresh(user, row.goal.plan_id)


@router.delete("/interventions/{intervention_id}", response=RESPONSES, summary="Remove an intervention")
def remove_intervention(request: HttpRequest, intervention_id: int) -> Any:
    user = _writer(request)
    row = _intervention(user, intervention_id)
    actions.remove_intervention(intervention=row, by=user, at=timezone.now())
    return _fresh(user, row.goal.plan_id)


class ServiceIn(Schema):
    service_type: str = Field(..., description="Service type code, e.g. 'individual-counseling'.")
    sessions_per_week: int
    minutes_per_session: int | None = None


class ServiceEditIn(Schema):
    sessions_per_week: int
    minutes_per_session: int


@router.post("/{plan_id}/services", response=RESPONSES, summary="Prescribe a service (sessions a week)")
def add_service(request: HttpRequest, plan_id: int, payload: ServiceIn) -> Any:
    user, plan = _writable_plan(request, plan_id)
    service_type = ServiceType.objects.filter(code=payload.service_type, active=True).first()
    if service_type is None:
        raise PlanError("service_type", "No such active service type.")
    actions.add_service(
        plan=plan,
        service_type=service_type,
        sessions_per_week=payload.sessions_per_week,
        minutes_per_session=payload.minutes_per_session,
        by=user,
        at=timezone.now(),
    )
    return _fresh(user, plan.pk)


def _service(user: User, pk: int) -> PrescribedService:
    return _scoped(user, PrescribedService.objects.select_related("plan", "service_type"), pk, "plan__episode__program")


@router.patch("/services/{service_id}", response=RESPONSES, summary="Change a prescribed service")
def edit_service(request: HttpRequest, service_id: int, payload: ServiceEditIn) -> Any:
    user = _writer(request)
    row = _service(user, service_id)
    actions.edit_service(
        service=row,
        sessions_per_week=payload.sessions_per_week,
        minutes_per_session=payload.minutes_per_session,
        by=user,
        at=timezone.now(),
    )
    return _fresh(user, row.plan_id)


@router.delete("/services/{service_id}", response=RESPONSES, summary="Stop prescribing a service")
def remove_service(request: HttpRequest, service_id: int) -> Any:
    user = _writer(request)
    row = _service(user, service_id)
    actions.remove_service(service=row, by=user, at=timezone.now())
    return _fresh(user, row.plan_id)


# --- Reviews and signatures ------------------------------------------------------------------------


class ReviewIn(Schema):
    kind: str = Field(RevisionKind.REVIEW, description="'review' or 'level_change'")
    note: str = ""


@router.post("/{plan_id}/review", response=RESPONSES, summary="Start a review (opens or marks the draft)")
def start_review(request: HttpRequest, plan_id: int, payload: ReviewIn) -> Any:
    user, plan = _writable_plan(request, plan_id)
    actions.start_review(plan=plan, kind=payload.kind, note=payload.note, by=user, at=timezone.now())
    return _fresh(user, plan.pk)


class SignIn(Schema):
    review_note: str = ""


@router.post("/{plan_id}/sign", response=RESPONSES, summary="Sign the draft as the clinician")
def sign(request: HttpRequest, plan_id: int, payload: SignIn) -> Any:
    user, plan = _writable_plan(request, plan_id)
    actions.sign_as_clinician(plan=plan, review_note=payload.review_note, by=user, at=timezone.now())
    return _fresh(user, plan.pk)


class ParticipantSignatureIn(Schema):
    revision: int = Field(..., description="The revision number the participant signed on paper.")


@router.post(
    "/{plan_id}/participant-signature",
    response=RESPONSES,
    summary="Attest that the participant signed a revision on paper",
)
def participant_signature(request: HttpRequest, plan_id: int, payload: ParticipantSignatureIn) -> Any:
    user, plan = _writable_plan(request, plan_id)
    revision = plan.revisions.filter(number=payload.revision).first()
    if revision is None:
        raise out_of_scope(user, "plans.planrevision", f"{plan.pk}/{payload.revision}", plan.participant_id)
    actions.record_participant_signature(
        revision=revision, method=ParticipantSignature.PAPER, by=user, at=timezone.now()
    )
    return _fresh(user, plan.pk)
