"""The nightly run (cron or the worker): the weekly ledger cache rebuilt and the accountability rules
evaluated once per program and local date; running it twice opens no task twice."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from cadence.attendance import actions
from cadence.attendance.models import NightlyRun, OutreachTask, WeeklyLedger
from cadence.attendance.nightly import next_run_at, run_nightly
from cadence.attendance.rules import Mark
from cadence.attendance.tasks import nightly_task
from cadence.programs.models import Program
from cadence.testing.personas import NOW

from .conftest import LAST_MONDAY, Att

pytestmark = pytest.mark.django_db


@pytest.fixture
def lapsed(att: Att) -> None:
    """Default rules, and a participant admitted a week ago who never came (a gap: one task)."""
    actions.ensure_default_rules(program=att.world.iop_a, at=NOW)
    att.episode(referred_on=dt.date(2026, 11, 10), admitted_on=LAST_MONDAY)


def test_running_twice_on_one_local_date_opens_each_task_once(att: Att, lapsed: None) -> None:
    first = run_nightly(at=NOW)
    active = Program.objects.filter(active=True).count()
    assert (first.programs, first.skipped, first.tasks_opened) == (active, 0, 1)
    later_that_day = NOW + dt.timedelta(hours=5)  # 15:00 New York, same local date
    second = run_nightly(at=later_that_day)
    assert (second.programs, second.skipped, second.tasks_opened) == (0, active, 0)
    assert OutreachTask.objects.count() == 1
    assert NightlyRun.objects.count() == active
    run = NightlyRun.objects.get(program=att.world.iop_a)
    assert (run.local_date, run.tasks_opened, run.finished_at) == (dt.date(2026, 11, 23), 1, NOW)


def test_the_next_local_date_runs_again_without_duplicates(att: Att, lapsed: None) -> None:
    run_nightly(at=NOW)
    next_night = run_nightly(at=NOW + dt.timedelta(days=1))
    assert next_night.programs == Program.objects.filter(active=True).count()
    assert next_night.tasks_opened == 0  # the same gap: the task of its period is already open
    assert OutreachTask.objects.count() == 1
    assert NightlyRun.objects.filter(program=att.world.iop_a).count() == 2


def test_force_runs_again_the_same_day(att: Att, lapsed: None) -> None:
    run_nightly(at=NOW)
    again = run_nightly(at=NOW, force=True)
    assert again.skipped == 0 and again.tasks_opened == 0
    assert NightlyRun.objects.filter(program=att.world.iop_a).count() == 1


def test_the_local_date_is_the_sites(att: Att, lapsed: None) -> None:
    # 04:30 UTC on 24 Nov is still 23 Nov in New York and Chicago: the run of the 23rd already happened.
    run_nightly(at=dt.datetime(2026, 11, 23, 6, 0, tzinfo=dt.UTC))
    assert run_nightly(at=dt.datetime(2026, 11, 24, 4, 30, tzinfo=dt.UTC)).programs == 0


def test_the_nightly_run_rebuilds_the_cache(att: Att, lapsed: None) -> None:
    episode = att.episode()
    session = att.booked(episode, day=LAST_MONDAY)
    actions.mark_attendance(
        session=session,
        participant=episode.participant,
        mark=Mark("present"),
        by=att.world.clinician_a,
        at=NOW,
    )
    WeeklyLedger.objects.all().delete()  # lost (e.g. a bulk import): the nightly run writes it back
    result = run_nightly(at=NOW)
    row = WeeklyLedger.objects.get(episode=episode)
    assert (row.week_start, row.minutes, result.ledgers) == (LAST_MONDAY, 180, 1)


def test_the_command_for_cron(att: Att, lapsed: None) -> None:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("run_nightly", stdout=out)
        call_command("run_nightly", stdout=out)
    text = out.getvalue()
    assert "1 outreach task(s) opened." in text
    assert "0 program(s) run" in text and "already done today" in text
    assert OutreachTask.objects.count() == 1


def test_the_task_runs_and_schedules_the_next_night_once(att: Att, lapsed: None) -> None:
    out = StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("run_nightly", "--schedule", stdout=out)
        call_command("run_nightly", "--schedule", stdout=out)
    queued = DBTaskResult.objects.filter(task_path=nightly_task.module_path)
    assert queued.count() == 1  # the second call found it queued
    assert queued.get().run_after == dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
    assert "already queued" in out.getvalue()


def test_the_task_itself_opens_the_tasks(att: Att, lapsed: None, immediate_tasks: None) -> None:
    with time_machine.travel(NOW, tick=False):
        result = nightly_task.enqueue(reschedule=True)  # the immediate backend cannot defer: no next run
    assert result.return_value["tasks_opened"] == 1
    assert OutreachTask.objects.count() == 1


def test_next_run_is_the_next_hour_strictly_after() -> None:
    utc = zoneinfo.ZoneInfo("UTC")
    at = dt.datetime(2026, 11, 23, 1, 59, tzinfo=dt.UTC)
    assert next_run_at(at, hour=2, zone=utc) == dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    at_two = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
    assert next_run_at(at_two, hour=2, zone=utc) == dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)
    new_york = zoneinfo.ZoneInfo("America/New_York")
    assert next_run_at(at_two, hour=2, zone=new_york) == dt.datetime(2026, 11, 23, 7, 0, tzinfo=dt.UTC)
