"""iCalendar (RFC 5545) feeds of a participant's or a clinician's sessions, via ``icalendar``.

Each event is one session: a stable UID per session (a moved session updates in place), times with
the site's TZID and a VTIMEZONE for it, SUMMARY = the service name only (no diagnoses, no other
participants' names: phones are not a secure place), LOCATION = room and site.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from icalendar import Calendar, Event

from cadence.accounts.models import User
from cadence.participants.models import Participant

from . import conf
from .models import BookingStatus, CalendarFeed, FeedKind, Session, SessionStatus

PRODID = "-//Cadence//Program schedule//EN"


def uid_of(session: Session) -> str:
    host = (settings.ALLOWED_HOSTS or ["cadence.local"])[0].lstrip(".") or "cadence.local"
    return f"session-{session.pk}@{host}"


def _window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return now - dt.timedelta(days=conf.calendar_past_days()), now + dt.timedelta(days=conf.calendar_future_days())


def _sessions(now: dt.datetime) -> QuerySet[Session]:
    start, end = _window(now)
    return (
        Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end)
        .select_related("service_type", "room", "program__site")
        .order_by("starts_at", "pk")
    )


def participant_sessions(participant: Participant, now: dt.datetime) -> list[Session]:
    return list(_sessions(now).filter(bookings__participant=participant, bookings__status=BookingStatus.BOOKED))


def clinician_sessions(staff: User, now: dt.datetime) -> list[Session]:
    booked = Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED))
    return list(_sessions(now).filter(facilitator=staff).annotate(booked=booked))


def render_calendar(*, name: str, sessions: list[Session], now: dt.datetime, for_clinician: bool) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    for session in sessions:
        zone = session.program.site.zone
        event = Event()
        event.add("uid", uid_of(session))
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        summary = session.service_type.name
        if for_clinician and session.service_type.is_group:
            summary += f" ({getattr(session, 'booked', 0)}/{session.capacity})"
        event.add("summary", summary)
        event.add("location", f"{session.room.name}, {session.program.site.name}")
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    first, last = _window(now)
    cal.add_missing_timezones(
        first_date=first.date() - dt.timedelta(days=366), last_date=last.date() + dt.timedelta(days=366)
    )
    return bytes(cal.to_ical())


def feed_calendar(feed: CalendarFeed, now: dt.datetime) -> bytes:
    if feed.kind == FeedKind.PARTICIPANT and feed.participant is not None:
        return render_calendar(
            name="My program schedule",
            sessions=participant_sessions(feed.participant, now),
            now=now,
            for_clinician=False,
        )
    assert feed.staff is not None  # noqa: S101 - the database constraint ties the owner to the kind
    return render_calendar(
        name="My sessions (Cadence)", sessions=clinician_sessions(feed.staff, now), now=now, for_clinician=True
    )
