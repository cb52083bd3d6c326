"""The home dashboard's "Today's sessions" card."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client, override_settings
from django.urls import reverse

from cadence.accounts.models import User
from cadence.scheduling import actions
from cadence.scheduling.cards import todays_sessions
from cadence.scheduling.models import Session
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched, ny

pytestmark = pytest.mark.django_db
CARD = "cadence.scheduling.cards.todays_sessions"
ClientFor = Callable[[User], Client]
# Monday 30 Nov, 07:00 in New York (12:00 UTC): the day's sessions are still ahead.
MORNING = ny(NEXT_MONDAY, 7)


def monday(sched: Sched) -> list[Session]:
    sched.generate()
    sessions = list(Session.objects.filter(occurs_on=NEXT_MONDAY).order_by("starts_at"))
    assert len(sessions) == 2
    return sessions


def test_clinician_sees_only_the_sessions_they_lead_today(sched: Sched) -> None:
    process, relapse = monday(sched)
    actions.change_session(session=process, facilitator=sched.world.clinician_a, by=sched.world.director, at=MORNING)
    card = todays_sessions(sched.world.clinician_a, MORNING)
    assert card is not None and card.column == "side"
    assert [row.session.pk for row in card.context["rows"]] == [process.pk]
    assert todays_sessions(sched.counselor, MORNING) is None  # leads nothing today
    assert todays_sessions(sched.world.clinician_a, MORNING + dt.timedelta(days=1)) is None


def test_director_and_front_desk_see_every_session_of_their_scope_with_counts(sched: Sched) -> None:
    process, relapse = monday(sched)
    actions.book_participant(session=process, episode=sched.episode(), by=sched.world.director, at=MORNING)
    for user in (sched.world.director, sched.world.frontdesk):
        card = todays_sessions(user, MORNING)
        assert card is not None
        assert [(r.session.pk, r.booked) for r in card.context["rows"]] == [(process.pk, 1), (relapse.pk, 0)]
        assert card.context["rows"][0].starts == "09:00"  # site-local time (14:00 UTC)
    assert todays_sessions(sched.world.billing, MORNING) is None
    assert todays_sessions(sched.world.auditor, MORNING) is None


def test_today_is_the_sites_local_date(sched: Sched) -> None:
    monday(sched)
    late_sunday_in_new_york = dt.datetime(2026, 11, 30, 3, tzinfo=dt.UTC)  # Sunday 22:00 in New York
    assert todays_sessions(sched.world.director, late_sunday_in_new_york) is None


def test_other_sites_sessions_are_not_shown(sched: Sched) -> None:
    monday(sched)
    assert todays_sessions(sched.world.clinician_b, MORNING) is None


def test_query_count_does_not_grow_with_sessions(
    sched: Sched, django_assert_max_num_queries: Callable[..., object]
) -> None:
    monday(sched)
    for hour in (13, 14, 15):
        actions.add_one_off_session(
            program=sched.world.iop_a,
            service_type=sched.service("individual"),
            starts_at=ny(NEXT_MONDAY, hour),
            ends_at=ny(NEXT_MONDAY, hour, 50),
            room=sched.office,
            by=sched.world.director,
            at=MORNING,
        )
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        card = todays_sessions(sched.world.director, MORNING)
    assert card is not None and len(card.context["rows"]) == 5


@override_settings(CADENCE_DASHBOARD_CARDS=[CARD])
def test_home_page_shows_the_card_with_roster_links(sched: Sched, client_for: ClientFor) -> None:
    process, _relapse = monday(sched)
    with time_machine.travel(MORNING, tick=False):
        page = client_for(sched.world.frontdesk).get(reverse("core:home")).content.decode()
    assert "Today&#x27;s sessions" in page or "Today's sessions" in page
    assert reverse("attendance:roster", args=[process.pk]) in page
    assert "09:00" in page and "0/12" in page
