"""Curricula and note templates pages (MANAGE_CURRICULA, program scope), and the demo seed command."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.notes import actions
from cadence.notes.models import Curriculum, CurriculumTopic, GroupNote, NoteTemplate, ProgressNote
from cadence.testing.personas import NOW

from .conftest import FRIDAY, NotesWorld

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def test_a_director_creates_a_curriculum_and_its_weekly_topics(nw: NotesWorld, client_for: ClientFor) -> None:
    client = client_for(nw.world.director)
    response = client.post(
        "/notes/curricula/", {"program": nw.world.iop_a.pk, "name": "Skills", "starts_on": "2026-11-02"}
    )
    curriculum = Curriculum.objects.get()
    assert response["Location"] == f"/notes/curricula/{curriculum.pk}/"
    client.post(f"/notes/curricula/{curriculum.pk}/", {"week": 1, "topic": "Urge surfing", "methods": "Mindfulness"})
    client.post(f"/notes/curricula/{curriculum.pk}/", {"week": 1, "topic": "Urge surfing, part 2", "methods": ""})
    assert list(CurriculumTopic.objects.values_list("week", "topic")) == [(1, "Urge surfing, part 2")]
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_type="notes.curriculumtopic").exists()
    page = client.get(f"/notes/curricula/{curriculum.pk}/").content.decode()
    assert "Urge surfing, part 2" in page


def test_curricula_need_the_capability_and_stay_in_scope(nw: NotesWorld, client_for: ClientFor) -> None:
    assert client_for(nw.world.clinician_a).get("/notes/curricula/").status_code == 403
    assert client_for(nw.world.auditor).get("/notes/templates/").status_code == 403
    other = actions.create_curriculum(
        program=nw.world.iop_b, name="West", starts_on=FRIDAY, service_type=None, by=nw.world.admin, at=NOW
    )
    assert client_for(nw.world.director).get(f"/notes/curricula/{other.pk}/").status_code == 404
    refused = client_for(nw.world.director).post(
        "/notes/curricula/", {"program": nw.world.iop_b.pk, "name": "Sneaky", "starts_on": "2026-11-02"}
    )
    assert refused.status_code == 400 and Curriculum.objects.count() == 1


def test_a_template_with_sections_of_another_kind_is_refused_on_the_form(nw: NotesWorld, client_for: ClientFor) -> None:
    client = client_for(nw.world.director)
    data = {"program": nw.world.iop_a.pk, "name": "Group start", "kind": "group", "format": "dap"}
    refused = client.post("/notes/templates/", {**data, "s_plan": "x"})
    assert refused.status_code == 400 and "plan is not part of a group note" in refused.content.decode()
    assert client.post("/notes/templates/", {**data, "s_group_dynamics": "Cohesion:"}).status_code == 302
    template = NoteTemplate.objects.get()
    assert template.sections == {"group_dynamics": "Cohesion:"}
    client.post(f"/notes/templates/{template.pk}/", {**data, "name": "Group start v2", "s_topic": "Check-in"})
    template.refresh_from_db()
    assert (template.name, template.sections) == ("Group start v2", {"topic": "Check-in"})


def test_seed_notes_demo_writes_signed_unsigned_and_awaiting_notes_once(nw: NotesWorld) -> None:
    members = [nw.member() for _ in range(3)]
    for hour in (9, 11, 13, 15):
        nw.group(*members, hour=hour)
    out = StringIO()

    call_command("seed_notes_demo", stdout=out)

    assert Curriculum.objects.count() == 3 and NoteTemplate.objects.count() == 6
    statuses = sorted(GroupNote.objects.values_list("status", flat=True))
    assert statuses == ["awaiting_cosign", "draft", "signed"]  # the latest session is left without a note
    assert GroupNote.objects.get(status="awaiting_cosign").author == nw.supervisee
    assert GroupNote.objects.exclude(leak_warnings={}).count() == 1
    assert (
        ProgressNote.objects.filter(status="signed").exists() and ProgressNote.objects.filter(status="draft").exists()
    )
    again = StringIO()
    call_command("seed_notes_demo", "--if-empty", stdout=again)
    assert again.getvalue().strip() == "notes already present"


def test_week_numbers_of_a_long_running_curriculum() -> None:
    start = dt.date(2026, 1, 5)
    # 357 days on: week 52 of the year, so week 4 of the third 12-week cycle.
    assert actions.week_number(start, dt.date(2026, 12, 28), 12) == 4
