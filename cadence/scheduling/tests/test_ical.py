"""Calendar feeds: secret URL without login, RFC 5545 with the site's TZID, stable UIDs, revocation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import icalendar
import pytest
from django.test import Client
from django.urls import reverse

from cadence.accounts.models import User
from cadence.audit.models import AuditAction, AuditEntry
from cadence.scheduling import actions
from cadence.scheduling.models import CalendarFeed, Session
from cadence.scheduling.tests.conftest import NEXT_MONDAY, Sched
from cadence.testing.personas import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen")]
ClientFor = Callable[[User], Client]


def booked_participant(sched: Sched) -> tuple[Session, object]:
    sched.generate()
    session = Session.objects.get(generated_from=sched.process, occurs_on=NEXT_MONDAY)
    episode = sched.episode()
    actions.book_participant(session=session, episode=episode, by=sched.world.frontdesk, at=NOW)
    return session, episode


def feed_path(raw: str) -> str:
    return reverse("scheduling:calendar", args=[raw])


def test_participant_feed_parses_with_the_site_time_zone_and_no_clinical_detail(sched: Sched) -> None:
    session, episode = booked_participant(sched)
    _feed, raw = actions.create_calendar_feed(participant=episode.participant, by=sched.world.frontdesk, at=NOW)  # type: ignore[attr-defined]
    response = Client().get(feed_path(raw))  # no login: the secret is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/New_York"]
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event.decoded("DTSTART") == dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)
    assert event.decoded("DTSTART").hour == 9  # 09:00 local
    assert str(event["SUMMARY"]) == "Process group"
    assert "Group Room A" in str(event["LOCATION"])
    uid = str(event["UID"])
    assert uid == f"session-{session.pk}@127.0.0.1"
    body = response.content.decode()
    assert episode.participant.legal_last_name not in body  # type: ignore[attr-defined]
    # Moving the session keeps its UID, so phones update the event in place.
    actions.change_session(
        session=session,
        starts_at=session.starts_at + dt.timedelta(days=2),
        ends_at=session.ends_at + dt.timedelta(days=2),
        by=sched.world.director,
        at=NOW,
    )
    (moved,) = icalendar.Calendar.from_ical(Client().get(feed_path(raw)).content).walk("VEVENT")
    assert str(moved["UID"]) == uid
    assert moved.decoded("DTSTART").day == 2  # Wednesday 2 December


def test_clinician_feed_lists_the_sessions_they_lead(sched: Sched) -> None:
    session, _episode = booked_participant(sched)
    actions.change_session(session=session, facilitator=sched.counselor, by=sched.world.director, at=NOW)
    _feed, raw = actions.create_calendar_feed(staff=sched.counselor, by=sched.counselor, at=NOW)
    cal = icalendar.Calendar.from_ical(Client().get(feed_path(raw)).content)
    (event,) = cal.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Process group (1/12)"


def test_revoked_or_unknown_token_is_404(sched: Sched) -> None:
    _session, episode = booked_participant(sched)
    feed, raw = actions.create_calendar_feed(participant=episode.participant, by=sched.world.frontdesk, at=NOW)  # type: ignore[attr-defined]
    assert Client().get(feed_path(raw)).status_code == 200
    actions.revoke_calendar_feed(feed=feed, by=sched.world.frontdesk, at=NOW)
    assert Client().get(feed_path(raw)).status_code == 404
    assert Client().get(feed_path("cal_not-a-real-token")).status_code == 404


def test_only_the_hash_of_the_token_is_stored(sched: Sched) -> None:
    _session, episode = booked_participant(sched)
    feed, raw = actions.create_calendar_feed(participant=episode.participant, by=sched.world.frontdesk, at=NOW)  # type: ignore[attr-defined]
    assert raw not in feed.token_hash and len(feed.token_hash) == 64
    assert AuditEntry.objects.filter(object_type="scheduling.calendarfeed", action=AuditAction.CREATE).exists()


def test_fetches_are_audited_at_most_hourly(sched: Sched) -> None:
    _session, episode = booked_participant(sched)
    _feed, raw = actions.create_calendar_feed(participant=episode.participant, by=sched.world.frontdesk, at=NOW)  # type: ignore[attr-defined]
    for _ in range(3):
        Client().get(feed_path(raw))
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, object_type="scheduling.calendarfeed").count() == 1


def test_creating_and_revoking_through_the_pages(sched: Sched, client_for: ClientFor) -> None:
    _session, episode = booked_participant(sched)
    participant_id = episode.participant_id  # type: ignore[attr-defined]
    client = client_for(sched.world.frontdesk)
    response = client.post(reverse("scheduling:create_participant_feed", args=[participant_id]))
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "/schedule/calendar/cal_" in html and "webcal://" in html
    feed = CalendarFeed.objects.get()
    assert client.post(reverse("scheduling:revoke_feed", args=[feed.pk])).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None


def test_feed_of_another_site_cannot_be_made_or_revoked(sched: Sched, client_for: ClientFor) -> None:
    _session, episode = booked_participant(sched)
    outsider = client_for(sched.world.clinician_b)
    participant_id = episode.participant_id  # type: ignore[attr-defined]
    assert outsider.post(reverse("scheduling:create_participant_feed", args=[participant_id])).status_code == 404
    feed, _raw = actions.create_calendar_feed(participant=episode.participant, by=sched.world.frontdesk, at=NOW)  # type: ignore[attr-defined]
    assert outsider.post(reverse("scheduling:revoke_feed", args=[feed.pk])).status_code == 404
    assert (
        client_for(sched.counselor)
        .post(reverse("scheduling:create_staff_feed", args=[sched.world.clinician_a.pk]))
        .status_code
        == 403
    )
    assert (
        client_for(sched.counselor).post(reverse("scheduling:create_staff_feed", args=[sched.counselor.pk])).status_code
        == 201
    )
