"""HTML views of treatment plans: the participant's plan (current signed revision, the draft being edited
with htmx, the revision history), the review/sign flow, the participant's paper signature and the PDF.

Access: the plan's program must be in the user's scope (else an audited 404); reading needs
READ_CLINICAL_RECORD and writing WRITE_CLINICAL_RECORD (else 403). Every page that shows plan content
writes a VIEW audit entry; every change is audited by its action.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, has_capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import out_of_scope
from cadence.attendance.ledger_data import level_minimums
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.core.errors import DomainError
from cadence.core.pdf import pdf_response
from cadence.participants.queries import current_episode, get_participant_for, today_in

from . import actions
from .forms import (
    GoalForm,
    InterventionForm,
    ObjectiveForm,
    ObjectiveStatusForm,
    ParticipantSignatureForm,
    ProblemForm,
    ReviewDaysForm,
    ServiceForm,
    SignForm,
    StartReviewForm,
)
from .models import (
    Goal,
    Intervention,
    Objective,
    ParticipantSignature,
    PrescribedService,
    Problem,
    RevisionStatus,
    TreatmentPlan,
)
from .queries import get_plan_for, plan_for_participant, plan_page, review_for, signed_revisions
from .rules import counted_minutes, hours_warning, is_overdue, validate_plan
from .snapshot import build_snapshot

GET_POST = require_http_methods(["GET", "POST"])


def _audit_read(user: User, plan: TreatmentPlan, purpose: str) -> None:
    record(action=AuditAction.VIEW, actor=user, obj=plan, participant_id=plan.participant_id, summary=purpose[:300])


def _plan(request: HttpRequest, pk: int, *, write: bool) -> tuple[User, TreatmentPlan]:
    """The plan in scope (else audited 404) that the user may read, or change (else 403)."""
    user = staff_user(request)
    plan = get_plan_for(user, pk)
    require(user, Capability.WRITE_CLINICAL_RECORD if write else Capability.READ_CLINICAL_RECORD)
    return user, plan


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@dataclass
class Editor:
    title: str
    form: forms.Form
    action: str


def _hours_note(plan: TreatmentPlan, snapshot: dict[str, Any]) -> str | None:
    level = plan.episode.level_of_care
    if level is None:
        return None
    minimum_minutes, _days = level_minimums(level, plan.episode.program.population)
    return hours_warning(
        counted_minutes(snapshot.get("services", [])),
        level=f"{level.code} {level.name}",
        minimum_hours=minimum_minutes / 60,
        maximum_hours=float(level.max_hours_week) if level.max_hours_week is not None else None,
    )


def _context(user: User, plan: TreatmentPlan, editor: Editor | None = None) -> dict[str, Any]:
    page = plan_page(plan)
    today = today_in(plan.episode, timezone.now())
    return {
        "plan": plan,
        "participant": plan.participant,
        "episode": plan.episode,
        "page": page,
        "issues": validate_plan(page.live),
        "hours_note": _hours_note(plan, page.live),
        "editor": editor,
        "can_write": has_capability(user.role, Capability.WRITE_CLINICAL_RECORD),
        "overdue": is_overdue(page.review, today),
        "today": today,
        "review_form": StartReviewForm(
            initial={"kind": "level_change" if page.review and page.review.reason == "level_change" else "review"}
        ),
        "days_form": ReviewDaysForm(initial={"review_days": plan.review_days}),
    }


def _render(request: HttpRequest, user: User, plan: TreatmentPlan, editor: Editor | None = None) -> HttpResponse:
    template = "plans/_draft.html" if _is_htmx(request) else "plans/plan.html"
    return render(request, template, _context(user, plan, editor))


def _done(request: HttpRequest, user: User, plan: TreatmentPlan) -> HttpResponse:
    if _is_htmx(request):
        return render(request, "plans/_draft.html", _context(user, plan))
    return redirect(reverse("plans:plan", args=[plan.pk]))


# --- Reading ---------------------------------------------------------------------------------------


@require_GET
def participant_plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan of the participant's current episode; an invitation to write one when there is none."""
    user = staff_user(request)
    allowed = has_capability(user.role, Capability.READ_CLINICAL_RECORD)
    participant = get_participant_for(user, pk, audit_view=allowed, purpose="Opened treatment plan")
    require(user, Capability.READ_CLINICAL_RECORD)
    plan = plan_for_participant(participant)
    if plan is not None:
        return render(request, "plans/plan.html", _context(user, plan))
    context = {
        "participant": participant,
        "episode": current_episode(participant),
        "can_write": has_capability(user.role, Capability.WRITE_CLINICAL_RECORD),
    }
    return render(request, "plans/no_plan.html", context)


@require_POST
def create_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    participant = get_participant_for(user, pk, audit_view=False)
    require(user, Capability.WRITE_CLINICAL_RECORD)
    episode = current_episode(participant)
    if episode is None:
        raise Http404("No episode")
    try:
        plan = actions.create_plan(episode=episode, by=user, at=timezone.now())
    except DomainError as err:
        messages.error(request, err.reason)
        return redirect(reverse("plans:participant", args=[participant.pk]))
    return redirect(reverse("plans:plan", args=[plan.pk]))


@require_GET
def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, plan = _plan(request, pk, write=False)
    _audit_read(user, plan, "Opened treatment plan")
    return _render(request, user, plan)


@require_GET
def revision_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One signed revision as it was signed."""
    user, plan = _plan(request, pk, write=False)
    revision = (
        plan.revisions.select_related("clinician_signed_by", "participant_attested_by").filter(number=number).first()
    )
    if revision is None or not revision.is_signed:
        raise Http404("No such signed revision")
    _audit_read(user, plan, f"Opened treatment plan revision {number}")
    context = {"plan": plan, "participant": plan.participant, "episode": plan.episode, "revision": revision}
    return render(request, "plans/revision.html", context)


@require_GET
def pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The current signed revision (or ``?revision=n``) as one PDF document; the export is audited.

    A named revision must exist and be signed (else 404, never the draft in its place); the live plan is
    read only when there is no signed revision to print."""
    user, plan = _plan(request, pk, write=False)
    revisions = signed_revisions(plan)
    wanted = request.GET.get("revision", "")
    if wanted:
        revision = next((r for r in revisions if str(r.number) == wanted), None)
        if revision is None:
            raise Http404("No such signed revision")
    else:
        revision = next((r for r in revisions if r.status == RevisionStatus.CURRENT), None)
    snapshot = revision.snapshot if revision is not None else build_snapshot(plan)
    record(
        action=AuditAction.EXPORT,
        actor=user,
        obj=plan,
        participant_id=plan.participant_id,
        summary=f"Treatment plan PDF ({f'revision {revision.number}' if revision else 'unsigned draft'})",
    )
    context = {
        "plan": plan,
        "participant": plan.participant,
        "episode": plan.episode,
        "revision": revision,
        "snap": snapshot,
        "review": review_for(plan),
        "printed_at": timezone.now(),
    }
    filename = f"treatment-plan-{plan.participant.record_number}-r{revision.number if revision else 'draft'}.pdf"
    return pdf_response("plans/pdf.html", context, filename=filename)


# --- Editing rows ----------------------------------------------------------------------------------

_MODELS: dict[str, Any] = {
    "problem": (Problem, "plan"),
    "goal": (Goal, "plan"),
    "objective": (Objective, "goal__plan"),
    "status": (Objective, "goal__plan"),
    "intervention": (Intervention, "goal__plan"),
    "service": (PrescribedService, "plan"),
}


def _row(user: User, plan: TreatmentPlan, kind: str, pk: int | str | None) -> Any:
    if kind not in _MODELS:
        raise Http404("Unknown item")
    model, path = _MODELS[kind]
    if pk is None or not str(pk).isdigit():
        raise Http404("No item")
    row = model.objects.filter(pk=int(pk), **{path: plan}, removed_at__isnull=True).first()
    if row is None:
        raise out_of_scope(user, model._meta.label_lower, pk, plan.participant_id)
    return row


def _form(kind: str, plan: TreatmentPlan, data: Any, row: Any = None, parent: Any = None) -> forms.Form:
    """The form of ``kind`` bound to ``data`` (or filled from ``row`` when editing)."""
    initial: dict[str, Any] = {}
    if kind == "problem":
        if row is not None:
            initial = {"text": row.text, "diagnosis": row.diagnosis_id, "asam_dimension": row.asam_dimension}
        return ProblemForm(data, plan=plan, initial=initial)
    if kind == "goal":
        initial = {"text": row.text, "problem": row.problem_id} if row is not None else {"problem": parent}
        return GoalForm(data, plan=plan, initial=initial)
    if kind == "objective":
        if row is not None:
            initial = {"text": row.text, "target_on": row.target_on}
        return ObjectiveForm(data, initial=initial)
    if kind == "status":
        return ObjectiveStatusForm(data, initial={"status": row.status})
    if kind == "intervention":
        goal = row.goal if row is not None else parent
        if row is not None:
            initial = {
                "method": row.method,
                "frequency": row.frequency,
                "responsible": row.responsible_id,
                "objective": row.objective_id,
                "description": row.description,
            }
        return InterventionForm(data, plan=plan, goal=goal, initial=initial)
    if row is not None:
        initial = {
            "service_type": row.service_type_id,
            "sessions_per_week": row.sessions_per_week,
            "minutes_per_session": row.minutes_per_session,
        }
    form = ServiceForm(data, initial=initial)
    if row is not None:
        form.fields["service_type"].disabled = True
    return form


_PARENTS = {"objective": "goal", "intervention": "goal"}  # rows added under a goal (``?goal=``)
_TITLES = {
    "problem": "problem",
    "goal": "goal",
    "objective": "objective",
    "status": "objective status",
    "intervention": "intervention",
    "service": "prescribed service",
}


def _apply(kind: str, *, plan: TreatmentPlan, row: Any, parent: Any, data: dict[str, Any], by: User) -> None:
    """Call the one action that saves ``kind`` (add when ``row`` is None, else edit)."""
    at = timezone.now()
    if kind == "problem":
        fields = {"text": data["text"], "diagnosis": data["diagnosis"], "asam_dimension": data["asam_dimension"]}
        if row is None:
            actions.add_problem(plan=plan, by=by, at=at, **fields)
        else:
            actions.edit_problem(problem=row, by=by, at=at, **fields)
    elif kind == "goal":
        if row is None:
            actions.add_goal(problem=data["problem"], text=data["text"], by=by, at=at)
        else:
            actions.edit_goal(goal=row, text=data["text"], problem=data["problem"], by=by, at=at)
    elif kind == "objective":
        if row is None:
            actions.add_objective(goal=parent, text=data["text"], target_on=data["target_on"], by=by, at=at)
        else:
            actions.edit_objective(objective=row, text=data["text"], target_on=data["target_on"], by=by, at=at)
    elif kind == "status":
        actions.set_objective_status(objective=row, status=data["status"], by=by, at=at)
    elif kind == "intervention":
        fields = {k: data[k] for k in ("method", "frequency", "responsible", "objective", "description")}
        if row is None:
            actions.add_intervention(goal=parent, by=by, at=at, **fields)
        else:
            actions.edit_intervention(intervention=row, by=by, at=at, **fields)
    elif row is None:
        actions.add_service(
            plan=plan,
            service_type=data["service_type"],
            sessions_per_week=data["sessions_per_week"],
            minutes_per_session=data["minutes_per_session"],
            by=by,
            at=at,
        )
    else:
        minutes = data["minutes_per_session"] or row.service_type.default_minutes
        actions.edit_service(
            service=row, sessions_per_week=data["sessions_per_week"], minutes_per_session=minutes, by=by, at=at
        )


def _edit(request: HttpRequest, pk: int, kind: str, row_pk: int | None) -> HttpResponse:
    user, plan = _plan(request, pk, write=True)
    if kind not in _MODELS or (row_pk is None and kind == "status"):
        raise Http404("Unknown item")
    row = _row(user, plan, kind, row_pk) if row_pk is not None else None
    parent: Any = None
    if row is None and kind in _PARENTS:
        parent = _row(user, plan, _PARENTS[kind], request.GET.get(_PARENTS[kind]))
    elif row is None and kind == "goal":
        parent = request.GET.get("problem")  # the problem offered first in the form
    form = _form(kind, plan, request.POST if request.method == "POST" else None, row, parent)
    if request.method == "POST" and form.is_valid():
        try:
            _apply(kind, plan=plan, row=row, parent=parent, data=form.cleaned_data, by=user)
        except DomainError as err:
            form.add_error(err.field if err.field in form.fields else None, err.reason)
        else:
            return _done(request, user, plan)
    if request.method == "GET":
        _audit_read(user, plan, f"Opened treatment plan ({_TITLES[kind]} form)")
    if row is not None:
        action = reverse("plans:edit", args=[plan.pk, kind, row.pk])
    else:
        query = f"?{_PARENTS[kind]}={parent.pk}" if kind in _PARENTS else ""
        action = reverse("plans:add", args=[plan.pk, kind]) + query
    verb = "Edit" if row is not None else "Add"
    if kind == "status":
        verb = "Update"
    editor = Editor(title=f"{verb} {_TITLES[kind]}", form=form, action=action)
    return _render(request, user, plan, editor)


@GET_POST
def add_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _edit(request, pk, kind, None)


@GET_POST
def edit_view(request: HttpRequest, pk: int, kind: str, row: int) -> HttpResponse:
    return _edit(request, pk, kind, row)


@require_POST
def remove_view(request: HttpRequest, pk: int, kind: str, row: int) -> HttpResponse:
    user, plan = _plan(request, pk, write=True)
    item = _row(user, plan, kind, row)
    at = timezone.now()
    removers: dict[str, Callable[[], object]] = {
        "problem": lambda: actions.remove_problem(problem=item, by=user, at=at),
        "goal": lambda: actions.remove_goal(goal=item, by=user, at=at),
        "objective": lambda: actions.remove_objective(objective=item, by=user, at=at),
        "intervention": lambda: actions.remove_intervention(intervention=item, by=user, at=at),
        "service": lambda: actions.remove_service(service=item, by=user, at=at),
    }
    if kind not in removers:
        raise Http404("Unknown item")
    try:
        removers[kind]()
    except DomainError as err:
        messages.error(request, err.reason)
    return _done(request, user, plan)


@require_POST
def review_days_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, plan = _plan(request, pk, write=True)
    form = ReviewDaysForm(request.POST)
    if form.is_valid():
        try:
            actions.set_review_days(plan=plan, days=form.cleaned_data["review_days"], by=user, at=timezone.now())
        except DomainError as err:
            messages.error(request, err.reason)
    else:
        messages.error(request, "Review every 1 to 365 days.")
    return _done(request, user, plan)


# --- Review and signatures ---------------------------------------------------------------------------


@require_POST
def start_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, plan = _plan(request, pk, write=True)
    form = StartReviewForm(request.POST)
    if form.is_valid():
        try:
            actions.start_review(
                plan=plan, kind=form.cleaned_data["kind"], note=form.cleaned_data["note"], by=user, at=timezone.now()
            )
        except DomainError as err:
            messages.error(request, err.reason)
        else:
            return redirect(reverse("plans:sign", args=[plan.pk]))
    return redirect(reverse("plans:plan", args=[plan.pk]))


@GET_POST
def sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Review the draft (what changed, what still blocks signing) and sign it as the clinician."""
    user, plan = _plan(request, pk, write=request.method == "POST")
    page = plan_page(plan)
    form = SignForm(request.POST or None, initial={"review_note": page.draft.review_note if page.draft else ""})
    if request.method == "POST" and form.is_valid():
        try:
            actions.sign_as_clinician(
                plan=plan, review_note=form.cleaned_data["review_note"], by=user, at=timezone.now()
            )
        except DomainError as err:
            form.add_error(None, err.reason)
        else:
            messages.success(request, "Plan signed. Record the participant's signature when they sign.")
            return redirect(reverse("plans:plan", args=[plan.pk]))
    if request.method == "GET":
        _audit_read(user, plan, "Opened treatment plan for signing")
    context = {
        "plan": plan,
        "participant": plan.participant,
        "episode": plan.episode,
        "page": page,
        "issues": validate_plan(page.live),
        "form": form,
        "can_write": has_capability(user.role, Capability.WRITE_CLINICAL_RECORD),
    }
    return render(request, "plans/sign.html", context)


@require_POST
def participant_signature_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """Staff attest that the participant signed the printed revision."""
    user, plan = _plan(request, pk, write=True)
    revision = plan.revisions.filter(number=number).first()
    if revision is None:
        raise Http404("No such revision")
    form = ParticipantSignatureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Tick the box to confirm that you saw the participant sign.")
    else:
        try:
            actions.record_participant_signature(
                revision=revision, method=ParticipantSignature.PAPER, by=user, at=timezone.now()
            )
        except DomainError as err:
            messages.error(request, err.reason)
        else:
            messages.success(request, "Participant's signature recorded.")
    return redirect(reverse("plans:plan", args=[plan.pk]))
