"""Cards other apps add to the home dashboard: shown where they ask, only when they have something,
and counted in the home page's LIST audit entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from cadence.accounts.models import Role, User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.core.cards import Card, cards_for, chart_panels_for
from cadence.testing.personas import World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
CARDS = ["cadence.core.tests.test_cards.directors_only", "cadence.core.tests.test_cards.urgent"]


def directors_only(user: User, now: dt.datetime) -> Card | None:
    if user.role != Role.DIRECTOR:
        return None
    title = {"title": "For directors"}
    return Card(key="directors", template="core/tests/card.html", context=title, participant_rows=3)


def urgent(user: User, now: dt.datetime) -> Card | None:
    return Card(key="urgent", template="core/tests/card.html", context={"title": "Urgent"}, column="top", order=1)


@pytest.fixture(autouse=True)
def _card_template(settings: Any, tmp_path: Path) -> None:
    folder = tmp_path / "core" / "tests"
    folder.mkdir(parents=True)
    (folder / "card.html").write_text('<section data-card="{{ card.key }}"><h2>{{ card.context.title }}</h2></section>')
    (folder / "banner.html").write_text('<p data-banner="{{ card.key }}">{{ card.context.title }}</p>')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [str(tmp_path), *settings.TEMPLATES[0]["DIRS"]]}]


def listed(user: User) -> int:
    """Participant rows counted by the latest home-page LIST entry (no entry: none were shown)."""
    entry = AuditEntry.objects.filter(action=AuditAction.LIST, actor=user).order_by("-pk").first()
    return int(entry.summary.rsplit(": ", 1)[1].split(" ")[0]) if entry else 0


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_cards_are_filtered_by_their_function_and_sorted(world: World) -> None:
    now = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
    assert [c.key for c in cards_for(world.director, now)] == ["urgent", "directors"]
    assert [c.key for c in cards_for(world.clinician_a, now)] == ["urgent"]


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_home_shows_the_cards_and_audits_their_participant_rows(world: World, client_for: ClientFor) -> None:
    client = client_for(world.director)
    with override_settings(CADENCE_DASHBOARD_CARDS=[]):
        client.get("/")
    without_cards = listed(world.director)
    page = client.get("/").content.decode()
    assert page.index('data-card="urgent"') < page.index('id="caseload-heading"')  # "top": above everything
    assert 'data-card="directors"' in page
    assert listed(world.director) == without_cards + 3


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_a_card_with_nothing_for_the_user_is_not_shown(world: World, client_for: ClientFor) -> None:
    page = client_for(world.clinician_a).get("/").content.decode()
    assert 'data-card="urgent"' in page
    assert 'data-card="directors"' not in page


PANELS = ["cadence.core.tests.test_cards.flag_banner", "cadence.core.tests.test_cards.plan_link"]


def flag_banner(user: User, participant: Any, now: dt.datetime) -> Card | None:
    title = {"title": f"Risk for {participant.display_name}"}
    return Card(key="flags", template="core/tests/banner.html", context=title, column="banner")


def plan_link(user: User, participant: Any, now: dt.datetime) -> Card | None:
    if user.role == Role.FRONT_DESK:
        return None
    link = {"label": "Treatment plan", "url": f"/plans/participant/{participant.pk}/"}
    return Card(key="plan", template="", context=link, column="links")


@override_settings(CADENCE_CHART_PANELS=PANELS)
def test_chart_panels_appear_in_their_column_for_those_they_are_for(world: World, client_for: ClientFor) -> None:
    episode = world.episode()
    participant = episode.participant
    now = dt.datetime(2026, 11, 23, 15, tzinfo=dt.UTC)
    columns = chart_panels_for(world.clinician_a, participant, now)
    assert [c.key for c in columns["banner"]] == ["flags"] and [c.key for c in columns["links"]] == ["plan"]
    page = client_for(world.clinician_a).get(f"/participants/{participant.pk}/").content.decode()
    assert page.index('data-banner="flags"') < page.index('class="actions"')
    assert f'href="/plans/participant/{participant.pk}/">Treatment plan</a>' in page
    desk = client_for(world.frontdesk).get(f"/participants/{participant.pk}/").content.decode()
    assert "Treatment plan</a>" not in desk and 'data-banner="flags"' in desk
