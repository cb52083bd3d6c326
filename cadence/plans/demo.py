"""Synthetic treatment plans for the demo (``manage.py seed_plans_demo``), written through the actions.

For most admitted episodes (every seventh is left without a plan): problems linked to the participant's
diagnoses and an ASAM dimension, goals in the participant's words, measurable objectives, interventions
and prescribed services. About one plan in five is still an unsigned initial draft; the rest were signed
two days after admission, and those admitted long enough ago were reviewed a month later (objective
status and a target date changed), except one in three (the first included), whose review is now overdue.
A participant with a portal login (the demo's ``participant``, made by ``seed_measures``: run this after
it) always gets a plan signed by the clinician and waiting for their own signature on the portal.
Deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cadence.accounts.models import Role, User
from cadence.accounts.permissions import Capability, has_capability
from cadence.accounts.scope import visible_programs
from cadence.participants.models import Diagnosis, Episode, EpisodeStatus
from cadence.scheduling.models import ServiceType

from . import actions
from .models import ObjectiveStatus, TreatmentPlan

# (diagnosis code prefixes, problem, ASAM dimension, goal in the participant's own words,
#  objectives (text, days to target), interventions (method, frequency))
Template = tuple[tuple[str, ...], str, str, str, list[tuple[str, int]], list[tuple[str, str]]]
PROBLEMS: list[Template] = [
    (
        ("F10",),
        "Daily alcohol use with two relapses after past treatment",
        "5",
        "I want to stay sober so I can be there for my kids.",
        [
            ("Attend 3 relapse prevention groups a week", 30),
            ("Name 3 personal triggers and a coping plan for each", 21),
        ],
        [("cbt", "3 groups a week"), ("twelve_step", "2 meetings a week")],
    ),
    (
        ("F32", "F33", "F41", "F43", "F31"),
        "Low mood, worry and poor sleep",
        "3",
        "I want to feel like myself again and sleep through the night.",
        [("Practise a 10 minute breathing exercise daily", 28), ("Keep a sleep diary 5 nights a week", 14)],
        [("mindfulness", "1 group a week"), ("dbt", "1 skills group a week")],
    ),
    (
        ("F11",),
        "Opioid use disorder on buprenorphine",
        "1",
        "I want to stay on my medicine and stop using.",
        [("Take buprenorphine daily as prescribed, 7 days a week", 30), ("Negative drug screens for 4 weeks", 28)],
        [("medication", "weekly medication check")],
    ),
    (
        ("F12", "F13", "F14", "F15"),
        "Ambivalent about stopping drug use",
        "4",
        "I'm not sure I need to quit, but I want my family off my back.",
        [("Complete a decisional balance worksheet in 1 session", 10), ("Reduce use to 2 days a week", 30)],
        [("mi", "weekly individual session")],
    ),
    (
        (),
        "Unemployed for 8 months; structure of the day lost",
        "6",
        "I want a job that pays the rent.",
        [("Apply to 2 jobs a week", 45), ("Finish a resume with the vocational counselor within 2 weeks", 14)],
        [("vocational", "1 workshop a week")],
    ),
    (
        (),
        "Conflict at home about substance use",
        "6",
        "I want us to stop fighting at home.",
        [("Attend 2 family sessions a month", 30)],
        [("family", "every other week")],
    ),
]
SERVICES = [("process-group", 3), ("cbt-skills", 2), ("individual", 1)]


@dataclass
class PlansSummary:
    plans: int = 0
    signed: int = 0
    drafts: int = 0
    overdue: int = 0


def _author(episode: Episode, admins: dict[int | None, User]) -> User | None:
    clinician = episode.primary_clinician
    if (
        clinician is not None
        and has_capability(clinician.role, Capability.WRITE_CLINICAL_RECORD)
        and visible_programs(clinician).filter(pk=episode.program_id).exists()
    ):
        return clinician
    return admins.get(episode.participant.organization_id)


def _at(day: dt.date, hour: int = 16) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def seed_plans(*, now: dt.datetime, progress: Callable[[str], None] | None = None) -> PlansSummary:
    """Write the demo plans; returns counts. Episodes that already have a plan are skipped."""
    summary = PlansSummary()
    admins = {u.organization_id: u for u in User.objects.filter(role=Role.ADMIN, is_active=True).order_by("pk")}
    services = {
        s.code: s for s in ServiceType.objects.filter(code__in=[c for c, _ in SERVICES] + ["medication-management"])
    }
    episodes = (
        Episode.objects.filter(status=EpisodeStatus.ACTIVE, admitted_on__isnull=False, treatment_plan__isnull=True)
        .select_related("participant", "program__site", "primary_clinician")
        .order_by("pk")
    )
    today = now.date()
    eligible = 0  # signed plans whose first review date has passed; every third is left overdue
    for index, episode in enumerate(episodes):
        # The demo portal login's participant always gets a signed plan waiting for their portal signature.
        portal = episode.participant.portal_user_id is not None
        if index % 7 == 6 and not portal:
            continue
        by = _author(episode, admins)
        assert episode.admitted_on is not None  # noqa: S101
        start = min(_at(episode.admitted_on + dt.timedelta(days=2)), now - dt.timedelta(hours=1))
        if by is None or start.date() < episode.admitted_on:
            continue
        plan = _write_plan(episode, index=index, by=by, at=start, services=services)
        summary.plans += 1
        if index % 5 == 4 and not portal:
            summary.drafts += 1
            continue
        actions.sign_as_clinician(plan=plan, by=by, at=start)
        revision = plan.revisions.get(number=1)
        if portal:
            summary.signed += 1
            continue
        if index % 4 != 3:
            actions.record_participant_signature(revision=revision, method="paper", by=by, at=start)
        summary.signed += 1
        review_on = start.date() + dt.timedelta(days=plan.review_days)
        if review_on < today:
            eligible += 1
            if eligible % 3 != 1:
                _review(plan, by=by, at=_at(review_on, 15))
        plan.refresh_from_db()
        if plan.review_due_on is not None and plan.review_due_on < today:
            summary.overdue += 1
        if progress is not None and summary.plans % 10 == 0:
            progress(f"  {summary.plans} plans")
    return summary


def _write_plan(
    episode: Episode, *, index: int, by: User, at: dt.datetime, services: dict[str, ServiceType]
) -> TreatmentPlan:
    plan = actions.create_plan(episode=episode, by=by, at=at)
    diagnoses = list(
        Diagnosis.objects.filter(participant_id=episode.participant_id, resolved_on__isnull=True).order_by("rank")
    )
    chosen = _problems_for(diagnoses, index)
    for prefixes, text, dimension, goal_text, objectives, interventions in chosen:
        diagnosis = next((d for d in diagnoses if prefixes and d.code.startswith(prefixes)), None)
        problem = actions.add_problem(plan=plan, text=text, asam_dimension=dimension, diagnosis=diagnosis, by=by, at=at)
        goal = actions.add_goal(problem=problem, text=goal_text, by=by, at=at)
        first = None
        for objective_text, days in objectives:
            objective = actions.add_objective(
                goal=goal, text=objective_text, target_on=at.date() + dt.timedelta(days=days), by=by, at=at
            )
            first = first or objective
        for method, frequency in interventions:
            actions.add_intervention(
                goal=goal, objective=first, method=method, frequency=frequency, responsible=by, by=by, at=at
            )
    for code, sessions in SERVICES:
        if code in services:
            actions.add_service(plan=plan, service_type=services[code], sessions_per_week=sessions, by=by, at=at)
    if any(problem[2] == "1" for problem in chosen) and "medication-management" in services:
        actions.add_service(
            plan=plan, service_type=services["medication-management"], sessions_per_week=1, by=by, at=at
        )
    return plan


def _problems_for(diagnoses: list[Diagnosis], index: int) -> list[Template]:
    """Problems matching the participant's diagnoses first, then one psychosocial problem."""
    matched = [t for t in PROBLEMS if t[0] and any(d.code.startswith(t[0]) for d in diagnoses)][:2]
    social = [t for t in PROBLEMS if not t[0]]
    chosen = matched + [social[index % len(social)]]
    return chosen if len(chosen) > 1 else [*chosen, PROBLEMS[index % 4]]


def _review(plan: TreatmentPlan, *, by: User, at: dt.datetime) -> None:
    """A month-later review: the first objective met, the second one's target moved two weeks."""
    actions.start_review(plan=plan, note="Reviewed progress with the participant.", by=by, at=at)
    for goal in plan.goals.filter(removed_at__isnull=True).order_by("number"):
        objectives = list(goal.objectives.filter(removed_at__isnull=True).order_by("number"))
        if objectives:
            actions.set_objective_status(objective=objectives[0], status=ObjectiveStatus.MET, by=by, at=at)
        if len(objectives) > 1:
            second = objectives[1]
            actions.edit_objective(
                objective=second, text=second.text, target_on=second.target_on + dt.timedelta(days=14), by=by, at=at
            )
    actions.sign_as_clinician(plan=plan, by=by, at=at)
    actions.record_participant_signature(revision=plan.revisions.get(status="current"), method="paper", by=by, at=at)
