"""The participant chart: header, sections, history, role-based actions, audit and query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import (
    Diagnosis,
    EmergencyContact,
    Episode,
    EpisodeStatus,
    LevelOfCareChange,
    Payer,
)
from cadence.testing.factories import ParticipantFactory, level
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def chart_url(episode: Episode) -> str:
    return reverse("participants:chart", args=[episode.participant_id])


def full_history(world: World) -> Episode:
    """An earlier discharged PHP episode with a step-down, and the current IOP episode."""
    payer = Payer.objects.create(organization=world.site_a.organization, name="Blue Plan", kind="commercial")
    participant = ParticipantFactory(
        legal_first_name="Alexandra",
        legal_last_name="Quinn",
        preferred_name="Lexi",
        pronouns="she/her",
        date_of_birth=dt.date(1990, 11, 24),
        organization=world.site_a.organization,
        payer=payer,
        member_id="BP-7781",
    )
    old = world.episode(
        participant=participant,
        program=world.php_a,
        track=world.php_day_a,
        admitted_on=dt.date(2026, 6, 1),
        referred_on=dt.date(2026, 5, 28),
        status=EpisodeStatus.DISCHARGED,
        discharged_on=dt.date(2026, 7, 10),
        discharge_reason=4,
        step_down_to="Adult IOP",
    )
    LevelOfCareChange.objects.create(
        episode=old,
        level_of_care=level("2.1"),
        starts_on=dt.date(2026, 6, 20),
        reason="Stable, stepping down",
        changed_by=world.director,
        created_at=NOW,
    )
    EmergencyContact.objects.create(participant=participant, name="Casey Quinn", relationship="sister", phone="555-01")
    Diagnosis.objects.create(
        participant=participant,
        code="F10.20",
        description="Alcohol dependence",
        rank="primary",
        noted_on=dt.date(2026, 5, 28),
    )
    Diagnosis.objects.create(participant=participant, code="F41.1", rank="secondary", noted_on=dt.date(2026, 6, 1))
    return world.episode(participant=participant, referred_on=dt.date(2026, 10, 1))


def test_chart_header_shows_who_and_where(world: World, client_for: ClientFor) -> None:
    episode = full_history(world)

    response = client_for(world.clinician_a).get(chart_url(episode))

    assert response.status_code == 200
    header = response.content.decode().split('<nav class="action-bar"')[0]
    for text in (
        "Lexi Quinn",
        "Legal name <strong>Alexandra Quinn</strong>",
        "she/her",
        "35 years",
        episode.participant.record_number,
        "Adult IOP",
        "Northside",
        "2.1",
        "Morning",
        "badge-active",
        "Admitted",
        world.clinician_a.display_name,
    ):
        assert text in header, text
    assert response.context["days_in_program"] == 50
    assert response.context["current"] == episode


def test_days_in_program_uses_the_site_local_date(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    # 03:30 UTC on 24 November is still 23 November in New York.
    with time_machine.travel(dt.datetime(2026, 11, 24, 3, 30, tzinfo=dt.UTC), tick=False):
        response = client_for(world.clinician_a).get(chart_url(episode))

    assert response.context["days_in_program"] == 50


def test_chart_sections(world: World, client_for: ClientFor) -> None:
    episode = full_history(world)

    html = client_for(world.clinician_a).get(chart_url(episode)).content.decode()

    for text in (
        "Demographics and contact",
        "Blue Plan",
        "BP-7781",
        "Casey Quinn",
        "sister",
        "F10.20",
        "Alcohol dependence",
        "Primary",
        "F41.1",
        "Secondary",
        "Episodes of care",
        "Adult PHP",
        "4 — Transferred to another program or facility",
        "Stable, stepping down",
        world.director.display_name,
        "Level-of-care history",
    ):
        assert text in html, text


def test_opening_the_chart_writes_one_view_audit_entry(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    client_for(world.clinician_a).get(chart_url(episode))

    entry = AuditEntry.objects.get(action=AuditAction.VIEW)
    assert (entry.actor, entry.participant_id) == (world.clinician_a, episode.participant_id)


def test_clinician_sees_clinical_actions_for_an_active_episode(world: World, client_for: ClientFor) -> None:
    episode = world.episode()

    html = client_for(world.clinician_a).get(chart_url(episode)).content.decode()

    for url in (
        reverse("participants:discharge", args=[episode.pk]),
        reverse("participants:change_level", args=[episode.pk]),
        reverse("participants:add_diagnosis", args=[episode.participant_id]),
        reverse("participants:add_contact", args=[episode.participant_id]),
        reverse("participants:refer", args=[episode.participant_id]),
    ):
        assert url in html, url
    assert reverse("participants:waitlist", args=[episode.pk]) not in html


def test_referral_offers_admit_waitlist_and_close(world: World, client_for: ClientFor) -> None:
    episode = world.episode(status=EpisodeStatus.REFERRED, admitted_on=None, track=None, level_of_care=None)

    html = client_for(world.frontdesk).get(chart_url(episode)).content.decode()

    admit = reverse("participants:admit", args=[episode.participant_id]) + f"?program={world.iop_a.pk}"
    assert admit in html
    assert reverse("participants:waitlist", args=[episode.pk]) in html
    assert reverse("participants:close_referral", args=[episode.pk]) in html
    assert reverse("participants:add_diagnosis", args=[episode.participant_id]) not in html


def test_chart_query_count_does_not_grow_with_history(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_a)
    short = world.episode()
    with CaptureQueriesContext(connection) as baseline:
        client.get(chart_url(short))
    long = full_history(world)
    for i in range(3):
        world.episode(
            participant=long.participant,
            program=world.php_a,
            track=world.php_day_a,
            referred_on=dt.date(2025, 1 + i * 3, 1),
            admitted_on=dt.date(2025, 1 + i * 3, 2),
            status=EpisodeStatus.DISCHARGED,
            discharged_on=dt.date(2025, 2 + i * 3, 1),
            discharge_reason=1,
        )

    with CaptureQueriesContext(connection) as queries:
        client.get(chart_url(long))

    assert len(queries.captured_queries) == len(baseline.captured_queries)


def test_chart_of_unknown_participant_is_404_and_audited(world: World, client_for: ClientFor) -> None:
    response = client_for(world.clinician_a).get(reverse("participants:chart", args=[999999]))

    assert response.status_code == 404
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, object_id="999999").exists()


def test_chart_shows_a_closed_referral_note(world: World, client_for: ClientFor) -> None:
    episode = world.episode(
        status=EpisodeStatus.CANCELLED,
        admitted_on=None,
        track=None,
        level_of_care=None,
        discharge_note="Declined services",
    )

    html = client_for(world.clinician_a).get(chart_url(episode)).content.decode()

    assert "Referral closed" in html
    assert "Declined services" in html
