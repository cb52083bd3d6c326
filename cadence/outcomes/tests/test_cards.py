"""The home-dashboard card: shown to directors with the period's discharges and completion rate, not to
roles without program reports, and cheap (two queries, whatever the number of episodes or results)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.outcomes.cards import outcomes_card
from cadence.testing.personas import NOW, World

from .helpers import many, result, small_world

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[Any]:
    with time_machine.travel(NOW, tick=False):
        yield


def _card(html: str) -> str:
    found = re.search(r'<section class="card" data-card="outcomes".*?</section>', html, re.S)
    assert found is not None
    return found.group(0)


def test_director_home_shows_the_card_with_counts_when_few(world: World, client_for: ClientFor) -> None:
    small_world(world)
    response = client_for(world.director).get("/")
    assert response.status_code == 200
    card = _card(response.content.decode())
    assert 'data-figure="completion">2 of 3<' in card
    assert 'data-figure="discharges">3<' in card
    assert 'href="/outcomes/"' in card and "Too few to compare" in card
    assert "Quill" not in card


def test_card_shows_percentages_from_ten_episodes(world: World) -> None:
    episodes = many(world, 10)  # TEDS reasons cycle 1..7: codes 1 for the 1st and 8th episodes
    for episode in episodes[:4]:  # measures are the report's work: the card reads none
        result(episode, "phq9", 20, episode.admitted_on)
        result(episode, "phq9", 14, episode.discharged_on)
    card = outcomes_card(world.director, NOW)
    assert card is not None
    summary = card.context["summary"]
    assert (summary.discharged, summary.completed, summary.completion_rate) == (10, 2, 20.0)
    assert not summary.too_few


@pytest.mark.parametrize("who", ["frontdesk", "billing", "clinician_a"])
def test_no_card_for_roles_without_program_reports(world: World, client_for: ClientFor, who: str) -> None:
    small_world(world)
    assert outcomes_card(getattr(world, who), NOW) is None
    assert 'data-card="outcomes"' not in client_for(getattr(world, who)).get("/").content.decode()


def test_the_card_reads_in_a_fixed_number_of_queries(world: World) -> None:
    many(world, 2)
    with CaptureQueriesContext(connection) as few:
        outcomes_card(world.director, NOW)
    many(world, 20, start=2)
    with CaptureQueriesContext(connection) as more:
        card = outcomes_card(world.director, NOW)
    assert card is not None and card.context["summary"].discharged == 22
    assert len(more.captured_queries) == len(few.captured_queries) == 2
    assert not any("measures_measureresult" in q["sql"] for q in more.captured_queries)
