"""Scheduling inputs (availability, preferences, working hours, time off) and calendar feeds."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from django.db import transaction

from cadence.accounts.models import User, hash_token
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, Participant

from ..models import (
    CalendarFeed,
    FeedKind,
    ParticipantAvailability,
    ParticipantPreference,
    Session,
    SessionStatus,
    StaffAvailability,
    StaffTimeOff,
)
from ..rules import (
    SchedulingError,
    Window,
    check_time_order,
    hhmm,
)

# --- Scheduling inputs ---------------------------------------------------------------------------


def _check_windows(windows: Mapping[int, Window]) -> None:
    for weekday, (start, end) in windows.items():
        if not 0 <= weekday <= 6:
            raise SchedulingError("weekday", "Weekdays run from 0 (Monday) to 6 (Sunday).")
        check_time_order(start, end, field="latest")


@transaction.atomic
def set_participant_availability(
    *, episode: Episode, windows: Mapping[int, Window], by: User, at: dt.datetime
) -> list[ParticipantAvailability]:
    """Replace the episode's weekly availability (weekday -> earliest, latest). Empty: the track's hours."""
    _check_windows(windows)
    Episode.objects.select_for_update().filter(pk=episode.pk).first()
    ParticipantAvailability.objects.filter(episode=episode).delete()
    rows = ParticipantAvailability.objects.bulk_create(
        ParticipantAvailability(episode=episode, weekday=d, earliest=s, latest=e)
        for d, (s, e) in sorted(windows.items())
    )
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=episode,
        participant_id=episode.participant_id,
        summary="Set weekly availability",
        changes={str(d): f"{hhmm(s)}-{hhmm(e)}" for d, (s, e) in sorted(windows.items())},
        at=at,
    )
    return rows


@transaction.atomic
def set_participant_preference(
    *, episode: Episode, avoid_days: set[int], preferred_clinician: User | None, by: User, at: dt.datetime
) -> ParticipantPreference:
    if any(not 0 <= d <= 6 for d in avoid_days):
        raise SchedulingError("avoid_days", "Weekdays run from 0 (Monday) to 6 (Sunday).")
    org = episode.program.site.organization_id
    if preferred_clinician is not None and (
        not preferred_clinician.is_active or preferred_clinician.organization_id != org
    ):
        raise SchedulingError("preferred_clinician", "Unknown clinician.")
    mask = sum(1 << d for d in avoid_days)
    preference, _created = ParticipantPreference.objects.update_or_create(
        episode=episode, defaults={"avoid_days_mask": mask, "preferred_clinician": preferred_clinician}
    )
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=episode,
        participant_id=episode.participant_id,
        summary="Set scheduling preferences",
        changes={"avoid_days": sorted(avoid_days), "preferred_clinician": getattr(preferred_clinician, "pk", None)},
        at=at,
    )
    return preference


@transaction.atomic
def set_staff_availability(
    *, staff: User, windows: Mapping[int, Window], by: User, at: dt.datetime
) -> list[StaffAvailability]:
    """Replace a staff member's weekly working hours (weekday -> start, end)."""
    _check_windows(windows)
    StaffAvailability.objects.filter(staff=staff).delete()
    rows = StaffAvailability.objects.bulk_create(
        StaffAvailability(staff=staff, weekday=d, starts_at=s, ends_at=e) for d, (s, e) in sorted(windows.items())
    )
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=staff,
        summary=f"Set working hours of {staff.display_name}",
        changes={str(d): f"{hhmm(s)}-{hhmm(e)}" for d, (s, e) in sorted(windows.items())},
        at=at,
    )
    return rows


@transaction.atomic
def record_time_off(
    *, staff: User, starts_at: dt.datetime, ends_at: dt.datetime, reason: str, by: User, at: dt.datetime
) -> tuple[StaffTimeOff, list[Session]]:
    """Record leave or a call-out. Returns it with the future sessions the staff member was to lead in
    that span (re-plan the week to give them other facilitators and move one-to-one sessions)."""
    check_time_order(starts_at, ends_at)
    if ends_at <= at:
        raise SchedulingError("ends_at", "This time off is already over.")
    off = StaffTimeOff.objects.create(
        staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason.strip(), created_at=at, created_by=by
    )
    affected = list(
        Session.objects.filter(
            facilitator=staff, status=SessionStatus.SCHEDULED, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .filter(starts_at__gt=at)
        .select_related("program__site", "service_type", "room")
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=off,
        summary=f"Recorded time off for {staff.display_name}; {len(affected)} session(s) need another facilitator",
        changes={"starts_at": starts_at, "ends_at": ends_at, "sessions": [s.pk for s in affected]},
        at=at,
    )
    return off, affected


# --- Calendar feeds ------------------------------------------------------------------------------


@transaction.atomic
def create_calendar_feed(
    *, by: User, at: dt.datetime, participant: Participant | None = None, staff: User | None = None
) -> tuple[CalendarFeed, str]:
    """A secret calendar URL for a participant or a clinician. Returns the feed and the raw token,
    which is never stored (only its SHA-256) and so can be shown only now."""
    if (participant is None) == (staff is None):
        raise SchedulingError("kind", "A feed belongs to one participant or one clinician.")
    raw = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(
        kind=FeedKind.PARTICIPANT if participant is not None else FeedKind.CLINICIAN,
        participant=participant,
        staff=staff,
        token_hash=hash_token(raw),
        prefix=raw[:12],
        created_at=at,
        created_by=by,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=feed,
        participant_id=participant.pk if participant is not None else None,
        summary=f"Created a {feed.get_kind_display().lower()} calendar feed ({feed.prefix}…)",
        changes={"staff": staff.pk if staff is not None else None},
        at=at,
    )
    return feed, raw


@transaction.atomic
def revoke_calendar_feed(*, feed: CalendarFeed, by: User, at: dt.datetime) -> CalendarFeed:
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is not None:
        raise SchedulingError("feed", "This calendar feed is already revoked.")
    feed.revoked_at, feed.revoked_by = at, by
    feed.save(update_fields=["revoked_at", "revoked_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=feed,
        participant_id=feed.participant_id,
        summary=f"Revoked calendar feed {feed.prefix}…",
        changes={"revoked_at": at},
        at=at,
    )
    return feed
