"""Marking attendance on a session's roster.

Two staff marking the same roster lose nothing: each save touches one participant's row, the row is
locked while it changes, and the last write wins; every write is its own audit entry with the values
before and after.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.hashing import diff
from cadence.audit.models import AuditAction
from cadence.participants.models import Episode, EpisodeStatus, Participant
from cadence.scheduling.models import Booking, BookingStatus, Session, SessionStatus

from ..models import Attendance
from ..queries import session_note_signed
from ..rules import (
    AttendanceError,
    Mark,
    check_change_allowed,
    check_on_roster,
    check_session_started,
    check_status_for_session,
    derive_minutes,
    resolve_minutes,
)
from ..weekly import refresh_weekly_ledger

TRACKED = ("status", "late_minutes", "left_early_minutes", "minutes", "minutes_reason", "added_reason")


def describe(session: Session) -> str:
    local = session.starts_at.astimezone(session.program.site.zone)
    return f"{session.service_type.name} {local:%Y-%m-%d %H:%M}"


def _snapshot(row: Attendance) -> dict[str, Any]:
    return {name: getattr(row, name) for name in TRACKED}


def _episode_for(
    session: Session, participant: Participant, booking: Booking | None, existing: Attendance | None
) -> int:
    if booking is not None:
        return booking.episode_id
    if existing is not None:
        return existing.episode_id
    episode_id = (
        Episode.objects.filter(participant=participant, program_id=session.program_id, status=EpisodeStatus.ACTIVE)
        .values_list("pk", flat=True)
        .first()
    )
    if episode_id is None:
        raise AttendanceError("participant", f"{participant.display_name} is not admitted to {session.program.name}.")
    return episode_id


@transaction.atomic
def mark_attendance(
    *,
    session: Session,
    participant: Participant,
    mark: Mark,
    by: User,
    at: dt.datetime,
    add_reason: str = "",
    reason: str = "",
    checked_in_at: dt.datetime | None = None,
    evaluate: bool = True,
) -> Attendance:
    """Record or change one participant's attendance at a session (the last write wins).

    Refuses: a session that has not started; any status but "cancelled by the program" on a cancelled
    session; a participant not on the roster (booked or already marked) without ``add_reason``, or not
    admitted to the session's program; minutes that break ``rules.resolve_minutes``; a change after the
    session's note is signed without ``reason``. Opens outreach tasks the accountability rules call for
    (``evaluate``). Rewrites the cached ledger week of the mark (``weekly.refresh_weekly_ledger``)."""
    session = Session.objects.select_related("program__site", "service_type").get(pk=session.pk)
    check_session_started(starts_at=session.starts_at, at=at)
    check_status_for_session(status=mark.status, session_cancelled=session.status == SessionStatus.CANCELLED)
    if participant.organization_id != session.program.site.organization_id:
        raise AttendanceError("participant", "Unknown participant.")
    existing = Attendance.objects.select_for_update().filter(session=session, participant=participant).first()
    booking = Booking.objects.filter(session=session, participant=participant, status=BookingStatus.BOOKED).first()
    check_on_roster(on_roster=booking is not None or existing is not None, add_reason=add_reason)
    episode_id = _episode_for(session, participant, booking, existing)
    minutes = resolve_minutes(mark, session_minutes=session.minutes)
    check_change_allowed(
        note_signed=session_note_signed(session.pk, participant.pk), is_change=existing is not None, reason=reason
    )
    values: dict[str, Any] = {
        "status": mark.status,
        "late_minutes": mark.late_minutes,
        "left_early_minutes": mark.left_early_minutes,
        "minutes": minutes,
        "minutes_reason": mark.minutes_reason.strip() if minutes != _derived(mark, session) else "",
    }
    if existing is None:
        row = _create(session, participant, episode_id, booking, values, add_reason, checked_in_at, by, at)
        if row is None:  # a concurrent first mark won the race: this write is an update of it
            existing = Attendance.objects.select_for_update().get(session=session, participant=participant)
        else:
            record(
                action=AuditAction.CREATE,
                actor=by,
                obj=row,
                participant_id=participant.pk,
                summary=f"Attendance {row.get_status_display().lower()} at {describe(session)}"
                + (" (added to the roster)" if booking is None else ""),
                changes=_snapshot(row) | {"session": session.pk},
                at=at,
            )
            _after_save(row, at, evaluate)
            return row
    before = _snapshot(existing)
    for name, value in values.items():
        setattr(existing, name, value)
    if checked_in_at is not None:
        existing.checked_in_at = checked_in_at
    changed = diff(before, _snapshot(existing))
    if not changed:
        return existing
    existing.change_reason = reason.strip()
    existing.updated_at, existing.updated_by = at, by
    existing.save()
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=existing,
        participant_id=participant.pk,
        summary=f"Attendance changed to {existing.get_status_display().lower()} at {describe(session)}",
        changes=changed | ({"reason": reason.strip()} if reason.strip() else {}) | {"session": session.pk},
        at=at,
    )
    _after_save(existing, at, evaluate)
    return existing


def _derived(mark: Mark, session: Session) -> int:
    return derive_minutes(
        status=mark.status,
        session_minutes=session.minutes,
        late_minutes=mark.late_minutes,
        left_early_minutes=mark.left_early_minutes,
    )


def _create(
    session: Session,
    participant: Participant,
    episode_id: int,
    booking: Booking | None,
    values: dict[str, Any],
    add_reason: str,
    checked_in_at: dt.datetime | None,
    by: User,
    at: dt.datetime,
) -> Attendance | None:
    """Insert the first mark, or None when another writer inserted it first."""
    row = Attendance(
        session=session,
        participant=participant,
        episode_id=episode_id,
        booking=booking,
        occurs_on=session.occurs_on,
        session_minutes=session.minutes,
        added_reason="" if booking is not None else add_reason.strip(),
        checked_in_at=checked_in_at,
        created_at=at,
        created_by=by,
        updated_at=at,
        updated_by=by,
        **{k: v for k, v in values.items() if k != "added_reason"},
    )
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        if Attendance.objects.filter(session=session, participant=participant).exists():
            return None
        raise
    return row


def _after_save(row: Attendance, at: dt.datetime, evaluate: bool) -> None:
    """Rewrite the mark's cached ledger week (same transaction), then open the outreach tasks the
    accountability rules call for (``evaluate``)."""
    episode = Episode.objects.select_related("program__site").get(pk=row.episode_id)
    refresh_weekly_ledger(episode=episode, day=row.occurs_on)
    if not evaluate:
        return
    from .outreach import evaluate_accountability

    evaluate_accountability(episode=episode, at=at)


@transaction.atomic
def mark_all_present(*, session: Session, by: User, at: dt.datetime) -> int:
    """Mark every booked participant without a mark yet as present for the whole session; returns how
    many were marked. Rows already marked are left alone (so a second tap changes nothing)."""
    session = Session.objects.select_related("program__site", "service_type").get(pk=session.pk)
    check_session_started(starts_at=session.starts_at, at=at)
    if session.status == SessionStatus.CANCELLED:
        raise AttendanceError("status", "This session was cancelled; mark it as cancelled by the program.")
    marked = Attendance.objects.filter(session=session).values_list("participant_id", flat=True)
    bookings = (
        Booking.objects.filter(session=session, status=BookingStatus.BOOKED)
        .exclude(participant_id__in=marked)
        .select_related("participant")
    )
    count = 0
    for booking in bookings:
        mark_attendance(session=session, participant=booking.participant, mark=Mark("present"), by=by, at=at)
        count += 1
    return count
