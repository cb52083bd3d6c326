"""The caseload page: scope, search, filters, htmx partial, pagination, audit and a query-count guard."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import EpisodeStatus
from cadence.testing.factories import ParticipantFactory
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
URL = "/participants/"


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def names(response: Any) -> list[str]:
    return [row.episode.participant.legal_last_name for row in response.context["rows"]]


def person(world: World, last: str, **episode: Any) -> Any:
    participant = ParticipantFactory(legal_last_name=last, organization=world.site_a.organization)
    return world.episode(participant=participant, **episode)


def test_caseload_lists_only_episodes_in_scope(world: World, client_for: ClientFor) -> None:
    person(world, "Northsider")
    person(world, "Lakesider", program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b)

    assert names(client_for(world.clinician_a).get(URL)) == ["Northsider"]
    assert names(client_for(world.clinician_b).get(URL)) == ["Lakesider"]
    assert names(client_for(world.auditor).get(URL)) == ["Lakesider", "Northsider"]


def test_row_shows_everything_the_caseload_needs(world: World, client_for: ClientFor) -> None:
    participant = ParticipantFactory(
        legal_first_name="Alexandra",
        legal_last_name="Quinn",
        preferred_name="Lexi",
        organization=world.site_a.organization,
    )
    world.episode(participant=participant)

    response = client_for(world.clinician_a).get(URL)

    html = response.content.decode()
    for text in (
        "Lexi Quinn",
        "Legal: Alexandra Quinn",
        participant.record_number,
        "Adult IOP",
        "Northside",
        "Morning",
        "2.1",
        "Admitted",
        "5 Oct 2026",
        world.clinician_a.display_name,
    ):
        assert text in html, text
    assert response.context["rows"][0].days_in_program == 50  # 5 Oct to 23 Nov inclusive


def test_search_by_name_and_by_record_number(world: World, client_for: ClientFor) -> None:
    quinn = person(world, "Quinn")
    person(world, "Rivera")
    client = client_for(world.clinician_a)

    assert names(client.get(URL, {"q": "quin"})) == ["Quinn"]
    assert names(client.get(URL, {"q": quinn.participant.record_number.lower()})) == ["Quinn"]
    assert names(client.get(URL, {"q": "nobody"})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Active", "Referred", "Waitlisted"]),
        ({"status": "referred"}, ["Referred"]),
        ({"status": "waitlisted"}, ["Waitlisted"]),
        ({"status": "active"}, ["Active"]),
        ({"status": "discharged"}, ["Discharged"]),
        ({"status": "all"}, ["Active", "Discharged", "Referred", "Waitlisted"]),
        ({"status": "all", "mine": "on"}, ["Active", "Discharged"]),
        ({"status": "all", "track": "evening"}, ["Discharged"]),
        ({"status": "all", "program": "php"}, ["Referred"]),
        ({"program": "out-of-scope"}, ["Active", "Referred", "Waitlisted"]),
    ],
)
def test_filters(world: World, client_for: ClientFor, params: dict[str, str], expected: list[str]) -> None:
    person(world, "Active")
    person(
        world,
        "Discharged",
        track=world.evening_a,
        status=EpisodeStatus.DISCHARGED,
        discharged_on=dt.date(2026, 11, 1),
        discharge_reason=1,
    )
    unassigned = {"admitted_on": None, "track": None, "level_of_care": None, "primary_clinician": None}
    person(world, "Referred", program=world.php_a, status=EpisodeStatus.REFERRED, **unassigned)
    person(world, "Waitlisted", status=EpisodeStatus.WAITLISTED, **unassigned)
    ids = {"evening": world.evening_a.pk, "php": world.php_a.pk, "out-of-scope": world.iop_b.pk}
    params = {k: str(ids.get(v, v)) for k, v in params.items()}

    assert names(client_for(world.clinician_a).get(URL, params)) == expected


def test_htmx_request_gets_only_the_results(world: World, client_for: ClientFor) -> None:
    person(world, "Quinn")

    response = client_for(world.clinician_a).get(URL, {"q": "quinn"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Quinn" in html
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_whole_page(world: World, client_for: ClientFor) -> None:
    response = client_for(world.clinician_a).get(
        URL, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )

    assert "<html" in response.content.decode()


def test_full_page_has_live_filtering_wired_up(world: World, client_for: ClientFor) -> None:
    html = client_for(world.clinician_a).get(URL).content.decode()

    assert 'hx-get="/participants/"' in html
    assert 'hx-target="#caseload-results"' in html
    assert 'hx-push-url="true"' in html
    assert 'for="id_q"' in html and 'for="id_status"' in html and 'for="id_mine"' in html


def test_each_rendering_writes_one_list_audit_entry(world: World, client_for: ClientFor) -> None:
    person(world, "Quinn")
    person(world, "Rivera")

    client_for(world.clinician_a).get(URL, {"q": "quinn", "status": "all"})

    entry = AuditEntry.objects.get(action=AuditAction.LIST)
    assert entry.actor == world.clinician_a
    assert entry.summary == "Caseload: 1 result(s)"
    assert entry.changes == {"query": "q='quinn' status=all"}


def test_pagination(world: World, client_for: ClientFor, settings: Any) -> None:
    settings.CADENCE_PAGE_SIZE = 2
    for last in ("Adams", "Baker", "Clark"):
        person(world, last)
    client = client_for(world.clinician_a)

    first = client.get(URL, {"status": "open"})
    second = client.get(URL, {"status": "open", "page": "2"})

    assert names(first) == ["Adams", "Baker"]
    assert names(second) == ["Clark"]
    assert "page=2" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "zzz"}, "No one matches “zzz”"),
        ({"mine": "on"}, "No participants assigned to you"),
        ({"status": "discharged"}, "No episodes match these filters"),
        ({}, "No open episodes in your programs yet"),
    ],
)
def test_empty_states_explain(world: World, client_for: ClientFor, params: dict[str, str], message: str) -> None:
    html = client_for(world.frontdesk).get(URL, params).content.decode()

    assert message in html


def test_query_count_does_not_grow_with_rows(
    world: World, client_for: ClientFor, django_assert_num_queries: Any
) -> None:
    client = client_for(world.director)
    clinicians = [world.clinician_a, world.director]
    for i in range(3):
        person(world, f"Few{i}", primary_clinician=clinicians[i % 2])
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(URL).context["rows"]) == 3
    for i in range(27):
        person(world, f"Many{i}", program=world.php_a, track=world.php_day_a, primary_clinician=clinicians[i % 2])

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).context["rows"]) == 30
