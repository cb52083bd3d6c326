"""The demo seed command, and the goals a note links to."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cadence.participants.models import Episode, EpisodeStatus
from cadence.plans import actions
from cadence.plans.models import PlanRevision, PlanStatus, RevisionStatus, TreatmentPlan
from cadence.plans.queries import active_goals
from cadence.plans.rules import validate_plan
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db


def test_seed_writes_signed_draft_and_overdue_plans_once() -> None:
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", participants=30, weeks=8, seed=3, today=dt.date(2026, 11, 23), stdout=StringIO())
        out = StringIO()
        call_command("seed_plans_demo", "--if-empty", stdout=out)
        assert "Seeded" in out.getvalue()
        plans = list(TreatmentPlan.objects.all())
        admitted = Episode.objects.filter(status=EpisodeStatus.ACTIVE).count()
        assert len(plans) >= admitted * 0.7
        assert any(p.status == PlanStatus.DRAFT for p in plans)
        signed = [p for p in plans if p.status == PlanStatus.ACTIVE]
        assert signed and any(p.review_due_on is not None and p.review_due_on < NOW.date() for p in signed)
        for revision in PlanRevision.objects.filter(status=RevisionStatus.CURRENT):
            assert validate_plan(revision.snapshot) == []
        again = StringIO()
        call_command("seed_plans_demo", "--if-empty", stdout=again)
        assert "already present" in again.getvalue() and TreatmentPlan.objects.count() == len(plans)


def test_seed_leaves_the_portal_participants_plan_waiting_for_their_signature() -> None:
    from cadence.accounts.models import Role, User
    from cadence.plans.queries import awaiting_participant

    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", participants=14, weeks=8, seed=3, today=dt.date(2026, 11, 23), stdout=StringIO())
        episodes = list(Episode.objects.filter(status=EpisodeStatus.ACTIVE, admitted_on__isnull=False).order_by("pk"))
        episode = episodes[6]  # every seventh episode is otherwise left without a plan
        login = User.objects.create(
            username="participant", role=Role.PARTICIPANT, organization_id=episode.participant.organization_id
        )
        episode.participant.portal_user = login
        episode.participant.save(update_fields=["portal_user"])
        call_command("seed_plans_demo", "--if-empty", stdout=StringIO())
        plan = TreatmentPlan.objects.get(episode=episode)
        waiting = awaiting_participant(plan)
        assert plan.status == PlanStatus.ACTIVE and waiting is not None and waiting.number == 1


def test_active_goals_leave_out_removed_ones(world: World) -> None:
    plan = build_plan(world)
    goal = plan.goals.get()
    extra = actions.add_goal(problem=goal.problem, text="Find stable housing", by=world.clinician_a, at=NOW)
    actions.remove_goal(goal=goal, by=world.clinician_a, at=NOW)
    assert list(active_goals(plan.episode_id)) == [extra]


def test_goal_form_offers_the_problem_it_was_opened_from(world: World, client_for: object) -> None:
    plan = build_plan(world)
    other = actions.add_problem(plan=plan, text="Housing", by=world.clinician_a, at=NOW)
    client = client_for(world.clinician_a)  # type: ignore[operator]
    page = client.get(f"/plans/{plan.pk}/goal/add/?problem={other.pk}").content.decode()
    assert f'<option value="{other.pk}" selected>' in page
    response = client.post(f"/plans/{plan.pk}/goal/add/", {"text": "Have my own place", "problem": other.pk})
    assert response.status_code == 302 and other.goals.get().text == "Have my own place"
