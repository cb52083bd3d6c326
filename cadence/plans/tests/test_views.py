"""Plan pages through their URLs: who may read and write, audit of reads, htmx editing with field errors,
the sign flow and the paper signature."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.plans.models import Goal, Objective, PlanRevision, RevisionStatus, TreatmentPlan
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def last_entry(user: User) -> AuditEntry:
    return AuditEntry.objects.filter(actor=user).order_by("-pk").first()  # type: ignore[return-value]


def test_clinician_reads_the_plan_and_the_read_is_audited(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    response = client_for(world.clinician_a).get(f"/plans/participant/{plan.participant_id}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Current plan: revision 1" in page and "I want to stay sober for my kids" in page
    assert "Next review <strong>23 Dec 2026</strong>" in page
    entry = last_entry(world.clinician_a)
    assert entry.action == AuditAction.VIEW and entry.participant_id == plan.participant_id


def test_plan_page_read_by_id_is_audited(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    assert client_for(world.director).get(f"/plans/{plan.pk}/").status_code == 200
    entry = last_entry(world.director)
    assert entry.action == AuditAction.VIEW and entry.object_type == "plans.treatmentplan"


def test_clinician_of_another_site_gets_404_and_the_attempt_is_audited(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    client = client_for(world.clinician_b)
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert last_entry(world.clinician_b).action == AuditAction.DENIED
    assert client.get(f"/plans/participant/{plan.participant_id}/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/pdf/").status_code == 404


@pytest.mark.parametrize("persona", ["billing", "frontdesk"])
def test_billing_and_front_desk_may_not_read_plans(world: World, client_for: ClientFor, persona: str) -> None:
    plan = build_plan(world)
    client = client_for(getattr(world, persona))
    assert client.get(f"/plans/{plan.pk}/").status_code == 403
    assert client.get(f"/plans/participant/{plan.participant_id}/").status_code == 403
    assert client.get(f"/plans/{plan.pk}/pdf/").status_code == 403
    assert not AuditEntry.objects.filter(actor=getattr(world, persona), action=AuditAction.VIEW).exists()


def test_auditor_reads_but_cannot_change(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    client = client_for(world.auditor)
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "I want to stay sober for my kids" in page and "Add problem" not in page
    assert client.post(f"/plans/{plan.pk}/problem/add/", {"text": "Housing"}).status_code == 403
    assert client.post(f"/plans/{plan.pk}/sign/", {"confirm": "on"}).status_code == 403
    goal = Goal.objects.get(plan=plan)
    assert client.post(f"/plans/{plan.pk}/goal/{goal.pk}/remove/").status_code == 403
    assert not plan.problems.filter(text="Housing").exists()


def test_no_plan_yet_offers_to_start_one(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    client = client_for(world.clinician_a)
    page = client.get(f"/plans/participant/{episode.participant_id}/").content.decode()
    assert "Start the treatment plan" in page
    response = client.post(f"/plans/participant/{episode.participant_id}/create/")
    plan = TreatmentPlan.objects.get(episode=episode)
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/"


def test_htmx_add_objective_shows_the_reason_on_the_field(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    client = client_for(world.clinician_a)
    form = client.get(f"/plans/{plan.pk}/objective/add/?goal={goal.pk}", **HX).content.decode()
    assert form.lstrip().startswith("{#") or 'id="plan-draft"' in form
    assert "Add objective" in form and "<html" not in form
    response = client.post(
        f"/plans/{plan.pk}/objective/add/?goal={goal.pk}", {"text": "Feel better", "target_on": "2026-12-20"}, **HX
    )
    page = response.content.decode()
    assert response.status_code == 200 and "The objective is not measurable" in page
    assert 'class="field has-error' in page
    assert goal.objectives.count() == 1
    response = client.post(
        f"/plans/{plan.pk}/objective/add/?goal={goal.pk}", {"text": "Call my sponsor daily", "target_on": ""}, **HX
    )
    assert "An objective needs a target date." in response.content.decode()
    response = client.post(
        f"/plans/{plan.pk}/objective/add/?goal={goal.pk}",
        {"text": "Call my sponsor daily", "target_on": "2026-12-20"},
        **HX,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "Call my sponsor daily" in page and "Draft: revision 2" in page
    assert "Goal 1: objective &#x27;Call my sponsor daily&#x27; added, target date 20 Dec 2026" in page
    assert goal.objectives.count() == 2


def test_edit_without_htmx_redirects_to_the_plan(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    client = client_for(world.clinician_a)
    assert client.get(f"/plans/{plan.pk}/goal/{goal.pk}/edit/").status_code == 200
    response = client.post(
        f"/plans/{plan.pk}/goal/{goal.pk}/edit/", {"text": "I want to be there for my kids", "problem": goal.problem_id}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.text == "I want to be there for my kids"


def test_a_row_of_another_plan_is_404(world: World, client_for: ClientFor) -> None:
    mine = build_plan(world)
    other = build_plan(world)
    goal = Goal.objects.get(plan=other)
    client = client_for(world.clinician_a)
    assert client.post(f"/plans/{mine.pk}/goal/{goal.pk}/remove/").status_code == 404
    assert Goal.objects.get(pk=goal.pk).removed_at is None


def test_remove_and_status_change(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    objective = Objective.objects.get(goal__plan=plan)
    client = client_for(world.clinician_a)
    response = client.post(f"/plans/{plan.pk}/status/{objective.pk}/edit/", {"status": "met"}, **HX)
    assert response.status_code == 200 and "status not started → met" in response.content.decode()
    response = client.post(f"/plans/{plan.pk}/service/{plan.services.get().pk}/remove/", **HX)
    assert response.status_code == 200 and "Service Process group removed" in response.content.decode()


def test_sign_flow_refuses_an_invalid_plan_then_signs(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world, sign=False)
    goal = Goal.objects.get(plan=plan)
    goal.objectives.update(status="discontinued")
    client = client_for(world.clinician_a)
    page = client.get(f"/plans/{plan.pk}/sign/").content.decode()
    assert "The plan cannot be signed yet" in page and "Goal 1 has no measurable objective" in page
    response = client.post(f"/plans/{plan.pk}/sign/", {"confirm": "on"})
    assert response.status_code == 200 and "Goal 1 has no measurable objective" in response.content.decode()
    goal.objectives.update(status="in_progress")
    response = client.post(f"/plans/{plan.pk}/sign/", {"confirm": "on", "review_note": "Agreed together"})
    assert response.status_code == 302
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.status == RevisionStatus.CURRENT and revision.review_note == "Agreed together"


def test_paper_signature_is_recorded_by_staff(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    client = client_for(world.clinician_a)
    assert client.post(f"/plans/{plan.pk}/revisions/1/participant-signature/", {}).status_code == 302
    assert PlanRevision.objects.get(plan=plan).participant_signed_at is None  # box not ticked
    client.post(f"/plans/{plan.pk}/revisions/1/participant-signature/", {"confirm": "on"})
    revision = PlanRevision.objects.get(plan=plan)
    assert revision.participant_signed_at == NOW and revision.participant_attested_by == world.clinician_a


def test_start_review_then_history_shows_each_revision(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)
    client = client_for(world.clinician_a)
    response = client.post(f"/plans/{plan.pk}/review/", {"kind": "review", "note": "Two groups missed"})
    assert response.status_code == 302 and response["Location"] == f"/plans/{plan.pk}/sign/"
    client.post(f"/plans/{plan.pk}/sign/", {"confirm": "on"})
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "Revision 2</strong> · Scheduled review" in page and "Revision 1</strong> · Initial plan" in page
    assert "Reviewed; no change." in page
    assert client.get(f"/plans/{plan.pk}/revisions/1/").status_code == 200


def test_plan_page_queries_do_not_grow_with_the_plan(
    world: World, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    from cadence.plans import actions

    for n in range(6):
        extra = actions.add_goal(problem=goal.problem, text=f"Goal {n}", by=world.clinician_a, at=NOW)
        actions.add_objective(
            goal=extra, text=f"Do {n} things weekly", target_on=dt.date(2027, 1, 1), by=world.clinician_a, at=NOW
        )
        actions.add_intervention(
            goal=extra, method="mi", frequency="weekly", responsible=world.clinician_a, by=world.clinician_a, at=NOW
        )
    client = client_for(world.clinician_a)
    with django_assert_max_num_queries(22):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200


def test_plan_page_notes_hours_below_the_level_of_care(world: World, client_for: ClientFor) -> None:
    plan = build_plan(world)  # a process group 3 x 90 min: 4.5 h, under the IOP minimum
    level = plan.episode.level_of_care
    assert level is not None and level.min_hours_week_adult > 4.5
    page = client_for(world.clinician_a).get(f"/plans/{plan.pk}/").content.decode()
    assert f"4.5 h a week of counted services; {level.code} {level.name} expects at least" in page


def test_changing_the_review_cycle_of_a_closed_plan_explains_instead_of_failing(
    world: World, client_for: ClientFor
) -> None:
    from cadence.plans import actions

    plan = build_plan(world)
    actions.close_plan(plan=plan, by=world.clinician_a, at=NOW)
    client = client_for(world.clinician_a)

    response = client.post(f"/plans/{plan.pk}/review-days/", {"review_days": "14"}, follow=True)

    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.review_days != 14
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_plan_page_measures_hours_against_the_minimum_of_the_programs_population(
    world: World, client_for: ClientFor
) -> None:
    """The plan prescribes 4.5 h a week; an adolescent program is held to the level's adolescent minimum."""
    from decimal import Decimal

    from cadence.programs.models import Population

    plan = build_plan(world)
    level = plan.episode.level_of_care
    assert level is not None
    level.min_hours_week_adult, level.min_hours_week_adolescent = Decimal("9"), Decimal("4.5")
    level.save(update_fields=["min_hours_week_adult", "min_hours_week_adolescent"])
    client = client_for(world.clinician_a)
    assert "expects at least 9 h" in client.get(f"/plans/{plan.pk}/").content.decode()
    world.iop_a.population = Population.ADOLESCENT
    world.iop_a.save(update_fields=["population"])
    assert "expects at least" not in client.get(f"/plans/{plan.pk}/").content.decode()  # 4.5 h is enough
    level.min_hours_week_adolescent = Decimal("5.5")
    level.save(update_fields=["min_hours_week_adolescent"])
    assert "expects at least 5.5 h" in client.get(f"/plans/{plan.pk}/").content.decode()
