"""/api/v1/schedule: service types, templates, sessions, bookings, time off and plans ("build").

The same scope checks and actions as the pages: an object outside the user's programs is a 404, a
role that may not act is a 403, and a broken scheduling rule is a 400 naming the field and the reason
(``{"detail": [{"field": ..., "reason": ...}]}``). Times are ISO 8601; a time without an offset is
read in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.participants.queries import get_episode_for
from cadence.programs.models import Program, Room, Track

from . import actions, plans, queries
from .models import Closure, SchedulePlan, ServiceType, Session, TemplateSlot, WeeklyTemplate
from .rules import SchedulingError, require_schedule_manager
from .weeks import Week, monday_of

router = Router(tags=["scheduling"])


# --- Schemas ---------------------------------------------------------------------------------------


class ServiceTypeOut(Schema):
    code: str
    name: str
    format: str
    default_minutes: int
    min_size: int
    max_size: int
    counts_toward_hours: bool
    weekly_sessions_default: int
    required_credentials: list[str]

    @staticmethod
    def resolve_required_credentials(obj: ServiceType) -> list[str]:
        return sorted(c.code for c in obj.required_credentials.all())


class SlotOut(Schema):
    id: int
    weekday: int = Field(..., description="0 = Monday ... 6 = Sunday")
    starts_at: dt.time
    ends_at: dt.time
    service_type: str = Field(..., alias="service_type.code")
    room_id: int
    facilitator_id: int | None
    max_size: int


class TemplateOut(Schema):
    id: int
    program_id: int
    track_id: int
    name: str
    starts_on: dt.date
    ends_on: dt.date | None
    slots: list[SlotOut]


class TemplateIn(Schema):
    program_id: int
    track_id: int
    name: str = Field(..., min_length=1, max_length=100)
    starts_on: dt.date
    ends_on: dt.date | None = Field(None, description="Exclusive; empty for no end")


class SlotIn(Schema):
    weekday: int = Field(..., ge=0, le=6)
    starts_at: dt.time
    ends_at: dt.time
    service_type: str = Field(..., description="Service code, e.g. process-group")
    room_id: int
    facilitator_id: int | None = None
    max_size: int | None = Field(None, ge=1)


class TemplatePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = Field(None, description="Exclusive; send null to remove the end")


class TemplateEndIn(Schema):
    ends_on: dt.date = Field(..., description="Exclusive: no sessions from this day on")


class EditReportOut(Schema):
    changed: int
    cancelled: int
    unbooked: int
    kept: int
    notes: list[str]


class TemplateEditOut(Schema):
    template: TemplateOut
    sessions: EditReportOut


class SlotEditOut(Schema):
    slot: SlotOut
    sessions: EditReportOut


class ClosureIn(Schema):
    program_id: int
    date: dt.date
    reason: str = Field(..., min_length=1, max_length=200)
    whole_site: bool = False


class ClosurePatch(Schema):
    date: dt.date | None = None
    reason: str | None = Field(None, min_length=1, max_length=200)


class ClosureOut(Schema):
    id: int
    site_id: int | None
    program_id: int | None
    date: dt.date
    reason: str
    sessions_cancelled: int = 0
    sessions_reopened: int = 0


class SessionOut(Schema):
    id: int
    program_id: int
    track_id: int | None
    service_type: str = Field(..., alias="service_type.code")
    service_name: str = Field(..., alias="service_type.name")
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int
    room: str = Field(..., alias="room.name")
    facilitator_id: int | None
    capacity: int
    booked: int = 0
    status: str
    generated_from_id: int | None
    plan_id: int | None


class BookingOut(Schema):
    id: int
    session_id: int
    episode_id: int
    participant_id: int
    status: str
    source: str


class SessionDetailOut(SessionOut):
    bookings: list[BookingOut] = Field(..., alias="bookings_list", description="Live bookings")


class SessionIn(Schema):
    program_id: int
    service_type: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int
    track_id: int | None = None
    facilitator_id: int | None = None
    capacity: int | None = Field(None, ge=1)


class SessionPatch(Schema):
    facilitator_id: int | None = Field(None, description="null removes the facilitator (when sent)")
    room_id: int | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    capacity: int | None = Field(None, ge=1)


class GenerateIn(Schema):
    program_id: int
    starts_on: dt.date
    ends_on: dt.date = Field(..., description="Exclusive")
    track_id: int | None = None


class GenerateOut(Schema):
    created: int
    existing: int
    closed_days: list[dt.date]
    past: int
    skipped: list[str]


class BookingIn(Schema):
    session_id: int
    episode_id: int


class TimeOffIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = Field("", max_length=200)


class TimeOffOut(Schema):
    id: int
    staff_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    affected_session_ids: list[int]


class BuildIn(Schema):
    program_id: int
    week: dt.date = Field(..., description="Any day of the week to plan; its Monday is used")
    track_id: int | None = Field(None, description="Empty: all tracks")
    time_limit: int | None = Field(None, ge=1, description="Solver seconds")
    replan: bool = Field(False, description="Re-plan the published week after a change")


class PlanOut(Schema):
    id: int
    program_id: int
    track_id: int | None
    week_start: dt.date
    status: str
    is_replan: bool
    replaces_id: int | None
    time_limit: int
    solver_status: str
    objective: int | None
    bound: int | None
    summary: dict[str, Any]
    diff: dict[str, Any]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
    published_at: dt.datetime | None


class PublishOut(Schema):
    plan: PlanOut
    booked: int
    unbooked: int
    opened: int
    closed: int
    appointments_made: int
    appointments_cancelled: int
    skipped_past: int


class WindowIn(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday ... 6 = Sunday")
    earliest: dt.time
    latest: dt.time


class AvailabilityIn(Schema):
    windows: list[WindowIn] = Field(..., description="One per weekday; none: the track's hours on weekdays")


class PreferenceIn(Schema):
    avoid_days: list[int] = Field(default_factory=list, description="Weekdays to avoid, 0 = Monday")
    preferred_clinician_id: int | None = None


class PreferenceOut(Schema):
    episode_id: int
    avoid_days: list[int]
    preferred_clinician_id: int | None


# --- Helpers -------------------------------------------------------------------------------------


def _program(user: User, pk: int) -> Program:
    return queries.get_program_for(user, pk)


def _track(program: Program, pk: int | None) -> Track | None:
    if pk is None:
        return None
    track = program.tracks.filter(pk=pk).first()
    if track is None:
        raise SchedulingError("track_id", f"{program.name} has no such track.")
    return track


def _service(code: str) -> ServiceType:
    service = ServiceType.objects.filter(code=code).first()
    if service is None:
        raise SchedulingError("service_type", f"There is no service {code!r}.")
    return service


def _room(program: Program, pk: int) -> Room:
    room = Room.objects.filter(pk=pk, site_id=program.site_id).first()
    if room is None:
        raise SchedulingError("room_id", "Choose a room at the program's site.")
    return room


def _staff(program: Program, pk: int | None, field: str = "facilitator_id") -> User | None:
    if pk is None:
        return None
    staff = User.objects.filter(pk=pk, organization_id=program.site.organization_id, is_active=True).first()
    if staff is None:
        raise SchedulingError(field, "Unknown staff member.")
    return staff


def _aware(value: dt.datetime, program: Program) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=program.site.zone)


# --- Catalog and templates -----------------------------------------------------------------------


@router.get("/service-types", response=list[ServiceTypeOut], summary="Service catalog")
def list_service_types(request: HttpRequest) -> list[ServiceType]:
    return list(ServiceType.objects.filter(active=True).prefetch_related("required_credentials"))


@router.get("/templates", response=list[TemplateOut], summary="Weekly templates of a program")
def list_templates(request: HttpRequest, program_id: int) -> list[WeeklyTemplate]:
    return queries.templates_of(_program(staff_user(request), program_id))


@router.post("/templates", response={201: TemplateOut}, summary="Create a weekly template for a track")
def create_template(request: HttpRequest, payload: TemplateIn) -> Status[WeeklyTemplate]:
    user = staff_user(request)
    program = _program(user, payload.program_id)
    require_schedule_manager(user)
    track = _track(program, payload.track_id)
    if track is None:
        raise SchedulingError("track_id", "Choose a track.")
    template = actions.create_template(
        program=program,
        track=track,
        name=payload.name,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        by=user,
        at=timezone.now(),
    )
    return Status(201, queries.templates_of(program, pk=template.pk)[0])


@router.post("/templates/{template_id}/slots", response={201: SlotOut}, summary="Add a recurring group")
def add_slot(request: HttpRequest, template_id: int, payload: SlotIn) -> Status[TemplateSlot]:
    user = staff_user(request)
    template = queries.get_template_for(user, template_id)
    require_schedule_manager(user)
    program = template.program
    slot = actions.add_template_slot(
        template=template,
        weekday=payload.weekday,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        service_type=_service(payload.service_type),
        room=_room(program, payload.room_id),
        facilitator=_staff(program, payload.facilitator_id),
        max_size=payload.max_size,
        by=user,
        at=timezone.now(),
    )
    return Status(201, slot)


@router.patch("/templates/{template_id}", response=TemplateEditOut, summary="Rename a template or change its dates")
def change_template(request: HttpRequest, template_id: int, payload: TemplatePatch) -> dict[str, Any]:
    """Upcoming sessions outside the new period are cancelled; held ones stay."""
    user = staff_user(request)
    template = queries.get_template_for(user, template_id)
    require_schedule_manager(user)
    fields = payload.model_dump(exclude_unset=True)
    if fields.get("name", "") is None or ("starts_on" in fields and fields["starts_on"] is None):
        raise SchedulingError("name" if "name" in fields else "starts_on", "This field cannot be empty.")
    report = actions.change_template(template=template, by=user, at=timezone.now(), **fields)
    return {"template": queries.templates_of(template.program, pk=template.pk)[0], "sessions": report}


@router.post("/templates/{template_id}/end", response=TemplateEditOut, summary="End a template on a date")
def end_template(request: HttpRequest, template_id: int, payload: TemplateEndIn) -> dict[str, Any]:
    """No sessions from ``ends_on`` on; past sessions and sessions with records stay."""
    user = staff_user(request)
    template = queries.get_template_for(user, template_id)
    require_schedule_manager(user)
    report = actions.end_template(template=template, ends_on=payload.ends_on, by=user, at=timezone.now())
    return {"template": queries.templates_of(template.program, pk=template.pk)[0], "sessions": report}


@router.put("/slots/{slot_id}", response=SlotEditOut, summary="Change a recurring group")
def change_slot(request: HttpRequest, slot_id: int, payload: SlotIn) -> dict[str, Any]:
    """The same checks as adding a group; upcoming sessions of the group follow the change."""
    user = staff_user(request)
    slot = queries.get_slot_for(user, slot_id)
    require_schedule_manager(user)
    program = slot.template.program
    report = actions.change_template_slot(
        slot=slot,
        weekday=payload.weekday,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        service_type=_service(payload.service_type),
        room=_room(program, payload.room_id),
        facilitator=_staff(program, payload.facilitator_id),
        max_size=payload.max_size,
        by=user,
        at=timezone.now(),
    )
    return {"slot": TemplateSlot.objects.select_related("service_type").get(pk=slot.pk), "sessions": report}


@router.post("/closures", response={201: ClosureOut}, summary="Close a program or its whole site for a day")
def create_closure(request: HttpRequest, payload: ClosureIn) -> Status[dict[str, Any]]:
    user = staff_user(request)
    program = _program(user, payload.program_id)
    require_schedule_manager(user)
    where: dict[str, Any] = {"site": program.site} if payload.whole_site else {"program": program}
    closure, cancelled = actions.add_closure(
        day=payload.date, reason=payload.reason, by=user, at=timezone.now(), **where
    )
    return Status(201, _closure_out(closure, cancelled=cancelled))


@router.patch("/closures/{closure_id}", response=ClosureOut, summary="Move a closure or change its reason")
def change_closure(request: HttpRequest, closure_id: int, payload: ClosurePatch) -> dict[str, Any]:
    user = staff_user(request)
    closure = queries.get_closure_for(user, closure_id)
    require_schedule_manager(user)
    reopened, cancelled = actions.change_closure(
        closure=closure,
        day=payload.date or closure.date,
        reason=closure.reason if payload.reason is None else payload.reason,
        by=user,
        at=timezone.now(),
    )
    closure.refresh_from_db()
    return _closure_out(closure, cancelled=cancelled, reopened=reopened)


def _closure_out(closure: Closure, *, cancelled: int = 0, reopened: int = 0) -> dict[str, Any]:
    return {
        "id": closure.pk,
        "site_id": closure.site_id,
        "program_id": closure.program_id,
        "date": closure.date,
        "reason": closure.reason,
        "sessions_cancelled": cancelled,
        "sessions_reopened": reopened,
    }


# --- Sessions and bookings -----------------------------------------------------------------------


@router.get("/sessions", response=list[SessionOut], summary="Sessions of a program week")
def list_sessions(
    request: HttpRequest, program_id: int, week: dt.date | None = None, track_id: int | None = None
) -> list[Session]:
    """``week``: any day of the week (default: this week at the program's site)."""
    user = staff_user(request)
    program = _program(user, program_id)
    today = timezone.now().astimezone(program.site.zone).date()
    span = Week(monday_of(week or today), program.site.zone)
    rows = queries.week_sessions(span, Program.objects.filter(pk=program.pk))
    if track_id is not None:
        rows = rows.filter(track_id=track_id)
    return list(rows)


@router.post("/sessions/generate", response=GenerateOut, summary="Create sessions from the templates")
def generate(request: HttpRequest, payload: GenerateIn) -> actions.GenerationReport:
    user = staff_user(request)
    program = _program(user, payload.program_id)
    require_schedule_manager(user)
    return actions.generate_sessions(
        program=program,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        track=_track(program, payload.track_id),
        by=user,
        at=timezone.now(),
    )


@router.get("/sessions/{session_id}", response=SessionDetailOut, summary="One session with its bookings")
def read_session(request: HttpRequest, session_id: int) -> Session:
    user = staff_user(request)
    session = queries.get_session_for(user, session_id)
    require(user, Capability.VIEW_PARTICIPANT)
    return queries.session_with_roster(user, session)


@router.post("/sessions", response={201: SessionOut}, summary="Add a one-off session")
def create_session(request: HttpRequest, payload: SessionIn) -> Status[Session]:
    user = staff_user(request)
    program = _program(user, payload.program_id)
    require_schedule_manager(user)
    session = actions.add_one_off_session(
        program=program,
        service_type=_service(payload.service_type),
        starts_at=_aware(payload.starts_at, program),
        ends_at=_aware(payload.ends_at, program),
        room=_room(program, payload.room_id),
        track=_track(program, payload.track_id),
        facilitator=_staff(program, payload.facilitator_id),
        capacity=payload.capacity,
        by=user,
        at=timezone.now(),
    )
    return Status(201, queries.week_sessions_by_id([session.pk]).get())


@router.patch("/sessions/{session_id}", response=SessionOut, summary="Change facilitator, room, time or capacity")
def change_session(request: HttpRequest, session_id: int, payload: SessionPatch) -> Session:
    user = staff_user(request)
    session = queries.get_session_for(user, session_id)
    sent = payload.dict(exclude_unset=True)
    require(user, Capability.ADMIT)
    if {"starts_at", "ends_at", "capacity"} & set(sent):
        require_schedule_manager(user)
    program = session.program
    changes: dict[str, Any] = {}
    if "facilitator_id" in sent:
        changes["facilitator"] = _staff(program, sent["facilitator_id"])
    if sent.get("room_id") is not None:
        changes["room"] = _room(program, sent["room_id"])
    for name in ("starts_at", "ends_at"):
        if sent.get(name) is not None:
            changes[name] = _aware(sent[name], program)
    if sent.get("capacity") is not None:
        changes["capacity"] = sent["capacity"]
    actions.change_session(session=session, by=user, at=timezone.now(), **changes)
    return queries.week_sessions_by_id([session.pk]).get()


@router.post("/bookings", response={201: BookingOut}, summary="Book a participant into a session")
def create_booking(request: HttpRequest, payload: BookingIn) -> Status[Any]:
    user = staff_user(request)
    session = queries.get_session_for(user, payload.session_id)
    episode = get_episode_for(user, payload.episode_id)
    require(user, Capability.ADMIT)
    booking = actions.book_participant(session=session, episode=episode, by=user, at=timezone.now())
    return Status(201, booking)


@router.delete("/bookings/{booking_id}", response={204: None}, summary="Cancel a booking")
def delete_booking(request: HttpRequest, booking_id: int) -> Status[None]:
    user = staff_user(request)
    booking = queries.get_live_booking_for(user, booking_id)
    require(user, Capability.ADMIT)
    actions.unbook_participant(booking=booking, by=user, at=timezone.now())
    return Status(204, None)


@router.post("/staff/{staff_id}/time-off", response={201: TimeOffOut}, summary="Record time off (a call-out)")
def create_time_off(request: HttpRequest, staff_id: int, payload: TimeOffIn) -> Status[dict[str, Any]]:
    user = staff_user(request)
    staff = queries.get_staff_for(user, staff_id)
    if staff.pk != user.pk:
        require_schedule_manager(user)
    zone = queries.zone_of_staff(staff, user)
    starts = payload.starts_at if payload.starts_at.tzinfo else payload.starts_at.replace(tzinfo=zone)
    ends = payload.ends_at if payload.ends_at.tzinfo else payload.ends_at.replace(tzinfo=zone)
    off, affected = actions.record_time_off(
        staff=staff, starts_at=starts, ends_at=ends, reason=payload.reason, by=user, at=timezone.now()
    )
    body = {
        "id": off.pk,
        "staff_id": staff.pk,
        "starts_at": off.starts_at,
        "ends_at": off.ends_at,
        "affected_session_ids": [s.pk for s in affected],
    }
    return Status(201, body)


# --- Scheduling inputs ---------------------------------------------------------------------------


def _windows(payload: AvailabilityIn) -> dict[int, tuple[dt.time, dt.time]]:
    days = [w.weekday for w in payload.windows]
    if len(days) != len(set(days)):
        raise SchedulingError("windows", "Give at most one window per weekday.")
    return {w.weekday: (w.earliest, w.latest) for w in payload.windows}


@router.put("/episodes/{episode_id}/availability", response=list[WindowIn], summary="A participant's availability")
def put_participant_availability(request: HttpRequest, episode_id: int, payload: AvailabilityIn) -> list[Any]:
    user = staff_user(request)
    episode = get_episode_for(user, episode_id)
    require(user, Capability.ADMIT)
    return actions.set_participant_availability(episode=episode, windows=_windows(payload), by=user, at=timezone.now())


@router.put("/episodes/{episode_id}/preference", response=PreferenceOut, summary="Days to avoid, clinician")
def put_preference(request: HttpRequest, episode_id: int, payload: PreferenceIn) -> dict[str, Any]:
    user = staff_user(request)
    episode = get_episode_for(user, episode_id)
    require(user, Capability.ADMIT)
    clinician = _staff(episode.program, payload.preferred_clinician_id, field="preferred_clinician_id")
    actions.set_participant_preference(
        episode=episode, avoid_days=set(payload.avoid_days), preferred_clinician=clinician, by=user, at=timezone.now()
    )
    return {
        "episode_id": episode.pk,
        "avoid_days": sorted(set(payload.avoid_days)),
        "preferred_clinician_id": payload.preferred_clinician_id,
    }


@router.put("/staff/{staff_id}/availability", response=list[WindowIn], summary="A staff member's working hours")
def put_staff_availability(request: HttpRequest, staff_id: int, payload: AvailabilityIn) -> list[Any]:
    user = staff_user(request)
    staff = queries.get_staff_for(user, staff_id)
    if staff.pk != user.pk:
        require_schedule_manager(user)
    rows = actions.set_staff_availability(staff=staff, windows=_windows(payload), by=user, at=timezone.now())
    return [{"weekday": r.weekday, "earliest": r.starts_at, "latest": r.ends_at} for r in rows]


# --- Plans ---------------------------------------------------------------------------------------


@router.post("/plans", response={202: PlanOut}, summary="Build (or re-plan) a week in the background")
def build(request: HttpRequest, payload: BuildIn) -> Status[SchedulePlan]:
    user = staff_user(request)
    program = _program(user, payload.program_id)
    require_schedule_manager(user)
    plan = plans.start_build(
        program=program,
        week_start=monday_of(payload.week),
        track=_track(program, payload.track_id),
        time_limit=payload.time_limit,
        replan=payload.replan,
        by=user,
        at=timezone.now(),
    )
    return Status(202, plan)


@router.get("/plans/{plan_id}", response=PlanOut, summary="A plan: status while building, then its summary")
def read_plan(request: HttpRequest, plan_id: int) -> SchedulePlan:
    user = staff_user(request)
    plan = queries.get_plan_for(user, plan_id)
    require(user, Capability.VIEW_PARTICIPANT)
    return plan


@router.post("/plans/{plan_id}/publish", response=PublishOut, summary="Publish a draft plan")
def publish(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    user = staff_user(request)
    plan = queries.get_plan_for(user, plan_id)
    require_schedule_manager(user)
    report = plans.publish_plan(plan=plan, by=user, at=timezone.now())
    plan.refresh_from_db()
    return {"plan": plan, **{k: v for k, v in vars(report).items() if k != "changed_participants"}}


@router.post("/plans/{plan_id}/discard", response=PlanOut, summary="Discard a draft plan")
def discard(request: HttpRequest, plan_id: int) -> SchedulePlan:
    user = staff_user(request)
    plan = queries.get_plan_for(user, plan_id)
    require_schedule_manager(user)
    return plans.discard_plan(plan=plan, by=user, at=timezone.now())
