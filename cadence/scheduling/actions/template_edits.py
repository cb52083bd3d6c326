"""Editing and ending weekly templates and their slots, and changing closures.

What was held stays as it was: a change reaches only the generated sessions that have not started
and carry nothing recorded (attendance, kiosk check-ins, progress or group notes). Those sessions are
moved to the slot's new day and times, re-roomed, re-staffed or cancelled; the rest keep their
history. Every function re-checks the rules the creating action checks and raises
``SchedulingError(field, reason)`` naming the form field.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.programs.models import Room

from ..conflicts import (
    check_facilitator,
    check_participant_available,
    check_participant_free,
    closed_days,
    describe,
    room_clash,
)
from ..models import (
    Booking,
    BookingStatus,
    Closure,
    ServiceType,
    Session,
    SessionStatus,
    TemplateSlot,
    WeeklyTemplate,
)
from ..rules import SchedulingError, check_capacity_not_below_bookings
from ..weeks import aware
from .sessions import cancel_booking_row
from .templates import check_slot, check_template_period, lock_template

_UNSET: Any = object()


@dataclass
class EditReport:
    """What an edit did to the sessions already created: moved or changed, cancelled, bookings dropped."""

    changed: int = 0
    cancelled: int = 0
    unbooked: int = 0
    kept: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.changed} upcoming session(s) updated", f"{self.cancelled} cancelled"]
        if self.unbooked:
            parts.append(f"{self.unbooked} booking(s) dropped (the participant cannot make the new time)")
        if self.kept:
            parts.append(f"{self.kept} already held or with records kept as they were")
        return "; ".join(parts) + "."


def open_sessions(slots: QuerySet[TemplateSlot] | list[TemplateSlot], at: dt.datetime) -> QuerySet[Session]:
    """Generated sessions of ``slots`` that an edit may still change: scheduled, not started, nothing
    recorded for them."""
    return (
        Session.objects.filter(generated_from__in=slots, status=SessionStatus.SCHEDULED, starts_at__gt=at)
        .filter(
            attendance__isnull=True,
            kiosk_check_ins__isnull=True,
            progress_notes__isnull=True,
            group_note__isnull=True,
        )
        .distinct()
        .select_related("program__site", "service_type", "room", "facilitator", "track")
    )


def _recorded_count(slots: QuerySet[TemplateSlot] | list[TemplateSlot], at: dt.datetime, moving: set[int]) -> int:
    return (
        Session.objects.filter(generated_from__in=slots, status=SessionStatus.SCHEDULED, starts_at__gt=at)
        .exclude(pk__in=moving)
        .count()
    )


def _cancel(session: Session, reason: str) -> None:
    _mark_cancelled(session, reason)
    session.save(update_fields=["status", "cancel_reason", "cancelled_by_plan"])


# --- Templates -----------------------------------------------------------------------------------


@transaction.atomic
def change_template(
    *,
    template: WeeklyTemplate,
    by: User,
    at: dt.datetime,
    name: str = _UNSET,
    starts_on: dt.date = _UNSET,
    ends_on: dt.date | None = _UNSET,
) -> EditReport:
    """Rename a template or change its period. Refuses an empty name, an end not after the start and a
    period overlapping another template of the track. Upcoming sessions (see module docstring) that
    fall outside the new period are cancelled; held ones stay."""
    template = lock_template(template)
    new_name = template.name if name is _UNSET else name.strip()
    new_start = template.starts_on if starts_on is _UNSET else starts_on
    new_end = template.ends_on if ends_on is _UNSET else ends_on
    if not new_name:
        raise SchedulingError("name", "Give the template a name.")
    check_template_period(template.track, new_start, new_end, exclude=template.pk)
    before = {"name": template.name, "starts_on": template.starts_on, "ends_on": template.ends_on}
    template.name, template.starts_on, template.ends_on = new_name, new_start, new_end
    template.save(update_fields=["name", "starts_on", "ends_on"])
    report = EditReport()
    slots = list(TemplateSlot.objects.filter(template=template))
    for session in open_sessions(slots, at):
        if not template.covers(session.occurs_on):
            _cancel(session, f"The template “{template.name}” does not run on this day any more.")
            report.cancelled += 1
    after = {"name": template.name, "starts_on": template.starts_on, "ends_on": template.ends_on}
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    ended = set(changes) == {"ends_on"} and new_end is not None
    what = f"Ended weekly template “{template.name}” on {new_end:%Y-%m-%d}" if ended else ""
    what = what or f"Changed weekly template “{template.name}”"
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=template,
        summary=f"{what}; {report.cancelled} upcoming session(s) cancelled",
        changes=changes | {"cancelled_sessions": report.cancelled},
        at=at,
    )
    return report


def end_template(*, template: WeeklyTemplate, ends_on: dt.date, by: User, at: dt.datetime) -> EditReport:
    """End a template: no sessions from ``ends_on`` on (exclusive end). Past sessions, and sessions with
    attendance or notes recorded, stay. Refuses an end not after the template's start."""
    return change_template(template=template, ends_on=ends_on, by=by, at=at)


# --- Slots ---------------------------------------------------------------------------------------


@transaction.atomic
def change_template_slot(
    *,
    slot: TemplateSlot,
    weekday: int,
    starts_at: dt.time,
    ends_at: dt.time,
    service_type: ServiceType,
    room: Room,
    by: User,
    at: dt.datetime,
    max_size: int | None = None,
    facilitator: User | None = None,
) -> EditReport:
    """Change a recurring group with the checks of adding one (``check_slot``, the slot itself left
    out), then carry the change to its upcoming sessions (module docstring): each moves to the new
    weekday of its week and the new times, room, facilitator, size and service. Refuses a size below
    an upcoming session's bookings (``max_size``) and a room taken on one of the dates (``room``).
    A facilitator who is off or busy on a date is left off that session (as generation does); a
    booked participant who cannot make the new time loses that booking; an occurrence moved into the
    past, onto a closed day or out of the template's period is cancelled."""
    template = lock_template(slot.template)
    slot = (
        TemplateSlot.objects.select_for_update(of=("self",))
        .select_related("service_type", "room", "facilitator")
        .get(pk=slot.pk)
    )
    size = check_slot(
        template=template,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        service_type=service_type,
        room=room,
        max_size=max_size,
        facilitator=facilitator,
        exclude=slot.pk,
    )
    before = _slot_values(slot)
    slot.weekday, slot.starts_at, slot.ends_at = weekday, starts_at, ends_at
    slot.service_type, slot.room, slot.facilitator, slot.max_size = service_type, room, facilitator, size
    slot.save()
    report = EditReport()
    sessions = list(open_sessions([slot], at))
    report.kept = _recorded_count([slot], at, {s.pk for s in sessions})
    program = template.program
    zone = program.site.zone
    # Read once for every upcoming session: the closed days among the new dates, the live bookings,
    # and the dates this slot's other sessions (held, cancelled, with records) hold.
    new_day = {s.pk: s.occurs_on + dt.timedelta(days=weekday - s.occurs_on.weekday()) for s in sessions}
    closed = closed_days(program, new_day.values())
    booked: dict[int, list[Booking]] = defaultdict(list)
    for booking in Booking.objects.filter(session__in=sessions, status=BookingStatus.BOOKED).select_related(
        "participant", "episode__participant"
    ):
        booked[booking.session_id].append(booking)
    held_days = Counter(
        Session.objects.filter(generated_from=slot).exclude(pk__in=list(new_day)).values_list("occurs_on", flat=True)
    )
    held_days.update(s.occurs_on for s in sessions)
    cancelled: list[Session] = []
    changed: list[Session] = []
    for session in sessions:
        day = new_day[session.pk]
        begins, ends = aware(zone, day, starts_at), aware(zone, day, ends_at)
        if begins <= at or not template.covers(day) or day in closed:
            _mark_cancelled(session, f"The template changed: {slot} does not run on {day:%d %b %Y}.")
            cancelled.append(session)
            report.cancelled += 1
            continue
        bookings = booked[session.pk]
        try:
            check_capacity_not_below_bookings(size, len(bookings))
        except SchedulingError as exc:
            raise SchedulingError("max_size", f"{describe(session)}: {exc.reason}") from exc
        moved = (begins, ends) != (session.starts_at, session.ends_at)
        # check_slot has checked the room's site and size; whether it is free matters only when the
        # session changes room, day or time (an unchanged booking of the room stays as free as it was).
        if moved or session.room_id != room.pk:
            clash = _room_clash(sessions, session, room, begins, ends)
            if clash is not None:
                raise SchedulingError(
                    "room", f"On {day:%a %d %b %Y}: {room.name} is already used by {describe(clash)}."
                )
        lead = facilitator
        if lead is not None:
            try:
                check_facilitator(
                    lead,
                    program=program,
                    service_type=service_type,
                    starts_at=begins,
                    ends_at=ends,
                    exclude=[session.pk],
                )
            except SchedulingError as exc:
                report.notes.append(f"{day:%a %d %b}: no facilitator ({exc.reason})")
                lead = None
        for booking in bookings if moved else []:
            try:
                check_participant_free(booking.participant, begins, ends, exclude=[session.pk])
                check_participant_available(booking.episode, zone, begins, ends)
            except SchedulingError:
                moved_to = f"{day:%a %d %b} {begins.astimezone(zone):%H:%M}"
                summary = f"Unbooked: the template group moved to {moved_to}"
                cancel_booking_row(booking=booking, summary=summary, by=by, at=at)
                report.unbooked += 1
        if day != session.occurs_on:
            if held_days[day]:  # the unique (slot, day) constraint, checked before the one bulk update
                raise SchedulingError("weekday", f"The group already has a session on {day:%d %b %Y}.")
            held_days[session.occurs_on] -= 1
            held_days[day] += 1
        session.occurs_on, session.starts_at, session.ends_at = day, begins, ends
        session.room, session.facilitator, session.capacity, session.service_type = room, lead, size, service_type
        changed.append(session)
        report.changed += 1
    Session.objects.bulk_update(cancelled, ["status", "cancel_reason", "cancelled_by_plan"])
    try:
        with transaction.atomic():
            Session.objects.bulk_update(changed, SLOT_SESSION_FIELDS)
    except IntegrityError as exc:  # a session of this slot appeared on one of the new dates meanwhile
        raise SchedulingError("weekday", "The group already has a session on one of the new dates.") from exc
    after = _slot_values(slot)
    changes: dict[str, Any] = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=slot,
        summary=f"Changed {slot} of template “{template.name}”: {report.summary()}",
        changes=changes | {"sessions_changed": report.changed, "sessions_cancelled": report.cancelled},
        at=at,
    )
    return report


SLOT_SESSION_FIELDS = ["occurs_on", "starts_at", "ends_at", "room", "facilitator", "capacity", "service_type"]


def _mark_cancelled(session: Session, reason: str) -> None:
    session.status, session.cancel_reason, session.cancelled_by_plan = SessionStatus.CANCELLED, reason, False


def _room_clash(
    sessions: list[Session], session: Session, room: Room, begins: dt.datetime, ends: dt.datetime
) -> Session | None:
    """The first session (by start) using ``room`` between ``begins`` and ``ends``: in the database,
    or among the slot's upcoming ``sessions`` as the edit leaves them so far (those handled at their
    new time or cancelled, the rest as they are; their rows are written at the end, in one update)."""
    found = room_clash(room, begins, ends, exclude=[s.pk for s in sessions])
    clashes = [found] if found is not None else []
    clashes += [
        other
        for other in sessions
        if other.pk != session.pk
        and other.status == SessionStatus.SCHEDULED
        and other.room_id == room.pk
        and other.starts_at < ends
        and other.ends_at > begins
    ]
    return min(clashes, key=lambda s: (s.starts_at, s.room.name, s.pk), default=None)


def _slot_values(slot: TemplateSlot) -> dict[str, Any]:
    return {
        "weekday": slot.weekday,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "service_type": slot.service_type_id,
        "room": slot.room_id,
        "facilitator": slot.facilitator_id,
        "max_size": slot.max_size,
    }


# --- Closures ------------------------------------------------------------------------------------


@transaction.atomic
def change_closure(*, closure: Closure, day: dt.date, reason: str, by: User, at: dt.datetime) -> tuple[int, int]:
    """Change a closure's date or reason. Moving it re-opens the upcoming sessions it had cancelled on
    the old day (those not started) and cancels the scheduled ones of the new day, as closing does.
    Refuses an empty reason and a day already closed. Returns (re-opened, cancelled)."""
    closure = Closure.objects.select_for_update(of=("self",)).select_related("site", "program__site").get(pk=closure.pk)
    if not reason.strip():
        raise SchedulingError("reason", "Give the reason for the closure (e.g. Thanksgiving).")
    old_day, old_reason = closure.date, closure.reason
    closure.date, closure.reason = day, reason.strip()
    try:
        with transaction.atomic():
            closure.save(update_fields=["date", "reason"])
    except IntegrityError as exc:
        raise SchedulingError("date", f"{day:%d %b %Y} is already closed.") from exc
    scope = Q(program__site=closure.site) if closure.site is not None else Q(program=closure.program)
    ours = Session.objects.filter(
        scope, status=SessionStatus.CANCELLED, cancelled_by_plan=False, cancel_reason=f"Closed: {old_reason}"
    )
    reopened = cancelled = 0
    if day != old_day:
        reopened = ours.filter(occurs_on=old_day, starts_at__gt=at).update(
            status=SessionStatus.SCHEDULED, cancel_reason=""
        )
        cancelled = Session.objects.filter(
            scope, status=SessionStatus.SCHEDULED, occurs_on=day, starts_at__gt=at
        ).update(status=SessionStatus.CANCELLED, cancelled_by_plan=False, cancel_reason=f"Closed: {closure.reason}")
    if closure.reason != old_reason:
        ours.filter(occurs_on=day).update(cancel_reason=f"Closed: {closure.reason}")
    changes: dict[str, Any] = {}
    if day != old_day:
        changes["date"] = [old_day, day]
    if closure.reason != old_reason:
        changes["reason"] = [old_reason, closure.reason]
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=closure,
        summary=f"Changed the closure of {old_day:%Y-%m-%d} to {day:%Y-%m-%d} ({closure.reason}); "
        f"{reopened} session(s) re-opened, {cancelled} cancelled",
        changes=changes | {"reopened_sessions": reopened, "cancelled_sessions": cancelled},
        at=at,
    )
    return reopened, cancelled
