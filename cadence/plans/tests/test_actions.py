"""Plan actions: each change audited, edits after a signature open a new draft, refusals with reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Diagnosis, EpisodeStatus
from cadence.plans import actions
from cadence.plans.models import (
    Goal,
    ObjectiveStatus,
    ParticipantSignature,
    PlanRevision,
    PlanStatus,
    RevisionKind,
    RevisionStatus,
    TreatmentPlan,
)
from cadence.plans.rules import PlanError
from cadence.scheduling.models import ServiceType
from cadence.testing.factories import ParticipantFactory, UserFactory
from cadence.testing.personas import NOW, World

from .helpers import build_plan

pytestmark = pytest.mark.django_db
LATER = NOW + dt.timedelta(days=3)


def test_create_plan_opens_an_initial_draft_and_audits(world: World) -> None:
    episode = world.episode()
    plan = actions.create_plan(episode=episode, by=world.clinician_a, at=NOW)
    assert plan.status == PlanStatus.DRAFT and plan.review_days == 30 and plan.participant_id == episode.participant_id
    draft = plan.revisions.get()
    assert (draft.number, draft.kind, draft.status) == (1, RevisionKind.INITIAL, RevisionStatus.DRAFT)
    entry = AuditEntry.objects.filter(object_type="plans.treatmentplan", object_id=str(plan.pk)).get()
    assert entry.action == AuditAction.CREATE and entry.participant_id == episode.participant_id


def test_review_days_default_comes_from_the_setting(world: World, settings: object) -> None:
    settings.CADENCE_PLAN_REVIEW_DAYS = 14  # type: ignore[attr-defined]
    plan = actions.create_plan(episode=world.episode(), by=world.clinician_a, at=NOW)
    assert plan.review_days == 14


def test_second_plan_for_an_episode_and_closed_episode_are_refused(world: World) -> None:
    episode = world.episode()
    actions.create_plan(episode=episode, by=world.clinician_a, at=NOW)
    with pytest.raises(PlanError, match="already has a treatment plan"):
        actions.create_plan(episode=episode, by=world.clinician_a, at=NOW)
    closed = world.episode(status=EpisodeStatus.CANCELLED, admitted_on=None)
    with pytest.raises(PlanError, match="closed"):
        actions.create_plan(episode=closed, by=world.clinician_a, at=NOW)


def test_only_clinical_staff_in_scope_may_write(world: World) -> None:
    episode = world.episode()
    for user in (world.frontdesk, world.billing, world.auditor):
        with pytest.raises(PlanError, match="Only clinical staff"):
            actions.create_plan(episode=episode, by=user, at=NOW)
    with pytest.raises(PlanError, match="not in your scope"):
        actions.create_plan(episode=episode, by=world.clinician_b, at=NOW)
    assert not TreatmentPlan.objects.exists()


def test_goal_without_measurable_objective_cannot_be_signed(world: World) -> None:
    plan = actions.create_plan(episode=world.episode(), by=world.clinician_a, at=NOW)
    problem = actions.add_problem(plan=plan, text="Drinking", by=world.clinician_a, at=NOW)
    actions.add_goal(problem=problem, text="I want to feel better", by=world.clinician_a, at=NOW)
    with pytest.raises(PlanError) as err:
        actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=NOW)
    assert err.value.field == "plan" and err.value.reason == "Goal 1 has no measurable objective with a target date."
    assert PlanRevision.objects.get(plan=plan).status == RevisionStatus.DRAFT


def test_vague_objective_or_missing_date_is_refused_and_nothing_saved(world: World) -> None:
    plan = build_plan(world, sign=False)
    goal = Goal.objects.get(plan=plan)
    with pytest.raises(PlanError) as err:
        actions.add_objective(
            goal=goal, text="Feel better", target_on=dt.date(2026, 12, 1), by=world.clinician_a, at=NOW
        )
    assert err.value.field == "text" and "not measurable" in err.value.reason
    with pytest.raises(PlanError) as err:
        actions.add_objective(goal=goal, text="Walk 20 minutes daily", target_on=None, by=world.clinician_a, at=NOW)
    assert err.value.field == "target_on"
    assert goal.objectives.count() == 1


def test_signing_freezes_the_snapshot_and_schedules_the_review(world: World) -> None:
    plan = build_plan(world)
    revision = plan.revisions.get()
    assert revision.status == RevisionStatus.CURRENT and revision.clinician_signed_by == world.clinician_a
    assert revision.snapshot["problems"][0]["goals"][0]["text"] == "I want to stay sober for my kids"
    assert revision.snapshot["weekly_minutes"] == 270  # process group 90 min x 3
    assert "Goal 1 added under Problem 1: 'I want to stay sober for my kids'" in revision.changes
    assert plan.status == PlanStatus.ACTIVE
    assert plan.last_signed_on == dt.date(2026, 11, 23) and plan.review_due_on == dt.date(2026, 12, 23)
    entry = AuditEntry.objects.filter(object_type="plans.planrevision").latest("pk")
    assert entry.summary.startswith("Signed treatment plan revision 1") and entry.actor == world.clinician_a


def test_edit_after_signing_opens_a_new_draft_and_keeps_the_signed_one_current(world: World) -> None:
    plan = build_plan(world)
    objective = Goal.objects.get(plan=plan).objectives.get()
    actions.edit_objective(
        objective=objective, text=objective.text, target_on=dt.date(2026, 12, 15), by=world.clinician_a, at=LATER
    )
    current = plan.revisions.get(number=1)
    draft = plan.revisions.get(number=2)
    assert current.status == RevisionStatus.CURRENT and draft.status == RevisionStatus.DRAFT
    assert current.snapshot["problems"][0]["goals"][0]["objectives"][0]["target_on"] == "2026-12-01"
    actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=LATER)
    current.refresh_from_db()
    draft.refresh_from_db()
    assert current.status == RevisionStatus.SUPERSEDED and draft.status == RevisionStatus.CURRENT
    assert draft.changes == ["Goal 1: objective 'Attend 3 groups a week' target date 1 Dec → 15 Dec"]
    assert objective.pk == Goal.objects.get(plan=plan).objectives.get().pk  # same row, stable identity


def test_update_with_no_change_is_refused_but_a_review_without_change_is_recorded(world: World) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    actions.edit_goal(goal=goal, text=goal.text, by=world.clinician_a, at=LATER)
    with pytest.raises(PlanError, match="Nothing changed"):
        actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=LATER)
    draft = actions.start_review(plan=plan, note="Progressing well", by=world.clinician_a, at=LATER)
    assert draft.kind == RevisionKind.REVIEW
    signed = actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=LATER)
    assert signed.changes == [] and signed.review_note == "Progressing well"
    plan.refresh_from_db()
    assert plan.review_due_on == dt.date(2026, 12, 26)


def test_no_draft_to_sign(world: World) -> None:
    plan = build_plan(world)
    with pytest.raises(PlanError, match="no draft"):
        actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=LATER)


def test_removing_a_goal_keeps_the_row_for_notes_and_lists_the_change(world: World) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    problem = goal.problem
    other = actions.add_goal(problem=problem, text="Get my job back", by=world.clinician_a, at=LATER)
    actions.add_objective(
        goal=other, text="Apply to 2 jobs a week", target_on=dt.date(2027, 1, 10), by=world.clinician_a, at=LATER
    )
    actions.remove_goal(goal=goal, by=world.clinician_a, at=LATER)
    signed = actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=LATER)
    assert Goal.objects.filter(pk=goal.pk, removed_at=LATER).exists()
    assert goal.objectives.get().removed_at == LATER
    assert "Goal 1 removed: 'I want to stay sober for my kids'" in signed.changes
    assert "Goal 2 added under Problem 1: 'Get my job back'" in signed.changes
    with pytest.raises(PlanError, match="removed"):
        actions.edit_goal(goal=Goal.objects.get(pk=goal.pk), text="x", by=world.clinician_a, at=LATER)


def test_objective_status_is_recorded_with_the_local_day(world: World) -> None:
    plan = build_plan(world)
    objective = Goal.objects.get(plan=plan).objectives.get()
    late_evening = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)  # 25 Nov, 22:00 in New York
    actions.set_objective_status(objective=objective, status=ObjectiveStatus.MET, by=world.clinician_a, at=late_evening)
    objective.refresh_from_db()
    assert objective.status == "met" and objective.status_changed_on == dt.date(2026, 11, 25)
    with pytest.raises(PlanError, match="Unknown"):
        actions.set_objective_status(objective=objective, status="great", by=world.clinician_a, at=LATER)


def test_problem_diagnosis_must_be_the_participants(world: World) -> None:
    plan = actions.create_plan(episode=world.episode(), by=world.clinician_a, at=NOW)
    stranger = ParticipantFactory(organization=plan.participant.organization)
    theirs = Diagnosis.objects.create(participant=stranger, code="F10.20", noted_on=dt.date(2026, 10, 1))
    with pytest.raises(PlanError) as err:
        actions.add_problem(plan=plan, text="Drinking", diagnosis=theirs, by=world.clinician_a, at=NOW)
    assert err.value.field == "diagnosis"
    mine = Diagnosis.objects.create(participant=plan.participant, code="F10.20", noted_on=dt.date(2026, 10, 1))
    problem = actions.add_problem(
        plan=plan, text="Drinking", diagnosis=mine, asam_dimension="3", by=world.clinician_a, at=NOW
    )
    assert problem.diagnosis == mine
    with pytest.raises(PlanError, match="1 to 6"):
        actions.add_problem(plan=plan, text="Other", asam_dimension="7", by=world.clinician_a, at=NOW)


def test_intervention_responsible_must_be_active_clinical_staff(world: World) -> None:
    plan = build_plan(world, sign=False)
    goal = Goal.objects.get(plan=plan)
    for person in (world.frontdesk, world.outsider):
        with pytest.raises(PlanError) as err:
            actions.add_intervention(
                goal=goal, method="dbt", frequency="weekly", responsible=person, by=world.clinician_a, at=NOW
            )
        assert err.value.field == "responsible"
    with pytest.raises(PlanError) as err:
        actions.add_intervention(
            goal=goal, method="yoga", frequency="weekly", responsible=world.clinician_a, by=world.clinician_a, at=NOW
        )
    assert err.value.field == "method"


def test_same_service_twice_is_refused(world: World) -> None:
    plan = build_plan(world, sign=False)
    with pytest.raises(PlanError, match="already prescribed"):
        actions.add_service(
            plan=plan,
            service_type=ServiceType.objects.get(code="process-group"),
            sessions_per_week=2,
            by=world.clinician_a,
            at=NOW,
        )
    with pytest.raises(PlanError) as err:
        actions.add_service(
            plan=plan,
            service_type=ServiceType.objects.get(code="individual"),
            sessions_per_week=0,
            by=world.clinician_a,
            at=NOW,
        )
    assert err.value.field == "sessions_per_week"


def test_participant_signs_after_the_clinician_once(world: World) -> None:
    plan = build_plan(world, sign=False)
    draft = plan.revisions.get()
    with pytest.raises(PlanError, match="clinician signs first"):
        actions.record_participant_signature(
            revision=draft, method=ParticipantSignature.PAPER, by=world.clinician_a, at=NOW
        )
    actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=NOW)
    signed = actions.record_participant_signature(
        revision=draft, method=ParticipantSignature.PAPER, by=world.clinician_a, at=LATER
    )
    assert signed.participant_signed_at == LATER and signed.participant_attested_by == world.clinician_a
    with pytest.raises(PlanError, match="already signed"):
        actions.record_participant_signature(
            revision=draft, method=ParticipantSignature.PAPER, by=world.clinician_a, at=LATER
        )


def test_portal_signature_needs_the_participants_own_login(world: World) -> None:
    plan = build_plan(world)
    revision = plan.revisions.get()
    with pytest.raises(PlanError, match="own portal login"):
        actions.record_participant_signature(
            revision=revision, method=ParticipantSignature.PORTAL, by=world.clinician_a, at=LATER
        )
    portal = UserFactory(role="participant", organization=plan.participant.organization)
    plan.participant.portal_user = portal
    plan.participant.save(update_fields=["portal_user"])
    signed = actions.record_participant_signature(
        revision=revision, method=ParticipantSignature.PORTAL, by=portal, at=LATER
    )
    assert signed.participant_signature == "portal" and signed.participant_attested_by is None


def test_every_edit_writes_an_audit_entry_for_the_participant(world: World) -> None:
    before = AuditEntry.objects.count()
    plan = build_plan(world)
    # create, problem, goal, objective, intervention, service, sign
    assert AuditEntry.objects.count() - before == 7
    assert set(AuditEntry.objects.filter(pk__gt=0).order_by("-pk")[:7].values_list("participant_id", flat=True)) == {
        plan.participant_id
    }


def test_plan_of_an_ended_episode_no_longer_changes(world: World) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    plan.episode.status = EpisodeStatus.DISCHARGED
    plan.episode.discharged_on = dt.date(2026, 11, 20)
    plan.episode.discharge_reason = 1
    plan.episode.save()
    with pytest.raises(PlanError, match="closed"):
        actions.edit_goal(goal=goal, text="New words", by=world.clinician_a, at=LATER)
    closed = actions.close_plan(plan=plan, by=world.clinician_a, at=LATER)
    assert closed.status == PlanStatus.CLOSED
    assert plan.revisions.get().status == RevisionStatus.CURRENT
    with pytest.raises(PlanError, match="already closed"):
        actions.close_plan(plan=plan, by=world.clinician_a, at=LATER)


def test_a_new_review_cycle_counts_once_signed(world: World) -> None:
    from cadence.plans.queries import review_for

    plan = build_plan(world)
    actions.set_review_days(plan=plan, days=14, by=world.clinician_a, at=LATER)
    due = review_for(plan)
    assert due is not None and due.due_on == dt.date(2026, 12, 23)  # still the signed 30-day cycle
    signed = actions.sign_as_clinician(plan=plan, by=world.clinician_a, at=LATER)
    assert "Review every 30 days → every 14 days" in signed.changes
    plan.refresh_from_db()
    due = review_for(plan)
    assert due is not None and due.due_on == dt.date(2026, 12, 10)


REMOVALS = {  # kind: the audit summary of its removal from build_plan's plan
    "problem": "Removed problem 1",
    "goal": "Removed goal 1",
    "objective": "Removed objective 1.1",
    "intervention": "Removed intervention of goal 1",
    "service": "Removed Process group",
}


def _row(kind: str, plan: TreatmentPlan) -> Any:
    goal = Goal.objects.get(plan=plan)
    rows = {
        "problem": lambda: goal.problem,
        "goal": lambda: goal,
        "objective": lambda: goal.objectives.get(),
        "intervention": lambda: goal.interventions.get(),
        "service": lambda: plan.services.get(),
    }
    return rows[kind]()


def _remove(kind: str, row: Any, by: User) -> Any:
    remove = {
        "problem": lambda: actions.remove_problem(problem=row, by=by, at=LATER),
        "goal": lambda: actions.remove_goal(goal=row, by=by, at=LATER),
        "objective": lambda: actions.remove_objective(objective=row, by=by, at=LATER),
        "intervention": lambda: actions.remove_intervention(intervention=row, by=by, at=LATER),
        "service": lambda: actions.remove_service(service=row, by=by, at=LATER),
    }
    return remove[kind]()


@pytest.mark.parametrize("kind", list(REMOVALS))
def test_each_removal_keeps_the_row_opens_a_draft_and_audits_in_its_own_words(kind: str, world: World) -> None:
    plan = build_plan(world)
    row = _remove(kind, _row(kind, plan), world.clinician_a)
    row.refresh_from_db()
    assert row.removed_at == LATER
    assert plan.revisions.get(status=RevisionStatus.DRAFT).number == 2
    entry = AuditEntry.objects.filter(object_id=str(row.pk), summary__startswith="Removed").get()
    assert entry.summary == REMOVALS[kind] and entry.action == AuditAction.UPDATE
    assert entry.participant_id == plan.participant_id and entry.changes["plan"] == plan.pk
    with pytest.raises(PlanError, match="was removed from the plan"):
        _remove(kind, row, world.clinician_a)


@pytest.mark.parametrize("kind", list(REMOVALS))
def test_removals_are_refused_to_a_reader_and_on_a_closed_plan_and_change_nothing(kind: str, world: World) -> None:
    plan = build_plan(world)
    with pytest.raises(PlanError, match="Only clinical staff"):
        _remove(kind, _row(kind, plan), world.frontdesk)
    actions.close_plan(plan=plan, by=world.clinician_a, at=LATER)
    plan.refresh_from_db()
    with pytest.raises(PlanError, match="closed"):
        _remove(kind, _row(kind, plan), world.clinician_a)
    assert _row(kind, plan).removed_at is None
    assert not plan.revisions.filter(status=RevisionStatus.DRAFT).exists()
    assert not AuditEntry.objects.filter(summary__startswith="Removed").exists()


def test_removing_a_problem_takes_its_goals_objectives_and_interventions_along(world: World) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    actions.remove_problem(problem=goal.problem, by=world.clinician_a, at=LATER)
    assert Goal.objects.get(pk=goal.pk).removed_at == LATER
    assert {o.removed_at for o in goal.objectives.all()} == {LATER}
    assert {i.removed_at for i in goal.interventions.all()} == {LATER}


def test_removing_an_objective_keeps_its_interventions_on_the_goal(world: World) -> None:
    plan = build_plan(world)
    goal = Goal.objects.get(plan=plan)
    actions.remove_objective(objective=goal.objectives.get(), by=world.clinician_a, at=LATER)
    intervention = goal.interventions.get()
    assert intervention.removed_at is None and intervention.objective_id is None
