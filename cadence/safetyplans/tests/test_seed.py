"""``seed_safetyplans_demo``: signed plans for about half the admitted participants, the portal
participant's version awaiting signature, and ``--if-empty``."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.safetyplans.models import EmergencyDepartment, SafetyPlanVersion, VersionStatus
from cadence.safetyplans.rules import check_ready_to_sign

pytestmark = pytest.mark.django_db


def test_seed_writes_signed_plans_and_one_awaiting_the_portal_participant() -> None:
    with time_machine.travel(dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC), tick=False):
        call_command("seed_demo", participants=30, weeks=4, seed=3, today=dt.date(2026, 11, 23), stdout=StringIO())
        call_command("seed_measures", seed=3, stdout=StringIO())
        out = StringIO()
        call_command("seed_safetyplans_demo", stdout=out)
        assert "signed safety plans" in out.getvalue()
        again = StringIO()
        call_command("seed_safetyplans_demo", if_empty=True, stdout=again)
        assert "already present" in again.getvalue()
    admitted = Episode.objects.filter(status=EpisodeStatus.ACTIVE).values("participant").distinct().count()
    current = SafetyPlanVersion.objects.filter(status=VersionStatus.SIGNED)
    assert admitted * 0.35 <= current.count() <= admitted * 0.65
    for version in current:
        check_ready_to_sign(version.plan_content, written_with_participant=version.written_with_participant)
    portal = Participant.objects.get(portal_user__username="participant")
    waiting = SafetyPlanVersion.objects.get(status=VersionStatus.DRAFT)
    assert waiting.plan.participant == portal and waiting.awaiting_participant
    assert current.filter(plan__participant=portal).exists()
    assert EmergencyDepartment.objects.count() == 2
