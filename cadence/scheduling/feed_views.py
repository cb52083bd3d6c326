"""Calendar feeds: creating and revoking secret URLs (signed-in staff) and serving them (no login:
the secret in the URL is the credential; a revoked or unknown token is a 404)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cadence.accounts.models import User, hash_token
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.queries import get_participant_for

from . import actions, queries
from .ical import feed_calendar
from .models import CalendarFeed, FeedKind
from .rules import require_schedule_manager

# Phones poll feeds often: record the use (and audit the disclosure) at most once an hour per feed.
TOUCH_EVERY = dt.timedelta(hours=1)


def _require_own_or_manager(user: User, staff: User) -> None:
    if user.pk != staff.pk:
        require_schedule_manager(user)


def _created(request: HttpRequest, feed: CalendarFeed, raw: str, back: str, owner: str) -> HttpResponse:
    url = request.build_absolute_uri(reverse("scheduling:calendar", args=[raw]))
    context = {"feed": feed, "url": url, "webcal": "webcal://" + url.split("://", 1)[1], "back": back, "owner": owner}
    response = render(request, "scheduling/feed_created.html", context, status=201)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def create_participant_feed_view(request: HttpRequest, participant_id: int) -> HttpResponse:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.ADMIT)
    feed, raw = actions.create_calendar_feed(participant=participant, by=user, at=timezone.now())
    back = reverse("scheduling:participant_week", args=[participant.pk])
    return _created(request, feed, raw, back, participant.display_name)


@require_POST
def create_staff_feed_view(request: HttpRequest, staff_id: int) -> HttpResponse:
    user = staff_user(request)
    staff = queries.get_staff_for(user, staff_id)
    _require_own_or_manager(user, staff)
    feed, raw = actions.create_calendar_feed(staff=staff, by=user, at=timezone.now())
    return _created(request, feed, raw, reverse("scheduling:staff_week", args=[staff.pk]), staff.display_name)


@require_POST
def revoke_feed_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    feed = queries.get_feed_for(user, pk)
    if feed.kind == FeedKind.PARTICIPANT:
        require(user, Capability.ADMIT)
        back = reverse("scheduling:participant_week", args=[feed.participant_id])
    else:
        assert feed.staff is not None  # noqa: S101 - the database constraint ties the owner to the kind
        _require_own_or_manager(user, feed.staff)
        back = reverse("scheduling:staff_week", args=[feed.staff_id])
    if feed.revoked_at is None:
        actions.revoke_calendar_feed(feed=feed, by=user, at=timezone.now())
    messages.success(request, "Calendar link revoked: calendars using it stop updating.")
    return redirect(back)


@login_not_required
@require_GET
def calendar_view(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics file of a live feed. Fetches are audited at most once an hour per feed."""
    feed = (
        CalendarFeed.objects.select_related("participant", "staff")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    if feed is None:
        raise Http404("Not found")
    now = timezone.now()
    body = feed_calendar(feed, now)
    if feed.last_used_at is None or now - feed.last_used_at > TOUCH_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        record(
            action=AuditAction.EXPORT,
            actor=None,
            actor_label="calendar feed",
            obj=feed,
            participant_id=feed.participant_id,
            summary=f"Calendar feed {feed.prefix}… fetched",
            at=now,
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    return response
