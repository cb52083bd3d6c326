"""Every state change of the safety app. Keyword-only, atomic, audited; each raises ``SafetyError(field,
reason)`` for a broken rule and leaves the database unchanged.

Escalation of unacknowledged events is in ``escalation.py``; the in-app and e-mail notifications it
sends are in ``notify.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, models, transaction

from cadence.accounts.models import STAFF_ROLES, User
from cadence.accounts.permissions import Capability, has_capability
from cadence.audit.actions import record
from cadence.audit.models import AuditAction
from cadence.participants.models import Participant
from cadence.participants.queries import current_episode
from cadence.programs.models import Site

from . import notify
from .conf import ack_minutes
from .escalation import AUTOMATIC, schedule_sweep
from .models import (
    AssessmentKind,
    CrisisEvent,
    CrisisEventChange,
    CrisisSource,
    Disposition,
    EventStatus,
    FlagKind,
    FlagSource,
    Notification,
    OnCallShift,
    RiskFlag,
    Severity,
    ShiftRole,
)
from .rules import ESCALATING, SafetyError, ack_deadline, flag_for_alert

log = logging.getLogger(__name__)


def _origin(origin: models.Model | None) -> tuple[str, int | None]:
    if origin is None:
        return "", None
    return origin._meta.label_lower, int(origin.pk)


def _require(by: User | None, capability: Capability, what: str) -> User:
    if by is None or by.role not in STAFF_ROLES or not has_capability(by.role, capability):
        raise SafetyError("by", f"Only staff allowed to {what} can do this.")
    return by


def _reason(text: str, field: str, what: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise SafetyError(field, f"Give {what}.")
    return cleaned


# --- Risk flags ----------------------------------------------------------------------------------


@transaction.atomic
def raise_risk_flag(
    *,
    participant: Participant,
    kind: str,
    severity: str,
    at: dt.datetime,
    by: User | None = None,
    source: str = FlagSource.STAFF,
    note: str = "",
    origin: models.Model | None = None,
) -> RiskFlag:
    """Put a risk flag on the participant's chart header. Staff flags need a staff member allowed to raise
    them (``by``); flags from a measure or check-in are automatic (``origin`` is what raised it; a flag of
    one kind is raised once per origin). Raises ``SafetyError`` for an unknown kind, severity or source."""
    if kind not in FlagKind.values:
        raise SafetyError("kind", f"Unknown kind of risk {kind!r}.")
    if severity not in Severity.values:
        raise SafetyError("severity", f"Unknown severity {severity!r}.")
    if source not in FlagSource.values:
        raise SafetyError("source", f"Unknown source {source!r}.")
    if source == FlagSource.STAFF:
        _require(by, Capability.RAISE_RISK_FLAG, "raise risk flags")
    origin_type, origin_id = _origin(origin)
    if origin_id is not None:
        existing = RiskFlag.objects.filter(kind=kind, origin_type=origin_type, origin_id=origin_id).first()
        if existing is not None:
            return existing
    flag = RiskFlag.objects.create(
        participant=participant,
        kind=kind,
        severity=severity,
        source=source,
        note=note.strip()[:300],
        raised_at=at,
        raised_by=by,
        origin_type=origin_type,
        origin_id=origin_id,
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        actor_label=None if by is not None else AUTOMATIC,
        obj=flag,
        participant_id=participant.pk,
        summary=f"Risk flag raised: {flag.get_kind_display()} ({severity})",
        changes={"kind": kind, "severity": severity, "source": source, "origin": f"{origin_type}#{origin_id or ''}"},
        at=at,
    )
    return flag


@transaction.atomic
def clear_risk_flag(*, flag: RiskFlag, reason: str, by: User, at: dt.datetime) -> RiskFlag:
    """Clear an active flag. Only a clinician (a role that responds to crises) may, and only with a reason."""
    _require(by, Capability.RESPOND_TO_CRISIS, "clear risk flags")
    cleaned = _reason(reason, "reason", "the reason the risk no longer applies")
    flag = RiskFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.cleared_at is not None:
        raise SafetyError("flag", "This flag was already cleared.")
    flag.cleared_at, flag.cleared_by, flag.cleared_reason = at, by, cleaned
    flag.save(update_fields=["cleared_at", "cleared_by", "cleared_reason"])
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=flag,
        participant_id=flag.participant_id,
        summary=f"Risk flag cleared: {flag.get_kind_display()}",
        changes={"cleared_reason": cleaned},
        at=at,
    )
    return flag


# --- Crisis events -------------------------------------------------------------------------------


def _check_raiser(participant: Participant, source: str, by: User | None) -> None:
    if source == CrisisSource.PARTICIPANT and (by is None or by.pk != participant.portal_user_id):
        raise SafetyError("source", "Only the participant's own portal login can press the help button.")
    if source == CrisisSource.STAFF:
        _require(by, Capability.RAISE_RISK_FLAG, "raise crisis events")


def _change(event: CrisisEvent, *, by: User | None, at: dt.datetime, before: str, note: str = "") -> None:
    CrisisEventChange.objects.create(event=event, at=at, by=by, from_status=before, to_status=event.status, note=note)


@transaction.atomic
def raise_crisis_event(
    *,
    participant: Participant,
    severity: str,
    source: str,
    summary: str,
    at: dt.datetime,
    by: User | None = None,
    origin: models.Model | None = None,
) -> CrisisEvent:
    """Raise a crisis event for staff to respond to (the participant's help button, a measure, a check-in
    or a staff member). ``summary`` is short and shown only inside Cadence. An event is raised once per
    ``origin``; pressing the help button again while an earlier press is still unacknowledged returns that
    event. High and critical events escalate when not acknowledged in time (``escalation.py``).

    Raises ``SafetyError`` for an unknown severity or source, an empty summary, or a raiser who may not.
    """
    if severity not in Severity.values:
        raise SafetyError("severity", f"Unknown severity {severity!r}.")
    if source not in CrisisSource.values:
        raise SafetyError("source", f"Unknown source {source!r}.")
    text = _reason(summary, "summary", "a short summary")[:300]
    _check_raiser(participant, source, by)
    origin_type, origin_id = _origin(origin)
    existing = None
    if origin_id is not None:
        existing = CrisisEvent.objects.filter(origin_type=origin_type, origin_id=origin_id).first()
    elif source == CrisisSource.PARTICIPANT:
        existing = CrisisEvent.objects.filter(participant=participant, source=source, status=EventStatus.RAISED).first()
    if existing is not None:
        return existing
    event = CrisisEvent(
        participant=participant,
        episode=current_episode(participant),
        severity=severity,
        source=source,
        summary=text,
        raised_at=at,
        raised_by=by,
        origin_type=origin_type,
        origin_id=origin_id,
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:  # raised concurrently for the same origin
        return CrisisEvent.objects.get(origin_type=origin_type, origin_id=origin_id)
    _change(event, by=by, at=at, before="")
    record(
        action=AuditAction.CREATE,
        actor=by,
        actor_label=None if by is not None else AUTOMATIC,
        obj=event,
        participant_id=participant.pk,
        summary=f"Crisis event raised ({severity}, {event.get_source_display()})",
        changes={"severity": severity, "source": source, "origin": f"{origin_type}#{origin_id or ''}"},
        at=at,
    )
    notify.tell_primary_clinician(event=event, at=at)
    if severity in ESCALATING:
        deadline = ack_deadline(at, ack_minutes())
        transaction.on_commit(lambda: schedule_sweep(run_after=deadline))
    return event


def _locked(event: CrisisEvent) -> CrisisEvent:
    return CrisisEvent.objects.select_for_update(of=("self",)).select_related("participant").get(pk=event.pk)


def _audit_step(event: CrisisEvent, by: User, at: dt.datetime, what: str, changes: dict[str, Any]) -> None:
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=event,
        participant_id=event.participant_id,
        summary=f"Crisis event {what}",
        changes=changes,
        at=at,
    )


@transaction.atomic
def acknowledge_crisis_event(*, event: CrisisEvent, by: User, at: dt.datetime, note: str = "") -> CrisisEvent:
    """Someone is responding: stops the escalation. Only a raised event can be acknowledged."""
    _require(by, Capability.RESPOND_TO_CRISIS, "respond to crises")
    event = _locked(event)
    if event.status != EventStatus.RAISED:
        raise SafetyError("status", "This event was already acknowledged.")
    if at < event.raised_at:
        raise SafetyError("at", "An event cannot be acknowledged before it was raised.")
    before = event.status
    event.status, event.acknowledged_at, event.acknowledged_by = EventStatus.ACKNOWLEDGED, at, by
    event.save(update_fields=["status", "acknowledged_at", "acknowledged_by"])
    _change(event, by=by, at=at, before=before, note=note.strip())
    minutes = round((at - event.raised_at).total_seconds() / 60, 1)
    _audit_step(event, by, at, "acknowledged", {"status": [before, event.status], "minutes_to_acknowledge": minutes})
    return event


@transaction.atomic
def assess_crisis_event(
    *, event: CrisisEvent, assessment: str, disposition: str, by: User, at: dt.datetime, notes: str = ""
) -> CrisisEvent:
    """Record the assessment (C-SSRS or clinician) and the disposition of an acknowledged event."""
    _require(by, Capability.RESPOND_TO_CRISIS, "respond to crises")
    if assessment not in AssessmentKind.values:
        raise SafetyError("assessment", "Choose the C-SSRS or a clinician assessment.")
    if disposition not in Disposition.values:
        raise SafetyError("disposition", "Choose a disposition.")
    event = _locked(event)
    if event.status == EventStatus.RAISED:
        raise SafetyError("status", "Acknowledge the event before recording the assessment.")
    if event.status != EventStatus.ACKNOWLEDGED:
        raise SafetyError("status", "This event was already assessed.")
    before = event.status
    event.status, event.assessed_at, event.assessed_by = EventStatus.ASSESSED, at, by
    event.assessment, event.disposition = assessment, disposition
    if notes.strip():
        event.notes = f"{event.notes}\n{notes.strip()}".strip()
    event.save(update_fields=["status", "assessed_at", "assessed_by", "assessment", "disposition", "notes"])
    _change(event, by=by, at=at, before=before, note=notes.strip())
    _audit_step(
        event,
        by,
        at,
        "assessed",
        {"status": [before, event.status], "assessment": assessment, "disposition": disposition},
    )
    return event


@transaction.atomic
def resolve_crisis_event(*, event: CrisisEvent, by: User, at: dt.datetime, note: str = "") -> CrisisEvent:
    """Close an assessed event."""
    _require(by, Capability.RESPOND_TO_CRISIS, "respond to crises")
    event = _locked(event)
    if event.status == EventStatus.RESOLVED:
        raise SafetyError("status", "This event is already resolved.")
    if event.status != EventStatus.ASSESSED:
        raise SafetyError("status", "Record the assessment and disposition before resolving the event.")
    before = event.status
    event.status, event.resolved_at, event.resolved_by = EventStatus.RESOLVED, at, by
    event.save(update_fields=["status", "resolved_at", "resolved_by"])
    _change(event, by=by, at=at, before=before, note=note.strip())
    _audit_step(event, by, at, "resolved", {"status": [before, event.status]})
    return event


@transaction.atomic
def reopen_crisis_event(*, event: CrisisEvent, reason: str, by: User, at: dt.datetime) -> CrisisEvent:
    """Reopen a resolved event (its own audited step, with a reason). It goes back to acknowledged: the
    person reopening it is responding; the earlier resolution stays in the event's history."""
    _require(by, Capability.RESPOND_TO_CRISIS, "respond to crises")
    cleaned = _reason(reason, "reason", "the reason for reopening")
    event = _locked(event)
    if event.status != EventStatus.RESOLVED:
        raise SafetyError("status", "Only a resolved event can be reopened.")
    before, resolved_at = event.status, event.resolved_at
    event.status, event.resolved_at, event.resolved_by = EventStatus.ACKNOWLEDGED, None, None
    event.save(update_fields=["status", "resolved_at", "resolved_by"])
    _change(event, by=by, at=at, before=before, note=cleaned)
    _audit_step(
        event, by, at, "reopened", {"status": [before, event.status], "reason": cleaned, "resolved_at": resolved_at}
    )
    return event


# --- From measures -------------------------------------------------------------------------------


def raise_from_alert(*, alert: Any, at: dt.datetime) -> RiskFlag | None:
    """Turn a measures alert into a risk flag (and a crisis event for high and critical ones), per
    ``rules.flag_for_alert``. Runs inside the alert's transaction (``measures.signals.alert_raised``)."""
    spec = flag_for_alert(alert_kind=alert.kind, alert_severity=alert.severity, origin_type=alert.source_type)
    if spec is None:
        return None
    label = alert.get_kind_display()
    flag = raise_risk_flag(
        participant=alert.participant,
        kind=spec.kind,
        severity=spec.severity,
        source=spec.source,
        note=label,
        at=at,
        origin=alert,
    )
    if spec.raises_event:
        source = CrisisSource.CHECK_IN if spec.source == FlagSource.CHECK_IN else CrisisSource.MEASURE
        raise_crisis_event(
            participant=alert.participant, severity=spec.severity, source=source, summary=label, at=at, origin=alert
        )
    return flag


# --- On-call roster ------------------------------------------------------------------------------


@transaction.atomic
def add_on_call_shift(
    *,
    site: Site,
    staff: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User,
    at: dt.datetime,
    role: str = ShiftRole.PRIMARY,
) -> OnCallShift:
    """Put ``staff`` on call for ``site``. The staff member must be able to respond to crises and belong to
    the site's organization; two primary shifts of one site never overlap."""
    _require(by, Capability.MANAGE_ON_CALL, "manage the on-call roster")
    if role not in ShiftRole.values:
        raise SafetyError("role", "Choose primary or backup.")
    if ends_at <= starts_at:
        raise SafetyError("ends_at", "The shift must end after it starts.")
    if ends_at - starts_at > dt.timedelta(days=14):
        raise SafetyError("ends_at", "A shift lasts at most 14 days.")
    if (
        not staff.is_active
        or staff.organization_id != site.organization_id
        or not has_capability(staff.role, Capability.RESPOND_TO_CRISIS)
    ):
        raise SafetyError("staff", "Choose an active clinician, director or administrator of this organization.")
    Site.objects.select_for_update().filter(pk=site.pk).first()  # one roster change per site at a time
    if role == ShiftRole.PRIMARY:
        clash = (
            OnCallShift.objects.filter(
                site=site,
                role=ShiftRole.PRIMARY,
                cancelled_at__isnull=True,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
            )
            .select_related("staff")
            .first()
        )
        if clash is not None:
            raise SafetyError(
                "starts_at", f"{clash.staff.display_name} is already the primary on call for part of this time."
            )
    shift = OnCallShift.objects.create(
        site=site, staff=staff, role=role, starts_at=starts_at, ends_at=ends_at, created_by=by, created_at=at
    )
    record(
        action=AuditAction.CREATE,
        actor=by,
        obj=shift,
        summary=f"On-call shift added: {staff.display_name} ({role}) at {site.name}",
        changes={"staff": staff.username, "role": role, "starts_at": starts_at, "ends_at": ends_at},
        at=at,
    )
    return shift


@transaction.atomic
def end_on_call_shift(*, shift: OnCallShift, by: User, at: dt.datetime) -> OnCallShift:
    """End a shift now: a shift that has not started is cancelled, a running one ends at ``at``."""
    _require(by, Capability.MANAGE_ON_CALL, "manage the on-call roster")
    shift = OnCallShift.objects.select_for_update().get(pk=shift.pk)
    if shift.cancelled_at is not None or shift.ends_at <= at:
        raise SafetyError("shift", "This shift is already over.")
    if at <= shift.starts_at:
        shift.cancelled_at = at
        shift.save(update_fields=["cancelled_at"])
        what = "cancelled"
    else:
        shift.ends_at = at
        shift.save(update_fields=["ends_at"])
        what = "ended early"
    record(
        action=AuditAction.UPDATE,
        actor=by,
        obj=shift,
        summary=f"On-call shift {what}: {shift.staff_id} at site {shift.site_id}",
        changes={"ends_at": shift.ends_at, "cancelled_at": shift.cancelled_at},
        at=at,
    )
    return shift


# --- Notifications -------------------------------------------------------------------------------


def mark_notifications_read(*, recipient: User, at: dt.datetime, event: CrisisEvent | None = None) -> int:
    """Mark the recipient's unread notifications (of one event, or all) read; returns how many."""
    rows = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if event is not None:
        rows = rows.filter(event=event)
    return rows.update(read_at=at)
