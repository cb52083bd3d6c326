"""A discharge closes the episode's treatment plan (``participants.signals.episode_discharged``), in the
discharge's transaction: through the participants action and through the discharge page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants import actions as participant_actions
from cadence.participants.models import EpisodeStatus, TedsReason
from cadence.participants.rules import ParticipantError
from cadence.plans import actions
from cadence.plans.cards import plan_reviews_card
from cadence.plans.models import Goal, PlanStatus, RevisionStatus, TreatmentPlan
from cadence.plans.rules import PlanError
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
LAST_DAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def closing_entry(plan: TreatmentPlan) -> AuditEntry:
    entry = AuditEntry.objects.filter(object_type="plans.treatmentplan", object_id=str(plan.pk)).order_by("-pk").first()
    assert entry is not None
    return entry


def discharge(world: World, plan_or_episode: Any, by: User | None = None) -> None:
    episode = getattr(plan_or_episode, "episode", plan_or_episode)
    participant_actions.discharge_participant(
        episode=episode, discharged_on=LAST_DAY, reason=TedsReason.COMPLETED, by=by or world.clinician_a, at=NOW
    )


def test_discharge_closes_the_plan_and_keeps_the_signed_revision(world: World) -> None:
    plan = build_plan(world, at=NOW - dt.timedelta(days=40))  # overdue: on the dashboard card
    assert plan_reviews_card(world.clinician_a, NOW) is not None
    goal = Goal.objects.get(plan=plan)
    actions.edit_goal(goal=goal, text="Stay sober and find work", by=world.clinician_a, at=NOW)  # opens a draft
    discharge(world, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.episode.status == EpisodeStatus.DISCHARGED
    statuses = dict(plan.revisions.values_list("number", "status"))
    assert statuses == {1: RevisionStatus.CURRENT, 2: RevisionStatus.DRAFT}  # the signed one stays the record
    entry = closing_entry(plan)
    assert (entry.action, entry.actor_id, entry.participant_id) == (
        AuditAction.UPDATE,
        world.clinician_a.pk,
        plan.participant_id,
    )
    assert entry.summary == "Closed treatment plan (draft revision 2 left unsigned)"
    assert entry.changes["status"] == ["active", "closed"] and entry.changes["current_revision"] == 1
    assert plan_reviews_card(world.clinician_a, NOW) is None  # no more reviews due
    with pytest.raises(PlanError, match="closed"):
        actions.edit_goal(goal=goal, text="Other words", by=world.clinician_a, at=NOW)


def test_discharge_of_an_episode_without_a_plan_still_works(world: World) -> None:
    episode = world.episode()
    discharge(world, episode)
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.DISCHARGED and not TreatmentPlan.objects.exists()


def test_discharge_closes_a_never_signed_plan(world: World) -> None:
    plan = build_plan(world, sign=False)
    discharge(world, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.revisions.get().status == RevisionStatus.DRAFT
    assert closing_entry(plan).changes["current_revision"] is None


def test_a_plan_that_cannot_be_closed_refuses_the_whole_discharge(world: World) -> None:
    plan = build_plan(world)
    with pytest.raises(ParticipantError, match="treatment plan could not be closed"):
        discharge(world, plan, by=world.frontdesk)  # no clinical-record rights: the plan cannot be closed
    plan.refresh_from_db()
    plan.episode.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.episode.status == EpisodeStatus.ACTIVE


def test_discharge_page_closes_the_plan(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    response = client_for(world.clinician_a).post(
        f"/participants/episodes/{plan.episode_id}/discharge/",
        {"discharged_on": LAST_DAY.isoformat(), "reason": "1", "note": "", "step_down_to": "Aftercare group"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.episode.status == EpisodeStatus.DISCHARGED
    entry = closing_entry(plan)
    assert (entry.summary, entry.actor_id) == ("Closed treatment plan", world.clinician_a.pk)
