"""/api/v1/attendance: rosters (read and mark), weekly ledgers, the program board, authorizations (CRUD;
DELETE voids) and billable days.

The same scope checks and actions as the pages: an object outside the user's programs is a 404 (and the
attempt is audited), a role that may not act is a 403, and a broken rule is a 400 naming the field and
the reason (``{"detail": [{"field": ..., "reason": ...}]}``). Dates are local dates at the site;
``ends_on`` is always exclusive (the first day not covered).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.permissions import Capability, require
from cadence.accounts.request import staff_user
from cadence.accounts.scope import visible_programs
from cadence.core.queries import local_now
from cadence.participants.models import Participant, Payer
from cadence.participants.queries import get_participant_for
from cadence.programs.models import LevelOfCare

from . import actions, queries
from .ledger import WeekLedger
from .ledger_data import episode_ledger, program_board, week_starts_on
from .models import Attendance, Authorization
from .rules import AttendanceError, Mark, week_start_of

router = Router(tags=["attendance"])


def refusals(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer an ``AttendanceError`` with 400 and the field and reason (the API's error format)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except AttendanceError as exc:
            return JsonResponse({"detail": [{"field": exc.field, "reason": exc.reason}]}, status=400)

    return wrapped


def _viewer(request: HttpRequest) -> User:
    user = staff_user(request)
    require(user, Capability.VIEW_PARTICIPANT)
    return user


# --- Schemas ---------------------------------------------------------------------------------------


class AttendanceOut(Schema):
    id: int
    session_id: int
    participant_id: int
    episode_id: int
    booking_id: int | None
    occurs_on: dt.date
    status: str
    late_minutes: int
    left_early_minutes: int
    minutes: int
    session_minutes: int
    minutes_reason: str
    added_reason: str
    updated_at: dt.datetime
    updated_by_id: int


class RosterRowOut(Schema):
    participant_id: int
    record_number: str
    name: str
    booked: bool
    attendance: AttendanceOut | None
    check_in: str | None = Field(None, description="pending, confirmed or dismissed kiosk check-in")


class RosterOut(Schema):
    session_id: int
    program_id: int
    service_type: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    minutes: int
    status: str
    rows: list[RosterRowOut]


class MarkIn(Schema):
    participant_id: int
    status: Literal["present", "excused", "unexcused", "program_cancelled"]
    late_minutes: int = Field(0, ge=0, le=720)
    left_early_minutes: int = Field(0, ge=0, le=720)
    minutes: int | None = Field(
        None,
        description="Minutes attended when they differ from the session length less "
        "late and left early (needs minutes_reason).",
    )
    minutes_reason: str = Field("", max_length=300)
    reason: str = Field("", max_length=300, description="Reason for the change (needed once the note is signed).")
    add_reason: str = Field("", max_length=300, description="Needed for a participant who is not booked.")


class WeekOut(Schema):
    week_start: dt.date
    week_end: dt.date = Field(..., description="Exclusive")
    levels: list[str]
    required_minutes: int
    required_days: int
    minutes: int
    days: int
    minutes_by_service: dict[str, int] = Field(..., description="Counted minutes by service type code")
    minutes_by_category: dict[str, int] = Field(
        ..., description="Counted minutes by category: group, individual, family, psychoeducation, other"
    )
    uncounted_minutes: int
    program_cancelled_minutes: int
    excused_absences: int
    unexcused_absences: int
    booked_minutes: int
    unrecorded_sessions: int
    projected_minutes: int
    projected_days: int
    is_over: bool
    short_because_of_program: bool
    status: str


def week_out(w: WeekLedger) -> dict[str, Any]:
    return {
        "week_start": w.week_start,
        "week_end": w.week_end,
        "levels": list(w.levels),
        "required_minutes": w.required_minutes,
        "required_days": w.required_days,
        "minutes": w.minutes,
        "days": w.days,
        "minutes_by_service": dict(w.minutes_by_service),
        "minutes_by_category": {c.category.key: c.minutes for c in w.by_category},
        "uncounted_minutes": w.uncounted_minutes,
        "program_cancelled_minutes": w.program_cancelled_minutes,
        "excused_absences": w.excused_absences,
        "unexcused_absences": w.unexcused_absences,
        "booked_minutes": w.booked_minutes,
        "unrecorded_sessions": w.unrecorded_sessions,
        "projected_minutes": w.projected_minutes,
        "projected_days": w.projected_days,
        "is_over": w.is_over,
        "short_because_of_program": w.short_because_of_program,
        "status": w.status.value,
    }


class LedgerOut(Schema):
    participant_id: int
    episode_id: int | None
    program_id: int | None
    week_starts_on: int | None = Field(None, description="0 = Monday ... 6 = Sunday")
    weeks: list[WeekOut]


class BoardRowOut(Schema):
    participant_id: int
    episode_id: int
    name: str
    record_number: str
    track: str
    clinician_id: int | None
    this_week: WeekOut
    last_week: WeekOut


class BoardOut(Schema):
    program_id: int
    week_start: dt.date
    count: int = Field(..., description="Admitted participants on the board (all pages)")
    page: int
    page_size: int
    rows: list[BoardRowOut]


class WarningOut(Schema):
    kind: str
    message: str


class AuthorizationOut(Schema):
    id: int
    participant_id: int
    episode_id: int | None
    payer_id: int
    number: str
    level_of_care: str | None
    billing_code: str
    unit: str
    units_authorized: int
    units_used: int
    units_left: int
    starts_on: dt.date
    ends_on: dt.date = Field(..., description="Exclusive: the first day not covered")
    review_on: dt.date | None
    notes: str
    voided: bool
    warnings: list[WarningOut]


class AuthorizationIn(Schema):
    participant_id: int
    payer_id: int
    number: str = Field(..., min_length=1, max_length=64)
    level_of_care: str | None = Field(None, description="Level code, e.g. 2.1")
    billing_code: str = Field("", max_length=16)
    unit: Literal["days", "units"] = "days"
    units_authorized: int = Field(..., ge=1)
    starts_on: dt.date
    ends_on: dt.date = Field(..., description="Exclusive: the first day not covered")
    review_on: dt.date | None = None
    notes: str = ""


class AuthorizationPatch(Schema):
    payer_id: int | None = None
    number: str | None = Field(None, min_length=1, max_length=64)
    level_of_care: str | None = None
    billing_code: str | None = Field(None, max_length=16)
    unit: Literal["days", "units"] | None = None
    units_authorized: int | None = Field(None, ge=1)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    review_on: dt.date | None = None
    notes: str | None = None


class BillableDayOut(Schema):
    participant_id: int
    record_number: str
    day: dt.date
    minutes: int
    billing_code: str
    revenue_code: str
    units: int
    authorization_id: int | None
    billable: bool
    reasons: list[str]
    messages: list[str]
    part2_consent_in_effect: bool = Field(
        ..., description="A TPO consent is in effect today: without one the claim must be held (42 CFR Part 2)."
    )


class BillableDaysOut(Schema):
    payer_id: int
    starts_on: dt.date
    ends_on: dt.date
    billable_days: int
    units: int
    held_participant_ids: list[int] = Field(..., description="Participants with no TPO consent in effect today.")
    days: list[BillableDayOut]


class OutreachOut(Schema):
    id: int
    participant_id: int
    rule: str = Field(..., alias="rule.kind")
    reason: str
    owner_id: int | None
    due_on: dt.date
    status: str
    outcome: str
    outcome_note: str


# --- Rosters ---------------------------------------------------------------------------------------


def _roster_out(session: Any, participant_id: int | None = None) -> dict[str, Any]:
    rows = queries.roster(session, participant_id=participant_id)
    return {
        "session_id": session.pk,
        "program_id": session.program_id,
        "service_type": session.service_type.code,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "minutes": session.minutes,
        "status": session.status,
        "rows": [
            {
                "participant_id": r.participant.pk,
                "record_number": r.participant.record_number,
                "name": r.participant.display_name,
                "booked": r.booking is not None,
                "attendance": r.attendance,
                "check_in": r.check_in.status if r.check_in else None,
            }
            for r in rows
        ],
    }


@router.get("/sessions/{session_id}/roster", response=RosterOut, summary="A session's roster with attendance")
def read_roster(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user = _viewer(request)
    session = queries.get_session_for(user, session_id)
    out = _roster_out(session)
    queries.audit_read(
        user,
        what=f"API roster of session {session.pk}",
        object_type="scheduling.session",
        object_id=session.pk,
        count=len(out["rows"]),
    )
    return out


@router.post("/sessions/{session_id}/marks", response={200: AttendanceOut}, summary="Mark one participant's attendance")
@refusals
def mark(request: HttpRequest, session_id: int, payload: MarkIn) -> Attendance:
    user = staff_user(request)
    session = queries.get_session_for(user, session_id)
    require(user, Capability.TAKE_ATTENDANCE)
    participant = get_participant_for(user, payload.participant_id, audit_view=False)
    return actions.mark_attendance(
        session=session,
        participant=participant,
        mark=Mark(
            payload.status,
            payload.late_minutes,
            payload.left_early_minutes,
            payload.minutes,
            payload.minutes_reason,
        ),
        reason=payload.reason,
        add_reason=payload.add_reason,
        by=user,
        at=timezone.now(),
    )


# --- Ledgers and board -------------------------------------------------------------------------------


class LedgerQuery(Schema):
    week: dt.date | None = Field(None, description="A day of the last week to return (default: this week)")
    weeks: int = Field(12, ge=1, le=104)


@router.get("/participants/{participant_id}/ledger", response=LedgerOut, summary="Weekly hours ledger")
def read_ledger(request: HttpRequest, participant_id: int, filters: Query[LedgerQuery]) -> dict[str, Any]:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, purpose="API attendance ledger")
    require(user, Capability.VIEW_PARTICIPANT)
    episode = (
        participant.episodes.filter(program__in=visible_programs(user), admitted_on__isnull=False)
        .select_related("program__site")
        .order_by("-admitted_on", "-pk")
        .first()
    )
    if episode is None:
        return {"participant_id": participant.pk, "episode_id": None, "program_id": None, "weeks": []}
    ledger = episode_ledger(episode, at=timezone.now(), weeks=filters.weeks, until=filters.week)
    return {
        "participant_id": participant.pk,
        "episode_id": episode.pk,
        "program_id": episode.program_id,
        "week_starts_on": ledger.week_starts_on,
        "weeks": [week_out(w) for w in ledger.weeks],
    }


class BoardQuery(Schema):
    program_id: int
    week: dt.date | None = Field(None, description="A day of the week (default: this week)")
    track_id: int | None = None
    mine: bool = False
    page: int = Field(1, ge=1)
    page_size: int = Field(100, ge=1, le=1000)


@router.get("/board", response=BoardOut, summary="A program's weekly hours, most at risk first (paginated)")
def read_board(request: HttpRequest, filters: Query[BoardQuery]) -> dict[str, Any]:
    user = _viewer(request)
    program = queries.get_program_for(user, filters.program_id)
    week = week_start_of(filters.week, week_starts_on(program)) if filters.week else None
    board = program_board(
        program,
        at=timezone.now(),
        week_start=week,
        track_id=filters.track_id,
        clinician_id=user.pk if filters.mine else None,
    )
    queries.audit_read(
        user,
        what=f"API attendance board of {program.name}",
        object_type="programs.program",
        object_id=program.pk,
        count=len(board.rows),
    )
    start = (filters.page - 1) * filters.page_size
    return {
        "program_id": program.pk,
        "week_start": board.week_start,
        "count": len(board.rows),
        "page": filters.page,
        "page_size": filters.page_size,
        "rows": [
            {
                "participant_id": r.participant_id,
                "episode_id": r.episode_id,
                "name": r.name,
                "record_number": r.record_number,
                "track": r.track,
                "clinician_id": r.clinician_id,
                "this_week": week_out(r.this_week),
                "last_week": week_out(r.last_week),
            }
            for r in board.rows[start : start + filters.page_size]
        ],
    }


@router.get("/participants/{participant_id}/outreach", response=list[OutreachOut], summary="Outreach tasks")
def read_outreach(request: HttpRequest, participant_id: int) -> list[Any]:
    user = staff_user(request)
    participant = get_participant_for(user, participant_id, purpose="API outreach tasks")
    require(user, Capability.VIEW_PARTICIPANT)
    return queries.outreach_for_participant(participant, user)


# --- Authorizations ---------------------------------------------------------------------------------


def _authorization_out(row: queries.AuthorizationRow) -> dict[str, Any]:
    a = row.authorization
    return {
        "id": a.pk,
        "participant_id": a.participant_id,
        "episode_id": a.episode_id,
        "payer_id": a.payer_id,
        "number": a.number,
        "level_of_care": a.level_of_care.code if a.level_of_care else None,
        "billing_code": a.billing_code,
        "unit": a.unit,
        "units_authorized": a.units_authorized,
        "units_used": row.units_used,
        "units_left": row.units_left,
        "starts_on": a.starts_on,
        "ends_on": a.ends_on,
        "review_on": a.review_on,
        "notes": a.notes,
        "voided": a.voided_at is not None,
        "warnings": [{"kind": w.kind.value, "message": w.message} for w in row.warnings],
    }


def _one(a: Authorization) -> dict[str, Any]:
    rows = queries.authorization_rows(Authorization.objects.filter(pk=a.pk), at=timezone.now())
    if rows:
        return _authorization_out(rows[0])
    return _authorization_out(queries.AuthorizationRow(a, 0, [], timezone.now().date()))


def _payer(user: User, payer_id: int) -> Payer:
    payer = Payer.objects.filter(pk=payer_id, organization_id=user.organization_id or 0).first()
    if payer is None:
        raise AttendanceError("payer_id", "Unknown payer.")
    return payer


def _level(code: str | None) -> LevelOfCare | None:
    if not code:
        return None
    level = LevelOfCare.objects.filter(code=code).first()
    if level is None:
        raise AttendanceError("level_of_care", f"There is no level of care {code!r}.")
    return level


class AuthorizationQuery(Schema):
    participant_id: int | None = None
    program_id: int | None = None


@router.get("/authorizations", response=list[AuthorizationOut], summary="Live authorizations, most urgent first")
def list_authorizations(request: HttpRequest, filters: Query[AuthorizationQuery]) -> list[dict[str, Any]]:
    user = _viewer(request)
    if filters.participant_id is not None:
        participant = get_participant_for(user, filters.participant_id, purpose="API authorizations")
        rows = queries.participant_authorizations(participant, at=timezone.now())
    else:
        program = queries.get_program_for(user, filters.program_id) if filters.program_id else None
        rows = queries.authorization_board(user, program=program, at=timezone.now())
        queries.audit_read(
            user,
            what="API authorization board",
            object_type="attendance.authorization",
            count=len({r.authorization.participant_id for r in rows}),
        )
    return [_authorization_out(r) for r in rows]


@router.get("/authorizations/{authorization_id}", response=AuthorizationOut, summary="Read one authorization")
def read_authorization(request: HttpRequest, authorization_id: int) -> dict[str, Any]:
    user = _viewer(request)
    return _one(queries.get_authorization_for(user, authorization_id))


@router.post("/authorizations", response={201: AuthorizationOut}, summary="Add an authorization")
@refusals
def create_authorization(request: HttpRequest, payload: AuthorizationIn) -> Status[dict[str, Any]]:
    user = staff_user(request)
    participant: Participant = get_participant_for(user, payload.participant_id, audit_view=False)
    require(user, Capability.MANAGE_AUTHORIZATIONS)
    details = actions.AuthorizationDetails(
        payer=_payer(user, payload.payer_id),
        number=payload.number,
        units_authorized=payload.units_authorized,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        unit=payload.unit,
        level_of_care=_level(payload.level_of_care),
        billing_code=payload.billing_code,
        review_on=payload.review_on,
        notes=payload.notes,
    )
    a = actions.create_authorization(participant=participant, details=details, by=user, at=timezone.now())
    return Status(201, _one(a))


@router.patch("/authorizations/{authorization_id}", response=AuthorizationOut, summary="Change an authorization")
@refusals
def update_authorization(request: HttpRequest, authorization_id: int, payload: AuthorizationPatch) -> dict[str, Any]:
    user = staff_user(request)
    a = queries.get_authorization_for(user, authorization_id)
    require(user, Capability.MANAGE_AUTHORIZATIONS)
    changes = payload.dict(exclude_unset=True)
    if "payer_id" in changes:
        payer_id = changes.pop("payer_id")
        if payer_id is None:
            raise AttendanceError("payer_id", "An authorization needs a payer.")
        changes["payer"] = _payer(user, payer_id)
    if "level_of_care" in changes:
        changes["level_of_care"] = _level(changes["level_of_care"])
    for key in ("number", "unit", "units_authorized", "starts_on", "ends_on"):
        if key in changes and changes[key] is None:
            raise AttendanceError(key, "This field cannot be empty.")
    for key in ("billing_code", "notes"):
        if key in changes and changes[key] is None:
            changes[key] = ""
    actions.update_authorization(authorization=a, changes=changes, by=user, at=timezone.now())
    return _one(a)


class VoidQuery(Schema):
    reason: str = Field("Deleted through the API", max_length=300)


@router.delete("/authorizations/{authorization_id}", response=AuthorizationOut, summary="Void an authorization")
@refusals
def void_authorization(request: HttpRequest, authorization_id: int, filters: Query[VoidQuery]) -> dict[str, Any]:
    user = staff_user(request)
    a = queries.get_authorization_for(user, authorization_id)
    require(user, Capability.MANAGE_AUTHORIZATIONS)
    voided = actions.void_authorization(authorization=a, reason=filters.reason, by=user, at=timezone.now())
    return _authorization_out(queries.AuthorizationRow(voided, 0, [], timezone.now().date()))


# --- Billable days ------------------------------------------------------------------------------------


class BillableQuery(Schema):
    payer_id: int
    starts_on: dt.date
    ends_on: dt.date = Field(..., description="Exclusive: the first day not included")


@router.get("/billable-days", response=BillableDaysOut, summary="Billable service days of a payer")
@refusals
def billable_days(request: HttpRequest, filters: Query[BillableQuery]) -> dict[str, Any]:
    user = staff_user(request)
    require(user, Capability.VIEW_BILLING)
    if filters.ends_on <= filters.starts_on:
        raise AttendanceError("ends_on", "The end (exclusive) must be after the start.")
    if (filters.ends_on - filters.starts_on).days > 367:
        raise AttendanceError("ends_on", "Ask for at most a year at a time.")
    payer = _payer(user, filters.payer_id)
    today = local_now(user, timezone.now()).date()
    report = queries.billing_report(
        user, payer=payer, starts_on=filters.starts_on, ends_on=filters.ends_on, today=today
    )
    queries.audit_read(
        user,
        what=f"API billable days for {payer.name}",
        object_type="attendance.billableday",
        count=len(report.participants),
    )
    return {
        "payer_id": payer.pk,
        "starts_on": filters.starts_on,
        "ends_on": filters.ends_on,
        "billable_days": report.billable_days,
        "units": report.units,
        "held_participant_ids": sorted(report.held),
        "days": [
            {
                "participant_id": d.participant_id,
                "record_number": person.record_number,
                "day": d.day,
                "minutes": d.minutes,
                "billing_code": d.rule.billing_code if d.rule else "",
                "revenue_code": d.rule.revenue_code if d.rule else "",
                "units": d.units,
                "authorization_id": d.authorization.id if d.authorization else None,
                "billable": d.billable,
                "reasons": list(d.reasons),
                "messages": [f.message for f in d.flags],
                "part2_consent_in_effect": d.participant_id not in report.held,
            }
            for d, person in report.rows
        ],
    }
