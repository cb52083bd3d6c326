"""Accountability rules open outreach tasks after attendance is saved and nightly; never twice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from cadence.accounts.models import User
from cadence.attendance import actions
from cadence.attendance.models import AccountabilityRule, OutreachTask
from cadence.attendance.rules import Mark
from cadence.attendance.tasks import nightly_accountability_task
from cadence.audit.models import AuditEntry
from cadence.testing.personas import NOW

from .conftest import LAST_MONDAY, MONDAY, Att

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture
def rules(att: Att) -> list[AccountabilityRule]:
    return actions.ensure_default_rules(program=att.world.iop_a, at=NOW)


def mark(att: Att, episode: object, day: dt.date, status: str, hour: int = 9) -> None:
    session = att.booked(episode, day=day, hour=hour, minutes=90)  # type: ignore[arg-type]
    actions.mark_attendance(
        session=session,
        participant=episode.participant,  # type: ignore[attr-defined]
        mark=Mark(status),
        by=att.world.clinician_a,
        at=NOW,
    )


def test_default_rules_follow_the_program(att: Att, rules: list[AccountabilityRule]) -> None:
    assert sorted((r.kind, r.parameter) for r in rules) == [
        ("below_minimum_two_weeks", 2),
        ("gap_longer_than_days", 3),
        ("two_unexcused_in_a_row", 2),
    ]
    assert actions.ensure_default_rules(program=att.world.iop_a, at=NOW) == []


def new_episode(att: Att) -> object:
    """Admitted today, so only the streak rule can fire."""
    return att.episode(referred_on=dt.date(2026, 11, 20), admitted_on=MONDAY)


def test_two_unexcused_in_a_row_open_one_task_for_the_primary_clinician(
    att: Att, rules: list[AccountabilityRule]
) -> None:
    episode = new_episode(att)
    mark(att, episode, MONDAY, "present", hour=6)
    mark(att, episode, MONDAY, "unexcused", hour=7)
    assert not OutreachTask.objects.exists()
    mark(att, episode, MONDAY, "unexcused", hour=8)
    task = OutreachTask.objects.get()
    assert task.rule.kind == "two_unexcused_in_a_row"
    assert task.owner == att.world.clinician_a
    assert task.due_on == MONDAY + dt.timedelta(days=1)
    assert task.reason.startswith("2 unexcused absences in a row")
    assert AuditEntry.objects.filter(object_type="attendance.outreachtask", action="create").count() == 1
    # A third absence in the same streak opens no second task.
    mark(att, episode, MONDAY, "unexcused", hour=9)
    assert OutreachTask.objects.count() == 1


def test_two_weeks_below_minimum_and_a_gap_open_tasks_nightly(
    att: Att, rules: list[AccountabilityRule], immediate_tasks: None
) -> None:
    episode = att.episode()
    two_weeks_ago = LAST_MONDAY - dt.timedelta(weeks=1)
    for monday in (two_weeks_ago, LAST_MONDAY):
        session = att.booked(episode, day=monday, minutes=180)
        from cadence.attendance.models import Attendance

        Attendance.objects.create(
            session=session,
            participant=episode.participant,
            episode=episode,
            booking=session.bookings.get(),
            occurs_on=monday,
            status="present",
            session_minutes=180,
            minutes=180,
            created_at=NOW,
            created_by=att.world.director,
            updated_at=NOW,
            updated_by=att.world.director,
        )
    result = nightly_accountability_task.enqueue()
    assert result.return_value == 2
    kinds = sorted(OutreachTask.objects.values_list("rule__kind", flat=True))
    assert kinds == ["below_minimum_two_weeks", "gap_longer_than_days"]
    # The gap since Monday 16 Nov (Tue 17 to Sun 22 without a service: 6 days) is keyed by that day.
    assert OutreachTask.objects.get(rule__kind="gap_longer_than_days").period_key == "g:2026-11-16"
    # Running again opens nothing new.
    assert nightly_accountability_task.enqueue().return_value == 0
    assert OutreachTask.objects.count() == 2


def test_the_evaluate_command_runs_the_sweep(att: Att, rules: list[AccountabilityRule], frozen: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    att.episode(referred_on=dt.date(2026, 11, 10), admitted_on=dt.date(2026, 11, 16))
    out = StringIO()
    call_command("evaluate_accountability", stdout=out)
    assert "1 outreach task(s) opened" in out.getvalue()  # admitted a week ago, never attended


def test_an_inactive_rule_opens_nothing(att: Att, rules: list[AccountabilityRule]) -> None:
    AccountabilityRule.objects.update(active=False)
    episode = new_episode(att)
    mark(att, episode, MONDAY, "unexcused", hour=8)
    mark(att, episode, MONDAY, "unexcused", hour=9)
    assert actions.run_accountability(at=NOW) == 0
    assert not OutreachTask.objects.exists()


def test_recording_the_outcome_closes_the_task(
    att: Att, rules: list[AccountabilityRule], client_for: ClientFor
) -> None:
    episode = new_episode(att)
    mark(att, episode, MONDAY, "unexcused", hour=8)
    mark(att, episode, MONDAY, "unexcused", hour=9)
    task = OutreachTask.objects.get()
    client = client_for(att.world.clinician_a)
    page = client.get(f"/attendance/participant/{episode.participant_id}/")
    assert task.reason in page.content.decode()
    response = client.post(f"/attendance/outreach/{task.pk}/", {"outcome": "", "note": ""})
    assert response.status_code == 200 and "Choose the outcome" in response.content.decode()
    response = client.post(
        f"/attendance/outreach/{task.pk}/", {"outcome": "reached", "note": "Car trouble; back Thursday"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.outcome, task.closed_by) == ("done", "reached", att.world.clinician_a)
    assert client_for(att.world.clinician_b).get(f"/attendance/outreach/{task.pk}/").status_code == 404
    assert client_for(att.world.frontdesk).get(f"/attendance/outreach/{task.pk}/").status_code == 403
