"""Alerts reach the primary clinician's and the directors' dashboards; acknowledging and closing them is
audited with the outcome; the other site's clinician cannot see or act on them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.measures import actions
from cadence.measures.models import Alert, AlertStatus
from cadence.measures.rules import MeasurementError
from cadence.participants.models import Episode
from cadence.testing.personas import NOW, World

from .helpers import person, phq9, record, site_b_person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def alert_for(world: World, episode: Episode) -> Alert:
    row = record(episode.participant, world.clinician_a, answers=phq9(3, item9=1))
    return Alert.objects.get(source_id=row.pk)


def test_acknowledge_then_close_with_an_outcome_is_audited(world: World, client_for: ClientFor) -> None:
    episode = person(world)
    alert = alert_for(world, episode)
    client = client_for(world.clinician_a)

    ack = client.post(f"/measures/alerts/{alert.pk}/acknowledge/", {"note": "Called her"})
    closed = client.post(f"/measures/alerts/{alert.pk}/close/", {"outcome": "Safety plan reviewed; no intent."})

    assert ack.status_code == closed.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by, alert.closed_by) == ("closed", world.clinician_a, world.clinician_a)
    assert alert.outcome == "Safety plan reviewed; no intent."
    entries = AuditEntry.objects.filter(object_type="measures.alert", action=AuditAction.UPDATE).order_by("id")
    assert [(e.summary, e.participant_id) for e in entries] == [
        ("Acknowledged alert: PHQ-9 item 9: thoughts of self-harm", episode.participant_id),
        ("Closed alert: PHQ-9 item 9: thoughts of self-harm", episode.participant_id),
    ]
    assert entries[1].changes["outcome"] == "Safety plan reviewed; no intent."


def test_closing_needs_an_outcome_and_happens_once(world: World) -> None:
    alert = alert_for(world, person(world))
    with pytest.raises(MeasurementError) as caught:
        actions.close_alert(alert=alert, outcome="  ", by=world.clinician_a, at=NOW)
    assert caught.value.field == "outcome"
    closed = actions.close_alert(alert=alert, outcome="Seen in group", by=world.director, at=NOW)
    assert (closed.acknowledged_by, closed.status) == (world.director, AlertStatus.CLOSED)
    with pytest.raises(MeasurementError, match="already closed"):
        actions.close_alert(alert=alert, outcome="again", by=world.director, at=NOW)
    with pytest.raises(MeasurementError, match="already closed"):
        actions.acknowledge_alert(alert=alert, by=world.director, at=NOW)


def test_close_without_outcome_in_the_page_is_refused_with_a_message(world: World, client_for: ClientFor) -> None:
    alert = alert_for(world, person(world))
    response = client_for(world.clinician_a).post(f"/measures/alerts/{alert.pk}/close/", {"outcome": ""}, follow=True)
    assert "The alert was not closed" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == "open"


def test_other_sites_clinician_gets_404_on_acknowledge_and_it_is_audited(world: World, client_for: ClientFor) -> None:
    episode = site_b_person(world)
    row = record(episode.participant, world.clinician_b, answers=phq9(2, item9=2))
    alert = Alert.objects.get(source_id=row.pk)

    response = client_for(world.clinician_a).post(f"/measures/alerts/{alert.pk}/acknowledge/")

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.status == "open"
    assert AuditEntry.objects.filter(action=AuditAction.DENIED, object_type="measures.alert").count() == 1


def test_auditor_and_front_desk_cannot_act_on_alerts(world: World, client_for: ClientFor) -> None:
    alert = alert_for(world, person(world))
    assert client_for(world.auditor).post(f"/measures/alerts/{alert.pk}/acknowledge/").status_code == 403
    assert client_for(world.frontdesk).post(f"/measures/alerts/{alert.pk}/close/", {"outcome": "x"}).status_code == 403


def test_alerts_reach_the_primary_clinicians_and_the_directors_dashboards(world: World, client_for: ClientFor) -> None:
    mine = person(world, "Mine")
    alert_for(world, mine)
    theirs = site_b_person(world, "Theirs")
    record(theirs.participant, world.clinician_b, answers=phq9(1, item9=1))
    other_clinician = person(world, "Otherclin", primary_clinician=world.director)
    alert_for(world, other_clinician)

    clinician_board = client_for(world.clinician_a).get("/").context["board"]
    director_html = client_for(world.director).get("/").content.decode()
    frontdesk_html = client_for(world.frontdesk).get("/").content.decode()

    assert [a.participant.legal_last_name for a in clinician_board.alerts] == ["Mine"]
    assert clinician_board.alerts_total == 1
    assert "Mine" in director_html and "Otherclin" in director_html and "Theirs" not in director_html
    assert 'href="/measures/alerts/"' in director_html
    assert "Measures and crisis alerts appear here" in frontdesk_html  # front desk does not see clinical alerts


def test_dashboard_lists_overdue_measures_of_the_caseload(world: World, client_for: ClientFor) -> None:
    person(world, "Overdue")  # admitted 5 Oct with no measure: admission measures overdue 49 days

    board = client_for(world.clinician_a).get("/").context["board"]

    assert {o.abbreviation for o in board.overdue} == {"PHQ-9", "GAD-7", "BAM", "C-SSRS"}
    assert board.overdue[0].due.days_overdue == 49
    assert board.overdue_total == 4


def test_dashboard_queries_do_not_grow_with_alerts(world: World, client_for: ClientFor) -> None:
    client = client_for(world.clinician_a)
    alert_for(world, person(world, "One"))
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for i in range(5):
        alert_for(world, person(world, f"More{i}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_alerts_page_lists_active_alerts_in_scope(world: World, client_for: ClientFor) -> None:
    alert_for(world, person(world, "Listed"))
    closed = alert_for(world, person(world, "Closedone"))
    actions.close_alert(alert=closed, outcome="done", by=world.clinician_a, at=NOW)

    html = client_for(world.director).get("/measures/alerts/").content.decode()

    assert "Listed" in html and "Closedone" not in html
    assert client_for(world.auditor).get("/measures/alerts/").status_code == 403
