"""The trend page: each measure over time with bands and its change since baseline, check-ins and drug
screens on the same axis, level-of-care changes marked; scope, roles, audit and a bounded query count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures import actions
from cadence.measures.models import CheckIn, MeasureResult
from cadence.measures.rules import PanelEntry
from cadence.participants.models import Episode, LevelOfCareChange
from cadence.testing.factories import level
from cadence.testing.personas import NOW, World

from .helpers import TODAY, check_in, gad7, person, phq9, record, site_b_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def trends_url(episode: Episode) -> str:
    return f"/measures/participant/{episode.participant_id}/"


def history(world: World, episode: Episode, weeks: int, days: int = 0) -> None:
    """``weeks`` weekly PHQ-9 and GAD-7 results and ``days`` daily check-ins, bulk-created, ending today."""
    p = episode.participant
    rows = []
    for week in range(weeks):
        day = TODAY - dt.timedelta(days=7 * (weeks - 1 - week))
        total = max(0, 20 - week // 3)
        for code, total_, band in (("phq9", total, "severe"), ("gad7", min(total, 21), "severe")):
            rows.append(
                MeasureResult(
                    participant=p,
                    episode=episode,
                    instrument=code,
                    instrument_version="1.0",
                    answers=phq9(total_) if code == "phq9" else gad7(total_),
                    total=total_,
                    band=band,
                    administered_on=day,
                    administered_at=NOW,
                    source="staff",
                    entered_by=world.clinician_a,
                )
            )
    MeasureResult.objects.bulk_create(rows)
    CheckIn.objects.bulk_create(
        CheckIn(
            participant=p,
            episode=episode,
            local_date=TODAY - dt.timedelta(days=d),
            mood=d % 11,
            craving=(d * 3) % 11,
            sleep_hours=Decimal("7.0"),
            used=False,
            entered_by=world.clinician_a,
            submitted_at=NOW,
        )
        for d in range(days)
    )


def test_page_shows_each_measure_with_its_chart_bands_change_and_table(world: World, client_for: ClientFor) -> None:
    episode = person(world, admitted_on=dt.date(2026, 9, 1), referred_on=dt.date(2026, 8, 30))
    p = episode.participant
    LevelOfCareChange.objects.create(
        episode=episode,
        level_of_care=level("2.5"),
        starts_on=dt.date(2026, 10, 1),
        reason="Stepped up",
        changed_by=world.clinician_a,
        created_at=NOW,
    )
    record(p, world.clinician_a, answers=phq9(18), day=dt.date(2026, 9, 2))
    record(p, world.clinician_a, answers=phq9(9), day=dt.date(2026, 11, 16))
    check_in(p, world.clinician_a, TODAY, mood=4, craving=9)
    actions.record_drug_screen(
        participant=p,
        details=actions.ScreenDetails(TODAY, True, [PanelEntry("buprenorphine", "positive", True)]),
        by=world.clinician_a,
        at=NOW,
    )

    response = client_for(world.clinician_a).get(trends_url(episode))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3  # PHQ-9, check-ins, drug screens
    assert '<title id="chart-phq9-0-title">PHQ-9 total over time</title>' in html
    assert "first 18 (Moderately severe), latest 9 (Mild)" in html
    assert "Reliable improvement" in html and "Recovered (reliable)" in html
    assert "baseline 18 (2 Sep 2026) to 9, -9 points" in html
    assert "Level 2.5" in html and "Admitted 2.1" in html  # level-of-care markers
    assert 'class="band tone-4"' in html
    assert "Expected positive only: Buprenorphine (BUP)" in html
    assert "<script>" not in html and "style=" not in html
    entry = AuditEntry.objects.filter(action=AuditAction.VIEW).latest("id")
    assert (entry.participant_id, entry.summary) == (p.pk, "Opened measures and trends")


def test_no_change_is_shown_with_a_single_result(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    record(episode.participant, world.clinician_a, answers=phq9(7))

    html = client_for(world.clinician_a).get(trends_url(episode)).content.decode()

    assert "change is shown from the second result" in html
    assert "Reliable" not in html


def test_period_filter_limits_points_not_the_baseline(world: World, client_for: ClientFor) -> None:
    episode = person(world, admitted_on=dt.date(2026, 1, 5), referred_on=dt.date(2026, 1, 2))
    record(episode.participant, world.clinician_a, answers=phq9(20), day=dt.date(2026, 1, 6))
    record(episode.participant, world.clinician_a, answers=phq9(4), day=dt.date(2026, 11, 16))

    response = client_for(world.clinician_a).get(trends_url(episode) + "?period=90")

    trend = response.context["trends"].measures[0]
    assert [r.total for r in trend.results] == [4]
    assert trend.changes[0].change.baseline == 20


def test_auditor_reads_without_actions_and_front_desk_is_refused(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    html = client_for(world.auditor).get(trends_url(episode)).content.decode()
    assert "Measures and trends" in html and "Record a measure" not in html
    assert client_for(world.frontdesk).get(trends_url(episode)).status_code == 403
    assert client_for(world.billing).get(trends_url(episode)).status_code == 403


def test_clinician_of_the_other_site_gets_404(world: World, client_for: ClientFor) -> None:
    episode = site_b_person(world)
    record(episode.participant, world.clinician_b, answers=phq9(5))

    assert client_for(world.clinician_a).get(trends_url(episode)).status_code == 404
    assert client_for(world.outsider).get(trends_url(episode)).status_code == 404
    assert client_for(world.clinician_b).get(trends_url(episode)).status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, participant_id=episode.participant_id).count() == 2


def test_query_count_is_the_same_for_10_and_100_results(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_a)
    few = person(world, "Few", admitted_on=dt.date(2025, 1, 6), referred_on=dt.date(2025, 1, 2))
    many = person(world, "Many", admitted_on=dt.date(2024, 11, 25), referred_on=dt.date(2024, 11, 20))
    history(world, few, weeks=5, days=10)  # 10 results
    history(world, many, weeks=50, days=700)  # 100 results, 700 check-ins
    for episode in (few, many):
        actions.record_drug_screen(
            participant=episode.participant,
            details=actions.ScreenDetails(TODAY, False, [PanelEntry("cocaine", "positive")]),
            by=world.clinician_a,
            at=NOW,
        )
    client.get(trends_url(few))  # warm up (session, content types)

    with CaptureQueriesContext(connection) as small:
        assert client.get(trends_url(few)).status_code == 200
    with CaptureQueriesContext(connection) as large:
        response = client.get(trends_url(many))

    assert response.status_code == 200
    assert len(response.context["trends"].check_ins) == 700
    assert len(large.captured_queries) == len(small.captured_queries)
    assert len(large.captured_queries) <= 25
