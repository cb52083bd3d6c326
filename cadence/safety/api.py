"""/api/v1/safety: risk flags, crisis events with escalation, the on-call roster, and the response report.

The same scope checks and actions as the pages: out of scope is a 404 (and a DENIED audit entry), a role
that may not is a 403, a broken rule a 400 ``{"detail": [{"field", "reason"}]}`` (``SafetyError`` is a
``DomainError``).
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
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.queries import audit_list, get_participant_for

from . import actions, queries
from .models import CrisisEvent, OnCallShift, RiskFlag
from .rules import SafetyError

router = Router(tags=["Safety and crisis"])


class FlagOut(Schema):
    id: int
    participant_id: int
    kind: str
    severity: str
    source: str
    note: str
    raised_at: dt.datetime
    raised_by: str | None
    active: bool
    cleared_at: dt.datetime | None
    cleared_reason: str


def _flag(flag: RiskFlag) -> FlagOut:
    return FlagOut(
        id=flag.pk,
        participant_id=flag.participant_id,
        kind=flag.kind,
        severity=flag.severity,
        source=flag.source,
        note=flag.note,
        raised_at=flag.raised_at,
        raised_by=flag.raised_by.username if flag.raised_by else None,
        active=flag.cleared_at is None,
        cleared_at=flag.cleared_at,
        cleared_reason=flag.cleared_reason,
    )


class FlagIn(Schema):
    kind: str = Field(..., description="suicide_risk, overdose_risk, relapse, medical, violence or other")
    severity: str = Field(..., description="low, moderate, high or critical")
    note: str = ""


class ReasonIn(Schema):
    reason: str


class EventOut(Schema):
    id: int
    participant_id: int
    program_id: int | None
    severity: str
    source: str
    summary: str
    status: str
    raised_at: dt.datetime
    acknowledged_at: dt.datetime | None
    assessed_at: dt.datetime | None
    assessment: str
    disposition: str
    resolved_at: dt.datetime | None
    minutes_to_acknowledge: float | None


def _event(event: CrisisEvent) -> EventOut:
    minutes = None
    if event.acknowledged_at is not None:
        minutes = round((event.acknowledged_at - event.raised_at).total_seconds() / 60, 1)
    return EventOut(
        id=event.pk,
        participant_id=event.participant_id,
        program_id=event.episode.program_id if event.episode else None,
        severity=event.severity,
        source=event.source,
        summary=event.summary,
        status=event.status,
        raised_at=event.raised_at,
        acknowledged_at=event.acknowledged_at,
        assessed_at=event.assessed_at,
        assessment=event.assessment,
        disposition=event.disposition,
        resolved_at=event.resolved_at,
        minutes_to_acknowledge=minutes,
    )


class EventIn(Schema):
    severity: str = "high"
    summary: str


class NoteIn(Schema):
    note: str = ""


class AssessIn(Schema):
    assessment: str = Field(..., description="cssrs or clinician")
    disposition: str = Field(
        ...,
        description="safety_plan_reviewed, same_day_appointment, mobile_crisis, 988, emergency_department, "
        "hospitalization",
    )
    notes: str = ""


class ShiftOut(Schema):
    id: int
    site_id: int
    staff: str
    role: str
    starts_at: dt.datetime
    ends_at: dt.datetime


def _shift(shift: OnCallShift) -> ShiftOut:
    return ShiftOut(
        id=shift.pk,
        site_id=shift.site_id,
        staff=shift.staff.username,
        role=shift.role,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
    )


class ShiftIn(Schema):
    site_id: int
    staff: str = Field(..., description="username")
    role: str = "primary"
    starts_at: dt.datetime
    ends_at: dt.datetime


# --- Flags ---------------------------------------------------------------------------------------


@router.get("/participants/{participant_id}/flags", response=list[FlagOut], summary="A participant's risk flags")
def list_flags(request: HttpRequest, participant_id: int, active: bool = True) -> list[FlagOut]:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, purpose="Listed risk flags (API)")
    rows = RiskFlag.objects.filter(participant=participant).select_related("raised_by")
    if active:
        rows = rows.filter(cleared_at__isnull=True)
    return [_flag(f) for f in rows]


@router.post("/participants/{participant_id}/flags", response={201: FlagOut}, summary="Raise a risk flag")
def raise_flag(request: HttpRequest, participant_id: int, payload: FlagIn) -> Status[FlagOut]:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.RAISE_RISK_FLAG)
    flag = actions.raise_risk_flag(
        participant=participant,
        kind=payload.kind,
        severity=payload.severity,
        note=payload.note,
        by=user,
        at=timezone.now(),
    )
    return Status(201, _flag(flag))


@router.post("/flags/{flag_id}/clear", response=FlagOut, summary="Clear a risk flag (a reason is required)")
def clear_flag(request: HttpRequest, flag_id: int, payload: ReasonIn) -> FlagOut:
    user = staff_user(request)
    flag = queries.get_flag_for(user, flag_id)
    require(user, Capability.RESPOND_TO_CRISIS)
    return _flag(actions.clear_risk_flag(flag=flag, reason=payload.reason, by=user, at=timezone.now()))


# --- Events --------------------------------------------------------------------------------------


@router.get("/events", response=list[EventOut], summary="Crisis events in your programs (open ones by default)")
def list_events(request: HttpRequest, status: str = "open") -> list[EventOut]:
    user = staff_user(request)
    require(user, Capability.READ_CLINICAL_RECORD)
    rows = queries.open_events_for(user) if status == "open" else queries.events_for(user).filter(status=status)
    events = list(rows[:500])
    audit_list(user, what="Crisis events (API)", count=len({e.participant_id for e in events}), query=status)
    return [_event(e) for e in events]


@router.post("/participants/{participant_id}/events", response={201: EventOut}, summary="Raise a crisis event")
def raise_event(request: HttpRequest, participant_id: int, payload: EventIn) -> Status[EventOut]:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, audit_view=False)
    require(user, Capability.RAISE_RISK_FLAG)
    event = actions.raise_crisis_event(
        participant=participant,
        severity=payload.severity,
        source="staff",
        summary=payload.summary,
        by=user,
        at=timezone.now(),
    )
    return Status(201, _event(event))


@router.get("/events/{event_id}", response=EventOut, summary="One crisis event")
def read_event(request: HttpRequest, event_id: int) -> EventOut:
    user = staff_user(request)
    require(user, Capability.READ_CLINICAL_RECORD)
    event = queries.get_event_for(user, event_id)
    record(
        action=AuditAction.VIEW,
        actor=user,
        obj=event,
        participant_id=event.participant_id,
        summary="Read a crisis event (API)",
    )
    return _event(event)


def _responder(request: HttpRequest, event_id: int) -> tuple[User, CrisisEvent]:
    user = staff_user(request)
    event = queries.get_event_for(user, event_id)
    require(user, Capability.RESPOND_TO_CRISIS)
    return user, event


@router.post("/events/{event_id}/acknowledge", response=EventOut, summary="Acknowledge (stops escalation)")
def acknowledge(request: HttpRequest, event_id: int, payload: NoteIn) -> EventOut:
    user, event = _responder(request, event_id)
    return _event(actions.acknowledge_crisis_event(event=event, note=payload.note, by=user, at=timezone.now()))


@router.post("/events/{event_id}/assess", response=EventOut, summary="Record the assessment and disposition")
def assess(request: HttpRequest, event_id: int, payload: AssessIn) -> EventOut:
    user, event = _responder(request, event_id)
    return _event(
        actions.assess_crisis_event(
            event=event,
            assessment=payload.assessment,
            disposition=payload.disposition,
            notes=payload.notes,
            by=user,
            at=timezone.now(),
        )
    )


@router.post("/events/{event_id}/resolve", response=EventOut, summary="Resolve an assessed event")
def resolve(request: HttpRequest, event_id: int, payload: NoteIn) -> EventOut:
    user, event = _responder(request, event_id)
    return _event(actions.resolve_crisis_event(event=event, note=payload.note, by=user, at=timezone.now()))


@router.post("/events/{event_id}/reopen", response=EventOut, summary="Reopen a resolved event (a reason is required)")
def reopen(request: HttpRequest, event_id: int, payload: ReasonIn) -> EventOut:
    user, event = _responder(request, event_id)
    return _event(actions.reopen_crisis_event(event=event, reason=payload.reason, by=user, at=timezone.now()))


# --- On-call -------------------------------------------------------------------------------------


@router.get("/on-call", response=list[ShiftOut], summary="On-call shifts of a site in a period")
def list_shifts(request: HttpRequest, site_id: int, start: dt.datetime, end: dt.datetime) -> list[ShiftOut]:
    user = staff_user(request)
    site = queries.get_site_for(user, site_id)
    return [_shift(s) for s in queries.shifts_between(site, start, end)]


@router.post("/on-call", response={201: ShiftOut}, summary="Add an on-call shift")
def add_shift(request: HttpRequest, payload: ShiftIn) -> Status[ShiftOut]:
    user = staff_user(request)
    require(user, Capability.MANAGE_ON_CALL)
    site = queries.get_site_for(user, payload.site_id)
    staff = queries.on_call_candidates(site).filter(username=payload.staff).first()
    if staff is None:
        raise SafetyError("staff", f"No clinician or director {payload.staff!r} in this organization.")
    shift = actions.add_on_call_shift(
        site=site,
        staff=staff,
        role=payload.role,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        by=user,
        at=timezone.now(),
    )
    return Status(201, _shift(shift))


@router.post("/on-call/{shift_id}/end", response=ShiftOut, summary="End (or cancel) an on-call shift")
def end_shift(request: HttpRequest, shift_id: int) -> ShiftOut:
    user = staff_user(request)
    require(user, Capability.MANAGE_ON_CALL)
    shift = queries.get_shift_for(user, shift_id)
    return _shift(actions.end_on_call_shift(shift=shift, by=user, at=timezone.now()))


# --- Report --------------------------------------------------------------------------------------


@router.get("/report", response=dict[str, Any], summary="Time to acknowledge per program (median, 90th percentile)")
def report(request: HttpRequest, days: int = 30, program_id: int | None = None) -> dict[str, Any]:
    user = staff_user(request)
    require(user, Capability.VIEW_CRISIS_REPORT)
    now = timezone.now()
    days = min(max(days, 1), 366)
    data = queries.response_report(user, since=now - dt.timedelta(days=days), until=now, program_id=program_id)

    def line(item: queries.ProgramLine) -> dict[str, Any]:
        return {
            "program_id": item.program.pk,
            "program": item.program.name,
            "raised": item.raised,
            "acknowledged": item.acknowledged,
            "median_minutes": item.median,
            "p90_minutes": item.p90,
            "acknowledged_in_time_percent": item.in_time_share,
            "escalated": item.escalated,
        }

    return {
        "since": data.since,
        "until": data.until,
        "ack_minutes": data.ack_minutes,
        "programs": [line(item) for item in data.lines],
        "total": line(data.total),
        "open_events": len(data.open_events),
    }
