"""Escalation on a driven clock: raise, pass the deadline, run the sweep (the management command, as cron
does), see who was told; acknowledge first and see nothing. Nobody without access is ever told."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command

from cadence.audit.models import AuditEntry
from cadence.participants.models import Episode
from cadence.safety import actions
from cadence.safety.models import CrisisEvent, Escalation, Notification
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db


def raise_event(world: World, episode: Episode, severity: str = "high") -> CrisisEvent:
    return actions.raise_crisis_event(
        participant=episode.participant,
        severity=severity,
        source="staff",
        summary="Wants to die",
        at=NOW,
        by=world.frontdesk,
    )


def on_call(world: World, who: Any, role: str = "primary", site: Any = None) -> None:
    actions.add_on_call_shift(
        site=site or world.site_a,
        staff=who,
        role=role,
        starts_at=NOW - dt.timedelta(hours=8),
        ends_at=NOW + dt.timedelta(hours=16),
        by=world.admin,
        at=NOW - dt.timedelta(days=1),
    )


def sweep() -> None:
    call_command("escalate_crisis_events", stdout=io.StringIO())


def steps(event: CrisisEvent) -> list[tuple[int, str, str | None]]:
    return [(e.step, e.outcome, e.recipient.username if e.recipient else None) for e in event.escalations.all()]


def test_an_unacknowledged_event_escalates_to_the_on_call_clinician_after_15_minutes(
    world: World, episode_a: Episode, frozen: Any
) -> None:
    on_call(world, world.clinician_a)
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=14, seconds=59))
    sweep()
    assert steps(event) == []
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    sweep()
    assert steps(event) == [(1, "notified", "clinician")]
    assert Notification.objects.filter(recipient=world.clinician_a, event=event).count() == 2  # raised + escalated
    assert AuditEntry.objects.filter(
        summary__startswith="Crisis event escalated to the on-call clinician (step 1)"
    ).exists()
    sweep()  # a step runs once
    assert len(steps(event)) == 1


def test_acknowledging_first_means_no_escalation(world: World, episode_a: Episode, frozen: Any) -> None:
    on_call(world, world.clinician_a)
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=10))
    actions.acknowledge_crisis_event(event=event, by=world.clinician_a, at=NOW + dt.timedelta(minutes=10))
    frozen.move_to(NOW + dt.timedelta(hours=2))
    sweep()
    assert not Escalation.objects.exists()


def test_still_unacknowledged_it_reaches_the_program_director_one_period_later(
    world: World, episode_a: Episode, frozen: Any
) -> None:
    on_call(world, world.clinician_a)
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    sweep()
    frozen.move_to(NOW + dt.timedelta(minutes=29))
    sweep()
    assert [s[0] for s in steps(event)] == [1]
    frozen.move_to(NOW + dt.timedelta(minutes=30))
    sweep()
    assert steps(event) == [(1, "notified", "clinician"), (2, "notified", "director")]
    assert Notification.objects.filter(recipient=world.director, event=event).exists()


def test_an_on_call_clinician_without_access_is_skipped_with_the_reason_and_the_director_told(
    world: World, episode_a: Episode, frozen: Any
) -> None:
    from cadence.testing.factories import UserFactory

    stranger = UserFactory(username="oncall-stranger", role="clinician", organization=world.site_a.organization)
    stranger.sites.set([world.site_a])  # a clinician of the site, but not assigned to the participant's program
    on_call(world, stranger)
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    sweep()
    assert steps(event) == [(1, "skipped", "oncall-stranger"), (2, "notified", "director")]
    skipped = event.escalations.get(step=1)
    assert "has no access to this participant" in skipped.reason
    assert not Notification.objects.filter(recipient=stranger).exists()


def test_the_backup_is_told_when_the_primary_lacks_access(world: World, episode_a: Episode, frozen: Any) -> None:
    on_call(world, world.clinician_b)  # site B's clinician put on call at site A
    on_call(world, world.clinician_a, role="backup")
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=16))
    sweep()
    assert steps(event) == [(1, "skipped", "clinician2"), (1, "notified", "clinician")]
    assert not Notification.objects.filter(recipient=world.clinician_b).exists()


def test_nobody_on_call_goes_straight_to_the_director_and_never_to_another_sites_director(
    world: World, episode_a: Episode, frozen: Any
) -> None:
    from cadence.testing.factories import UserFactory

    other_director = UserFactory(username="director-b", role="director", organization=world.site_a.organization)
    other_director.sites.set([world.site_b])
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    sweep()
    assert steps(event) == [(1, "skipped", None), (2, "notified", "director")]
    assert event.escalations.get(step=1).reason == "Nobody is on call at Northside now."
    assert not Notification.objects.filter(recipient=other_director).exists()


def test_moderate_events_do_not_escalate(world: World, episode_a: Episode, frozen: Any) -> None:
    raise_event(world, episode_a, severity="moderate")
    frozen.move_to(NOW + dt.timedelta(hours=3))
    sweep()
    assert not Escalation.objects.exists()


def test_the_acknowledgement_period_is_a_setting(world: World, episode_a: Episode, frozen: Any, settings: Any) -> None:
    settings.CADENCE_CRISIS_ACK_MINUTES = 5
    on_call(world, world.clinician_a)
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=5))
    sweep()
    assert steps(event) == [(1, "notified", "clinician")]


def test_escalation_email_carries_no_clinical_details(
    world: World, episode_a: Episode, frozen: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    world.director.email = "director@example.org"
    world.director.save(update_fields=["email"])
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    with django_capture_on_commit_callbacks(execute=True):
        sweep()
    mail = next(m for m in mailoutbox if m.to == ["director@example.org"])
    assert mail.subject == "Cadence: A participant at Northside needs a response in Cadence"
    assert f"/safety/events/{event.pk}/" in mail.body
    for secret in ("die", "Rivera", "Jordan", episode_a.participant.record_number):
        assert secret not in mail.subject + mail.body


def test_raising_queues_the_sweep_at_the_deadline_when_the_backend_can_defer(
    world: World, episode_a: Episode, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        raise_event(world, episode_a)
    results = default_task_backend.results  # type: ignore[attr-defined]
    assert len(results) == 1
    assert results[0].task.name == "escalate_due_crisis_events"
    assert results[0].task.run_after == NOW + dt.timedelta(minutes=15)


def test_the_task_runs_the_same_sweep(world: World, episode_a: Episode, frozen: Any, settings: Any) -> None:
    from cadence.safety.tasks import escalate_due_crisis_events

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    on_call(world, world.clinician_a)
    event = raise_event(world, episode_a)
    frozen.move_to(NOW + dt.timedelta(minutes=15))
    result = escalate_due_crisis_events.enqueue()
    assert result.return_value == 1
    assert steps(event) == [(1, "notified", "clinician")]
