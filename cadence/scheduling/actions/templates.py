"""Templates and their slots, closures, and generating dated sessions from the templates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q

from cadence.accounts.models import User
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.programs.models import Program, Room, Site, Track

from .. import conf
from ..conflicts import (
    check_facilitator,
    check_room,
)
from ..models import (
    Closure,
    ServiceType,
    Session,
    SessionStatus,
    TemplateSlot,
    WeeklyTemplate,
)
from ..rules import (
    SchedulingError,
    SlotTimes,
    TrackHours,
    check_credentials,
    check_group_size,
    check_inside_track,
    check_period,
    check_room_fits,
    check_slot_conflicts,
    hhmm,
    overlaps,
    periods_overlap,
)
from ..weeks import aware


def track_hours(track: Track) -> TrackHours:
    return TrackHours(track.name, frozenset(track.weekdays), track.starts_at, track.ends_at)


# --- Templates -----------------------------------------------------------------------------------


def check_template_period(
    track: Track, starts_on: dt.date, ends_on: dt.date | None, exclude: int | None = None
) -> None:
    """The period is well formed and overlaps no other template of the track (two templates for one
    week would be ambiguous). Locks the track so two concurrent edits cannot both pass."""
    check_period(starts_on, ends_on)
    Track.objects.select_for_update().filter(pk=track.pk).first()
    others = WeeklyTemplate.objects.filter(track=track)
    if exclude is not None:
        others = others.exclude(pk=exclude)
    for other in others:
        if periods_overlap(starts_on, ends_on, other.starts_on, other.ends_on):
            until = f"until {other.ends_on:%d %b %Y}" if other.ends_on else "with no end"
            raise SchedulingError(
                "starts_on",
                f"Overlaps the template “{other.name}” (from {other.starts_on:%d %b %Y} {until}); "
                "end it first or choose other dates.",
            )


@transaction.atomic
def create_template(
    *,
    program: Program,
    track: Track,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    by: User,
    at: dt.datetime,
) -> WeeklyTemplate:
    """A weekly template for one track. Refuses a track of another program and a period that overlaps
    another template of the same track (two templates for one week would be ambiguous)."""
    if track.program_id != program.pk:
        raise SchedulingError("track", f"This track does not belong to {program.name}.")
    if not name.strip():
        raise SchedulingError("name", "Give the template a name.")
    check_template_period(track, starts_on, ends_on)
    template = WeeklyTemplate.objects.create(
        program=program,
        track=track,
        name=name.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_at=at,
        created_by=by,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=template,
        summary=f"Created weekly template “{template.name}” for {program.name}, {track.name}",
        changes={"starts_on": starts_on, "ends_on": ends_on},
        at=at,
    )
    return template


def _slot_view(slot: TemplateSlot) -> SlotTimes:
    return SlotTimes(
        slot.weekday, slot.starts_at, slot.ends_at, slot.room_id, slot.facilitator_id, slot.service_type.name
    )


def check_slot(
    *,
    template: WeeklyTemplate,
    weekday: int,
    starts_at: dt.time,
    ends_at: dt.time,
    service_type: ServiceType,
    room: Room,
    max_size: int | None,
    facilitator: User | None,
    exclude: int | None = None,
) -> int:
    """Every rule a recurring group must keep (``exclude``: the slot being edited); returns its size.

    Refuses a one-to-one service, a slot outside the track's days or hours (or longer than the
    track), a group above the size limit, a room too small, inactive or at another site, a
    facilitator without the credential, and a slot overlapping another of the track or using the
    room or facilitator of another track's template at that time."""
    program, track = template.program, template.track
    if not service_type.active or not service_type.is_group:
        raise SchedulingError("service_type", "Templates hold group services; book one-to-one services per week.")
    check_inside_track(weekday, starts_at, ends_at, track_hours(track))
    size = max_size if max_size is not None else service_type.max_size
    check_group_size(size, min_size=service_type.min_size, limit=conf.group_max_size_limit(), is_group=True)
    if room.site_id != program.site_id or not room.active:
        raise SchedulingError("room", "Choose an active room at the program's site.")
    check_room_fits(room.name, room.capacity, size)
    if facilitator is not None:
        if not facilitator.is_active or facilitator.organization_id != program.site.organization_id:
            raise SchedulingError("facilitator", "Unknown staff member.")
        check_credentials(
            [c.code for c in facilitator.credentials.all()],
            [c.code for c in service_type.required_credentials.all()],
            service=service_type.name,
            who=facilitator.display_name,
        )
    new = SlotTimes(weekday, starts_at, ends_at, room.pk, facilitator.pk if facilitator else None, service_type.name)
    siblings = TemplateSlot.objects.filter(template=template).select_related("service_type")
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    check_slot_conflicts(new, [_slot_view(s) for s in siblings])
    # Other tracks' templates in the same period must not use the room or the facilitator at that time.
    others = (
        TemplateSlot.objects.filter(weekday=weekday, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .filter(Q(room=room) | Q(facilitator=facilitator) if facilitator else Q(room=room))
        .exclude(template=template)
        .select_related("template__track", "service_type", "room")
    )
    for other in others:
        if not periods_overlap(template.starts_on, template.ends_on, other.template.starts_on, other.template.ends_on):
            continue
        what = "room" if other.room_id == room.pk else "facilitator"
        raise SchedulingError(
            what,
            f"The {what} is already used by {other.service_type.name} ({other.template.track.name}, "
            f"{hhmm(other.starts_at)}-{hhmm(other.ends_at)}) in “{other.template.name}”.",
        )
    return size


def lock_template(template: WeeklyTemplate) -> WeeklyTemplate:
    return (
        WeeklyTemplate.objects.select_for_update(of=("self",))
        .select_related("program__site", "track")
        .get(pk=template.pk)
    )


@transaction.atomic
def add_template_slot(
    *,
    template: WeeklyTemplate,
    weekday: int,
    starts_at: dt.time,
    ends_at: dt.time,
    service_type: ServiceType,
    room: Room,
    by: User,
    at: dt.datetime,
    max_size: int | None = None,
    facilitator: User | None = None,
) -> TemplateSlot:
    """Add a recurring group; refuses what ``check_slot`` refuses."""
    template = lock_template(template)
    size = check_slot(
        template=template,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        service_type=service_type,
        room=room,
        max_size=max_size,
        facilitator=facilitator,
    )
    slot = TemplateSlot.objects.create(
        template=template,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
        service_type=service_type,
        room=room,
        facilitator=facilitator,
        max_size=size,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=slot,
        summary=f"Added {slot} to template “{template.name}”",
        changes={"room": room.pk, "facilitator": facilitator.pk if facilitator else None, "max_size": size},
        at=at,
    )
    return slot


@transaction.atomic
def remove_template_slot(*, slot: TemplateSlot, by: User, at: dt.datetime) -> None:
    """Remove a slot; sessions already generated from it stay (they lose the link to the slot)."""
    label = str(slot)
    template_id = slot.template_id
    record(
        action=AuditAction.UPDATE,
        actor=by,
        object_type="scheduling.weeklytemplate",
        object_id=template_id,
        summary=f"Removed {label} from a weekly template",
        at=at,
    )
    slot.delete()


# --- Closures and generation ---------------------------------------------------------------------


@transaction.atomic
def add_closure(
    *, day: dt.date, reason: str, by: User, at: dt.datetime, site: Site | None = None, program: Program | None = None
) -> tuple[Closure, int]:
    """Close a site or one program for a day; its future scheduled sessions that day are cancelled.
    Returns the closure and the number of sessions cancelled."""
    if (site is None) == (program is None):
        raise SchedulingError("site", "Close either a whole site or one program.")
    if not reason.strip():
        raise SchedulingError("reason", "Give the reason for the closure (e.g. Thanksgiving).")
    try:
        with transaction.atomic():
            closure = Closure.objects.create(
                site=site, program=program, date=day, reason=reason.strip(), created_at=at, created_by=by
            )
    except IntegrityError as exc:
        raise SchedulingError("date", f"{day:%d %b %Y} is already closed.") from exc
    sessions = Session.objects.filter(status=SessionStatus.SCHEDULED, occurs_on=day, starts_at__gt=at)
    sessions = sessions.filter(program__site=site) if site is not None else sessions.filter(program=program)
    cancelled = sessions.update(
        status=SessionStatus.CANCELLED, cancelled_by_plan=False, cancel_reason=f"Closed: {closure.reason}"
    )
    where = site.name if site is not None else program.name if program is not None else ""
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=closure,
        summary=f"Closed {where} on {day:%Y-%m-%d} ({closure.reason}); {cancelled} session(s) cancelled",
        changes={"date": day, "reason": closure.reason, "cancelled_sessions": cancelled},
        at=at,
    )
    return closure, cancelled


@dataclass
class GenerationReport:
    created: int = 0
    existing: int = 0
    closed_days: list[dt.date] = field(default_factory=list)
    past: int = 0
    skipped: list[str] = field(default_factory=list)


def _fits_now(
    slot: TemplateSlot, program: Program, starts_at: dt.datetime, ends_at: dt.datetime, planned: list[Session]
) -> tuple[User | None, str]:
    """The facilitator to keep (None if they are unfit this day) and a reason to skip ("" to create)."""
    day = starts_at.astimezone(program.site.zone).date()
    for other in planned:
        if other.room_id == slot.room_id and overlaps(starts_at, ends_at, other.starts_at, other.ends_at):
            return None, f"{slot} on {day:%Y-%m-%d}: the room is already used"
    try:
        check_room(slot.room, program=program, participants=0, starts_at=starts_at, ends_at=ends_at)
    except SchedulingError as exc:
        return None, f"{slot} on {day:%Y-%m-%d}: {exc.reason}"
    lead = slot.facilitator
    if lead is not None:
        try:
            check_facilitator(
                lead, program=program, service_type=slot.service_type, starts_at=starts_at, ends_at=ends_at
            )
        except SchedulingError:
            lead = None
    return lead, ""


@transaction.atomic
def generate_sessions(
    *, program: Program, starts_on: dt.date, ends_on: dt.date, by: User, at: dt.datetime, track: Track | None = None
) -> GenerationReport:
    """Create the sessions of ``program``'s templates for the days ``starts_on`` to ``ends_on``
    (exclusive). Idempotent: existing occurrences are kept. Closed days and occurrences already
    started are skipped; an occurrence whose room is taken is skipped and reported; a slot's
    facilitator who is off or busy that day is left out (the plan or staff choose another)."""
    check_period(starts_on, ends_on)
    if (ends_on - starts_on).days > conf.generate_max_days():
        raise SchedulingError("ends_on", f"Generate at most {conf.generate_max_days()} days at once.")
    if track is not None and track.program_id != program.pk:
        raise SchedulingError("track", f"This track does not belong to {program.name}.")
    Program.objects.select_for_update().filter(pk=program.pk).first()
    zone = program.site.zone
    templates = WeeklyTemplate.objects.filter(program=program, track__active=True, starts_on__lt=ends_on).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on)
    )
    if track is not None:
        templates = templates.filter(track=track)
    slots = list(
        TemplateSlot.objects.filter(template__in=templates)
        .select_related("template", "service_type", "room", "facilitator")
        .prefetch_related("service_type__required_credentials", "facilitator__credentials")
    )
    closed = set(
        Closure.objects.filter(
            Q(site_id=program.site_id) | Q(program=program), date__gte=starts_on, date__lt=ends_on
        ).values_list("date", flat=True)
    )
    existing = set(
        Session.objects.filter(generated_from__in=slots, occurs_on__gte=starts_on, occurs_on__lt=ends_on).values_list(
            "generated_from_id", "occurs_on"
        )
    )
    report = GenerationReport()
    new: list[Session] = []
    day = starts_on
    while day < ends_on:
        for slot in (s for s in slots if s.weekday == day.weekday() and s.template.covers(day)):
            if (slot.pk, day) in existing:
                report.existing += 1
                continue
            if day in closed:
                if day not in report.closed_days:
                    report.closed_days.append(day)
                continue
            begins, ends = aware(zone, day, slot.starts_at), aware(zone, day, slot.ends_at)
            if begins <= at:
                report.past += 1
                continue
            lead, problem = _fits_now(slot, program, begins, ends, new)
            if problem:
                report.skipped.append(problem)
                continue
            new.append(
                Session(
                    program=program,
                    track_id=slot.template.track_id,
                    service_type=slot.service_type,
                    occurs_on=day,
                    starts_at=begins,
                    ends_at=ends,
                    room=slot.room,
                    facilitator=lead,
                    capacity=slot.max_size,
                    generated_from=slot,
                    created_at=at,
                    created_by=by,
                )
            )
        day += dt.timedelta(days=1)
    Session.objects.bulk_create(new)
    report.created = len(new)
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=program,
        summary=f"Generated {report.created} session(s) for {program.name} from {starts_on:%Y-%m-%d} "
        f"to {ends_on:%Y-%m-%d} (exclusive)",
        changes={
            "track": track.pk if track else None,
            "created": report.created,
            "existing": report.existing,
            "closed_days": report.closed_days,
            "skipped": report.skipped[:20],
        },
        at=at,
    )
    return report
