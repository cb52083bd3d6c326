"""/api/v1: instruments and scoring, a participant's measure results, check-ins, drug screens and alerts.

The same scope checks and actions as the pages: a participant outside the user's programs is a 404 (and
a DENIED audit entry), a role that may not is a 403, and a broken rule is a 400 listing each problem as
``{"detail": [{"field": "answers[3]", "reason": ...}]}``. Malformed JSON is a 422 (the API's schema errors).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from cadence.accounts.models import User
from cadence.accounts.request import staff_user
from cadence.participants.models import Participant
from cadence.participants.queries import audit_list, get_participant_for, participant_today

from . import actions
from .access import can_record_measures, can_view_measures, require_record_measures, require_view_measures
from .instruments import INSTRUMENTS, SEXES, ScoringError, UnknownInstrumentError, describe, get_instrument
from .instruments import score as score_answers
from .models import ACTIVE_ALERT_STATUSES, Alert, CheckIn, DrugScreen, MeasureResult, Source
from .queries import alerts_for, due_for_participant, get_alert_for
from .rules import CheckInValues, MeasurementError, PanelEntry, scoring_refusal

router = Router(tags=["measures"])


def refusals(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer a ``MeasurementError`` with 400 and every problem's field and reason."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except MeasurementError as exc:
            return JsonResponse({"detail": exc.as_detail()}, status=400)

    return wrapped


class Problem(Schema):
    field: str
    reason: str


class Errors(Schema):
    detail: list[Problem]


Language = Literal["en", "es"]


# --- Instruments ---------------------------------------------------------------------------------


class ScoreIn(Schema):
    answers: list[Any] = Field(
        ...,
        description="One answer per item in item order: numbers for scale items, true/false for yes/no "
        "items, null for an item skipped by the instrument's own skip logic.",
    )
    sex: str | None = Field(None, description="'male' or 'female' where a cut depends on it (AUDIT-C).")


class BandOut(Schema):
    code: str
    label: str


class FlagOut(Schema):
    code: str
    message: str


class ScoreOut(Schema):
    code: str
    version: str
    answers: list[Any]
    total: int | None
    subscales: dict[str, int]
    band: BandOut | None
    flags: list[FlagOut]
    case: bool | None


def _unknown(code: str) -> Status[dict[str, Any]]:
    return Status(404, {"detail": [{"field": "code", "reason": f"There is no instrument {code!r}."}]})


@router.get("/instruments", response=list[dict[str, Any]], summary="List the instruments (items, options, bands)")
def list_instruments(request: HttpRequest, language: Language = "en") -> list[dict[str, Any]]:
    staff_user(request)
    return [describe(instrument, language) for instrument in INSTRUMENTS.values()]


@router.get("/instruments/{code}", response={200: dict[str, Any], 404: Errors}, summary="One instrument")
def read_instrument(request: HttpRequest, code: str, language: Language = "en") -> Any:
    staff_user(request)
    if code not in INSTRUMENTS:
        return _unknown(code)
    return describe(code, language)


@router.post(
    "/instruments/{code}/score",
    response={200: ScoreOut, 400: Errors, 404: Errors},
    summary="Score answers without saving (total or subscales, band, flags)",
)
def score_instrument(request: HttpRequest, code: str, payload: ScoreIn, language: Language = "en") -> Any:
    staff_user(request)
    try:
        instrument = get_instrument(code)
    except UnknownInstrumentError:
        return _unknown(code)
    if payload.sex is not None and payload.sex not in SEXES:
        return Status(400, {"detail": [{"field": "sex", "reason": "Give sex as 'male' or 'female'."}]})
    try:
        result = score_answers(code, payload.answers, sex=payload.sex)
    except ScoringError as err:
        return Status(400, {"detail": scoring_refusal(instrument, payload.answers, err).as_detail()})
    return result.to_dict(language)


# --- Measure results -----------------------------------------------------------------------------


class ResultOut(Schema):
    id: int
    participant_id: int
    episode_id: int | None
    instrument: str
    instrument_version: str
    language: str
    answers: list[Any]
    total: int | None
    subscales: dict[str, int]
    band: str
    band_label: str
    flags: list[str]
    sex: str
    administered_on: dt.date
    administered_at: dt.datetime
    source: str
    entered_by_id: int | None


class ResultIn(Schema):
    instrument: str = Field(..., description="Instrument code, e.g. phq9")
    answers: list[Any]
    administered_on: dt.date | None = Field(None, description="Defaults to today at the participant's site.")
    sex: str | None = None
    language: Language = "en"


class DueOut(Schema):
    instrument: str
    reason: str
    due_on: dt.date
    days_overdue: int
    last_done: dt.date | None


def _participant(request: HttpRequest, participant_id: int, *, record: bool, purpose: str) -> tuple[User, Participant]:
    user = staff_user(request)
    allowed = can_record_measures(user.role) if record else can_view_measures(user.role)
    participant = get_participant_for(user, participant_id, audit_view=allowed and not record, purpose=purpose)
    (require_record_measures if record else require_view_measures)(user)
    return user, participant


@router.get("/participants/{participant_id}/measures", response=list[ResultOut], summary="A participant's results")
def list_results(request: HttpRequest, participant_id: int, instrument: str | None = None) -> list[MeasureResult]:
    _user, participant = _participant(request, participant_id, record=False, purpose="API measure results")
    rows = MeasureResult.objects.filter(participant=participant)
    if instrument:
        rows = rows.filter(instrument=instrument)
    return list(rows)


@router.post(
    "/participants/{participant_id}/measures",
    response={201: ResultOut, 400: Errors},
    summary="Record a measure (scored and saved; raises its alerts)",
)
@refusals
def create_result(request: HttpRequest, participant_id: int, payload: ResultIn) -> Status[MeasureResult]:
    user, participant = _participant(request, participant_id, record=True, purpose="")
    now = timezone.now()
    row = actions.record_measure(
        participant=participant,
        instrument=payload.instrument,
        answers=payload.answers,
        administered_on=payload.administered_on or participant_today(participant, now),
        sex=payload.sex,
        language=payload.language,
        source=Source.STAFF,
        by=user,
        at=now,
    )
    return Status(201, row)


@router.get("/participants/{participant_id}/measures/due", response=list[DueOut], summary="Measures due today")
def list_due(request: HttpRequest, participant_id: int) -> list[Any]:
    _user, participant = _participant(request, participant_id, record=False, purpose="API measures due")
    return due_for_participant(participant, timezone.now())[1]


# --- Check-ins -----------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    participant_id: int
    episode_id: int | None
    local_date: dt.date
    mood: int
    craving: int
    sleep_hours: float
    used: bool
    used_what: str
    note: str
    source: str
    submitted_at: dt.datetime


class CheckInIn(Schema):
    local_date: dt.date | None = Field(None, description="Defaults to today at the participant's site.")
    mood: int = Field(..., description="0 (very low) to 10 (very good)")
    craving: int = Field(..., description="0 (none) to 10 (extreme)")
    sleep_hours: Decimal = Field(..., description="0 to 24, one decimal")
    used: bool
    used_what: str = ""
    note: str = ""


@router.get("/participants/{participant_id}/check-ins", response=list[CheckInOut], summary="Daily check-ins")
def list_check_ins(request: HttpRequest, participant_id: int) -> list[CheckIn]:
    _user, participant = _participant(request, participant_id, record=False, purpose="API check-ins")
    return list(CheckIn.objects.filter(participant=participant))


@router.post(
    "/participants/{participant_id}/check-ins",
    response={201: CheckInOut, 400: Errors},
    summary="Record a check-in on the participant's behalf (one per local day)",
)
@refusals
def create_check_in(request: HttpRequest, participant_id: int, payload: CheckInIn) -> Status[CheckIn]:
    user, participant = _participant(request, participant_id, record=True, purpose="")
    values = CheckInValues(
        mood=payload.mood,
        craving=payload.craving,
        sleep_hours=payload.sleep_hours,
        used=payload.used,
        used_what=payload.used_what,
        note=payload.note,
    )
    row = actions.record_check_in(
        participant=participant,
        values=values,
        local_date=payload.local_date,
        source=Source.STAFF,
        by=user,
        at=timezone.now(),
    )
    return Status(201, row)


# --- Drug screens --------------------------------------------------------------------------------


class PanelIn(Schema):
    substance: str = Field(..., description="e.g. buprenorphine, cocaine, fentanyl")
    result: str = Field(..., description="positive, negative or invalid")
    expected: bool = Field(False, description="A positive is expected because it is prescribed.")


class PanelOut(Schema):
    substance: str
    result: str
    expected: bool


class ScreenIn(Schema):
    collected_on: dt.date
    observed: bool
    panels: list[PanelIn]
    note: str = ""


class ScreenOut(Schema):
    id: int
    participant_id: int
    episode_id: int | None
    collected_on: dt.date
    observed: bool
    note: str
    entered_by_id: int
    entered_at: dt.datetime
    panels: list[PanelOut]

    @staticmethod
    def resolve_panels(obj: DrugScreen) -> list[dict[str, Any]]:
        return [{"substance": p.substance, "result": p.result, "expected": p.expected} for p in obj.panels.all()]


@router.get("/participants/{participant_id}/drug-screens", response=list[ScreenOut], summary="Drug screens")
def list_screens(request: HttpRequest, participant_id: int) -> list[DrugScreen]:
    _user, participant = _participant(request, participant_id, record=False, purpose="API drug screens")
    return list(DrugScreen.objects.filter(participant=participant).prefetch_related("panels"))


@router.post(
    "/participants/{participant_id}/drug-screens",
    response={201: ScreenOut, 400: Errors},
    summary="Record a drug screen (an unexpected positive raises an alert)",
)
@refusals
def create_screen(request: HttpRequest, participant_id: int, payload: ScreenIn) -> Status[DrugScreen]:
    user, participant = _participant(request, participant_id, record=True, purpose="")
    details = actions.ScreenDetails(
        collected_on=payload.collected_on,
        observed=payload.observed,
        panels=[PanelEntry(p.substance, p.result, p.expected) for p in payload.panels],
        note=payload.note,
    )
    screen = actions.record_drug_screen(participant=participant, details=details, by=user, at=timezone.now())
    return Status(201, DrugScreen.objects.prefetch_related("panels").get(pk=screen.pk))


# --- Alerts --------------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    participant_id: int
    episode_id: int | None
    kind: str
    severity: str
    message: str
    source_type: str
    source_id: int | None
    raised_at: dt.datetime
    status: str
    acknowledged_by_id: int | None
    acknowledged_at: dt.datetime | None
    closed_by_id: int | None
    closed_at: dt.datetime | None
    outcome: str


class AlertQuery(Schema):
    status: Literal["active", "open", "acknowledged", "closed", "all"] = "active"
    mine: bool = Field(False, description="Only participants whose primary clinician you are.")


class AcknowledgeIn(Schema):
    note: str = ""


class CloseIn(Schema):
    outcome: str = Field(..., description="What was done about it.")


def _filter_status(rows: Any, status: str) -> Any:
    if status == "active":
        return rows.filter(status__in=ACTIVE_ALERT_STATUSES)
    return rows if status == "all" else rows.filter(status=status)


@router.get("/alerts", response=list[AlertOut], summary="Alerts in your scope, most urgent first")
def list_alerts(request: HttpRequest, filters: Query[AlertQuery]) -> list[Alert]:
    user = staff_user(request)
    require_view_measures(user)
    rows = list(_filter_status(alerts_for(user, mine_only=filters.mine), filters.status)[:500])
    audit_list(user, what="API alerts", count=len({a.participant_id for a in rows}), query=filters.status)
    return rows


@router.get("/participants/{participant_id}/alerts", response=list[AlertOut], summary="A participant's alerts")
def list_participant_alerts(request: HttpRequest, participant_id: int) -> list[Alert]:
    _user, participant = _participant(request, participant_id, record=False, purpose="API alerts")
    return list(Alert.objects.filter(participant=participant))


@router.post("/alerts/{alert_id}/acknowledge", response={200: AlertOut, 400: Errors}, summary="Acknowledge an alert")
@refusals
def acknowledge(request: HttpRequest, alert_id: int, payload: AcknowledgeIn) -> Alert:
    user = staff_user(request)
    alert = get_alert_for(user, alert_id)
    require_record_measures(user)
    return actions.acknowledge_alert(alert=alert, note=payload.note, by=user, at=timezone.now())


@router.post(
    "/alerts/{alert_id}/close", response={200: AlertOut, 400: Errors}, summary="Close an alert with an outcome"
)
@refusals
def close(request: HttpRequest, alert_id: int, payload: CloseIn) -> Alert:
    user = staff_user(request)
    alert = get_alert_for(user, alert_id)
    require_record_measures(user)
    return actions.close_alert(alert=alert, outcome=payload.outcome, by=user, at=timezone.now())
