"""The demo seeder on the test organization (renamed to the demo's slug)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings

from cadence.participants.models import Episode
from cadence.programs.demo import DEMO_ORG_SLUG
from cadence.safety.demo import seed_safety
from cadence.safety.models import CrisisEvent, OnCallShift, RiskFlag
from cadence.safety.queries import on_call_now
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_roster_flags_past_events_and_one_open_event(world: World, episode_a: Episode) -> None:
    world.site_a.organization.slug = DEMO_ORG_SLUG
    world.site_a.organization.save(update_fields=["slug"])
    world.director.sites.add(world.site_a)
    summary = seed_safety(now=NOW, weeks=2)
    assert (
        summary.shifts == OnCallShift.objects.count() == 2 * 14 + 14
    )  # site A: primary and backup a day; site B: primary only (no director)
    assert [s.staff for s in on_call_now(world.site_a, NOW) if s.role == "primary"] == [world.clinician_a]
    assert RiskFlag.objects.count() == 1 and summary.events == CrisisEvent.objects.count() == 4
    open_events = CrisisEvent.objects.exclude(status="resolved")
    assert [e.status for e in open_events] == ["raised"]


@override_settings(CADENCE_CRISIS_ACK_MINUTES=10)
def test_the_demos_escalations_follow_the_minutes_to_acknowledge_setting(world: World, episode_a: Episode) -> None:
    world.site_a.organization.slug = DEMO_ORG_SLUG
    world.site_a.organization.save(update_fields=["slug"])
    for _ in range(4):  # more admitted participants, more synthetic events
        world.episode()
    seed_safety(now=NOW, weeks=1)
    deadline = dt.timedelta(minutes=10)
    acknowledged = list(CrisisEvent.objects.filter(acknowledged_at__isnull=False).prefetch_related("escalations"))
    late = [e for e in acknowledged if e.acknowledged_at is not None and e.acknowledged_at - e.raised_at > deadline]
    assert late and len(late) < len(acknowledged)  # the synthetic history has both
    for event in acknowledged:
        steps = [(x.step, x.at) for x in event.escalations.all()]
        assert steps == ([(1, event.raised_at + deadline)] if event in late else [])
