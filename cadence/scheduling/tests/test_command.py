"""``manage.py build_schedule`` builds synchronously and prints the summary; ``seed_schedule_demo``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cadence.scheduling.models import Booking, PlanStatus, SchedulePlan, Session, WeeklyTemplate
from cadence.scheduling.tests.conftest import Sched

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]


def run(*args: str) -> str:
    out = StringIO()
    call_command("build_schedule", *args, stdout=out)
    return out.getvalue()


def test_build_schedule_prints_the_summary(sched: Sched) -> None:
    for _ in range(3):
        sched.episode()
    output = run("--program", str(sched.world.iop_a.pk), "--week", "2026-12-02", "--time-limit", "5")
    plan = SchedulePlan.objects.get()
    assert plan.status == PlanStatus.DRAFT and plan.week_start.isoformat() == "2026-11-30"
    assert "participants meeting their hours: 3 of 3" in output
    assert "checker: every rule holds" in output
    assert f"/schedule/plans/{plan.pk}/" in output
    assert not Booking.objects.exists()


def test_build_schedule_can_publish_and_accepts_a_unique_code(sched: Sched) -> None:
    for _ in range(3):
        sched.episode()
    output = run("--program", "php", "--week", "2026-11-30", "--time-limit", "2", "--publish")
    assert "Published" in output  # the PHP program has no template: nothing to book, nothing breaks
    run("--program", str(sched.world.iop_a.pk), "--week", "2026-11-30", "--time-limit", "5", "--publish")
    assert Booking.objects.filter(status="booked").count() == 3 * 6 + 3


def test_ambiguous_or_unknown_program_is_an_error(sched: Sched) -> None:
    with pytest.raises(CommandError, match="several programs"):
        run("--program", "iop", "--week", "2026-11-30")
    with pytest.raises(CommandError, match="No program"):
        run("--program", "nope", "--week", "2026-11-30")
    with pytest.raises(CommandError, match="over"):
        run("--program", str(sched.world.iop_a.pk), "--week", "2026-11-02")


def test_seed_schedule_demo_makes_templates_and_sessions(sched: Sched) -> None:
    sched.episode()
    out = StringIO()
    call_command("seed_schedule_demo", "--weeks", "1", stdout=out)
    assert WeeklyTemplate.objects.filter(track=sched.world.evening_a).exists()
    assert Session.objects.filter(track=sched.world.evening_a).exists()
    assert WeeklyTemplate.objects.filter(track=sched.world.morning_a).count() == 1  # kept the existing one
