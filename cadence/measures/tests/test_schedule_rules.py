"""A program's own measurement schedule replaces the defaults; what is due shows on the trend page, the
API, the portal and the dashboard; the demo seeder fills measures deterministically."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client

from cadence.accounts.models import User
from cadence.measures.models import Alert, CheckIn, DrugScreen, MeasureResult, MeasureScheduleRule
from cadence.measures.queries import due_for_participant, rules_by_program
from cadence.measures.schedule import DEFAULT_SCHEDULE, ScheduleRule
from cadence.testing.personas import NOW, World

from .helpers import person, phq9, portal_login, record

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def test_a_program_without_rules_uses_the_defaults_and_its_own_rules_replace_them(world: World) -> None:
    MeasureScheduleRule.objects.create(program=world.php_a, instrument="pcl5", every_days=14)
    MeasureScheduleRule.objects.create(program=world.php_a, instrument="phq9", at_admission=True, active=False)

    rules = rules_by_program([world.iop_a.pk, world.php_a.pk])

    assert rules[world.iop_a.pk] == list(DEFAULT_SCHEDULE)
    assert rules[world.php_a.pk] == [ScheduleRule("pcl5", every_days=14)]


def test_database_refuses_a_rule_that_never_applies_or_a_duplicate(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureScheduleRule.objects.create(program=world.iop_a, instrument="phq9")
    MeasureScheduleRule.objects.create(program=world.iop_a, instrument="phq9", every_days=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasureScheduleRule.objects.create(program=world.iop_a, instrument="phq9", at_discharge=True)


def test_due_follows_the_programs_rules(world: World) -> None:
    episode = person(world)  # admitted 5 Oct 2026
    MeasureScheduleRule.objects.create(program=world.iop_a, instrument="phq9", at_admission=True, every_days=14)
    record(episode.participant, world.clinician_a, answers=phq9(4), day=dt.date(2026, 11, 10))

    _episode, due = due_for_participant(episode.participant, NOW)

    assert due == []  # next one on 24 Nov; GAD-7, BAM and C-SSRS are not in this program's schedule
    MeasureScheduleRule.objects.filter(instrument="phq9").update(every_days=10)
    _episode, due = due_for_participant(episode.participant, NOW)
    assert [(d.instrument, d.due_on, d.days_overdue) for d in due] == [("phq9", dt.date(2026, 11, 20), 3)]


def test_due_measures_show_on_the_portal_and_link_to_the_questionnaire(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    html = client_for(portal_login(episode.participant)).get("/me/").content.decode()
    for code in ("phq9", "gad7", "bam", "cssrs"):
        assert f'href="/me/questionnaires/{code}/"' in html


def test_seed_measures_fills_admitted_demo_episodes_deterministically(db: None) -> None:
    call_command("seed_demo", participants=40, weeks=8, seed=3, today=dt.date(2026, 11, 23), stdout=StringIO())
    out = StringIO()

    call_command("seed_measures", seed=3, stdout=out)

    assert "Portal login: participant" in out.getvalue()
    assert MeasureResult.objects.count() > 40
    assert CheckIn.objects.exists() and DrugScreen.objects.exists()
    portal = User.objects.get(username="participant")
    assert portal.role == "participant" and portal.participant_record is not None
    first = sorted(MeasureResult.objects.values_list("participant_id", "instrument", "administered_on", "total"))
    assert (
        Alert.objects.filter(status="closed").exclude(outcome="").count()
        == Alert.objects.filter(status="closed").count()
    )
    again = StringIO()
    call_command("seed_measures", seed=3, if_empty=True, stdout=again)
    assert "already present" in again.getvalue()
    assert (
        sorted(MeasureResult.objects.values_list("participant_id", "instrument", "administered_on", "total")) == first
    )
