"""Shared builders for plan tests."""

from __future__ import annotations

import datetime as dt

from cadence.accounts.models import User
from cadence.participants.models import Episode
from cadence.plans import actions
from cadence.plans.models import TreatmentPlan
from cadence.scheduling.models import ServiceType
from cadence.testing.personas import NOW, World


def build_plan(
    world: World,
    *,
    episode: Episode | None = None,
    by: User | None = None,
    at: dt.datetime = NOW,
    sign: bool = True,
) -> TreatmentPlan:
    """A plan with one problem, one goal, one measurable objective, one intervention and one service."""
    episode = episode or world.episode()
    by = by or world.clinician_a
    plan = actions.create_plan(episode=episode, by=by, at=at)
    problem = actions.add_problem(plan=plan, text="Drinks most days", asam_dimension="5", by=by, at=at)
    goal = actions.add_goal(problem=problem, text="I want to stay sober for my kids", by=by, at=at)
    objective = actions.add_objective(
        goal=goal, text="Attend 3 groups a week", target_on=dt.date(2026, 12, 1), by=by, at=at
    )
    actions.add_intervention(
        goal=goal, objective=objective, method="cbt", frequency="3 groups a week", responsible=by, by=by, at=at
    )
    actions.add_service(
        plan=plan, service_type=ServiceType.objects.get(code="process-group"), sessions_per_week=3, by=by, at=at
    )
    if sign:
        actions.sign_as_clinician(plan=plan, by=by, at=at)
    plan.refresh_from_db()
    return plan
