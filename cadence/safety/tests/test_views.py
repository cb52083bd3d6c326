"""The staff pages through their URLs: status, database state, audit rows and the forbidden cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client, override_settings

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.participants.models import Episode
from cadence.safety import actions
from cadence.safety.models import CrisisEvent, EventStatus, OnCallShift, RiskFlag
from cadence.testing.personas import NOW, World

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User], Client]
PANEL = ["cadence.safety.cards.risk_banner"]
CARDS = ["cadence.safety.cards.crisis_card", "cadence.safety.cards.notifications_card"]


def raise_event(world: World, episode: Episode, at: dt.datetime = NOW) -> CrisisEvent:
    return actions.raise_crisis_event(
        participant=episode.participant,
        severity="high",
        source="staff",
        summary="Talked about overdosing",
        at=at,
        by=world.clinician_a,
    )


# --- Chart banner --------------------------------------------------------------------------------


@override_settings(CADENCE_CHART_PANELS=PANEL)
def test_the_chart_banner_shows_active_flags_with_severity_source_and_date(
    world: World, episode_a: Episode, client_for: ClientFor
) -> None:
    participant = episode_a.participant
    actions.raise_risk_flag(
        participant=participant,
        kind="overdose_risk",
        severity="critical",
        note="Found with naloxone",
        by=world.frontdesk,
        at=NOW,
    )
    page = client_for(world.clinician_a).get(f"/participants/{participant.pk}/").content.decode()
    banner = page[page.index('data-banner="risk"') :]
    assert "Overdose risk" in banner and "Critical" in banner and "from staff" in banner and "23 Nov 2026" in banner
    assert "Found with naloxone" in banner and "Clear flag" in banner
    desk = client_for(world.frontdesk).get(f"/participants/{participant.pk}/").content.decode()
    assert "Overdose risk" in desk and "Found with naloxone" not in desk and "Clear flag" not in desk


def test_raise_and_clear_a_flag_through_the_chart(world: World, episode_a: Episode, client_for: ClientFor) -> None:
    pk = episode_a.participant.pk
    response = client_for(world.frontdesk).post(
        f"/safety/participant/{pk}/flags/new/", {"kind": "violence", "severity": "high"}
    )
    assert response.status_code == 302 and response["Location"] == f"/participants/{pk}/"
    flag = RiskFlag.objects.get(participant_id=pk)
    assert flag.raised_by == world.frontdesk
    assert client_for(world.frontdesk).post(f"/safety/flags/{flag.pk}/clear/", {"reason": "ok"}).status_code == 403
    client = client_for(world.clinician_a)
    client.post(f"/safety/flags/{flag.pk}/clear/", {"reason": ""})
    flag.refresh_from_db()
    assert flag.cleared_at is None
    client.post(f"/safety/flags/{flag.pk}/clear/", {"reason": "Conflict resolved in family session"})
    flag.refresh_from_db()
    assert flag.cleared_reason == "Conflict resolved in family session"


def test_another_sites_clinician_gets_404_on_flags_and_events(
    world: World, episode_a: Episode, client_for: ClientFor
) -> None:
    flag = actions.raise_risk_flag(
        participant=episode_a.participant, kind="medical", severity="high", by=world.clinician_a, at=NOW
    )
    event = raise_event(world, episode_a)
    client = client_for(world.clinician_b)
    assert client.post(f"/safety/flags/{flag.pk}/clear/", {"reason": "x"}).status_code == 404
    assert client.get(f"/safety/events/{event.pk}/").status_code == 404
    assert client.post(f"/safety/events/{event.pk}/acknowledge/").status_code == 404
    assert (
        client.post(
            f"/safety/participant/{episode_a.participant.pk}/flags/new/", {"kind": "other", "severity": "low"}
        ).status_code
        == 404
    )
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, actor=world.clinician_b).count() == 4
    event.refresh_from_db()
    assert event.status == EventStatus.RAISED


# --- Events --------------------------------------------------------------------------------------


def test_the_event_page_walks_the_workflow(world: World, episode_a: Episode, client_for: ClientFor) -> None:
    event = raise_event(world, episode_a)
    client = client_for(world.clinician_a)
    page = client.get(f"/safety/events/{event.pk}/")
    assert page.status_code == 200 and "Acknowledge: I am responding" in page.content.decode()
    assert "23 Nov 2026 10:00" in page.content.decode()  # raised at 15:00 UTC, shown in New York time
    assert AuditEntry.objects.filter(
        action=AuditAction.VIEW, object_type="safety.crisisevent", actor=world.clinician_a
    ).exists()
    client.post(f"/safety/events/{event.pk}/acknowledge/", {"note": "Calling now"})
    client.post(
        f"/safety/events/{event.pk}/assess/", {"assessment": "clinician", "disposition": "emergency_department"}
    )
    client.post(f"/safety/events/{event.pk}/resolve/", {"note": "Admitted"})
    event.refresh_from_db()
    assert (event.status, event.disposition) == ("resolved", "emergency_department")
    client.post(f"/safety/events/{event.pk}/reopen/", {"reason": ""})
    event.refresh_from_db()
    assert event.status == "resolved"  # not reopened silently
    client.post(f"/safety/events/{event.pk}/reopen/", {"reason": "Discharged from the ED, needs follow-up"})
    event.refresh_from_db()
    assert event.status == "acknowledged"
    history = client.get(f"/safety/events/{event.pk}/").content.decode()
    assert "(reopened)" in history and "Discharged from the ED" in history


def test_roles_without_the_capability_get_403(world: World, episode_a: Episode, client_for: ClientFor) -> None:
    event = raise_event(world, episode_a)
    assert client_for(world.frontdesk).get("/safety/").status_code == 403
    assert client_for(world.billing).get(f"/safety/events/{event.pk}/").status_code == 403
    assert client_for(world.auditor).post(f"/safety/events/{event.pk}/acknowledge/").status_code == 403
    assert client_for(world.clinician_a).get("/safety/report/").status_code == 403
    assert client_for(world.clinician_a).post("/safety/on-call/", {}).status_code == 403


def test_the_open_events_list_is_scoped_audited_and_constant_in_queries(
    world: World, episode_a: Episode, episode_b: Episode, client_for: ClientFor, django_assert_max_num_queries: Any
) -> None:
    from cadence.testing.factories import ParticipantFactory

    for i in range(5):
        other = world.episode(participant=ParticipantFactory(organization=world.site_a.organization))
        raise_event(world, other, at=NOW + dt.timedelta(minutes=i))
    actions.raise_crisis_event(
        participant=episode_b.participant, severity="high", source="staff", summary="B", at=NOW, by=world.clinician_b
    )
    client = client_for(world.clinician_a)
    with django_assert_max_num_queries(12):
        page = client.get("/safety/").content.decode()
    assert page.count("Not acknowledged") == 5 and "Lakeside" not in page
    entry = AuditEntry.objects.filter(action=AuditAction.LIST, actor=world.clinician_a).latest("pk")
    assert entry.summary == "Open crisis events: 5 result(s)"


# --- Dashboard -----------------------------------------------------------------------------------


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_the_dashboard_card_lists_unacknowledged_events_in_scope(
    world: World, episode_a: Episode, episode_b: Episode, client_for: ClientFor
) -> None:
    assert 'data-card="crisis"' not in client_for(world.clinician_a).get("/").content.decode()
    raise_event(world, episode_a)
    page = client_for(world.clinician_a).get("/").content.decode()
    assert 'data-card="crisis"' in page and "Crisis events needing a response" in page
    assert episode_a.participant.display_name in page[page.index('data-card="crisis"') :]
    assert page.index('data-card="crisis"') < page.index('id="caseload-heading"')
    assert 'data-card="crisis"' not in client_for(world.clinician_b).get("/").content.decode()
    assert 'data-card="crisis"' not in client_for(world.frontdesk).get("/").content.decode()


# --- On-call and report --------------------------------------------------------------------------


def test_the_roster_week_runs_monday_to_sunday_in_site_time_across_a_clock_change(
    world: World, client_for: ClientFor, frozen: Any
) -> None:
    """New York leaves daylight time on Sunday 1 Nov 2026: that week is 169 hours long, and a shift from
    23:00 that Sunday to 01:00 on Monday shows on the Sunday of its week and the Monday of the next."""
    shift = actions.add_on_call_shift(
        site=world.site_a,
        staff=world.clinician_a,
        starts_at=dt.datetime(2026, 11, 2, 4, 0, tzinfo=dt.UTC),  # Sun 1 Nov 23:00 EST
        ends_at=dt.datetime(2026, 11, 2, 6, 0, tzinfo=dt.UTC),  # Mon 2 Nov 01:00 EST
        by=world.director,
        at=NOW,
    )
    client = client_for(world.director)
    response = client.get(f"/safety/on-call/?site={world.site_a.pk}&week=2026-10-29")  # a Thursday
    week = response.context["week"]
    assert week.start == dt.date(2026, 10, 26) and week.ends_at - week.starts_at == dt.timedelta(hours=169)
    days = response.context["days"]
    assert [day for day, _ in days][-1] == dt.date(2026, 11, 1)
    assert [[s.pk for s in shifts] for _, shifts in days] == [[], [], [], [], [], [], [shift.pk]]
    page = response.content.decode()
    assert "week=2026-10-19" in page and "week=2026-11-02" in page
    after = client.get(f"/safety/on-call/?site={world.site_a.pk}&week=2026-11-02").context["days"]
    assert [[s.pk for s in shifts] for _, shifts in after] == [[shift.pk], [], [], [], [], [], []]
    bad = client.get(f"/safety/on-call/?site={world.site_a.pk}&week=next-tuesday")
    assert bad.status_code == 200 and bad.context["week"].start == dt.date(2026, 11, 23)  # NOW's week


def test_a_director_adds_a_shift_in_site_time_and_everyone_sees_the_roster(
    world: World, client_for: ClientFor, frozen: Any
) -> None:
    client = client_for(world.director)
    form = {
        "site": world.site_a.pk,
        "staff": world.clinician_a.pk,
        "role": "primary",
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-24T08:00",
    }
    response = client.post(f"/safety/on-call/?site={world.site_a.pk}", form)
    assert response.status_code == 302
    shift = OnCallShift.objects.get()
    assert shift.starts_at == dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC)  # 08:00 in New York
    clash = client.post(f"/safety/on-call/?site={world.site_a.pk}", {**form, "staff": world.director.pk})
    assert clash.status_code == 200 and "already the primary on call" in clash.content.decode()
    page = client_for(world.frontdesk).get(f"/safety/on-call/?site={world.site_a.pk}").content.decode()
    assert "On call now at Northside" in page and world.clinician_a.display_name in page and "Add a shift" not in page
    client.post(f"/safety/on-call/{shift.pk}/end/")
    shift.refresh_from_db()
    assert shift.ends_at == NOW


def test_the_report_shows_median_and_p90_time_to_acknowledge(
    world: World, episode_a: Episode, client_for: ClientFor, frozen: Any
) -> None:
    for i, minutes in enumerate([2, 4, 6, 8, 30]):
        raised = NOW - dt.timedelta(days=i + 1)
        event = raise_event(world, episode_a, at=raised)
        actions.acknowledge_crisis_event(event=event, by=world.clinician_a, at=raised + dt.timedelta(minutes=minutes))
    raise_event(world, episode_a)  # open, unacknowledged
    page = client_for(world.director).get("/safety/report/").content.decode()
    assert '<td class="num">6.0</td>' in page  # median of 2, 4, 6, 8, 30
    assert '<td class="num">21.2</td>' in page  # 90th percentile: 8 + 0.6 * 22 (the open one is not counted)
    assert "80%" in page  # 4 of 5 within 15 minutes
    assert "Open events now" in page and episode_a.participant.display_name in page
    assert client_for(world.auditor).get("/safety/report/").status_code == 200


@override_settings(CADENCE_DASHBOARD_CARDS=CARDS)
def test_notifications_show_on_the_dashboard_and_are_read_when_the_event_is_opened(
    world: World, episode_a: Episode, client_for: ClientFor
) -> None:
    event = actions.raise_crisis_event(
        participant=episode_a.participant, severity="high", source="staff", summary="x", at=NOW, by=world.frontdesk
    )
    client = client_for(world.clinician_a)
    assert 'data-card="safety-notifications"' in client.get("/").content.decode()
    client.get(f"/safety/events/{event.pk}/")
    assert 'data-card="safety-notifications"' not in client.get("/").content.decode()
    assert "A participant at Northside needs a response" in client.get("/safety/notifications/").content.decode()


def test_the_roster_shows_shift_times_in_the_rosters_site_zone_not_the_viewers(
    world: World, client_for: ClientFor, frozen: Any
) -> None:
    """The administrator's pages are in Chicago time (Lakeside, their organization's first site by name);
    Northside's roster is in New York time, where its form's times are read too."""
    actions.add_on_call_shift(
        site=world.site_a,
        staff=world.clinician_a,
        starts_at=dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.UTC),  # 08:00 in New York, 07:00 in Chicago
        ends_at=dt.datetime(2026, 11, 24, 13, 0, tzinfo=dt.UTC),
        by=world.admin,
        at=NOW,
    )
    page = client_for(world.admin).get(f"/safety/on-call/?site={world.site_a.pk}").content.decode()
    assert "Mon 08:00–Tue 08:00" in page and "07:00" not in page
    assert "until Tue 24 Nov 08:00" in page  # on call now
