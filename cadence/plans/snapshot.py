"""Build a plan's snapshot (the plain dict ``rules`` works on) from its live rows, in a fixed number of
queries whatever the plan's size."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from .models import Goal, Intervention, Objective, PrescribedService, Problem, TreatmentPlan
from .rules import weekly_minutes


def _diagnosis(problem: Problem) -> str:
    if problem.diagnosis is None:
        return ""
    return f"{problem.diagnosis.code} {problem.diagnosis.description}".strip()


def build_snapshot(plan: TreatmentPlan) -> dict[str, Any]:
    """The plan as it stands now (removed rows left out), JSON-ready (dates as ISO strings)."""
    active_objectives = Objective.objects.filter(removed_at__isnull=True).order_by("number")
    active_interventions = (
        Intervention.objects.filter(removed_at__isnull=True).select_related("responsible", "objective").order_by("id")
    )
    goals = (
        Goal.objects.filter(removed_at__isnull=True)
        .order_by("number")
        .prefetch_related(
            Prefetch("objectives", queryset=active_objectives),
            Prefetch("interventions", queryset=active_interventions),
        )
    )
    problems = (
        Problem.objects.filter(plan=plan, removed_at__isnull=True)
        .select_related("diagnosis")
        .prefetch_related(Prefetch("goals", queryset=goals))
        .order_by("number")
    )
    services = (
        PrescribedService.objects.filter(plan=plan, removed_at__isnull=True)
        .select_related("service_type")
        .order_by("service_type__name", "id")
    )
    service_rows = [
        {
            "id": s.pk,
            "service_type": s.service_type.code,
            "name": s.service_type.name,
            "sessions_per_week": s.sessions_per_week,
            "minutes_per_session": s.minutes_per_session,
            "counts_toward_hours": s.service_type.counts_toward_hours,
        }
        for s in services
    ]
    return {
        "review_days": plan.review_days,
        "problems": [_problem(p) for p in problems],
        "services": service_rows,
        "weekly_minutes": weekly_minutes(service_rows),
    }


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "number": problem.number,
        "text": problem.text,
        "diagnosis": _diagnosis(problem),
        "diagnosis_id": problem.diagnosis_id,
        "asam_dimension": problem.asam_dimension,
        "goals": [_goal(g) for g in problem.goals.all()],
    }


def _goal(goal: Goal) -> dict[str, Any]:
    return {
        "id": goal.pk,
        "number": goal.number,
        "text": goal.text,
        "objectives": [
            {
                "id": o.pk,
                "number": o.number,
                "text": o.text,
                "target_on": o.target_on.isoformat(),
                "status": o.status,
            }
            for o in goal.objectives.all()
        ],
        "interventions": [
            {
                "id": i.pk,
                "method": i.method,
                "method_label": i.get_method_display(),
                "description": i.description,
                "frequency": i.frequency,
                "responsible": i.responsible.display_name,
                "responsible_id": i.responsible_id,
                "objective": i.objective.number if i.objective is not None else None,
                "objective_id": i.objective_id,
            }
            for i in goal.interventions.all()
        ],
    }
