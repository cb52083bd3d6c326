"""/api/v1/outcomes: the program summary and one episode's outcomes; scope (404), roles (403), bad dates."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from cadence.accounts.models import User
from cadence.audit.models import AuditEntry
from cadence.testing.personas import NOW, World

from .helpers import director_b, small_world

pytestmark = pytest.mark.django_db
ApiFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False):
        yield


def test_program_summary_has_the_small_worlds_numbers(world: World, api_for: ApiFor) -> None:
    small_world(world)
    response = api_for(world.director).get(f"/api/v1/outcomes/programs/{world.iop_a.pk}")
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["mode"]) == ("2026-08-26", "2026-11-23", "discharged")
    assert body["episodes"] == 3 and body["too_few_to_compare"] is True
    phq = next(m for m in body["measures"] if m["measure"] == "phq9")
    assert (phq["compared"], phq["reliable_improvement"], phq["no_reliable_change"]) == (3, 1, 1)
    assert (phq["reliable_deterioration"], phq["cases_at_start"], phq["recovered"]) == (1, 2, 1)
    assert phq["recovered_percent"] == 50.0
    discharges = {d["teds_code"]: d["count"] for d in body["discharges"]}
    assert discharges == {1: 2, 2: 1, 3: 0, 4: 0, 5: 0, 6: 0, 7: 0}
    assert body["completion_rate_percent"] == 66.7
    assert body["median_length_of_stay_days"] == 60.0
    entry = AuditEntry.objects.filter(actor=world.director, action="list").order_by("-id").first()
    assert entry is not None and "3 result(s)" in entry.summary


def test_program_summary_takes_from_to_and_mode(world: World, api_for: ApiFor) -> None:
    small_world(world)
    client = api_for(world.director)
    body = client.get(f"/api/v1/outcomes/programs/{world.iop_a.pk}?from=2026-07-01&to=2026-08-31").json()
    assert body["episodes"] == 1 and body["discharged"] == 1
    body = client.get(f"/api/v1/outcomes/programs/{world.iop_a.pk}?mode=active").json()
    assert body["episodes"] == 4 and body["discharged"] == 3


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2026-02-30", "from"),
        ("to=tomorrow", "to"),
        ("from=2026-11-05&to=2026-11-01", "from"),
        ("mode=x", "mode"),
        ("to=0001-01-05", "to"),  # its default start would run off the calendar: a 400, not a 500
    ],
)
def test_bad_dates_are_a_400_naming_the_field(world: World, api_for: ApiFor, query: str, field: str) -> None:
    response = api_for(world.director).get(f"/api/v1/outcomes/programs/{world.iop_a.pk}?{query}")
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field


def test_a_program_of_another_site_is_a_404(world: World, api_for: ApiFor) -> None:
    other = director_b(world)
    response = api_for(other).get(f"/api/v1/outcomes/programs/{world.iop_a.pk}")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(actor=other, action="denied", object_type="programs.program").exists()
    assert api_for(other).get(f"/api/v1/outcomes/programs/{world.iop_b.pk}").status_code == 200
    assert api_for(world.director).get("/api/v1/outcomes/programs/999999").status_code == 404


@pytest.mark.parametrize("who", ["frontdesk", "billing", "clinician_a"])
def test_program_summary_is_refused_to_other_roles(world: World, api_for: ApiFor, who: str) -> None:
    response = api_for(getattr(world, who)).get(f"/api/v1/outcomes/programs/{world.iop_a.pk}")
    assert response.status_code == 403


def test_episode_outcomes_per_measure(world: World, api_for: ApiFor) -> None:
    small = small_world(world)
    episode = small.completed_improved
    response = api_for(world.clinician_a).get(f"/api/v1/outcomes/episodes/{episode.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["record_number"] == episode.participant.record_number
    assert body["length_of_stay_days"] == 60 and body["discharge_reason"] == 1
    phq, gad = body["measures"][:2]
    assert phq["measure"] == "phq9" and phq["pre"]["score"] == 18 and phq["pre"]["on"] == "2026-08-25"
    assert phq["post"]["score"] == 8
    assert phq["change"]["category"] == "reliable_improvement" and phq["change"]["reliable_recovery"] is True
    assert gad["change"]["difference"] == -5 and gad["change"]["recovered"] is True
    entry = AuditEntry.objects.filter(actor=world.clinician_a, action="view").order_by("-id").first()
    assert entry is not None and entry.participant_id == episode.participant_id


def test_an_open_episode_is_compared_up_to_today(world: World, api_for: ApiFor) -> None:
    small = small_world(world)
    body = api_for(world.clinician_a).get(f"/api/v1/outcomes/episodes/{small.still_active.pk}").json()
    phq = body["measures"][0]
    assert (phq["pre"]["score"], phq["post"]["score"]) == (22, 14)
    assert phq["change"]["category"] == "reliable_improvement" and phq["change"]["recovered"] is False
    gad = body["measures"][1]
    assert gad["enough_data"] is False and gad["change"] is None


def test_an_episode_out_of_scope_is_a_404_and_front_desk_is_refused(world: World, api_for: ApiFor) -> None:
    small = small_world(world)
    assert api_for(world.clinician_b).get(f"/api/v1/outcomes/episodes/{small.completed_improved.pk}").status_code == 404
    assert AuditEntry.objects.filter(actor=world.clinician_b, action="denied").exists()
    assert api_for(world.frontdesk).get(f"/api/v1/outcomes/episodes/{small.completed_improved.pk}").status_code == 403
    assert api_for(world.billing).get(f"/api/v1/outcomes/episodes/{small.completed_improved.pk}").status_code == 403
