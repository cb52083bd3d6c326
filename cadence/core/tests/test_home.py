"""The home dashboard per role: local date, caseload counts, waitlist, recent changes, audit, scope."""

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
from cadence.audit.actions import record
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode, EpisodeStatus, Payer
from cadence.testing.factories import ParticipantFactory
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
UNADMITTED = {"admitted_on": None, "track": None, "level_of_care": None, "primary_clinician": None}


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def person(world: World, last: str, **episode: Any) -> Episode:
    participant = ParticipantFactory(legal_last_name=last, organization=world.site_a.organization)
    return world.episode(participant=participant, **episode)


def caseload(world: World) -> None:
    """Site A: two admitted (one recent), one referral waiting 20 days, one waitlisted, one recent
    discharge. Site B: one admitted."""
    person(world, "Admittedlong")
    person(world, "Admittednew", admitted_on=dt.date(2026, 11, 18), referred_on=dt.date(2026, 11, 10))
    person(
        world,
        "Referredone",
        status=EpisodeStatus.REFERRED,
        referred_on=dt.date(2026, 11, 3),
        referral_source="Hospital",
        **UNADMITTED,
    )
    person(
        world,
        "Waitlistedone",
        program=world.php_a,
        status=EpisodeStatus.WAITLISTED,
        referred_on=dt.date(2026, 11, 20),
        **UNADMITTED,
    )
    person(
        world, "Dischargedone", status=EpisodeStatus.DISCHARGED, discharged_on=dt.date(2026, 11, 16), discharge_reason=1
    )
    person(world, "Lakesider", program=world.iop_b, track=world.morning_b, primary_clinician=world.clinician_b)


def test_clinician_sees_today_in_the_site_zone_and_their_caseload(world: World, client_for: ClientFor) -> None:
    caseload(world)

    # 03:30 UTC on Tuesday 24 November is still Monday 23 November in New York (Northside).
    with time_machine.travel(dt.datetime(2026, 11, 24, 3, 30, tzinfo=dt.UTC), tick=False):
        response = client_for(world.clinician_a).get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Monday 23 November 2026" in html
    assert "Good evening" in html
    assert "My caseload" in html
    board = response.context["board"]
    assert (board.counts.active, board.counts.referred, board.counts.discharged_recent) == (2, 0, 1)
    assert [e.participant.legal_last_name for e in board.my_participants] == ["Admittedlong", "Admittednew"]
    assert "Lakesider" not in html


def test_waitlist_shows_days_waiting_longest_first(world: World, client_for: ClientFor) -> None:
    caseload(world)

    board = client_for(world.clinician_a).get("/").context["board"]

    assert [(w.episode.participant.legal_last_name, w.days_waiting) for w in board.waiting] == [
        ("Referredone", 20),
        ("Waitlistedone", 3),
    ]


def test_recent_admissions_and_discharges(world: World, client_for: ClientFor) -> None:
    caseload(world)

    board = client_for(world.director).get("/").context["board"]

    assert [e.participant.legal_last_name for e in board.admissions] == ["Admittednew"]
    assert [e.participant.legal_last_name for e in board.discharges] == ["Dischargedone"]


def test_director_sees_the_program_caseload_by_program(world: World, client_for: ClientFor) -> None:
    caseload(world)

    response = client_for(world.director).get("/")

    board = response.context["board"]
    assert not board.mine_only
    assert (board.counts.active, board.counts.referred, board.counts.waitlisted) == (2, 1, 1)
    assert {(p.name, p.active_count, p.referred, p.waitlisted) for p in board.programs} == {
        ("Adult IOP", 2, 1, 0),
        ("Adult PHP", 0, 0, 1),
    }
    html = response.content.decode()
    assert "Program caseload" in html
    assert "Lakesider" not in html


def test_clinical_home_has_placeholders_and_quick_links(world: World, client_for: ClientFor) -> None:
    html = client_for(world.frontdesk).get("/").content.decode()

    assert "Alerts" in html
    assert "Measures and crisis alerts appear here once those capabilities are enabled" in html
    assert 'href="/participants/new/"' in html
    assert 'for="home-search"' in html


def test_each_rendering_writes_one_list_audit_entry(world: World, client_for: ClientFor) -> None:
    caseload(world)

    client_for(world.director).get("/")

    entry = AuditEntry.objects.get(action=AuditAction.LIST)
    assert entry.actor == world.director
    assert entry.summary.startswith("Home dashboard: ")


def test_no_list_entry_when_no_participant_is_shown(world: World, client_for: ClientFor) -> None:
    client_for(world.clinician_a).get("/")

    assert not AuditEntry.objects.filter(action=AuditAction.LIST).exists()


def test_auditor_sees_audit_activity_and_no_participant_names(world: World, client_for: ClientFor) -> None:
    caseload(world)
    record(
        action=AuditAction.DENIED,
        actor=world.clinician_b,
        object_type="participants.participant",
        object_id="1",
        summary="Out-of-scope access attempt",
    )

    response = client_for(world.auditor).get("/")

    html = response.content.decode()
    assert 'href="/audit/"' in html
    assert "Open the audit log" in html
    assert response.context["board"].audit.denied_week == 1
    for last in ("Admittedlong", "Referredone", "Lakesider"):
        assert last not in html
    assert "Measures and crisis alerts" not in html
    assert not AuditEntry.objects.filter(action=AuditAction.LIST).exists()


def test_billing_sees_coverage_gaps(world: World, client_for: ClientFor) -> None:
    covered = person(world, "Covered")
    payer = Payer.objects.create(organization=world.site_a.organization, name="Blue Plan")
    covered.participant.payer = payer
    covered.participant.member_id = "X1"
    covered.participant.save()
    person(world, "Uncovered")

    response = client_for(world.billing).get("/")

    assert [e.participant.legal_last_name for e in response.context["board"].missing_coverage] == ["Uncovered"]
    assert "Coverage to complete" in response.content.decode()
    assert 'href="/participants/new/"' not in response.content.decode()


def test_home_query_count_does_not_grow_with_rows(world: World, client_for: ClientFor) -> None:
    client = client_for(world.director)
    caseload(world)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(6):
        person(world, f"More{i}", admitted_on=dt.date(2026, 11, 20), referred_on=dt.date(2026, 11, 19))
        person(world, f"Wait{i}", status=EpisodeStatus.REFERRED, **UNADMITTED)

    with CaptureQueriesContext(connection) as many:
        client.get("/")

    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize(
    "persona", ["admin", "director", "clinician_a", "clinician_b", "frontdesk", "billing", "auditor", "outsider"]
)
def test_every_role_gets_a_home(world: World, client_for: ClientFor, persona: str) -> None:
    caseload(world)

    assert client_for(getattr(world, persona)).get("/").status_code == 200


def test_every_staff_page_carries_the_part2_notice_in_its_footer(world: World, client_for: ClientFor) -> None:
    footer = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."
    for url in ("/", "/participants/"):
        html = client_for(world.clinician_a).get(url).content.decode()
        assert footer in html.split("<footer", 1)[1]
