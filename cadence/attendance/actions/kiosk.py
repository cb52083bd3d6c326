"""Self check-in: PINs, unlocking a site's kiosk, check-ins and their confirmation on the roster."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password, make_password
from django.db import IntegrityError, transaction

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.programs.models import Site
from cadence.scheduling.models import Booking, BookingStatus, SessionStatus

from .. import conf
from ..models import Attendance, AttendanceCode, CheckInStatus, KioskCheckIn
from ..rules import (
    CODE_ALPHABET,
    CODE_LENGTH,
    AttendanceError,
    Mark,
    check_in_window,
    check_pin,
    late_minutes_from_check_in,
    normalize_code,
)
from .marking import describe, mark_attendance

NO_MATCH = "That code and PIN do not match. Try again or ask the front desk."


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def set_attendance_code(*, participant: Participant, pin: str, by: User, at: dt.datetime) -> AttendanceCode:
    """Set (or reset) the participant's 6-digit kiosk PIN; creates their check-in code the first time.
    Only the PIN's salted hash is stored, and the audit entry never holds the PIN."""
    check_pin(pin)
    row = AttendanceCode.objects.select_for_update().filter(participant=participant).first()
    created = row is None
    if row is None:
        for _attempt in range(20):
            code = _new_code()
            if not AttendanceCode.objects.filter(code=code).exists():
                break
        else:  # pragma: no cover - 24^5 codes; twenty collisions in a row do not happen
            raise AttendanceError("code", "Could not create a unique check-in code; try again.")
        row = AttendanceCode(participant=participant, code=code)
    row.pin_hash = make_password(pin)
    row.set_at, row.set_by = at, by
    row.failed_attempts, row.locked_until = 0, None
    row.save()
    record(
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=by,
        obj=row,
        participant_id=participant.pk,
        summary="Set the kiosk check-in PIN" if created else "Reset the kiosk check-in PIN",
        changes={"code": row.code},
        at=at,
    )
    return row


def unlock_kiosk(*, site: Site, by: User, at: dt.datetime) -> None:
    """Audit that a staff member opened the site's kiosk (the view then keeps it unlocked in the
    browser's session and signs the staff member out of that browser)."""
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=site,
        summary=f"Unlocked the check-in kiosk at {site.name}",
        changes={"kiosk": "unlocked", "hours": conf.kiosk_unlock_hours()},
        at=at,
    )


def lock_kiosk(*, site: Site, unlocked_by: User, at: dt.datetime) -> None:
    record(
        action=AuditAction.UPDATE,
        actor=None,
        actor_label=f"kiosk at {site.name} (unlocked by {unlocked_by.username})",
        obj=site,
        summary=f"Locked the check-in kiosk at {site.name}",
        changes={"kiosk": "locked"},
        at=at,
    )


def _verify(site: Site, raw_code: str, pin: str, at: dt.datetime) -> AttendanceCode:
    """The code's row when the PIN matches. A wrong PIN counts toward a lockout and that count is kept
    (this runs in its own transaction, committed before the refusal is raised)."""
    with transaction.atomic():
        row = (
            AttendanceCode.objects.select_for_update(of=("self",))
            .select_related("participant")
            .filter(code=normalize_code(raw_code), participant__organization_id=site.organization_id)
            .first()
        )
        if row is None:
            raise AttendanceError("code", NO_MATCH)
        if row.locked_until is not None and row.locked_until > at:
            minutes = max(1, int((row.locked_until - at).total_seconds() // 60) + 1)
            raise AttendanceError("pin", f"Too many wrong PINs. Try again in {minutes} minutes or ask the front desk.")
        if check_password(pin, row.pin_hash):
            if row.failed_attempts or row.locked_until:
                row.failed_attempts, row.locked_until = 0, None
                row.save(update_fields=["failed_attempts", "locked_until"])
            return row
        row.failed_attempts += 1
        locked = row.failed_attempts >= conf.kiosk_max_pin_failures()
        if locked:
            row.failed_attempts = 0
            row.locked_until = at + dt.timedelta(minutes=conf.kiosk_lockout_minutes())
        row.save(update_fields=["failed_attempts", "locked_until"])
        record(
            action=AuditAction.DENIED,
            actor=None,
            actor_label=f"kiosk at {site.name}",
            obj=row,
            participant_id=row.participant_id,
            summary="Wrong kiosk PIN" + ("; code locked" if locked else ""),
            at=at,
        )
    raise AttendanceError("pin", NO_MATCH)


def _no_session_message(participant: Participant, site: Site, at: dt.datetime) -> str:
    """Why there is nothing to check in to: too early, too late, or nothing booked today."""
    zone = site.zone
    today = at.astimezone(zone).date()
    before, after = conf.kiosk_opens_minutes_before(), conf.kiosk_closes_minutes_after()
    booked = (
        Booking.objects.filter(
            participant=participant,
            status=BookingStatus.BOOKED,
            session__program__site=site,
            session__status=SessionStatus.SCHEDULED,
            session__occurs_on=today,
        )
        .select_related("session__service_type")
        .order_by("session__starts_at")
    )
    upcoming = [b.session for b in booked if b.session.starts_at > at]
    if upcoming:
        session = upcoming[0]
        window = check_in_window(starts_at=session.starts_at, opens_before=before, closes_after=after)
        return (
            f"Too early: check-in for {session.service_type.name} at {session.starts_at.astimezone(zone):%H:%M} "
            f"opens at {window.opens.astimezone(zone):%H:%M}."
        )
    started = [b.session for b in booked if b.session.starts_at <= at]
    if started:
        session = started[-1]
        window = check_in_window(starts_at=session.starts_at, opens_before=before, closes_after=after)
        return (
            f"Check-in for {session.service_type.name} closed at {window.closes.astimezone(zone):%H:%M}, "
            f"{after} minutes after it started. Please see the front desk."
        )
    return "You have no session here to check in to right now. Please see the front desk."


def kiosk_check_in(*, site: Site, code: str, pin: str, unlocked_by: User, at: dt.datetime) -> KioskCheckIn:
    """Check a participant in at the site's kiosk with their code and PIN, for the booked session whose
    check-in window (``conf.kiosk_opens_minutes_before`` before the start to
    ``conf.kiosk_closes_minutes_after`` after, both inclusive) holds ``at``. Creates a pending check-in
    that staff confirm on the roster.

    Not one transaction: a wrong PIN must still count toward the lockout. Refuses: an unknown code or
    wrong PIN (one message for both), a locked code, no booked session in the window (saying whether it
    is too early or too late), a session already checked in to or already marked by staff."""
    row = _verify(site, code, pin, at)
    participant = row.participant
    before, after = conf.kiosk_opens_minutes_before(), conf.kiosk_closes_minutes_after()
    with transaction.atomic():
        bookings = list(
            Booking.objects.filter(
                participant=participant,
                status=BookingStatus.BOOKED,
                session__program__site=site,
                session__status=SessionStatus.SCHEDULED,
                session__starts_at__gte=at - dt.timedelta(minutes=after),
                session__starts_at__lte=at + dt.timedelta(minutes=before),
            )
            .select_related("session__service_type", "session__program__site")
            .order_by("session__starts_at")
        )
        bookings = [
            b
            for b in bookings
            if check_in_window(starts_at=b.session.starts_at, opens_before=before, closes_after=after).contains(at)
        ]
        if not bookings:
            raise AttendanceError("code", _no_session_message(participant, site, at))
        done = set(
            KioskCheckIn.objects.filter(participant=participant, session__in=[b.session for b in bookings]).values_list(
                "session_id", flat=True
            )
        )
        marked = set(
            Attendance.objects.filter(participant=participant, session__in=[b.session for b in bookings]).values_list(
                "session_id", flat=True
            )
        )
        open_bookings = [b for b in bookings if b.session_id not in done and b.session_id not in marked]
        if not open_bookings:
            session = bookings[0].session
            raise AttendanceError(
                "code",
                f"You are already checked in for {session.service_type.name} at "
                f"{session.starts_at.astimezone(site.zone):%H:%M}.",
            )
        booking = open_bookings[0]
        try:
            with transaction.atomic():
                check_in = KioskCheckIn.objects.create(
                    session=booking.session,
                    participant=participant,
                    booking=booking,
                    site=site,
                    checked_in_at=at,
                    kiosk_unlocked_by=unlocked_by,
                )
        except IntegrityError as exc:
            raise AttendanceError("code", "You are already checked in for this session.") from exc
        record(
            action=AuditAction.CREATE,
            actor=None,
            actor_label=f"kiosk at {site.name} (unlocked by {unlocked_by.username})",
            obj=check_in,
            participant_id=participant.pk,
            summary=f"Checked in at the kiosk for {describe(booking.session)}",
            changes={"session": booking.session_id},
            at=at,
        )
        return check_in


@transaction.atomic
def confirm_check_in(*, check_in: KioskCheckIn, by: User, at: dt.datetime) -> Attendance:
    """Staff confirm a pending check-in: the participant is marked present, late by the minutes after
    the start at which they checked in (editable afterwards on the roster)."""
    check_in = (
        KioskCheckIn.objects.select_for_update(of=("self",))
        .select_related("session", "participant")
        .get(pk=check_in.pk)
    )
    if check_in.status != CheckInStatus.PENDING:
        raise AttendanceError("check_in", "This check-in was already confirmed or dismissed.")
    session = check_in.session
    late = late_minutes_from_check_in(
        starts_at=session.starts_at, checked_in_at=check_in.checked_in_at, session_minutes=session.minutes
    )
    attendance = mark_attendance(
        session=session,
        participant=check_in.participant,
        mark=Mark("present", late_minutes=late),
        by=by,
        at=at,
        checked_in_at=check_in.checked_in_at,
    )
    check_in.status, check_in.resolved_at, check_in.resolved_by = CheckInStatus.CONFIRMED, at, by
    check_in.save(update_fields=["status", "resolved_at", "resolved_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=check_in,
        participant_id=check_in.participant_id,
        summary="Confirmed a kiosk check-in",
        changes={"status": ["pending", "confirmed"], "late_minutes": late},
        at=at,
    )
    return attendance


@transaction.atomic
def dismiss_check_in(*, check_in: KioskCheckIn, by: User, at: dt.datetime) -> KioskCheckIn:
    """Staff dismiss a pending check-in made in error (no attendance is recorded)."""
    check_in = KioskCheckIn.objects.select_for_update().get(pk=check_in.pk)
    if check_in.status != CheckInStatus.PENDING:
        raise AttendanceError("check_in", "This check-in was already confirmed or dismissed.")
    check_in.status, check_in.resolved_at, check_in.resolved_by = CheckInStatus.DISMISSED, at, by
    check_in.save(update_fields=["status", "resolved_at", "resolved_by"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=check_in,
        participant_id=check_in.participant_id,
        summary="Dismissed a kiosk check-in",
        changes={"status": ["pending", "dismissed"]},
        at=at,
    )
    return check_in
